import pytest
from django.core.exceptions import ValidationError

from marches.enums import TypeIdentifiant
from marches.models import Acheteur, Entreprise
from marches.siret import luhn_valide, normaliser_siret, siret_valide, valider_siret
from tests.factories import cle_luhn, siren_aleatoire, siret_aleatoire

MESSAGE_FORMAT = "Le SIRET doit comporter 14 chiffres."
MESSAGE_CLE = "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."

SIRET_VALIDES = [
    "22490001900015",  # Département de Maine-et-Loire
    "73282932000074",  # classic example of the INSEE documentation
    "21490007800012",  # commune d'Angers (SIREN 214900078)
    "20007167800011",  # an EPCI SIREN (CA Cholet Agglomération) with a computed NIC
]

LA_POSTE_VALIDES = [
    "35600000000048",  # La Poste head office: follows Luhn
    "35600000049837",  # an establishment: digit sum 45, a multiple of 5 (not Luhn)
    "35600000000501",  # digit sum 20
]


@pytest.mark.parametrize("siret", SIRET_VALIDES)
def test_siret_valides(siret):
    assert siret_valide(siret)
    valider_siret(siret)


@pytest.mark.parametrize("siret", LA_POSTE_VALIDES)
def test_siret_de_la_poste(siret):
    assert siret_valide(siret)
    valider_siret(siret)


def test_siret_de_la_poste_ni_luhn_ni_multiple_de_5():
    siret = "35600000000013"  # digit sum 18, Luhn key wrong
    assert not luhn_valide(siret)
    assert not siret_valide(siret)


def test_cle_de_la_poste_ne_vaut_pas_pour_les_autres():
    siret = "22490001900012"  # digit sum 30 but a wrong Luhn key: only La Poste gets the exception
    assert sum(map(int, siret)) % 5 == 0
    assert not siret_valide(siret)


def test_siret_generes_par_les_fabriques():
    for _ in range(200):
        siret = siret_aleatoire()
        assert siret_valide(siret), siret
        valider_siret(siret)


@pytest.mark.parametrize("siren", ["224900019", "356000000", "200071678", "214900078"])
def test_siren_luhn(siren):
    assert luhn_valide(siren)
    for autre_cle in set("0123456789") - {siren[-1]}:
        assert not luhn_valide(siren[:-1] + autre_cle)


def test_siren_generes_par_les_fabriques():
    for _ in range(200):
        siren = siren_aleatoire()
        assert len(siren) == 9 and luhn_valide(siren), siren


def test_cle_luhn_des_fabriques():
    assert cle_luhn("2249000190001") == "5"
    assert cle_luhn("22490001") == "9"


@pytest.mark.parametrize("derniere", "012346789")
def test_mauvaise_cle(derniere):
    siret = "2249000190001" + derniere
    assert not siret_valide(siret)
    with pytest.raises(ValidationError) as erreur:
        valider_siret(siret)
    assert erreur.value.messages == [MESSAGE_CLE]
    assert erreur.value.code == "siret_cle"


def test_siren_invalide_meme_si_le_siret_passe_luhn():
    siren = "224900018"  # Département's SIREN with a wrong key
    assert not luhn_valide(siren)
    debut = siren + "0001"
    siret = debut + cle_luhn(debut)
    assert luhn_valide(siret)
    assert not siret_valide(siret)


@pytest.mark.parametrize(
    "valeur",
    ["2249000190001", "224900019000150", "2249000190001A", "A2490001900015", "", "22490001900015 ?"],
    ids=["13-chiffres", "15-chiffres", "lettre-fin", "lettre-debut", "vide", "ponctuation"],
)
def test_format(valeur):
    assert not siret_valide(valeur)
    with pytest.raises(ValidationError) as erreur:
        valider_siret(valeur)
    assert erreur.value.messages == [MESSAGE_FORMAT]
    assert erreur.value.code == "siret_format"


@pytest.mark.parametrize(
    "saisie",
    [
        "224 900 019 00015",
        "224.900.019.00015",
        "224-900-019-00015",
        "224\u00a0900\u00a0019\u00a000015",
        "224\u202f900\u202f019\u202f00015",
        " 22490001900015 ",
    ],
    ids=["espaces", "points", "tirets", "insecables", "fines-insecables", "bords"],
)
def test_saisie_normalisee(saisie):
    assert normaliser_siret(saisie) == "22490001900015"
    valider_siret(saisie)


def test_normalisation_ne_corrige_pas_une_mauvaise_cle():
    with pytest.raises(ValidationError) as erreur:
        valider_siret("224 900 019 00016")
    assert erreur.value.messages == [MESSAGE_CLE]


def test_entreprise_full_clean_refuse_une_mauvaise_cle():
    entreprise = Entreprise(raison_sociale="BTP Anjou", siret="22490001900016")
    with pytest.raises(ValidationError) as erreur:
        entreprise.full_clean(validate_unique=False, validate_constraints=False)
    assert erreur.value.message_dict == {"siret": [MESSAGE_CLE]}


def test_acheteur_full_clean_refuse_un_siret_court():
    acheteur = Acheteur(nom="Commune", siret="2249000190001")
    with pytest.raises(ValidationError) as erreur:
        acheteur.full_clean(validate_unique=False, validate_constraints=False)
    assert erreur.value.message_dict == {"siret": [MESSAGE_FORMAT]}


def test_entreprise_full_clean_accepte_un_siret_valide():
    entreprise = Entreprise(raison_sociale="BTP Anjou", siret="22490001900015")
    entreprise.full_clean(validate_unique=False, validate_constraints=False)


def test_entreprise_etrangere_sans_siret_valide():
    entreprise = Entreprise(
        raison_sociale="Bouw NV", type_identifiant=TypeIdentifiant.TVA, autre_identifiant="BE0999999999"
    )
    entreprise.full_clean(validate_unique=False, validate_constraints=False)
