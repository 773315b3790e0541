"""A reader's view of a breakdown, checked for the statistical secret independently of the masking code.

A cell as the reader sees it: a number, "< s" (a count of 1..s-1 people) or "secret" (masked so that such
a count cannot be recovered). Knowing the total, the reader tries every combination of values the masked
cells may take; a masked value is recovered when only one value is possible.
"""

SECRET = "secret"


def _domaine(affiche, *, seuil: int, total: int, plafond: int, avec_primaire: bool) -> set[int]:
    if affiche == f"< {seuil}":
        return set(range(1, seuil))
    assert affiche == SECRET, affiche
    if avec_primaire:  # a secondary cell: not small (else it would read "< s"), taken smallest first
        return set(range(seuil, plafond + 1))
    return set(range(total + 1))  # everything masked, zeros included


def valeurs_possibles(affiches: list, *, total: int, seuil: int) -> dict[int, set[int]]:
    """Masked cell index -> the values it may take, given the shown cells and the total."""
    montres = [v for v in affiches if isinstance(v, int)]
    masques = [i for i, v in enumerate(affiches) if not isinstance(v, int)]
    avec_primaire = any(v == f"< {seuil}" for v in affiches)
    plafond = min((v for v in montres if v > 0), default=total)
    domaines = {
        i: _domaine(affiches[i], seuil=seuil, total=total, plafond=plafond, avec_primaire=avec_primaire)
        for i in masques
    }
    reste = total - sum(montres)
    possibles = {}
    for i in masques:
        sommes = {0}  # sums the other masked cells can reach
        for j in masques:
            if j != i:
                sommes = {s + v for s in sommes for v in domaines[j] if s + v <= reste}
        possibles[i] = {v for v in domaines[i] if reste - v in sommes}
    return possibles


def verifier_repartition(affiches: list, *, total: int, seuil: int, libelle: str = ""):
    """No shown count of 1..seuil-1 people, and no masked count recoverable from the total."""
    for valeur in affiches:
        if isinstance(valeur, int):
            assert not 0 < valeur < seuil, f"{libelle} : effectif {valeur} affiché ({affiches})"
    if not all(isinstance(v, int) for v in affiches):
        assert total - sum(v for v in affiches if isinstance(v, int)) >= 0, (libelle, affiches)
    for indice, possibles in valeurs_possibles(affiches, total=total, seuil=seuil).items():
        assert len(possibles) > 1, f"{libelle} : la case {indice} se déduit du total {total} : {affiches}"


def verifier_heures(affiches: list, *, libelle: str = ""):
    """Hours adding up to a shown total: never exactly one masked cell (it would be total - shown)."""
    masques = [v for v in affiches if not isinstance(v, int | float)]
    assert len(masques) != 1, (
        f"{libelle} : heures d'une seule case masquée, déductibles du total ({affiches})"
    )
