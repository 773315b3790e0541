import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from insertion import regles
from insertion.enums import Modalite, Statut
from insertion.models import (
    Clause,
    ClotureAnnee,
    HeuresRealisees,
    Objectif,
    ParametresCalibrage,
    ParametresObjectif,
    ReleveEnAttente,
)
from insertion.regles import MESSAGE_COMMENTAIRE_LONG, TEXTE_MAX_COMMENTAIRE
from insertion.releves.lecture import TAILLE_MAX_OCTETS
from marches.enums import NatureMarche
from tests.contraintes import (
    Cas,
    ChampUnique,
    Doublon,
    noms_couverts,
    verifier_acceptation,
    verifier_champ_unique,
    verifier_doublon,
    verifier_message,
    verifier_refus,
    violation,
)
from tests.factories import (
    ClauseFactory,
    ClotureAnneeFactory,
    CommentaireBilanFactory,
    EpciFactory,
    HeuresRealiseesFactory,
    ObjectifFactory,
    ReleveEnAttenteFactory,
)

HEURES_HORS_BORNES = regles.MESSAGE_HEURES_LIGNE
REJET_NON_MOTIVE = regles.MESSAGE_MOTIF_REJET


def _parametres(nature=NatureMarche.TRAVAUX):
    """The reference row of a data migration; recreated if a transactional test's flush emptied the table."""
    return ParametresCalibrage.objects.get_or_create(
        nature=nature,
        defaults={"part_main_oeuvre": Decimal(50), "taux_insertion": Decimal(5), "cout_horaire": Decimal(30)},
    )[0]


def _pourcentage_par_defaut(contrainte, champ, message):
    return [
        Cas(contrainte, _parametres, {champ: Decimal("-0.01")}, {champ: Decimal("0")}, "negatif", message),
        Cas(
            contrainte,
            _parametres,
            {champ: Decimal("100.01")},
            {champ: Decimal("100")},
            "plus-de-100",
            message,
        ),
    ]


def _pourcentage(contrainte, champ):
    return [
        Cas(contrainte, ClauseFactory, {champ: Decimal("-0.01")}, {champ: Decimal("0")}, id="negatif"),
        Cas(contrainte, ClauseFactory, {champ: Decimal("100.01")}, {champ: Decimal("100")}, id="plus-de-100"),
        Cas(contrainte, ClauseFactory, {champ: Decimal("250")}, {champ: None}, id="vide-accepte"),
    ]


