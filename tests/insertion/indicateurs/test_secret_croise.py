"""Statistical secret across scopes on hand-made tables EPCI × category: rows, columns, margins."""

import random
from decimal import Decimal

import pytest

from insertion.indicateurs.secret import PRIMAIRE, SECONDAIRE, masquer_repartition
from insertion.indicateurs.secret_croise import deductible, masquer_heures, masquer_marches, masquer_tableau
from tests.secret_statistique import verifier_heures_croisees, verifier_tableau

P, S = PRIMAIRE, SECONDAIRE


def _affiche(valeur, etat, seuil=5):
    return valeur if etat is None else (f"< {seuil}" if etat == P else "secret")


def _masquer(valeurs: dict, *, cachees=frozenset(), seuil=5):
    """The table as the reader sees it: EPCI rows with the 2-D rule, the margins with the 1-D one."""
    largeur = len(next(iter(valeurs.values())))
    marges = [sum(ligne[j] for ligne in valeurs.values()) for j in range(largeur)]
    etats_marges = masquer_repartition(marges, seuil=seuil)
    etats = masquer_tableau(
        valeurs,
        etats={ligne: masquer_repartition(cases, seuil=seuil) for ligne, cases in valeurs.items()},
        cachees=set(cachees),
        marges=marges,
        marges_masquees=[bool(etat) for etat in etats_marges],
        seuil=seuil,
    )
    lignes = {
        nom: None
        if nom in cachees
        else [_affiche(v, e, seuil) for v, e in zip(cases, etats[nom], strict=True)]
        for nom, cases in valeurs.items()
    }
    totaux = {nom: None if nom in cachees else sum(cases) for nom, cases in valeurs.items()}
    affichees = [_affiche(v, e, seuil) for v, e in zip(marges, etats_marges, strict=True)]
    return lignes, affichees, totaux, etats


def test_une_case_masquee_seule_dans_sa_colonne_est_protegee():
    # Men: A 3 (small), B 20, C 30; women: A 9, B 25, C 40. Row A masks 3 and 9 (1-D); the men's
    # column would give A's 3 back (53 - 20 - 30): B's 20 is masked too, then B's 25 for its row.
    valeurs = {"A": [3, 9], "B": [20, 25], "C": [30, 40]}
    lignes, marges, totaux, etats = _masquer(valeurs)
    assert etats == {"A": [P, S], "B": [S, S], "C": [None, None]}
    assert marges == [53, 74]
    verifier_tableau(lignes, marges, seuil=5, borne=127, totaux=totaux)


def test_une_ligne_cachee_compte_comme_masquee():
    # B is masked whole (its dashboard hides everything); A's small cell is then not alone in its column.
    valeurs = {"A": [3, 9], "B": [1, 0], "C": [30, 40]}
    lignes, marges, totaux, etats = _masquer(valeurs, cachees={"B"})
    assert etats["A"] == [P, S] and etats["C"] == [None, None]
    # Women: B's hidden 0 is alone in its column with A's secondary 9: two unknowns.
    verifier_tableau(lignes, marges, seuil=5, borne=83, totaux=totaux)


def test_deductible():
    assert deductible([3, 20], [P, None], marge=23, marge_masquee=False, seuil=5)
    assert not deductible([3, 20], [P, S], marge=23, marge_masquee=False, seuil=5)
    assert deductible([4, 4], [P, P], marge=8, marge_masquee=False, seuil=5)  # 8 = 4 + 4, both known
    assert deductible([3, 20], [None, None], marge=23, marge_masquee=True, seuil=5)  # the margin is 23
    assert not deductible([3, 20], [P, None], marge=23, marge_masquee=True, seuil=5)
    # A person in two EPCI: the counts exceed the margin, only the count rule applies.
    assert not deductible([4, 4, 30], [P, P, None], marge=37, marge_masquee=False, seuil=5)


def test_le_verificateur_trouve_une_difference_entre_perimetres():
    """Each row masked by the 1-D rule alone: the column of men gives A's count back."""
    with pytest.raises(AssertionError, match="déduite du Département"):
        verifier_tableau(
            {"A": ["< 5", "secret"], "B": [20, 25], "C": [30, 40]},
            [53, 74],
            seuil=5,
            borne=127,
            totaux={"A": 12, "B": 45, "C": 70},
        )
    with pytest.raises(AssertionError, match="déduite de la ligne"):
        verifier_tableau({"A": ["< 5", 9]}, ["< 5", "secret"], seuil=5, borne=12, totaux={"A": 12})
    with pytest.raises(AssertionError, match="effectif 3 affiché"):
        verifier_tableau({"A": [3, 9]}, [3, 9], seuil=5, borne=12, totaux={"A": 12})


