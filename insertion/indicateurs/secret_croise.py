"""Statistical secret across scopes: an EPCI's figures cannot be recovered from the Département's either.

A reader of the whole Département opens the Département's dashboard and each EPCI's. For each breakdown
of people (sex, age band, qualification, sorties; each public in or out, BRSA), the figures of every scope
are cells of one table EPCI × category whose margins are the Département's figures (masked by their own
1-D rule, `secret.masquer_chiffres`, and left as they are). Pure functions, no query:

- rows: an EPCI masked in the Département's breakdown by EPCI is masked whole on its own dashboard (else
  its total would give the masked one back), as are the contracts attached to no EPCI (no dashboard):
  their cells are unknown to the reader. Every other row starts from the 1-D rule of its dashboard.
- lines: in every row (with its total) and every column (with its Département margin), a masked cell
  must not be deducible: never exactly one masked item (a masked margin counts), and, when the margin is
  shown and the cells add up to it, no masked cell with a single possible value ("< s" lies in 1..s-1,
  "secret" in 0..margin). The smallest shown cell of an unsafe line is masked, until all are stable.
- a person counted in two EPCI breaks the sums: only the count rule applies to that line.
"""

from dataclasses import dataclass, field

from beneficiaires.enums import CodePublic
from insertion.indicateurs.secret import (
    PRIMAIRE,
    REPARTITIONS,
    SECONDAIRE,
    etats_par_epci,
    masquer_parmi,
    masquer_repartition,
)


@dataclass(frozen=True)
class EtatsCroises:
    """The states of one EPCI's row, for `secret.masquer_chiffres`."""

    masque: str | None = None  # the EPCI is masked in the Département's breakdown by EPCI
    repartitions: dict = field(default_factory=dict)  # breakdown -> category code -> state
    publics: dict = field(default_factory=dict)  # public code -> state (BRSA included)


def _bornes(etat: str, *, seuil: int, marge: int) -> tuple[int, int]:
    return (1, seuil - 1) if etat == PRIMAIRE else (0, marge)


def deductible(valeurs, etats, *, marge: int, marge_masquee: bool, seuil: int) -> bool:
    """True when a masked cell of the line can be told from its margin and its shown cells."""
    masques = [i for i, etat in enumerate(etats) if etat]
    nombre = len(masques) + bool(marge_masquee)
    if nombre <= 1:
        return nombre == 1
    if marge_masquee or sum(valeurs) != marge:
        return False
    reste = marge - sum(v for v, etat in zip(valeurs, etats, strict=True) if etat is None)
    bornes = [_bornes(etats[i], seuil=seuil, marge=marge) for i in masques]
    bas_total = sum(bas for bas, _ in bornes)
    haut_total = sum(haut for _, haut in bornes)
    return any(
        max(bas, reste - (haut_total - haut)) >= min(haut, reste - (bas_total - bas)) for bas, haut in bornes
    )


def masquer_tableau(
    valeurs: dict,
    *,
    etats: dict,
    cachees: set,
    marges: list[int],
    marges_masquees: list[bool],
    seuil: int,
    lignes: bool = True,
) -> dict:
    """Row -> states of its cells, for a table row -> counts by column (see the module's docstring).

    `etats`: the initial states of the shown rows; `cachees`: the rows the reader never sees (all masked);
    `lignes`: check the rows against their totals too (not for a public, whose row is "in" only)."""
    largeur = len(marges)
    etats = {ligne: list(etats.get(ligne, [None] * largeur)) for ligne in valeurs}
    for ligne in cachees & set(valeurs):
        etats[ligne] = [SECONDAIRE] * largeur
    ordre = sorted(valeurs, key=lambda ligne: (ligne is None, ligne or ""))
    montrees = [ligne for ligne in ordre if ligne not in cachees]

    def masquer_la_plus_petite(cellules) -> bool:
        libres = [(valeurs[ligne][j], rang, ligne, j) for rang, (ligne, j) in enumerate(cellules)]
        libres = [cellule for cellule in libres if etats[cellule[2]][cellule[3]] is None]
        if not libres:
            return False
        non_nulles = [cellule for cellule in libres if cellule[0] > 0] or libres
        _, _, ligne, j = min(non_nulles)
        etats[ligne][j] = SECONDAIRE
        return True

    stable = False
    while not stable:
        stable = True
        for ligne in montrees if lignes else ():
            while deductible(
                valeurs[ligne], etats[ligne], marge=sum(valeurs[ligne]), marge_masquee=False, seuil=seuil
            ) and masquer_la_plus_petite([(ligne, j) for j in range(largeur)]):
                stable = False
        for j in range(largeur):
            while deductible(
                [valeurs[ligne][j] for ligne in ordre],
                [etats[ligne][j] for ligne in ordre],
                marge=marges[j],
                marge_masquee=marges_masquees[j],
                seuil=seuil,
            ) and masquer_la_plus_petite([(ligne, j) for ligne in montrees]):
                stable = False
    return etats


def etats_de_l_epci(matrices, departement, *, siren: str, seuil: int) -> EtatsCroises:
    """The states of the EPCI `siren`'s dashboard, from `matrices.matrices()` and the Département's raw
    figures (`chiffres.calculer_chiffres` before the secret)."""
    etats_epci = etats_par_epci(departement, seuil=seuil)
    cachees = {ligne.siren for ligne, etat in zip(departement.par_epci, etats_epci, strict=True) if etat}
    cachees.add(None)  # the contracts attached to no EPCI: no dashboard of their own
    masque = dict(zip((ligne.siren for ligne in departement.par_epci), etats_epci, strict=True)).get(siren)
    if masque:
        return EtatsCroises(masque=masque)
    sirens = set(matrices.personnes) | set(matrices.sorties)

    repartitions = {}
    for cle in REPARTITIONS:
        codes = [ligne.code for ligne in getattr(departement, cle)]
        marges = [ligne.nb for ligne in getattr(departement, cle)]
        matrice = getattr(matrices, cle)
        valeurs = {s: [matrice.get(s, {}).get(code, 0) for code in codes] for s in sirens | {siren}}
        etats = masquer_tableau(
            valeurs,
            etats={s: masquer_repartition(ligne, seuil=seuil) for s, ligne in valeurs.items()},
            cachees=cachees,
            marges=marges,
            marges_masquees=[bool(etat) for etat in masquer_repartition(marges, seuil=seuil)],
            seuil=seuil,
        )
        repartitions[cle] = dict(zip(codes, etats[siren], strict=True))

    total = departement.synthese.nb_beneficiaires
    publics = {ligne.code: ligne.nb_beneficiaires for ligne in departement.par_public}
    publics[CodePublic.BRSA] = departement.synthese.nb_beneficiaires_brsa
    etats_publics = {}
    for code, marge in publics.items():
        valeurs = {s: [matrices.publics.get(s, {}).get(code, 0)] for s in sirens | {siren}}
        etats = masquer_tableau(
            valeurs,
            etats={
                s: [masquer_parmi(ligne[0], total=matrices.personnes.get(s, 0), seuil=seuil)]
                for s, ligne in valeurs.items()
            },
            cachees=cachees,
            marges=[marge],
            marges_masquees=[bool(masquer_parmi(marge, total=total, seuil=seuil))],
            seuil=seuil,
            lignes=False,
        )
        etats_publics[code] = etats[siren][0]
    return EtatsCroises(repartitions=repartitions, publics=etats_publics)