CHECKS = [
    Cas(
        "clause_heures_reservees_positives",
        ClauseFactory,
        {"heures_reservees": Decimal("-1")},
        {"heures_reservees": Decimal("0")},
        id="negatif",
    ),
    Cas(
        "clause_heures_reservees_positives",
        ClauseFactory,
        {"heures_reservees": Decimal("-0.01")},
        {"heures_reservees": None},
        id="non-calibree-acceptee",
    ),
    *_pourcentage("clause_part_main_oeuvre_pourcentage", "part_main_oeuvre"),
    *_pourcentage("clause_taux_insertion_pourcentage", "taux_insertion"),
    Cas(
        "clause_cout_horaire_positif",
        ClauseFactory,
        {"cout_horaire": Decimal("0")},
        {"cout_horaire": Decimal("0.01")},
        id="zero",
    ),
    Cas(
        "clause_cout_horaire_positif",
        ClauseFactory,
        {"cout_horaire": Decimal("-30")},
        {"cout_horaire": None},
        id="negatif",
    ),
    Cas(
        "heures_realisees_entre_0_et_744",
        HeuresRealiseesFactory,
        {"heures": Decimal("744.01")},
        {"heures": Decimal("744")},
        id="744.01",
        message=HEURES_HORS_BORNES,
    ),
    Cas(
        "heures_realisees_entre_0_et_744",
        HeuresRealiseesFactory,
        {"heures": Decimal("0")},
        {"heures": Decimal("0.01")},
        id="zero",
        message=HEURES_HORS_BORNES,
    ),
    Cas(
        "heures_realisees_entre_0_et_744",
        HeuresRealiseesFactory,
        {"heures": Decimal("-7")},
        id="negatif",
        message=HEURES_HORS_BORNES,
    ),
    Cas(
        "heures_realisees_mois_premier_jour",
        HeuresRealiseesFactory,
        {"mois": datetime.date(2026, 3, 2)},
        {"mois": datetime.date(2026, 3, 1)},
        id="2-mars",
    ),
    Cas(
        "heures_realisees_mois_premier_jour",
        HeuresRealiseesFactory,
        {"mois": datetime.date(2026, 1, 31)},
        {"mois": datetime.date(2026, 12, 1)},
        id="31-janvier",
    ),
    Cas(
        "heures_realisees_rejet_motive",
        HeuresRealiseesFactory,
        {"statut": Statut.REJETEES, "motif_rejet": ""},
        {"statut": Statut.REJETEES, "motif_rejet": "Personne non éligible à cette date."},
        id="rejet-sans-motif",
        message=REJET_NON_MOTIVE,
    ),
    Cas(
        "heures_realisees_rejet_motive",
        lambda: HeuresRealiseesFactory(rejetees=True),
        {"motif_rejet": ""},
        {"statut": Statut.VALIDEES, "motif_rejet": ""},
        id="motif-efface",
        message=REJET_NON_MOTIVE,
    ),
    *_pourcentage_par_defaut(
        "parametres_calibrage_part_main_oeuvre_pourcentage",
        "part_main_oeuvre",
        "La part de main-d'œuvre est un pourcentage entre 0 et 100.",
    ),
    *_pourcentage_par_defaut(
        "parametres_calibrage_taux_insertion_pourcentage",
        "taux_insertion",
        "Le taux d'insertion est un pourcentage entre 0 et 100.",
    ),
    Cas(
        "parametres_calibrage_cout_horaire_positif",
        _parametres,
        {"cout_horaire": Decimal("0")},
        {"cout_horaire": Decimal("0.01")},
        id="zero",
        message="Le coût horaire doit être supérieur à 0.",
    ),
    Cas(
        "parametres_calibrage_cout_horaire_positif",
        _parametres,
        {"cout_horaire": Decimal("-28")},
        id="negatif",
        message="Le coût horaire doit être supérieur à 0.",
    ),
    Cas("objectif_heures_positives", ObjectifFactory, {"heures": 0}, {"heures": 1}),
    Cas("objectif_annee_plausible", ObjectifFactory, {"annee": 1999}, {"annee": 2000}, id="1999"),
    Cas("objectif_annee_plausible", ObjectifFactory, {"annee": 2101}, {"annee": 2100}, id="2101"),
]


def _heures_de_la_meme_ligne():
    premiere = HeuresRealiseesFactory(modalite=Modalite.EMBAUCHE_DIRECTE)
    seconde = HeuresRealiseesFactory(
        clause=premiere.clause,
        beneficiaire=premiere.beneficiaire,
        employeur=premiere.employeur,
        mois=premiere.mois,
        modalite=Modalite.MISE_A_DISPOSITION,
    )
    return premiere, seconde


def _objectifs_departement():
    return ObjectifFactory(annee=2025, epci=None), ObjectifFactory(annee=2026, epci=None)


def _objectifs_du_meme_epci():
    epci = EpciFactory()
    return ObjectifFactory(annee=2025, epci=epci), ObjectifFactory(annee=2026, epci=epci)


CHECKS += [
    Cas(
        "releve_en_attente_taille_max",
        ReleveEnAttenteFactory,
        {"contenu": b"x" * (TAILLE_MAX_OCTETS + 1)},
        {"contenu": b"x" * TAILLE_MAX_OCTETS},
        id="plus-de-2-mo",
    ),
    Cas(
        "releve_en_attente_expire_apres",
        ReleveEnAttenteFactory,
        {"expire_le": lambda releve: releve.cree_le},
        {"expire_le": lambda releve: releve.cree_le + datetime.timedelta(seconds=1)},
        id="expire-au-depot",
    ),
]

