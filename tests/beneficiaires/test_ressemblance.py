"""Near-duplicate people: the rule on hand-written cases, and the selector's scope."""

import datetime

import pytest
from django.utils import timezone

from beneficiaires.models import Beneficiaire
from beneficiaires.ressemblance import ecart, forme_compacte, identites_proches
from beneficiaires.retention import anonymiser
from beneficiaires.selectors import PROCHES_MAX, personnes_proches
from tests.factories import BeneficiaireFactory, HeuresRealiseesFactory

NE_LE = datetime.date(1988, 6, 14)


def proches(nom, prenom, autre_nom, autre_prenom):
    return identites_proches(nom=nom, prenom=prenom, autre_nom=autre_nom, autre_prenom=autre_prenom)


# --- the rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "compacte"),
    [
        ("Hélène", "helene"),
        ("Jean-Pierre", "jeanpierre"),
        ("Jean Pierre", "jeanpierre"),
        ("  JEAN  pierre ", "jeanpierre"),
        ("N'Diaye", "ndiaye"),
        ("N’Diaye", "ndiaye"),
        ("Lefèvre-Œuvray", "lefevreoeuvray"),
        ("Lefevre Oeuvray", "lefevreoeuvray"),
    ],
)
def test_forme_compacte(valeur, compacte):
    assert forme_compacte(valeur) == compacte


@pytest.mark.parametrize(
    ("a", "b", "attendu"),
    [
        ("dupont", "dupont", 0),
        ("dupont", "dupond", 1),  # substitution
        ("martin", "martinn", 1),  # insertion
        ("martinn", "martin", 1),  # deletion
        ("bernard", "bernrad", 1),  # transposition of two neighbours
        ("aab", "ab", 1),
        ("a", "", 1),
        ("dupont", "dupand", 2),  # two substitutions
        ("martin", "martinnn", 2),  # two insertions
        ("bernard", "brenadr", 2),  # two transpositions
        ("abc", "cba", 2),  # a swap of letters that are not neighbours
        ("durand", "dupont", 2),
    ],
)
def test_ecart(a, b, attendu):
    assert ecart(a, b) == attendu
    assert ecart(b, a) == attendu


@pytest.mark.parametrize(
    ("identite", "autre"),
    [
        (("Dupré", "Hélène"), ("DUPRE", "helene")),  # accents and case
        (("Dupré", "Jean-Pierre"), ("Dupré", "Jean Pierre")),  # hyphen or space
        (("Dupré", "Jean-Pierre"), ("Dupré", "Jeanpierre")),  # hyphen or nothing
        (("N'Diaye", "Awa"), ("Ndiaye", "Awa")),  # apostrophe
        (("Dupont", "Camille"), ("Dupond", "Camille")),  # one letter replaced in the name
        (("Martin", "Lucas"), ("Martinn", "Lucas")),  # one letter added
        (("Martin", "Lucas"), ("Martin", "Luca")),  # one letter dropped from the first name
        (("Bernard", "Chloé"), ("Bernrad", "Chloe")),  # two neighbours swapped (and an accent)
        (("Camille", "Dupont"), ("Dupont", "Camille")),  # name and first name swapped
        (("Jean-Pierre", "Hélène"), ("Helene", "Jean Pierre")),  # swapped, accents and hyphen
    ],
)
def test_identites_proches(identite, autre):
    assert proches(*identite, *autre)
    assert proches(*autre, *identite)


@pytest.mark.parametrize(
    ("identite", "autre"),
    [
        (("Dupont", "Camille"), ("Dupand", "Camille")),  # two letters off in the name
        (("Dupont", "Camille"), ("Dupond", "Camile")),  # one letter off in each: two in all
        (("Martin", "Lucas"), ("Martinez", "Lucas")),
        (("Camille", "Dupont"), ("Dupond", "Camille")),  # swapped and one letter off
        (("Durand", "Léa"), ("Dupont", "Léa")),
        (("Durand", "Léa"), ("Durand", "Zoé")),
        (("Durand", "Léa"), ("", "")),
    ],
)
def test_identites_eloignees(identite, autre):
    assert not proches(*identite, *autre)
    assert not proches(*autre, *identite)


