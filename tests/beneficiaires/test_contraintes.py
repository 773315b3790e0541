import datetime

import pytest
from django.utils import timezone

from beneficiaires.enums import CategorieSortie, CodePublic
from beneficiaires.models import NOM_ANONYMISE, Beneficiaire, Eligibilite, Public
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
)
from tests.factories import (
    AccesDonneesFactory,
    BeneficiaireFactory,
    EligibiliteFactory,
    EpciFactory,
    SortieFactory,
    public,
)

VERIFIEE = {"verification": "verifiee", "verifiee_le": timezone.now(), "justificatif": "attestation CAF"}
REFUSEE = {"verification": "refusee", "verifiee_le": timezone.now(), "motif_refus": "hors critères"}

CHECKS = [
    Cas(
        "eligibilite_verification_datee",
        EligibiliteFactory,
        {"verification": "verifiee", "justificatif": "attestation CAF"},
        VERIFIEE,
        id="verifiee-sans-date",
        message="Une vérification ou un refus est daté ; une déclaration ne l'est pas.",
    ),
    Cas(
        "eligibilite_verification_datee",
        EligibiliteFactory,
        {"verifiee_le": timezone.now()},
        {"verifiee_le": None},
        id="declaree-datee",
        message="Une vérification ou un refus est daté ; une déclaration ne l'est pas.",
    ),
    Cas(
        "eligibilite_verifiee_avec_justificatif",
        EligibiliteFactory,
        {**VERIFIEE, "justificatif": ""},
        VERIFIEE,
        id="sans-justificatif",
        message="Indiquez le document vu pour vérifier l'éligibilité.",
    ),
    Cas(
        "eligibilite_refusee_motivee",
        EligibiliteFactory,
        {**REFUSEE, "motif_refus": ""},
        REFUSEE,
        id="sans-motif",
        message="Indiquez le motif du refus.",
    ),
    # save() always recomputes the key: only a queryset update can blank it.
    Cas(
        "beneficiaire_cle_identite_remplie",
        BeneficiaireFactory,
        {"cle_identite": ""},
        {"cle_identite": "durand|lea|1990-05-04"},
    ),
    Cas(
        "beneficiaire_entree_apres_naissance",
        BeneficiaireFactory,
        {"date_naissance": datetime.date(1990, 5, 4), "date_entree": datetime.date(1990, 5, 4)},
        {"date_naissance": datetime.date(1990, 5, 4), "date_entree": datetime.date(1990, 5, 5)},
        id="meme-jour",
    ),
    Cas(
        "beneficiaire_entree_apres_naissance",
        BeneficiaireFactory,
        {"date_naissance": datetime.date(1990, 5, 4), "date_entree": datetime.date(1989, 1, 1)},
        id="avant",
    ),
    Cas(
        "eligibilite_fin_apres_debut",
        EligibiliteFactory,
        {"date_debut": datetime.date(2025, 3, 1), "date_fin": datetime.date(2025, 2, 28)},
        {"date_debut": datetime.date(2025, 3, 1), "date_fin": datetime.date(2025, 3, 1)},
        id="fin-la-veille",
        message="La fin d'éligibilité doit suivre son début.",
    ),
    Cas(
        "eligibilite_fin_apres_debut",
        EligibiliteFactory,
        {"date_debut": datetime.date(2025, 3, 1), "date_fin": datetime.date(2024, 3, 1)},
        {"date_fin": None},
        id="sans-fin",
    ),
    # An anonymised record never holds a name, a full birth date or an identity key again.
    Cas(
        "beneficiaire_anonymise_sans_identite",
        BeneficiaireFactory,
        {"anonymise_le": timezone.now()},
        {
            "anonymise_le": timezone.now(),
            "nom": NOM_ANONYMISE,
            "prenom": "",
            "date_naissance": lambda b: b.date_naissance.replace(month=1, day=1),
            "cle_identite": lambda b: f"anonyme|{b.pk}",
        },
        id="nom-garde",
    ),
    Cas(
        "beneficiaire_anonymise_sans_identite",
        BeneficiaireFactory,
        {
            "anonymise_le": timezone.now(),
            "nom": NOM_ANONYMISE,
            "prenom": "",
            "date_naissance": lambda b: b.date_naissance.replace(month=1, day=2),
            "cle_identite": lambda b: f"anonyme|{b.pk}",
        },
        id="jour-de-naissance-garde",
    ),
    Cas(
        "acces_au_moins_une_personne",
        AccesDonneesFactory,
        {"beneficiaire": None, "nombre_personnes": 0},
        {"beneficiaire": None, "nombre_personnes": 50},
    ),
    Cas("acces_une_personne_nommee", AccesDonneesFactory, {"nombre_personnes": 2}, {"nombre_personnes": 1}),
]


def _eligibilites_au_meme_public():
    beneficiaire = BeneficiaireFactory()
    return (
        EligibiliteFactory(beneficiaire=beneficiaire, date_debut=datetime.date(2024, 1, 1)),
        EligibiliteFactory(beneficiaire=beneficiaire, date_debut=datetime.date(2025, 1, 1)),
    )


def _sorties_le_meme_jour():
    beneficiaire = BeneficiaireFactory()
    jour = datetime.date(2025, 6, 30)
    return (
        SortieFactory(beneficiaire=beneficiaire, date=jour, categorie=CategorieSortie.EMPLOI_DURABLE),
        SortieFactory(beneficiaire=beneficiaire, date=jour, categorie=CategorieSortie.SORTIE_POSITIVE),
    )


def _meme_personne_par_deux_epci():
    premiere = BeneficiaireFactory(cree_par_epci=EpciFactory())
    seconde = BeneficiaireFactory(
        nom=premiere.nom,
        prenom=premiere.prenom,
        date_naissance=premiere.date_naissance,
        cree_par_epci=EpciFactory(),
    )
    return premiere, seconde


def _deux_personnes_du_departement():
    return BeneficiaireFactory(cree_par_epci=None), BeneficiaireFactory(cree_par_epci=None)


DOUBLONS = [
    Doublon("beneficiaire_identite_unique_par_epci", _meme_personne_par_deux_epci, ["cree_par_epci_id"]),
    Doublon("beneficiaire_identite_unique_departement", _deux_personnes_du_departement, ["cle_identite"]),
    Doublon("eligibilite_unique_par_debut", _eligibilites_au_meme_public, ["date_debut"]),
    Doublon("sortie_unique", _sorties_le_meme_jour, ["categorie"]),
]


CHAMPS_UNIQUES = [
    ChampUnique(Beneficiaire, "public_id", BeneficiaireFactory),
    ChampUnique(Public, "code", paire=lambda: (public(CodePublic.BRSA), public(CodePublic.DELD))),
]

COUVERTS = noms_couverts(CHECKS, DOUBLONS, CHAMPS_UNIQUES)

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


def test_meme_debut_pour_deux_publics_accepte():
    premiere = EligibiliteFactory(code=CodePublic.BRSA)
    EligibiliteFactory(
        beneficiaire=premiere.beneficiaire, code=CodePublic.RQTH, date_debut=premiere.date_debut
    )
    assert Eligibilite.objects.filter(beneficiaire=premiere.beneficiaire).count() == 2