PLAFOND_SI_PLAFONNEES = (
    "Un plafond (pourcentage entre 0 et 100) est requis quand les heures de formation sont plafonnées, "
    "et seulement dans ce cas."
)


def _parametres_objectif():
    return ParametresObjectif.objects.get_or_create()[0]


CHECKS += [
    Cas(
        "parametres_objectif_plafond_si_plafonnees",
        _parametres_objectif,
        {"prise_en_compte_formation": "plafonnees"},
        {"prise_en_compte_formation": "plafonnees", "plafond_formation": Decimal("20")},
        id="plafonnees-sans-plafond",
        message=PLAFOND_SI_PLAFONNEES,
    ),
    Cas(
        "parametres_objectif_plafond_si_plafonnees",
        _parametres_objectif,
        {"prise_en_compte_formation": "plafonnees", "plafond_formation": Decimal("100.01")},
        {"prise_en_compte_formation": "plafonnees", "plafond_formation": Decimal("100")},
        id="plafond-plus-de-100",
        message=PLAFOND_SI_PLAFONNEES,
    ),
    Cas(
        "parametres_objectif_plafond_si_plafonnees",
        _parametres_objectif,
        {"prise_en_compte_formation": "toutes", "plafond_formation": Decimal("20")},
        {"prise_en_compte_formation": "exclues", "plafond_formation": None},
        id="plafond-sans-plafonnement",
        message=PLAFOND_SI_PLAFONNEES,
    ),
    Cas("parametres_objectif_unique_vrai", _parametres_objectif, {"unique": False}, {"unique": True}),
    Cas("cloture_annee_plausible", ClotureAnneeFactory, {"annee": 1999}, {"annee": 2000}, id="1999"),
    Cas("cloture_annee_plausible", ClotureAnneeFactory, {"annee": 2101}, {"annee": 2100}, id="2101"),
    Cas(
        "cloture_annee_reouverture_motivee",
        ClotureAnneeFactory,
        {"date_cloture": None},
        {"date_cloture": None, "motif_reouverture": "Relevé de décembre arrivé en retard"},
        id="rouverte-sans-motif",
        message=regles.MESSAGE_MOTIF_REOUVERTURE,
    ),
    Cas(
        "cloture_annee_reouverture_motivee",
        ClotureAnneeFactory,
        {"motif_reouverture": "Relevé de décembre arrivé en retard"},
        {"motif_reouverture": ""},
        id="cloturee-avec-un-motif",
        message=regles.MESSAGE_MOTIF_REOUVERTURE,
    ),
]

CHECKS += [
    Cas(
        "commentaire_bilan_annee_plausible",
        CommentaireBilanFactory,
        {"annee": 1999},
        {"annee": 2000},
        id="1999",
    ),
    Cas(
        "commentaire_bilan_texte_court",
        CommentaireBilanFactory,
        {"texte": "x" * (TEXTE_MAX_COMMENTAIRE + 1)},
        {"texte": "x" * TEXTE_MAX_COMMENTAIRE},
        id="trop-long",
        message=MESSAGE_COMMENTAIRE_LONG,
    ),
]


def _commentaires_departement():
    return CommentaireBilanFactory(annee=2025), CommentaireBilanFactory(annee=2026)


def _commentaires_du_meme_epci():
    epci = EpciFactory()
    return CommentaireBilanFactory(annee=2025, epci=epci), CommentaireBilanFactory(annee=2026, epci=epci)


DOUBLONS = [
    Doublon("commentaire_bilan_departement_unique", _commentaires_departement, ["annee"]),
    Doublon("commentaire_bilan_epci_unique", _commentaires_du_meme_epci, ["annee"]),
    Doublon("heures_realisees_ligne_unique", _heures_de_la_meme_ligne, ["modalite"]),
    Doublon("objectif_departement_unique_par_annee", _objectifs_departement, ["annee"]),
    Doublon("objectif_epci_unique_par_annee", _objectifs_du_meme_epci, ["annee"]),
]

