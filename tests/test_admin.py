"""Django admin: every registered model answers for a superuser; personal data stays superuser-only."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from beneficiaires.enums import CodePublic
from beneficiaires.models import Beneficiaire, Eligibilite, Public, Sortie
from comptes.models import User
from insertion.models import (
    Clause,
    CommentaireBilan,
    HeuresRealisees,
    Objectif,
    ParametresCalibrage,
    ParametresObjectif,
)
from marches.models import Acheteur, Entreprise, EvenementSuivi, Lot, Marche
from portail.administration import AutocompletionAdminMixin
from territoires.models import Commune, Epci
from tests import factories

FABRIQUES = {
    Epci: factories.EpciFactory,
    Commune: factories.CommuneFactory,
    User: factories.UserFactory,
    Group: lambda: Group.objects.create(name="Facilitateurs"),
    Acheteur: factories.AcheteurFactory,
    Entreprise: factories.EntrepriseFactory,
    Marche: factories.MarcheFactory,
    Lot: factories.LotFactory,
    EvenementSuivi: factories.EvenementSuiviFactory,
    Clause: factories.ClauseFactory,
    HeuresRealisees: factories.HeuresRealiseesFactory,
    Objectif: factories.ObjectifFactory,
    CommentaireBilan: factories.CommentaireBilanFactory,
    # Reference rows of a data migration (one per nature): a transactional test's flush may have emptied them.
    ParametresCalibrage: lambda: ParametresCalibrage.objects.get_or_create(
        nature="travaux", defaults={"part_main_oeuvre": 50, "taux_insertion": 5, "cout_horaire": 30}
    )[0],
    ParametresObjectif: lambda: ParametresObjectif.objects.get_or_create()[0],
    Public: lambda: factories.public(CodePublic.BRSA),
    Beneficiaire: factories.BeneficiaireFactory,
    Eligibilite: factories.EligibiliteFactory,
    Sortie: factories.SortieFactory,
}

DONNEES_PERSONNELLES = [Beneficiaire, Eligibilite, Sortie, HeuresRealisees]

MODELES = sorted(admin.site._registry, key=lambda modele: modele._meta.label)

pytestmark = pytest.mark.django_db


def _url(modele, vue, *args):
    return reverse(f"admin:{modele._meta.app_label}_{modele._meta.model_name}_{vue}", args=args)


def _label(modele):
    return modele._meta.label


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def test_chaque_modele_de_l_admin_a_sa_fabrique():
    assert set(MODELES) <= set(FABRIQUES)
    assert {Marche, Beneficiaire, HeuresRealisees, Objectif, Epci} <= set(MODELES)


@pytest.mark.parametrize("modele", MODELES, ids=_label)
def test_liste_ajout_modification_historique(superuser_client, modele):
    objet = FABRIQUES[modele]()
    reponse = superuser_client.get(_url(modele, "changelist"))
    assert reponse.status_code == 200
    assert objet in reponse.context["cl"].result_list
    assert superuser_client.get(_url(modele, "add")).status_code == 200
    assert superuser_client.get(_url(modele, "change", objet.pk)).status_code == 200
    assert superuser_client.get(_url(modele, "history", objet.pk)).status_code == 200


def _terme_recherche(objet, chemin):
    valeur = objet
    for attribut in chemin.lstrip("^=@").split("__"):
        valeur = getattr(valeur, attribut)
    return max(re.findall(r"\w+", str(valeur)), key=len)


@pytest.mark.parametrize("modele", MODELES, ids=_label)
def test_recherche(superuser_client, modele):
    objet = FABRIQUES[modele]()
    reponse = superuser_client.get(_url(modele, "changelist"), {"q": "x"})
    assert reponse.status_code == 200
    champs = admin.site._registry[modele].search_fields
    if not champs:
        return
    terme = _terme_recherche(objet, champs[0])
    trouves = superuser_client.get(_url(modele, "changelist"), {"q": terme}).context["cl"].result_list
    assert objet in trouves
    absents = superuser_client.get(_url(modele, "changelist"), {"q": "zzzintrouvablezzz"}).context["cl"]
    assert absents.result_count == 0


@pytest.fixture
def staff_client(client):
    """A staff member holding every permission, but not a superuser."""
    utilisateur = factories.UserFactory(departement=True, is_staff=True)
    utilisateur.user_permissions.set(Permission.objects.all())
    client.force_login(utilisateur)
    return client


def test_index_sans_donnees_personnelles_pour_le_staff(staff_client):
    reponse = staff_client.get(reverse("admin:index"))
    assert reponse.status_code == 200
    visibles = {modele["model"] for app in reponse.context["app_list"] for modele in app["models"]}
    assert {Marche, Acheteur, Entreprise, Objectif, Epci} <= visibles
    assert visibles.isdisjoint(DONNEES_PERSONNELLES)


@pytest.mark.parametrize("modele", DONNEES_PERSONNELLES, ids=_label)
def test_donnees_personnelles_refusees_au_staff(staff_client, modele):
    objet = FABRIQUES[modele]()
    assert staff_client.get(_url(modele, "changelist")).status_code == 403
    assert staff_client.get(_url(modele, "add")).status_code == 403
    assert staff_client.get(_url(modele, "change", objet.pk)).status_code == 403
    assert staff_client.get(_url(modele, "history", objet.pk)).status_code == 403


def test_le_staff_voit_les_marches(staff_client):
    # Control for the tests above: the refusals come from the personal-data rule, not from a broken account.
    marche = factories.MarcheFactory()
    assert staff_client.get(_url(Marche, "changelist")).status_code == 200
    assert staff_client.get(_url(Marche, "change", marche.pk)).status_code == 200


@pytest.mark.parametrize(
    ("app_label", "model_name"), [("insertion", "heuresrealisees"), ("beneficiaires", "sortie")]
)
def test_autocompletion_des_beneficiaires_refusee_au_staff(staff_client, app_label, model_name):
    factories.BeneficiaireFactory(nom="Tessier")
    parametres = {
        "app_label": app_label,
        "model_name": model_name,
        "field_name": "beneficiaire",
        "term": "Tess",
    }
    assert staff_client.get(reverse("admin:autocomplete"), parametres).status_code == 403


def test_autocompletion_des_beneficiaires_pour_le_superuser(superuser_client):
    beneficiaire = factories.BeneficiaireFactory(nom="Tessier")
    parametres = {
        "app_label": "insertion",
        "model_name": "heuresrealisees",
        "field_name": "beneficiaire",
        "term": "Tess",
    }
    reponse = superuser_client.get(reverse("admin:autocomplete"), parametres)
    assert reponse.status_code == 200
    assert [r["id"] for r in reponse.json()["results"]] == [str(beneficiaire.pk)]


def _admins_et_inlines():
    for modele_admin in admin.site._registry.values():
        yield modele_admin
        yield from (inline(modele_admin.model, admin.site) for inline in modele_admin.inlines)


def test_chaque_autocompletion_tolere_une_valeur_qui_n_est_pas_un_identifiant():
    sans = [
        type(a).__name__
        for a in _admins_et_inlines()
        if a.autocomplete_fields and not isinstance(a, AutocompletionAdminMixin)
    ]
    assert not sans, f"Ajouter AutocompletionAdminMixin à : {', '.join(sans)}"


@pytest.mark.parametrize("valeur", ["0.01", str(10**30)])
def test_ajout_d_un_compte_avec_un_epci_qui_n_est_pas_un_identifiant(superuser_client, valeur):
    """A tampered autocomplete value re-displays the form with a French error, never a server error."""
    reponse = superuser_client.post(
        reverse("admin:comptes_user_add"),
        {"username": "nouveau", "usable_password": "false", "role": "epci", "epci": valeur},
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not User.objects.filter(username="nouveau").exists()


@pytest.mark.parametrize("valeur", ["abc", str(10**30), "-1", "1.5"])
def test_une_permission_qui_n_est_pas_un_identifiant_est_refusee_en_francais(superuser_client, valeur):
    groupe = Group.objects.create(name="Facilitateurs")
    reponse = superuser_client.post(
        _url(Group, "change", groupe.pk), {"name": "Facilitateurs", "permissions": [valeur]}
    )
    assert reponse.status_code == 200
    [erreur] = reponse.context["adminform"].form.errors["permissions"]
    assert "n’est pas une valeur correcte" in erreur or "n’en fait pas partie" in erreur
    assert not groupe.permissions.exists()
