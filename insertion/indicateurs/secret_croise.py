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
from insertion.enums import Modalite
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
    # breakdown -> category code -> state; None for the Département's dashboard (its own 1-D rule)
    repartitions: dict | None = None
    publics: dict | None = None  # public code -> state (BRSA included)
    # Hours, for any scope: buyer SIRET, modality code, contract pk -> state.
    acheteurs: dict = field(default_factory=dict)
    modalites: dict = field(default_factory=dict)
    marches: dict = field(default_factory=dict)
    # EPCI SIREN -> state of its training hours (the EPCI × modality table), for the progression by EPCI.
    formation_par_epci: dict = field(default_factory=dict)


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


INCONNUE = "inconnue"  # a cell the reader never sees, that is no secret (contracts attached to no EPCI)


def _a_proteger(items) -> bool:
    """Exactly one unknown item with hours in a line, and a secret one: total minus the shown ones."""
    inconnus = [etat for etat, heures in items if etat and heures]
    return len(inconnus) == 1 and inconnus[0] != INCONNUE


def _masquer_le_plus_petit(cles, heures: dict, etats: dict) -> bool:
    libres = [cle for cle in cles if etats[cle] is None and heures[cle]]
    if libres:
        etats[min(libres, key=lambda cle: (heures[cle], str(cle)))] = SECONDAIRE
    return bool(libres)


def masquer_heures(
    heures: dict, *, primaires: set, marges: dict, marges_primaires: set, cachees: set, inconnues: set
):
    """(cell states, margin states) of a table of hours: cell (row, column) -> hours, adding up along
    each row to its EPCI's hours and along each column to the Département's figure (`marges`), the
    margins adding up to the Département's hours. In none of these lines may exactly one secret item
    with hours be unknown (it would be the total minus the shown ones); the smallest shown one is masked,
    a margin when its column has no shown cell left. Rows in `cachees` are masked whole (the EPCI masked
    in the breakdown by EPCI): their cells are unknown, and one of them at least must not be deducible
    (else their sum, the EPCI's masked hours, would be); rows in `inconnues` are never shown (no
    dashboard) and no secret."""
    etats = {}
    for cle in heures:
        if cle in primaires and cle[0] not in inconnues:
            etats[cle] = PRIMAIRE
        else:
            etats[cle] = INCONNUE if cle[0] in cachees | inconnues else None
    etats_marges = {colonne: PRIMAIRE if colonne in marges_primaires else None for colonne in marges}
    lignes, colonnes = {}, {}
    for cle in sorted(heures, key=str):
        lignes.setdefault(cle[0], []).append(cle)
        colonnes.setdefault(cle[1], []).append(cle)
    visibles = [ligne for ligne in lignes if ligne not in cachees | inconnues]

    def items(colonne):
        marge = [(etats_marges[colonne], marges[colonne])] if colonne in marges else []
        return [(etats[c], heures[c]) for c in colonnes[colonne]] + marge

    def masquer_dans(colonne) -> bool:
        # a cell of a row with other hours (else its EPCI's own total would tell it), or the margin
        montrees = [
            cle
            for cle in colonnes[colonne]
            if cle[0] in visibles and sum(1 for c in lignes[cle[0]] if heures[c]) > 1
        ]
        marge = [colonne] if colonne in marges else []
        return _masquer_le_plus_petit(montrees, heures, etats) or _masquer_le_plus_petit(
            marge, marges, etats_marges
        )

    def seule_inconnue(colonne) -> bool:
        return sum(1 for etat, valeur in items(colonne) if etat and valeur) == 1

    stable = False
    while not stable:
        stable = True
        for ligne in visibles:
            cles = lignes[ligne]
            while _a_proteger([(etats[c], heures[c]) for c in cles]) and _masquer_le_plus_petit(
                cles, heures, etats
            ):
                stable = False
        for colonne in colonnes:
            while _a_proteger(items(colonne)) and masquer_dans(colonne):
                stable = False
        for ligne in cachees & set(lignes):  # its hours are masked: some cell must stay unknown
            avec_heures = [cle for cle in lignes[ligne] if heures[cle]]
            while avec_heures and all(seule_inconnue(cle[1]) for cle in avec_heures):
                plus_petite = min(avec_heures, key=lambda cle: (heures[cle], str(cle)))
                if not masquer_dans(plus_petite[1]):
                    break
                stable = False
        tout = list(marges)
        while _a_proteger([(etats_marges[c], marges[c]) for c in tout]) and _masquer_le_plus_petit(
            tout, marges, etats_marges
        ):
            stable = False
    return etats, etats_marges