CHAMPS_UNIQUES = [
    ChampUnique(Clause, "lot", ClauseFactory),
    ChampUnique(ReleveEnAttente, "jeton", ReleveEnAttenteFactory),
    ChampUnique(ClotureAnnee, "annee", ClotureAnneeFactory),
    ChampUnique(
        ParametresCalibrage,
        "nature",
        paire=lambda: (_parametres(NatureMarche.TRAVAUX), _parametres(NatureMarche.SERVICES)),
    ),
]

# A single-row table has no pair of rows to collide: its own test below.
COUVERTS = noms_couverts(CHECKS, DOUBLONS, CHAMPS_UNIQUES) | {"parametres_objectif_une_seule_ligne"}

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cas", CHECKS, ids=str)
def test_ecriture_hors_formulaire_refusee(cas):
    verifier_refus(cas)


@pytest.mark.parametrize("cas", [c for c in CHECKS if c.valide], ids=str)
def test_voisin_valide_accepte(cas):
    verifier_acceptation(cas)


@pytest.mark.parametrize("cas", [c for c in CHECKS if c.message], ids=str)
def test_validation_du_modele_en_francais(cas):
    verifier_message(cas)


@pytest.mark.parametrize("doublon", DOUBLONS, ids=str)
def test_doublon_refuse(doublon):
    verifier_doublon(doublon)


@pytest.mark.parametrize("cas", CHAMPS_UNIQUES, ids=str)
def test_champ_unique(cas):
    verifier_champ_unique(cas)


@pytest.mark.parametrize(("heures", "acceptees"), [("744", True), ("744.01", False), ("0", False)])
def test_creation_en_masse_bornee(heures, acceptees):
    modele = HeuresRealiseesFactory()
    ligne = HeuresRealisees(
        clause=modele.clause,
        beneficiaire=modele.beneficiaire,
        employeur=modele.employeur,
        mois=datetime.date(2020, 1, 1),
        heures=Decimal(heures),
        modalite=Modalite.FORMATION,
        type_contrat=modele.type_contrat,
    )
    if acceptees:
        HeuresRealisees.objects.bulk_create([ligne])
    else:
        with violation("heures_realisees_entre_0_et_744"):
            HeuresRealisees.objects.bulk_create([ligne])
    assert HeuresRealisees.objects.filter(mois=datetime.date(2020, 1, 1)).exists() is acceptees


def test_objectif_du_departement_et_d_un_epci_la_meme_annee():
    ObjectifFactory(annee=2026, epci=None, heures=10_000)
    ObjectifFactory(annee=2026, pour_epci=True)
    ObjectifFactory(annee=2026, pour_epci=True)
    assert Objectif.objects.filter(annee=2026).count() == 3


def test_deux_objectifs_du_departement_la_meme_annee_refuses_a_la_creation():
    # A plain unique (annee, epci) would let this through: NULLs are distinct in SQL.
    Objectif.objects.create(annee=2018, heures=10_000)
    with violation("objectif_departement_unique_par_annee"):
        Objectif.objects.create(annee=2018, heures=12_000)
    assert Objectif.objects.get(annee=2018).heures == 10_000


def test_meme_ligne_un_autre_mois_acceptee():
    premiere = HeuresRealiseesFactory(mois=datetime.date(2026, 1, 1))
    HeuresRealiseesFactory(
        clause=premiere.clause,
        beneficiaire=premiere.beneficiaire,
        employeur=premiere.employeur,
        modalite=premiere.modalite,
        mois=datetime.date(2026, 2, 1),
    )
    assert HeuresRealisees.objects.filter(clause=premiere.clause).count() == 2


def test_une_seule_ligne_de_parametres_de_l_objectif():
    _parametres_objectif()
    with violation("parametres_objectif_une_seule_ligne"):
        ParametresObjectif.objects.create()
    with pytest.raises(ValidationError) as erreur:
        ParametresObjectif().full_clean()
    assert "Les paramètres de l'objectif existent déjà : modifiez-les." in erreur.value.messages