# --- the selector ----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPersonnesProches:
    def test_meme_date_et_nom_proche(self, departement):
        dupond = BeneficiaireFactory(nom="Dupond", prenom="Camille", date_naissance=NE_LE)
        BeneficiaireFactory(nom="Dupand", prenom="Camille", date_naissance=NE_LE)  # two letters off

        trouvees = personnes_proches(user=departement, nom="Dupont", prenom="Camille", date_naissance=NE_LE)

        assert trouvees == [dupond]

    def test_une_autre_date_de_naissance_n_est_jamais_proche(self, departement):
        BeneficiaireFactory(nom="Dupont", prenom="Camille", date_naissance=NE_LE + datetime.timedelta(days=1))
        BeneficiaireFactory(nom="Dupont", prenom="Camille", date_naissance=NE_LE.replace(year=1989))

        assert not personnes_proches(user=departement, nom="Dupont", prenom="Camille", date_naissance=NE_LE)

    def test_le_departement_voit_les_personnes_de_chaque_epci(self, departement, epci_a, epci_b):
        de_a = BeneficiaireFactory(nom="Dupond", prenom="Camille", date_naissance=NE_LE, cree_par_epci=epci_a)
        de_b = BeneficiaireFactory(nom="Dupont", prenom="Camile", date_naissance=NE_LE, cree_par_epci=epci_b)
        du_departement = BeneficiaireFactory(
            nom="Camille", prenom="Dupont", date_naissance=NE_LE, cree_par_epci=None
        )

        trouvees = personnes_proches(user=departement, nom="Dupont", prenom="Camille", date_naissance=NE_LE)

        assert set(trouvees) == {de_a, de_b, du_departement}

    def test_un_agent_ne_voit_que_son_perimetre(self, agent_a, agent_b, epci_a, clause_a):
        de_a = BeneficiaireFactory(nom="Dupond", prenom="Camille", date_naissance=NE_LE, cree_par_epci=epci_a)
        # Created elsewhere, but worked on a contract of EPCI A: in its scope.
        venue = HeuresRealiseesFactory(
            clause=clause_a,
            beneficiaire__nom="Dupont",
            beneficiaire__prenom="Camile",
            beneficiaire__date_naissance=NE_LE,
        ).beneficiaire

        pour_a = personnes_proches(user=agent_a, nom="Dupont", prenom="Camille", date_naissance=NE_LE)
        pour_b = personnes_proches(user=agent_b, nom="Dupont", prenom="Camille", date_naissance=NE_LE)

        assert set(pour_a) == {de_a, venue}
        assert pour_b == []

    def test_un_lecteur_ne_voit_personne(self, lecteur, lecteur_a, epci_a):
        BeneficiaireFactory(nom="Dupont", prenom="Camille", date_naissance=NE_LE, cree_par_epci=epci_a)

        for user in (lecteur, lecteur_a):
            assert not personnes_proches(user=user, nom="Dupont", prenom="Camille", date_naissance=NE_LE)

    def test_une_personne_anonymisee_n_est_jamais_proche(self, departement):
        janvier = datetime.date(1988, 1, 1)
        personne = BeneficiaireFactory(nom="Dupont", prenom="Camille", date_naissance=janvier)
        anonymiser(beneficiaires=Beneficiaire.objects.filter(pk=personne.pk), maintenant=timezone.now())

        for nom, prenom in (("Dupont", "Camille"), ("Personne anonymisée", "")):
            assert not personnes_proches(user=departement, nom=nom, prenom=prenom, date_naissance=janvier)

    def test_les_proches_sont_limites(self, departement):
        for lettre in "abcdefghijklmnopqrstuvwxyz"[: PROCHES_MAX + 3]:
            BeneficiaireFactory(nom=f"Dupon{lettre}", prenom="Camille", date_naissance=NE_LE)

        trouvees = personnes_proches(user=departement, nom="Dupont", prenom="Camille", date_naissance=NE_LE)

        assert len(trouvees) == PROCHES_MAX