def masquer_marches(heures: dict, *, epci: dict, primaires: set, masquees: set) -> dict:
    """Contract pk -> state: the same on every scope (a contract belongs to one EPCI). Its EPCI's
    contracts add up to the EPCI's hours (masked for the EPCI in `masquees`), all of them to the
    Département's: in none of these lines may exactly one contract with hours be masked."""
    etats = {pk: PRIMAIRE if pk in primaires else None for pk in heures}
    lignes = {}
    for pk in sorted(heures):
        lignes.setdefault(epci[pk], []).append(pk)
    stable = False
    while not stable:
        stable = True
        for siren, pks in lignes.items():
            items = [(etats[pk], heures[pk]) for pk in pks] + [(SECONDAIRE if siren in masquees else None, 1)]
            while _a_proteger(items) and _masquer_le_plus_petit(pks, heures, etats):
                items = [(etats[pk], heures[pk]) for pk in pks] + [items[-1]]
                stable = False
        tout = list(heures)
        while _a_proteger([(etats[pk], heures[pk]) for pk in tout]) and _masquer_le_plus_petit(
            tout, heures, etats
        ):
            stable = False
    return etats


def _heures_croisees(matrices, departement, *, masquees: set, seuil: int) -> dict:
    """Row -> its states, for buyers, modalities and contracts; row None: the Département's margins."""
    resultat = {}
    for cle, matrice, lignes, code in (
        ("acheteurs", matrices.heures_par_acheteur, departement.par_acheteur, "siret"),
        ("modalites", matrices.heures_par_modalite, departement.par_modalite, "code"),
    ):
        etats, etats_marges = masquer_heures(
            {case: heures for case, (heures, _) in matrice.items()},
            primaires={case for case, (_, nb) in matrice.items() if 0 < nb < seuil},
            marges={getattr(ligne, code): ligne.heures_validees for ligne in lignes},
            marges_primaires={getattr(ligne, code) for ligne in lignes if 0 < ligne.nb_beneficiaires < seuil},
            cachees=masquees,
            inconnues={None} - masquees,
        )
        resultat[cle] = (etats, etats_marges)
    primaires = {
        ligne.pk
        for ligne in departement.par_marche
        if 0 < ligne.nb_beneficiaires_annee < seuil or 0 < ligne.nb_beneficiaires_cumul < seuil
    }
    etats = masquer_marches(
        {ligne.pk: ligne.heures_validees_annee for ligne in departement.par_marche},
        epci={ligne.pk: ligne.epci_siren for ligne in departement.par_marche},
        primaires=primaires,
        masquees=masquees,
    )
    resultat["marches"] = (
        {(ligne.epci_siren, ligne.pk): etats[ligne.pk] for ligne in departement.par_marche},
        etats,
    )
    return resultat


def etats_croises(matrices, departement, *, siren: str | None, seuil: int) -> EtatsCroises:
    """The states of the dashboard of the EPCI `siren` (None: the Département), from `matrices.matrices()`
    and the Département's raw figures (`chiffres.calculer_chiffres` before the secret)."""
    etats_epci = etats_par_epci(departement, seuil=seuil)
    masquees = {ligne.siren for ligne, etat in zip(departement.par_epci, etats_epci, strict=True) if etat}
    cachees = masquees | {None}  # the contracts attached to no EPCI: no dashboard of their own
    masque = dict(zip((ligne.siren for ligne in departement.par_epci), etats_epci, strict=True)).get(siren)
    if siren is not None and masque:
        return EtatsCroises(masque=masque)
    croisees = _heures_croisees(matrices, departement, masquees=masquees, seuil=seuil)
    heures = {
        cle: _etats_de_la_ligne(etats, etats_marges, siren=siren)
        for cle, (etats, etats_marges) in croisees.items()
    }
    heures["formation_par_epci"] = {
        ligne: etat
        for (ligne, colonne), etat in croisees["modalites"][0].items()
        if colonne == Modalite.FORMATION
    }
    if siren is None:
        return EtatsCroises(**heures)
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
    return EtatsCroises(repartitions=repartitions, publics=etats_publics, **heures)


def _etats_de_la_ligne(etats: dict, etats_marges: dict, *, siren: str | None) -> dict:
    if siren is None:
        return etats_marges
    return {colonne: etat for (ligne, colonne), etat in etats.items() if ligne == siren}
