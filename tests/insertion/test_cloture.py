"""Yearly closing: closing and reopening a year (who, when, why), and every write on hours refused on a closed
year, allowed on an open one and again after reopening."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from beneficiaires.models import Beneficiaire
from insertion import cloture
from insertion.cloture import ClotureImpossible, cloturer_annee, rouvrir_annee
from insertion.enums import Modalite, Statut, TypeContrat
from insertion.fusion import FusionImpossible, fusionner
from insertion.models import ClotureAnnee, HeuresRealisees
from insertion.retention import MOTIF_EFFACE, purger
from insertion.services import (
    LigneHeures,
    SaisieInvalide,
    enregistrer_grille,
    enregistrer_heures,
    rejeter_heures,
    valider_heures,
)
from marches.entreprises import FusionEntreprisesImpossible, fusionner_entreprises
from marches.models import Entreprise
from tests.factories import BeneficiaireFactory, EntrepriseFactory, HeuresRealiseesFactory
from tests.insertion.releves.aides import importer
from tests.insertion.releves.aides import ligne as ligne_de_releve
from tests.insertion.releves.conftest import jeu  # noqa: F401  (the statement import's cast)

pytestmark = pytest.mark.django_db

ANNEE = 2025
MOIS = datetime.date(2025, 6, 1)
LE_15_JANVIER = datetime.date(2026, 1, 15)
REFUS = (
    "L'année 2025 est clôturée depuis le 15/01/2026 : ses heures ne peuvent plus être modifiées. "
    "Le Département peut la rouvrir."
)
ETATS = ["ouverte", "cloturee", "rouverte"]


def fermer(user, annee=ANNEE, date=LE_15_JANVIER):
    return cloturer_annee(user=user, annee=annee, date_cloture=date, confirmer=True)


@pytest.fixture(params=ETATS)
def etat(request, departement):
    """The year 2025 open (never closed), closed on 15/01/2026, or closed then reopened."""
    if request.param != "ouverte":
        fermer(departement)
    if request.param == "rouverte":
        rouvrir_annee(user=departement, annee=ANNEE, motif="Relevé de décembre arrivé en retard")
    return request.param


def _refuse(etat) -> bool:
    return etat == "cloturee"


@pytest.fixture
def rangee(clause_a):
    """A declared row of June 2025 on clause_a."""
    return HeuresRealiseesFactory(clause=clause_a, mois=MOIS, heures=Decimal(35))


def _ligne(rangee, heures):
    return LigneHeures(
        clause=rangee.clause,
        mois=rangee.mois,
        beneficiaire=rangee.beneficiaire,
        employeur=rangee.employeur,
        heures=Decimal(heures),
        modalite=rangee.modalite,
        type_contrat=rangee.type_contrat,
    )


# --- closing and reopening -------------------------------------------------------------------------


def test_cloture_et_reouverture_gardent_qui_quand_pourquoi(departement, superuser):
    fermee = fermer(departement)
    assert fermee.date_cloture == LE_15_JANVIER and fermee.cloture_par == departement
    assert cloture.annees_cloturees([2024, 2025, 2026]) == {2025: LE_15_JANVIER}

    rouverte = rouvrir_annee(user=superuser, annee=ANNEE, motif="  Erreur de saisie à corriger  ")
    assert rouverte.date_cloture is None and rouverte.motif_reouverture == "Erreur de saisie à corriger"
    assert cloture.annees_cloturees([2025]) == {}
    assert cloture.cloture_de(ANNEE) is None

    fermer(departement, date=datetime.date(2026, 2, 1))
    historique = list(ClotureAnnee.history.filter(annee=ANNEE).order_by("history_date", "history_id"))
    assert [(h.history_user, h.date_cloture, h.motif_reouverture) for h in historique] == [
        (departement, LE_15_JANVIER, ""),
        (superuser, None, "Erreur de saisie à corriger"),
        (departement, datetime.date(2026, 2, 1), ""),
    ]
    assert [h.history_change_reason for h in historique] == [
        "Clôture de l'année au 15/01/2026",
        "Réouverture de l'année",
        "Clôture de l'année au 01/02/2026",
    ]
    assert all(h.history_date for h in historique)


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (None, "Indiquez la date de clôture"),
        (
            datetime.date(2025, 12, 31),
            "ne peut être clôturée qu'une fois terminée : indiquez une date à partir du 01/01/2026",
        ),
        (datetime.date(2025, 3, 1), "qu'une fois terminée"),
    ],
)
def test_date_de_cloture_apres_la_fin_de_l_annee(departement, date, message):
    with pytest.raises(ClotureImpossible) as refus:
        cloturer_annee(user=departement, annee=ANNEE, date_cloture=date)
    assert message in refus.value.message
    assert not ClotureAnnee.objects.exists()


def test_date_de_cloture_pas_apres_aujourd_hui(departement):
    demain = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ClotureImpossible, match="ne peut pas dépasser aujourd'hui"):
        cloturer_annee(user=departement, annee=ANNEE, date_cloture=demain)


def test_pas_deux_fois(departement):
    fermer(departement)
    with pytest.raises(ClotureImpossible, match="déjà clôturée depuis le 15/01/2026"):
        fermer(departement, date=datetime.date(2026, 2, 1))
    assert ClotureAnnee.objects.get().date_cloture == LE_15_JANVIER


def test_lignes_declarees_demandent_une_confirmation(departement, rangee):
    HeuresRealiseesFactory(clause=rangee.clause, mois=datetime.date(2025, 7, 1), heures=Decimal("10.5"))
    HeuresRealiseesFactory(validees=True, clause=rangee.clause, mois=MOIS)
    HeuresRealiseesFactory(clause=rangee.clause, mois=datetime.date(2026, 1, 1))  # another year
    with pytest.raises(ClotureImpossible) as refus:
        cloturer_annee(user=departement, annee=ANNEE, date_cloture=LE_15_JANVIER)
    assert refus.value.confirmation_requise
    assert refus.value.message.startswith(
        "2 lignes d'heures de 2025 (45,5\N{NO-BREAK SPACE}h) sont encore déclarées"
    )
    assert not ClotureAnnee.objects.exists()

    cloturer_annee(user=departement, annee=ANNEE, date_cloture=LE_15_JANVIER, confirmer=True)
    assert cloture.annees_cloturees([ANNEE]) == {ANNEE: LE_15_JANVIER}


def test_sans_ligne_declaree_pas_de_confirmation(departement):
    cloturer_annee(user=departement, annee=ANNEE, date_cloture=LE_15_JANVIER)
    assert cloture.cloture_de(ANNEE).cloture_par == departement


def test_reouverture_motivee_et_d_une_annee_cloturee(departement):
    with pytest.raises(ClotureImpossible, match="n'est pas clôturée"):
        rouvrir_annee(user=departement, annee=ANNEE, motif="Pour voir")
    fermer(departement)
    for motif in ("", "   ", None):
        with pytest.raises(ClotureImpossible, match="Indiquez le motif de la réouverture"):
            rouvrir_annee(user=departement, annee=ANNEE, motif=motif)
    assert cloture.cloture_de(ANNEE) is not None


@pytest.mark.parametrize("role", ["agent_a", "lecteur", "lecteur_a"])
def test_seul_le_departement_cloture_et_rouvre(request, departement, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        fermer(user)
    fermer(departement)
    with pytest.raises(PermissionDenied):
        rouvrir_annee(user=user, annee=ANNEE, motif="Pour voir")
    with pytest.raises(PermissionDenied):
        cloture.etats_des_annees(user=user)


def test_etats_des_annees(departement, rangee):
    HeuresRealiseesFactory(validees=True, clause=rangee.clause, mois=MOIS, heures=Decimal(12))
    HeuresRealiseesFactory(clause=rangee.clause, mois=datetime.date(2026, 2, 1))
    fermer(departement)
    etats = cloture.etats_des_annees(user=departement)
    assert [e.annee for e in etats] == [2026, 2025]
    annee_2025 = etats[1]
    assert (annee_2025.lignes, annee_2025.lignes_declarees) == (2, 1)
    assert (annee_2025.heures_declarees, annee_2025.heures_validees) == (Decimal(35), Decimal(12))
    assert annee_2025.cloturee and not etats[0].cloturee
    assert [h.history_user for h in annee_2025.historique] == [departement]


# --- every write path, on an open, closed and reopened year ------------------------------------------


def test_declarer_une_ligne(etat, agent_a, clause_a):
    nouvelle = HeuresRealisees(
        clause=clause_a,
        mois=MOIS,
        beneficiaire=BeneficiaireFactory(),
        employeur=clause_a.lot.titulaire,
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    lignes = [_ligne(nouvelle, 20)]
    if _refuse(etat):
        with pytest.raises(SaisieInvalide) as refus:
            enregistrer_heures(user=agent_a, lignes=lignes)
        assert [(e.index, e.message) for e in refus.value.erreurs] == [(0, REFUS)]
        assert not HeuresRealisees.objects.exists()
    else:
        assert enregistrer_heures(user=agent_a, lignes=lignes).crees == 1


def test_modifier_une_ligne(etat, agent_a, rangee):
    if _refuse(etat):
        with pytest.raises(SaisieInvalide, match="L'année 2025 est clôturée"):
            enregistrer_grille(user=agent_a, lignes=[_ligne(rangee, 40)])
    else:
        assert enregistrer_grille(user=agent_a, lignes=[_ligne(rangee, 40)]).modifiees == 1
    rangee.refresh_from_db()
    assert rangee.heures == (Decimal(35) if _refuse(etat) else Decimal(40))


def test_supprimer_une_ligne(etat, agent_a, rangee):
    if _refuse(etat):
        with pytest.raises(SaisieInvalide) as refus:
            enregistrer_heures(user=agent_a, lignes=[], suppressions=[rangee])
        assert [(e.index, e.message) for e in refus.value.erreurs] == [(None, REFUS)]
    else:
        assert enregistrer_heures(user=agent_a, lignes=[], suppressions=[rangee]).supprimees == 1
    assert HeuresRealisees.objects.filter(pk=rangee.pk).exists() == _refuse(etat)


def test_une_annee_cloturee_n_empeche_pas_de_saisir_les_autres(departement, agent_a, clause_a, rangee):
    fermer(departement)
    autre = HeuresRealiseesFactory(clause=clause_a, mois=datetime.date(2026, 1, 1), heures=Decimal(10))
    assert enregistrer_heures(user=agent_a, lignes=[_ligne(autre, 11)]).modifiees == 1


@pytest.mark.parametrize("decision", ["valider", "rejeter"])
def test_valider_ou_rejeter(etat, departement, rangee, decision):
    def statuer():
        if decision == "valider":
            return valider_heures(user=departement, rangees=[rangee])
        return rejeter_heures(user=departement, rangees=[rangee], motif="Doublon")

    if _refuse(etat):
        with pytest.raises(SaisieInvalide) as refus:
            statuer()
        assert str(refus.value) == REFUS
    else:
        assert statuer() == [rangee]
    rangee.refresh_from_db()
    attendu = Statut.VALIDEES if decision == "valider" else Statut.REJETEES
    assert rangee.statut == (Statut.DECLAREES if _refuse(etat) else attendu)


def test_fusion_de_deux_fiches(etat, departement, rangee):
    gardee = BeneficiaireFactory()
    absorbee = rangee.beneficiaire
    Beneficiaire.objects.filter(pk=absorbee.pk).update(cle_identite=gardee.cle_identite)
    absorbee.refresh_from_db()
    if _refuse(etat):
        with pytest.raises(FusionImpossible) as refus:
            fusionner(user=departement, gardee=gardee, absorbee=absorbee)
        assert refus.value.message == f"Fusion impossible : {REFUS}"
        assert Beneficiaire.objects.filter(pk=absorbee.pk).exists()
    else:
        fusionner(user=departement, gardee=gardee, absorbee=absorbee)
    rangee.refresh_from_db()
    assert rangee.beneficiaire_id == (absorbee.pk if _refuse(etat) else gardee.pk)


def test_fusion_de_deux_employeurs(etat, departement, clause_a):
    doublon, gardee = EntrepriseFactory(a_verifier=True), EntrepriseFactory()
    rangee = HeuresRealiseesFactory(clause=clause_a, employeur=doublon, mois=MOIS)
    if _refuse(etat):
        with pytest.raises(FusionEntreprisesImpossible) as refus:
            fusionner_entreprises(user=departement, doublon=doublon, gardee=gardee)
        assert str(refus.value) == f"Fusion impossible : {REFUS}"
        assert Entreprise.objects.filter(pk=doublon.pk).exists()
    else:
        fusionner_entreprises(user=departement, doublon=doublon, gardee=gardee)
    rangee.refresh_from_db()
    assert rangee.employeur_id == (doublon.pk if _refuse(etat) else gardee.pk)


def test_import_d_un_releve(etat, jeu):  # noqa: F811  (the fixture imported above)
    resultat = importer(jeu, [ligne_de_releve(jeu, mois="2025-06"), ligne_de_releve(jeu, heures="3")])
    if _refuse(etat):
        assert not resultat.ecrit
        assert [(e.ligne, e.message) for e in resultat.erreurs] == [(2, REFUS)]
        assert not HeuresRealisees.objects.exists()
    else:
        assert resultat.ecrit
        assert HeuresRealisees.objects.count() == 2


def test_retention_n_en_change_pas_les_heures(departement, clause_a):
    """Anonymising a person erases the reason of a rejection (free text about them), never the hours."""
    personne = BeneficiaireFactory(date_entree=datetime.date(2020, 1, 1))
    type(personne).objects.filter(pk=personne.pk).update(
        cree_le=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    rangee = HeuresRealiseesFactory(
        rejetees=True,
        clause=clause_a,
        beneficiaire=personne,
        mois=datetime.date(2023, 3, 1),
        heures=Decimal(7),
    )
    fermer(departement, annee=2023, date=datetime.date(2024, 1, 10))
    assert purger().anonymisation.personnes == 1
    rangee.refresh_from_db()
    assert (rangee.heures, rangee.statut, rangee.mois) == (
        Decimal(7),
        Statut.REJETEES,
        datetime.date(2023, 3, 1),
    )
    assert rangee.motif_rejet == MOTIF_EFFACE
