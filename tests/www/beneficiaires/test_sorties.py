"""People pages: adding and editing an exit (sortie)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from beneficiaires.enums import CategorieSortie
from beneficiaires.models import Sortie
from tests.factories import (
    SortieFactory,
)
from tests.www.beneficiaires.aides import url_ajout, url_fiche, url_modif
from www.beneficiaires.forms import SortieForm

pytestmark = pytest.mark.django_db


# --- outcomes ------------------------------------------------------------------------------------


def test_sortie_ajout_par_le_departement(client, departement, personne_creee_a):
    client.force_login(departement)
    url = url_ajout(personne_creee_a)
    assert client.get(url).status_code == 200
    date = personne_creee_a.date_entree
    response = client.post(
        url, {"date": date.strftime("%d/%m/%Y"), "categorie": CategorieSortie.EMPLOI_DURABLE, "detail": "CDI"}
    )
    assert response.status_code == 302
    assert response["Location"] == url_fiche(personne_creee_a)
    sortie = personne_creee_a.sorties.get()
    assert (sortie.date, sortie.categorie, sortie.detail) == (date, CategorieSortie.EMPLOI_DURABLE, "CDI")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Sortie ajoutée : {sortie}."]
    assert sortie.history.get().history_user == departement


def test_sortie_modification_par_le_departement(client, departement, personne_heures_a):
    sortie = personne_heures_a.sorties.get()
    client.force_login(departement)
    url = url_modif(personne_heures_a, sortie)
    response = client.get(url)
    assert response.status_code == 200
    assert "CDI de charpentier" in response.content.decode()
    response = client.post(
        url,
        {
            "date": "2021-04-15",
            "categorie": CategorieSortie.SORTIE_POSITIVE,
            "detail": "Formation de soudeur",
        },
    )
    assert response.status_code == 302
    sortie.refresh_from_db()
    assert sortie.date == datetime.date(2021, 4, 15)
    assert sortie.categorie == CategorieSortie.SORTIE_POSITIVE
    assert Sortie.objects.count() == 1


def test_sortie_d_une_autre_personne_404(client, departement, personne_heures_a, personne_creee_a):
    client.force_login(departement)
    sortie = personne_heures_a.sorties.get()
    assert client.get(url_modif(personne_creee_a, sortie)).status_code == 404


@pytest.mark.parametrize(
    ("donnees", "champ", "message"),
    [
        ({"date": "", "categorie": "emploi_durable"}, "date", "Indiquez la date de sortie."),
        (
            {"date": "31/02/2021", "categorie": "emploi_durable"},
            "date",
            "Saisissez une date valide (jj/mm/aaaa).",
        ),
        ({"date": "01/01/2021", "categorie": ""}, "categorie", "Choisissez la catégorie de sortie."),
        (
            {"date": "01/01/2021", "categorie": "inconnue"},
            "categorie",
            "Choisissez une catégorie de sortie dans la liste.",
        ),
        (
            {"date": "05/01/2020", "categorie": "emploi_durable"},
            "date",
            "La date de sortie ne peut pas précéder l'entrée dans le dispositif (06/01/2020).",
        ),
        (
            {"date": "futur", "categorie": "emploi_durable"},
            "date",
            "La date de sortie ne peut pas être dans le futur.",
        ),
    ],
)
def test_sortie_erreurs_en_francais(client, departement, personne_heures_a, donnees, champ, message):
    if donnees["date"] == "futur":
        donnees["date"] = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    client.force_login(departement)
    response = client.post(url_ajout(personne_heures_a), donnees)
    assert response.status_code == 200
    assert response.context["form"].errors[champ] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert personne_heures_a.sorties.count() == 1


def test_sortie_en_double_donne_une_erreur_en_francais(client, departement, personne_heures_a):
    existante = personne_heures_a.sorties.get()
    autre = SortieFactory(
        beneficiaire=personne_heures_a, date=datetime.date(2022, 5, 2), categorie=CategorieSortie.AUTRE
    )
    client.force_login(departement)
    doublon = {"date": "01/03/2021", "categorie": existante.categorie, "detail": ""}
    response = client.post(url_ajout(personne_heures_a), doublon)
    assert response.status_code == 200
    message = "Une sortie de cette catégorie est déjà enregistrée à cette date pour cette personne."
    assert response.context["form"].non_field_errors() == [message]
    # Editing another outcome into the same date and category is refused too; saving one unchanged is fine.
    response = client.post(url_modif(personne_heures_a, autre), doublon)
    assert response.context["form"].non_field_errors() == [message]
    inchangee = {"date": "01/03/2021", "categorie": existante.categorie, "detail": "CDI"}
    assert client.post(url_modif(personne_heures_a, existante), inchangee).status_code == 302
    assert personne_heures_a.sorties.count() == 2


@pytest.mark.parametrize("utilisateur", ["agent_a", "lecteur", "lecteur_a"])
def test_sortie_interdite_hors_departement(client, request, utilisateur, personne_heures_a, personne_creee_a):
    client.force_login(request.getfixturevalue(utilisateur))
    sortie = personne_heures_a.sorties.get()
    donnees = {"date": "01/01/2022", "categorie": "autre"}
    for url in [
        url_ajout(personne_creee_a),
        url_ajout(personne_heures_a),
        url_modif(personne_heures_a, sortie),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, donnees).status_code == 404
    assert Sortie.objects.count() == 1


def test_sortie_anonyme_renvoye_vers_la_connexion(client, personne_heures_a):
    url = url_ajout(personne_heures_a)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url}"


def test_sortie_en_double_concurrente_donne_une_erreur_et_pas_d_erreur_500(
    client, departement, personne_heures_a, monkeypatch
):
    # Another request saved the same outcome between validation and save: the database constraint answers.
    monkeypatch.setattr(SortieForm, "clean", lambda self: self.cleaned_data)
    existante = personne_heures_a.sorties.get()
    client.force_login(departement)
    response = client.post(
        url_ajout(personne_heures_a), {"date": "01/03/2021", "categorie": existante.categorie}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Une sortie de cette catégorie est déjà enregistrée à cette date pour cette personne."
    ]
    assert personne_heures_a.sorties.count() == 1
