"""Validation queue: validating and rejecting lines."""

import dataclasses
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils.html import escape

from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import HeuresRealisees
from insertion.services import LigneHeures, SaisieInvalide, enregistrer_heures
from portail.formats import heures as formater_heures
from tests.factories import (
    BeneficiaireFactory,
    HeuresRealiseesFactory,
)
from tests.www.validation.aides import MARS, URL, avec_versions, connecte, lignes_affichees
from www.validation.forms import LIMITE_LIGNES_FILTREES

pytestmark = pytest.mark.django_db


def messages_de(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- actions ----------------------------------------------------------------------------------------


def test_valider_la_selection(client, departement, clause_a):
    choisie, autre = HeuresRealiseesFactory.create_batch(2, clause=clause_a, mois=MARS)
    deja = HeuresRealiseesFactory(clause=clause_a, mois=MARS, validees=True)
    valide_le_avant, valide_par_avant = deja.valide_le, deja.valide_par
    url = f"{URL}?statut=tous&mois=2026-03"

    response = connecte(client, departement).post(
        url, avec_versions({"action": "valider", "selection": [choisie.pk, deja.pk]})
    )

    assert response.status_code == 302
    assert response["Location"] == url
    assert messages_de(response) == [
        f"1 ligne validée : {choisie.beneficiaire}, mars 2026, {clause_a.lot.marche.acheteur.nom} – marché "
        f"{clause_a.lot.marche.reference}, {formater_heures(choisie.heures)}.",
        "1 ligne ignorée : elle n'était plus en attente de validation ou a été modifiée par l'EPCI "
        "depuis l'affichage de la file : vérifiez-la à nouveau.",
    ]
    choisie.refresh_from_db()
    assert choisie.statut == Statut.VALIDEES
    assert choisie.valide_par == departement
    assert choisie.valide_le is not None
    autre.refresh_from_db()
    assert autre.statut == Statut.DECLAREES
    deja.refresh_from_db()
    assert (deja.valide_le, deja.valide_par) == (valide_le_avant, valide_par_avant)


def test_valider_plusieurs_lignes_et_revenir_a_la_file_filtree(client, departement, clause_a):
    lignes = HeuresRealiseesFactory.create_batch(3, clause=clause_a, mois=MARS)
    url = f"{URL}?mois=2026-03&page=1"

    response = connecte(client, departement).post(
        url, avec_versions({"action": "valider", "selection": [r.pk for r in lignes]}), follow=True
    )

    assert response.redirect_chain == [(url, 302)]
    assert "3 lignes validées" in response.content.decode()
    assert lignes_affichees(response) == set()
    assert HeuresRealisees.objects.filter(statut=Statut.VALIDEES).count() == 3


def test_une_ligne_hors_de_la_file_filtree_est_refusee(client, departement, clause_a, clause_b):
    dans_a = HeuresRealiseesFactory(clause=clause_a, mois=MARS)
    dans_b = HeuresRealiseesFactory(clause=clause_b, mois=MARS)

    response = connecte(client, departement).post(
        f"{URL}?marche={clause_a.lot.marche_id}",
        avec_versions({"action": "valider", "selection": [dans_a.pk, dans_b.pk]}),
    )

    assert response.status_code == 200
    assert "plus dans la file" in response.content.decode()
    assert HeuresRealisees.objects.filter(statut=Statut.DECLAREES).count() == 2


def test_valider_sans_selection(client, departement, clause_a):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS)

    response = connecte(client, departement).post(URL, avec_versions({"action": "valider"}))

    assert response.status_code == 200
    assert "Sélectionnez au moins une ligne." in response.content.decode()
    ligne.refresh_from_db()
    assert ligne.statut == Statut.DECLAREES


def test_valider_toutes_les_lignes_filtrees(client, departement, clause_a, clause_b):
    de_a = HeuresRealiseesFactory.create_batch(3, clause=clause_a, mois=MARS)
    de_b = HeuresRealiseesFactory(clause=clause_b, mois=MARS)

    response = connecte(client, departement).post(
        f"{URL}?marche={clause_a.lot.marche_id}",
        avec_versions({"action": "valider", "toutes_filtrees": "on"}),
    )

    assert response.status_code == 302
    (message,) = messages_de(response)
    assert message.startswith("3 lignes validées : ") and message.count(" ; ") == 2
    assert set(HeuresRealisees.objects.filter(statut=Statut.VALIDEES)) == set(de_a)
    de_b.refresh_from_db()
    assert de_b.statut == Statut.DECLAREES


