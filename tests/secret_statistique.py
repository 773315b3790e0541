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


# --- across scopes: a table EPCI × category with the Département's figures as margins ----------------


def _domaine_croise(affiche, *, seuil: int, borne: int) -> set[int]:
    """The values a cell may take as the reader of a table sees it: a number, "< s", "secret" or None
    (a row the reader cannot see, or the whole row masked)."""
    if isinstance(affiche, int):
        return {affiche}
    if affiche == f"< {seuil}":
        return set(range(1, seuil))
    assert affiche in (SECRET, None), affiche
    return set(range(borne + 1))


def valeurs_possibles_ligne(cases: list, marge, *, seuil: int, borne: int) -> dict:
    """Masked item (a cell index, or "marge") -> its possible values, knowing that the cells add up to the
    margin (the reader's best case: nobody in two EPCI). `borne`: an upper bound of any count."""
    domaines = {i: _domaine_croise(v, seuil=seuil, borne=borne) for i, v in enumerate(cases)}
    domaines["marge"] = _domaine_croise(marge, seuil=seuil, borne=borne)
    inconnues = [cle for cle, domaine in domaines.items() if len(domaine) > 1]
    possibles = {}
    for cle in inconnues:
        sommes = {0}  # the cells minus the margin, over the other items
        for autre, domaine in domaines.items():
            if autre != cle:
                signe = -1 if autre == "marge" else 1
                sommes = {s + signe * v for s in sommes for v in domaine}
        signe = 1 if cle == "marge" else -1  # the whole line must sum to zero
        possibles[cle] = {v for v in domaines[cle] if signe * v in sommes}
    return possibles


def verifier_tableau(lignes: dict, marges: list, *, seuil: int, borne: int, totaux: dict, libelle: str = ""):
    """`lignes`: EPCI -> the cells its dashboard shows (None: the row is not shown); `marges`: the
    Département's cells; `totaux`: EPCI -> its total as shown (a number, "< s", "secret" or None).
    No shown count of 1..seuil-1 people, and no masked cell recoverable from a row or a column."""
    for nom, cases in lignes.items():
        cases = cases or [None] * len(marges)
        for valeur in [*cases, *marges]:
            if isinstance(valeur, int):
                assert not 0 < valeur < seuil, f"{libelle} : effectif {valeur} affiché ({nom} : {cases})"
        for cle, possibles in valeurs_possibles_ligne(cases, totaux[nom], seuil=seuil, borne=borne).items():
            assert len(possibles) > 1, f"{libelle} : {nom}, case {cle} déduite de la ligne : {cases}"
    for j, marge in enumerate(marges):
        if marge == 0:  # nobody in the Département: zero everywhere, no secret ("zero stays zero")
            continue
        colonne = [(cases or [None] * len(marges))[j] for cases in lignes.values()]
        for cle, possibles in valeurs_possibles_ligne(colonne, marge, seuil=seuil, borne=borne).items():
            assert len(possibles) > 1, (
                f"{libelle} : colonne {j}, case {cle} déduite du Département ({marge}) : {colonne}"
            )


def verifier_heures_croisees(
    lignes: dict, marges: dict, *, totaux: dict, structure: dict, petites: set, libelle: str = ""
):
    """Hours EPCI × column (buyer, modality, contract) as the reader sees them. `lignes`: EPCI -> column
    -> hours shown or masked (not a number), None for an EPCI masked whole; `totaux`: EPCI -> its hours
    (a number, or masked); `marges`: the Département's figures, column -> hours or masked; `structure`:
    EPCI -> the columns where it may have hours (what the contracts listed by the Département tell);
    `petites`: the cells (EPCI, column) of 1..s-1 people, secrets even in an EPCI masked whole.
    No line (a row with its total, a column with its margin, the margins with the total hours) has exactly
    one unknown secret item; an EPCI masked whole keeps a cell that its column does not give back."""

    def inconnu(valeur):
        return not isinstance(valeur, int | float)

    cellules = {}
    for nom, colonnes in structure.items():
        for colonne in colonnes:
            ligne = lignes.get(nom)
            cellules[nom, colonne] = None if ligne is None else ligne.get(colonne, 0)
    for nom in lignes:
        cases = [v for (n, _), v in cellules.items() if n == nom]
        if lignes[nom] is not None and not inconnu(totaux[nom]):
            assert sum(map(inconnu, cases)) != 1, f"{libelle} : {nom}, une case se déduit : {lignes[nom]}"
    for colonne, marge in marges.items():
        cases = {n: v for (n, c), v in cellules.items() if c == colonne}
        inconnus = [n for n, v in cases.items() if inconnu(v)] + (["marge"] if inconnu(marge) else [])
        if marge != 0 and len(inconnus) == 1:
            seul = inconnus[0]  # an EPCI masked whole: its cell is a secret when few people
            secret = seul == "marge" or lignes.get(seul) is not None or (seul, colonne) in petites
            assert not secret, f"{libelle} : {colonne} se déduit du Département : {cases}, {marge}"
    assert sum(map(inconnu, marges.values())) != 1, f"{libelle} : une marge se déduit : {marges}"
    for nom, ligne in lignes.items():
        if ligne is None and structure.get(nom):  # its hours are masked
            colonnes = structure[nom]
            deduites = [
                sum(map(inconnu, [v for (_, c), v in cellules.items() if c == colonne])) == 1
                and not inconnu(marges.get(colonne, 0))
                for colonne in colonnes
            ]
            assert not all(deduites), f"{libelle} : les heures de {nom} se déduisent de ses colonnes"