@pytest.mark.parametrize("graine", range(30))
def test_tables_au_hasard(graine):
    hasard = random.Random(graine)
    nombre, largeur = hasard.randint(2, 5), hasard.randint(2, 4)
    valeurs = {
        f"E{i}": [hasard.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20]) for _ in range(largeur)]
        for i in range(nombre)
    }
    cachees = {nom for nom, cases in valeurs.items() if 0 < sum(cases) < 5}
    lignes, marges, totaux, _ = _masquer(valeurs, cachees=cachees)
    borne = sum(map(sum, valeurs.values()))
    verifier_tableau(lignes, marges, seuil=5, borne=borne, totaux=totaux, libelle=str(valeurs))


# --- hours ----------------------------------------------------------------------------------------


def test_heures_une_case_de_peu_de_personnes_est_protegee_dans_sa_ligne_et_sa_colonne():
    # Buyers X and Y in A and C; A's hours at Y: 2 people.
    heures = {
        ("A", "X"): Decimal(300),
        ("A", "Y"): Decimal(40),
        ("C", "X"): Decimal(500),
        ("C", "Y"): Decimal(90),
    }
    etats, marges = masquer_heures(
        heures,
        primaires={("A", "Y")},
        marges={"X": Decimal(800), "Y": Decimal(130)},
        marges_primaires=set(),
        cachees=set(),
        inconnues=set(),
    )
    # Row A: A's X masked too; column Y: C's Y; column X then has A's X alone: C's X; row C fine.
    assert etats == {("A", "X"): S, ("A", "Y"): P, ("C", "X"): S, ("C", "Y"): S}
    assert marges == {"X": None, "Y": None}


def test_heures_des_epci_masques_entiers():
    # B and D are masked whole (the breakdown by EPCI masks two of them at least). B's only buyer Z:
    # the Département's Z would tell B's hours; D's Y and X likewise, A's X being A's whole hours.
    heures = {
        ("A", "X"): Decimal(300),
        ("B", "Z"): Decimal(75),
        ("D", "Y"): Decimal(120),
        ("D", "X"): Decimal(50),
    }
    marges = {"X": Decimal(350), "Y": Decimal(120), "Z": Decimal(75)}
    etats, etats_marges = masquer_heures(
        heures, primaires=set(), marges=marges, marges_primaires=set(), cachees={"B", "D"}, inconnues=set()
    )
    assert etats_marges == {"X": S, "Y": None, "Z": S}
    assert etats[("A", "X")] is None  # masking it would not help: A's dashboard shows A's 300 h
    structure = {"A": {"X"}, "B": {"Z"}, "D": {"X", "Y"}}
    lignes = {"A": {"X": 300.0}, "B": None, "D": None}
    totaux = {"A": 300.0, "B": "secret", "D": "secret"}
    verifier_heures_croisees(
        lignes, {"X": "secret", "Y": 120.0, "Z": "secret"}, totaux=totaux, structure=structure, petites=set()
    )
    with pytest.raises(AssertionError, match="les heures de B se déduisent"):
        verifier_heures_croisees(
            lignes, {"X": 350.0, "Y": 120.0, "Z": 75.0}, totaux=totaux, structure=structure, petites=set()
        )


def test_marches_le_meme_masquage_partout():
    # EPCI A: contracts 1 (2 people) and 2; EPCI C: contract 3. A's dashboard would give 1 from 2.
    etats = masquer_marches(
        {1: Decimal(40), 2: Decimal(300), 3: Decimal(500)},
        epci={1: "A", 2: "A", 3: "C"},
        primaires={1},
        masquees=set(),
    )
    assert etats == {1: P, 2: S, 3: None}
    # C masked in the breakdown by EPCI: its one contract would tell its hours; then the Département's
    # total minus A's would tell it: A's contracts are masked too (the smallest one, then its row).
    etats = masquer_marches(
        {1: Decimal(40), 2: Decimal(300), 3: Decimal(500)},
        epci={1: "A", 2: "A", 3: "C"},
        primaires=set(),
        masquees={"C"},
    )
    assert etats == {1: S, 2: S, 3: S}