def test_valider_toutes_les_lignes_filtrees_est_borne(client, departement, clause_a, monkeypatch):
    monkeypatch.setattr("www.validation.forms.LIMITE_LIGNES_FILTREES", 2)
    HeuresRealiseesFactory.create_batch(3, clause=clause_a, mois=MARS)

    response = connecte(client, departement).post(
        URL, avec_versions({"action": "valider", "toutes_filtrees": "on"})
    )

    assert response.status_code == 200
    assert "Plus de 2 lignes déclarées correspondent aux filtres" in response.content.decode()
    assert not HeuresRealisees.objects.filter(statut=Statut.VALIDEES).exists()
    assert LIMITE_LIGNES_FILTREES == 1000


@pytest.mark.parametrize("motif", ["", "   "])
def test_rejeter_exige_un_motif(client, departement, clause_a, motif):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS)

    response = connecte(client, departement).post(
        URL, avec_versions({"action": "rejeter", "selection": [ligne.pk], "motif": motif})
    )

    assert response.status_code == 200
    contenu = response.content.decode()
    assert escape("Indiquez le motif du rejet : l'EPCI le verra.") in contenu
    # The selection is kept for the second try.
    assert f'value="{ligne.pk}" checked' in contenu
    ligne.refresh_from_db()
    assert (ligne.statut, ligne.motif_rejet, ligne.valide_par) == (Statut.DECLAREES, "", None)


def test_rejeter_avec_un_motif(client, departement, clause_a):
    lignes = HeuresRealiseesFactory.create_batch(2, clause=clause_a, mois=MARS)

    response = connecte(client, departement).post(
        URL,
        avec_versions(
            {
                "action": "rejeter",
                "selection": [r.pk for r in lignes],
                "motif": " Heures en double avec le lot 2. ",
            }
        ),
    )

    assert response.status_code == 302
    (message,) = messages_de(response)
    assert message.startswith("2 lignes rejetées : ") and all(str(r.beneficiaire) in message for r in lignes)
    for ligne in lignes:
        ligne.refresh_from_db()
        assert ligne.statut == Statut.REJETEES
        assert ligne.motif_rejet == "Heures en double avec le lot 2."
        assert ligne.valide_par == departement


def test_une_ligne_validee_est_verrouillee_pour_l_agent(client, departement, agent_a, clause_a):
    personne = BeneficiaireFactory()
    ligne = LigneHeures(
        clause=clause_a,
        mois=MARS,
        beneficiaire=personne,
        employeur=clause_a.lot.titulaire,
        heures=Decimal(35),
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    enregistrer_heures(user=agent_a, lignes=[ligne])
    rangee = HeuresRealisees.objects.get()
    connecte(client, departement).post(URL, avec_versions({"action": "valider", "selection": [rangee.pk]}))

    with pytest.raises(SaisieInvalide) as erreur:
        enregistrer_heures(
            user=agent_a,
            lignes=[dataclasses.replace(ligne, heures=Decimal(40))],
        )
    assert "déjà validées" in str(erreur.value)
    rangee.refresh_from_db()
    with pytest.raises(SaisieInvalide):
        enregistrer_heures(user=agent_a, lignes=[], suppressions=[rangee])
    rangee.refresh_from_db()
    assert (rangee.statut, rangee.heures) == (Statut.VALIDEES, Decimal(35))


def test_des_heures_modifiees_depuis_l_affichage_ne_sont_pas_validees(client, departement, agent_a, clause_a):
    ligne = LigneHeures(
        clause=clause_a,
        mois=MARS,
        beneficiaire=BeneficiaireFactory(),
        employeur=clause_a.lot.titulaire,
        heures=Decimal(35),
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    enregistrer_heures(user=agent_a, lignes=[ligne])
    rangee = HeuresRealisees.objects.get()
    # The queue shows 35 h; the clerk then corrects the row to 70 h before the validator clicks.
    contenu = connecte(client, departement).get(URL).content.decode()
    version_affichee = rangee.modifie_le.isoformat()
    assert f'name="version_{rangee.pk}" value="{version_affichee}"' in contenu
    enregistrer_heures(user=agent_a, lignes=[dataclasses.replace(ligne, heures=Decimal(70))])

    response = client.post(
        URL, {"action": "valider", "selection": [rangee.pk], f"version_{rangee.pk}": version_affichee}
    )

    rangee.refresh_from_db()
    assert (rangee.statut, rangee.heures) == (Statut.DECLAREES, Decimal(70))
    assert messages_de(response)[-1].startswith(
        "1 ligne ignorée : elle n'était plus en attente de validation ou a été modifiée"
    )
    # Seen again, at its new version, it validates.
    client.post(URL, avec_versions({"action": "valider", "selection": [rangee.pk]}))
    rangee.refresh_from_db()
    assert rangee.statut == Statut.VALIDEES
