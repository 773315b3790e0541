"""Statistical secret on hand-made breakdowns: primary and secondary masking, zeros, small totals."""

import random
from decimal import Decimal

import pytest

from insertion.indicateurs.chiffres import (
    Chiffres,
    LigneAcheteur,
    LigneEpci,
    LigneModalite,
    LignePublic,
    LigneRepartition,
    Synthese,
)
from insertion.indicateurs.requetes import Perimetre
from insertion.indicateurs.secret import (
    PRIMAIRE,
    SECONDAIRE,
    masquer_chiffres,
    masquer_parmi,
    masquer_repartition,
    protegee,
)
from portail.formats import Masque
from tests.secret_statistique import valeurs_possibles, verifier_repartition

P, S = PRIMAIRE, SECONDAIRE


def vue_du_lecteur(effectifs, etats, seuil=5):
    return [
        n if etat is None else (f"< {seuil}" if etat == P else "secret")
        for n, etat in zip(effectifs, etats, strict=True)
    ]


@pytest.mark.parametrize(
    ("effectifs", "attendu"),
    [
        ([5, 9, 0], [None, None, None]),  # nothing small, zero stays zero
        ([1, 9], [P, S]),  # one masked cell: 9 = total - shown would give it back
        ([2, 10, 30], [P, S, None]),  # the next-smallest cell masked too
        ([1, 0, 20, 30], [P, None, S, None]),  # a zero is no secret and protects nothing
        ([2, 3, 30], [P, P, None]),  # two small cells: 5 = 2 + 3 in some order, neither known
        ([4, 5, 5, 100], [P, S, S, None]),  # 4 + 5 = 9 would tell 4 (a secondary is at most 5)
        ([4, 4], [S, S]),  # "< 5" twice with a total of 8: both 4; everything masked
        ([1, 1, 1, 1, 1, 1], [S] * 6),  # six "< 5" adding up to 6: all ones; everything masked
        ([0, 3], [S, S]),  # a total of 3: everything masked, zeros included
        ([0, 0], [None, None]),
    ],
)
def test_masquer_repartition(effectifs, attendu):
    etats = masquer_repartition(effectifs, seuil=5)
    assert etats == attendu
    verifier_repartition(vue_du_lecteur(effectifs, etats), total=sum(effectifs), seuil=5)


def test_le_verificateur_trouve_une_case_deduite():
    """The checker fails on the naive masking (primary cells only), so it can catch a leak."""
    for effectifs in ([1, 9], [4, 4], [1, 1, 10]):
        naif = [P if 0 < n < 5 else None for n in effectifs]
        with pytest.raises(AssertionError, match="se déduit du total"):
            verifier_repartition(vue_du_lecteur(effectifs, naif), total=sum(effectifs), seuil=5)
    with pytest.raises(AssertionError, match="se déduit du total"):  # 4 + 5 = 9: the secondary is 5
        verifier_repartition(["< 5", "secret", 5, 100], total=114, seuil=5)
    with pytest.raises(AssertionError, match="effectif 3 affiché"):
        verifier_repartition([3, 10], total=13, seuil=5)
    assert valeurs_possibles(["< 5", "< 5", 30], total=35, seuil=5) == {0: {1, 2, 3, 4}, 1: {1, 2, 3, 4}}


def test_protegee():
    assert protegee([1, 9], [P, S], seuil=5)
    assert not protegee([1, 9], [P, None], seuil=5)
    assert not protegee([4, 4], [P, P], seuil=5)
    assert protegee([3, 4, 20], [P, P, None], seuil=5)


def test_le_seuil_change_le_masquage():
    assert masquer_repartition([3, 9], seuil=5) == [P, S]
    assert masquer_repartition([3, 9], seuil=3) == [None, None]
    assert masquer_repartition([2, 9], seuil=3) == [P, S]


def test_heures_non_additives_en_personnes():
    """Buyers, contracts, modalities: people do not add up, hours do; at least two masked cells with hours."""
    heures = [Decimal(10), Decimal(100), Decimal(500)]
    assert masquer_repartition([2, 10, 30], seuil=5, additive=False, heures=heures) == [P, S, None]
    assert masquer_repartition([2, 3, 30], seuil=5, additive=False, heures=heures) == [P, P, None]
    assert masquer_repartition([2, 10, 30], seuil=5, additive=False) == [P, None, None]
    # A contract with few people since its start, none this year: masked, and the year's hours protected.
    assert masquer_repartition(
        [0, 8, 30], seuil=5, additive=False, heures=[0, 80, 300], masquer_aussi=[True]
    ) == [P, None, None]
    assert masquer_repartition(
        [6, 8, 30], seuil=5, additive=False, heures=[60, 80, 300], masquer_aussi=[True]
    ) == [P, S, None]


def test_masquer_parmi():
    assert masquer_parmi(2, total=20, seuil=5) == P
    assert masquer_parmi(18, total=20, seuil=5) == S  # 20 - 18 = 2 people outside the public
    assert masquer_parmi(20, total=20, seuil=5) is None  # everybody: no one outside
    assert masquer_parmi(0, total=20, seuil=5) is None
    assert masquer_parmi(10, total=20, seuil=5) is None


@pytest.mark.parametrize("seuil", [3, 5, 11])
def test_aucune_case_deduite_sur_des_repartitions_au_hasard(seuil):
    tirage = random.Random(seuil)
    for _ in range(400):
        effectifs = [tirage.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 30]) for _ in range(tirage.randint(2, 6))]
        etats = masquer_repartition(effectifs, seuil=seuil)
        verifier_repartition(vue_du_lecteur(effectifs, etats, seuil), total=sum(effectifs), seuil=seuil)
        for n, etat in zip(effectifs, etats, strict=True):
            assert etat is not None or not 0 < n < seuil  # every small cell masked
            assert etat != P or 0 < n < seuil  # "< s" only on small cells


