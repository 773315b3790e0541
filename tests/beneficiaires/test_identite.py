import datetime

import pytest

from beneficiaires.identite import cle_identite, normaliser_nom
from beneficiaires.models import Beneficiaire
from tests.contraintes import violation
from tests.factories import BeneficiaireFactory

NE_LE = datetime.date(1988, 11, 23)


@pytest.mark.parametrize("prenom", ["Élodie", "ELODIE", "elodie ", " élodie", "ÉLODIE", "Elodie"])
def test_cle_insensible_aux_accents_casse_espaces(prenom):
    assert cle_identite("Martin", prenom, NE_LE) == "martin|elodie|1988-11-23"


@pytest.mark.parametrize("nom", ["Le Gall", "LE GALL", "le-gall", "  Le  Gall ", "Le Gall."])
def test_noms_composes(nom):
    assert normaliser_nom(nom) == "le gall"


def test_noms_differents_cles_differentes():
    assert cle_identite("Martin", "Élodie", NE_LE) != cle_identite("Martin", "Éloïse", NE_LE)
    assert cle_identite("Martin", "Élodie", NE_LE) != cle_identite("Martin", "Élodie", NE_LE.replace(day=24))
    assert cle_identite("Martin", "Élodie", NE_LE) != cle_identite("Martine", "Élodie", NE_LE)


@pytest.mark.django_db
def test_meme_cle_pour_les_trois_graphies():
    cles = []
    for prenom in ["Élodie", "ELODIE", "elodie "]:
        beneficiaire = BeneficiaireFactory(nom="Martin", prenom=prenom, date_naissance=NE_LE)
        beneficiaire.refresh_from_db()
        cles.append(beneficiaire.cle_identite)
        beneficiaire.delete()
    assert cles == ["martin|elodie|1988-11-23"] * 3


@pytest.mark.django_db
def test_la_base_refuse_une_deuxieme_fois_la_meme_personne():
    premiere = BeneficiaireFactory(nom="Martin", prenom="Élodie", date_naissance=NE_LE)
    with violation(None):  # entered a second time by the same EPCI
        BeneficiaireFactory(nom="MARTIN", prenom="elodie ", date_naissance=NE_LE, commune=premiere.commune)
    assert Beneficiaire.objects.filter(nom__iexact="martin").count() == 1


@pytest.mark.django_db
def test_la_cle_suit_une_correction_du_nom():
    beneficiaire = BeneficiaireFactory(nom="Martin", prenom="Elodie", date_naissance=NE_LE)
    beneficiaire.prenom = "Éloïse"
    beneficiaire.save()
    beneficiaire.refresh_from_db()
    assert beneficiaire.cle_identite == "martin|eloise|1988-11-23"
