"""A row's history read as events: hand-made histories through the services, and rows without history."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from insertion.enums import Modalite, Statut, TypeContrat
from insertion.evenements import evenements_de_la_ligne
from insertion.models import HeuresRealisees
from insertion.selectors import historique_des_heures
from insertion.services import LigneHeures, enregistrer_heures, rejeter_heures, valider_heures
from tests.factories import BeneficiaireFactory, EntrepriseFactory

pytestmark = pytest.mark.django_db

MARS = datetime.date(2026, 3, 1)


def phrases(evenements):
    return [re.sub(r"le \d{2}/\d{2}/\d{4} à \d{2}:\d{2}", "le …", e.phrase) for e in evenements]


@pytest.fixture
def personne():
    return BeneficiaireFactory(nom="Martin", prenom="Léa")


@pytest.fixture
def declarer(agent_a, clause_a, personne):
    """Enters the row of `personne` for March on clause_a, as the grid does; returns it."""

    def declarer(heures, *, user=agent_a, type_contrat=TypeContrat.CDD, suppressions=()):
        ligne = LigneHeures(
            clause=clause_a,
            mois=MARS,
            beneficiaire=personne,
            employeur=clause_a.lot.titulaire,
            heures=Decimal(heures),
            modalite=Modalite.EMBAUCHE_DIRECTE,
            type_contrat=type_contrat,
        )
        enregistrer_heures(user=user, lignes=[] if suppressions else [ligne], suppressions=suppressions)
        return HeuresRealisees.objects.filter(clause=clause_a, beneficiaire=personne).first()

    return declarer


def test_declaree_modifiee_rejetee_declaree_de_nouveau_puis_validee(declarer, departement):
    declarer(35)
    declarer(40)
    rangee = declarer(40, type_contrat=TypeContrat.CDI)
    rejeter_heures(user=departement, rangees=[rangee], motif="Contrat de travail à joindre.")
    rangee = declarer(38)
    valider_heures(user=departement, rangees=[rangee])

    evenements = historique_des_heures(rangee=rangee)

    assert phrases(evenements) == [
        "Déclarée par Paul Saisisseur le … : 35\u00a0h, CDD",
        "Modifiée par Paul Saisisseur le … : 35\u00a0h → 40\u00a0h",
        "Modifiée par Paul Saisisseur le … : type de contrat CDD → CDI",
        "Rejetée par Claire Validatrice le … — motif : Contrat de travail à joindre.",
        "Déclarée de nouveau par Paul Saisisseur le … : 40\u00a0h → 38\u00a0h, CDI → CDD",
        "Validée par Claire Validatrice le …",
    ]
    assert [e.action for e in evenements] == [
        "déclarée",
        "modifiée",
        "modifiée",
        "rejetée",
        "déclarée de nouveau",
        "validée",
    ]
    assert evenements[3].motif == "Contrat de travail à joindre."
    moment = timezone.localtime(rangee.history.earliest("history_date").history_date)
    assert evenements[0].phrase.startswith(f"Déclarée par Paul Saisisseur le {moment:%d/%m/%Y à %H:%M} : ")


def test_une_ligne_sans_historique_rejetee_est_declaree_par_l_agent(agent_a, departement, clause_a, personne):
    """Demo rows and rows older than the history are written without a record: their first record is the
    rejection, yet the line reads as declared by the clerk, then rejected by the Département."""
    (rangee,) = HeuresRealisees.objects.bulk_create(
        [
            HeuresRealisees(
                clause=clause_a,
                beneficiaire=personne,
                employeur=clause_a.lot.titulaire,
                mois=MARS,
                heures=Decimal(35),
                modalite=Modalite.EMBAUCHE_DIRECTE,
                type_contrat=TypeContrat.CDD,
                saisi_par=agent_a,
            )
        ]
    )
    HeuresRealisees.objects.filter(pk=rangee.pk).update(
        cree_le=timezone.make_aware(datetime.datetime(2026, 4, 2, 9, 5))
    )
    rejeter_heures(user=departement, rangees=[rangee], motif="Heures en double.")

    evenements = historique_des_heures(rangee=rangee)

    assert [(e.action, e.auteur) for e in evenements] == [
        ("déclarée", "Paul Saisisseur"),
        ("rejetée", "Claire Validatrice"),
    ]
    assert evenements[0].phrase == "Déclarée par Paul Saisisseur le 02/04/2026 à 09:05 : 35\u00a0h, CDD"
    assert phrases(evenements)[1] == "Rejetée par Claire Validatrice le … — motif : Heures en double."


def test_une_ligne_supprimee_et_un_employeur_change(declarer, agent_a, clause_a):
    rangee = declarer(20)
    autre = EntrepriseFactory(raison_sociale="Intérim Solidaire")
    rangee.employeur = autre
    rangee._history_user = agent_a
    rangee.save()
    declarer(20, suppressions=[rangee])

    records = HeuresRealisees.history.filter(id=rangee.pk).select_related("history_user")
    evenements = evenements_de_la_ligne(records.order_by("history_date", "history_id"))

    assert phrases(evenements) == [
        "Déclarée par Paul Saisisseur le … : 20\u00a0h, CDD",
        f"Modifiée par Paul Saisisseur le … : employeur {clause_a.lot.titulaire} → Intérim Solidaire",
        "Supprimée par Paul Saisisseur le …",
    ]


def test_le_departement_corrige_une_ligne_validee(declarer, departement):
    rangee = declarer(35)
    valider_heures(user=departement, rangees=[rangee])
    rangee = declarer(30, user=departement)

    assert rangee.statut == Statut.DECLAREES
    assert phrases(historique_des_heures(rangee=rangee))[-2:] == [
        "Validée par Claire Validatrice le …",
        "Déclarée de nouveau par Claire Validatrice le … : 35\u00a0h → 30\u00a0h, CDD",
    ]