# --- a whole dashboard, by hand --------------------------------------------------------------------


def _chiffres(*, nb, nb_brsa, epci, sexe, publics, modalites, acheteurs):
    heures = sum(h for _, _, h in epci)
    return Chiffres(
        perimetre=Perimetre(annee=2025),
        synthese=Synthese(
            annee=2025,
            heures_validees=Decimal(heures),
            heures_declarees=Decimal(5),
            heures_brsa=Decimal(40),
            nb_beneficiaires=nb,
            nb_beneficiaires_brsa=nb_brsa,
            nb_marches=2,
            heures_reservees=Decimal(2000),
            objectif_heures=1000,
            etp=Decimal("0.5"),
            part_brsa=Decimal("10.0"),
            progression=Decimal("40.0"),
            heures_restantes=Decimal(600),
        ),
        par_mois=[],
        par_epci=[
            LigneEpci(siren, siren, Decimal(h), Decimal(0), n, None, None, Decimal(1)) for siren, n, h in epci
        ],
        par_acheteur=[
            LigneAcheteur(nom, nom, Decimal(h), Decimal(0), Decimal(1), nb_beneficiaires=n)
            for nom, n, h in acheteurs
        ],
        par_marche=[],
        par_public=[
            LignePublic(rang, code, code, Decimal(h), n, Decimal(1))
            for rang, (code, n, h) in enumerate(publics)
        ],
        par_modalite=[
            LigneModalite(rang, code, code, Decimal(h), Decimal(1), nb_beneficiaires=n)
            for rang, (code, n, h) in enumerate(modalites)
        ],
        par_sexe=[LigneRepartition(rang, c, c, n, Decimal(1)) for rang, (c, n) in enumerate(sexe)],
        par_tranche_age=[],
        par_qualification=[],
        sorties=[],
    )


def test_masquer_chiffres_a_la_main():
    chiffres = _chiffres(
        nb=20,
        nb_brsa=18,  # 2 people are not BRSA: the BRSA figures tell them by difference
        epci=[("B", 17, 300), ("A", 2, 60), ("C", 1, 40)],  # 20 people: additive
        sexe=[("F", 3), ("H", 17)],
        publics=[("BRSA", 18, 360), ("JEUNE", 6, 50), ("RQTH", 1, 10), ("DELD", 0, 0)],
        modalites=[("embauche", 19, 380), ("formation", 2, 20)],
        acheteurs=[("Mairie", 20, 400)],
    )
    masques = masquer_chiffres(chiffres, seuil=5)
    assert masques.seuil_secret == 5
    s = masques.synthese
    assert s.nb_beneficiaires == 20 and s.heures_validees == Decimal(400)
    assert s.nb_beneficiaires_brsa == Masque("secret") and s.heures_brsa == Masque("secret")
    assert s.part_brsa == Masque("secret")
    # EPCI: A and C masked (20 - 17 = 3 = 2 + 1 or 1 + 2), listed after the shown ones whatever their hours.
    assert [(e.nom, str(e.nb_beneficiaires), str(e.heures_validees)) for e in masques.par_epci] == [
        ("B", "17", "300"),
        ("A", "< 5", "secret"),
        ("C", "< 5", "secret"),
    ]
    assert [(str(x.nb), str(x.part)) for x in masques.par_sexe] == [("< 5", "secret"), ("secret", "secret")]
    publics = {p.code: (str(p.nb_beneficiaires), str(p.heures_validees)) for p in masques.par_public}
    assert publics == {
        "BRSA": ("secret", "secret"),
        "JEUNE": ("6", "50"),
        "RQTH": ("< 5", "secret"),
        "DELD": ("0", "0"),
    }
    # Modalities: formation (2 people) masked, and embauche too (its hours would be 400 - shown).
    assert [str(m.heures_validees) for m in masques.par_modalite] == ["secret", "secret"]
    assert masques.par_acheteur == chiffres.par_acheteur


def test_masquer_chiffres_petit_perimetre():
    chiffres = _chiffres(
        nb=3,
        nb_brsa=1,
        epci=[("A", 3, 100)],
        sexe=[("F", 0), ("H", 3)],
        publics=[("BRSA", 1, 40), ("DELD", 0, 0)],
        modalites=[("embauche", 3, 100), ("formation", 0, 0)],
        acheteurs=[("Mairie", 3, 100)],
    )
    s = masquer_chiffres(chiffres, seuil=5).synthese
    assert str(s.nb_beneficiaires) == "< 5"
    for champ in ("heures_validees", "heures_declarees", "heures_brsa", "etp", "part_brsa", "progression"):
        assert getattr(s, champ) == Masque("secret"), champ
    assert s.heures_restantes == Masque("secret")
    assert (s.objectif_heures, s.nb_marches, s.heures_reservees) == (1000, 2, Decimal(2000))
    masques = masquer_chiffres(chiffres, seuil=5)
    assert [str(x.nb) for x in masques.par_sexe] == ["secret", "secret"]  # zeros included: "all men"
    assert [str(p.nb_beneficiaires) for p in masques.par_public] == ["secret", "secret"]
    # With a threshold of 3, the same three people are shown.
    assert masquer_chiffres(chiffres, seuil=3).synthese.nb_beneficiaires == 3


def test_zero_personne_rien_a_masquer():
    chiffres = _chiffres(
        nb=0, nb_brsa=0, epci=[], sexe=[("F", 0), ("H", 0)], publics=[], modalites=[], acheteurs=[]
    )
    masques = masquer_chiffres(chiffres, seuil=5)
    assert masques.synthese.nb_beneficiaires == 0 and [x.nb for x in masques.par_sexe] == [0, 0]
