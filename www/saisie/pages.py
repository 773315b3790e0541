"""The lines of the monthly grid, cut into pages: a month may hold thousands of rows (a statement import).

The rows of the month (read-only ones first) and the people of last month to pre-fill are one ordered list,
filtered by name and cut into pages of LIGNES_PAR_PAGE; every page ends with the people just added and a few
empty lines. Everything is computed in dicts and sets, linear in the number of rows.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from beneficiaires.identite import normaliser_nom
from insertion import regles

LIGNES_PAR_PAGE = 200
LIGNES_VIDES = 3
# People kept per clause for a clerk who just found or added them; also the most lines they add to a page.
PERSONNES_RETENUES_PAR_CLAUSE = 50
# Forms of one page at most: a page of rows, the people just added, the empty lines.
LIGNES_MAX_PAR_ENVOI = LIGNES_PAR_PAGE + PERSONNES_RETENUES_PAR_CLAUSE + LIGNES_VIDES


@dataclass(frozen=True)
class _Ligne:
    """One line of the ordered list: a row of the month (locked or not) or a person to pre-fill."""

    rangee: object
    verrouillee: bool = False
    prerempli: bool = False


@dataclass
class PageGrille:
    page: Page
    recherche: str
    verrouillees: list  # read-only rows of this page
    initial: list[dict]  # one dict per form of this page
    lignes_du_mois: int  # rows of the month, all pages together

    @property
    def plusieurs_pages(self) -> bool:
        return self.page.paginator.num_pages > 1

    @property
    def numeros(self) -> list[int | None]:
        """Page numbers around this one and at both ends; None for a gap."""
        paginator = self.page.paginator
        return [
            None if numero == paginator.ELLIPSIS else numero
            for numero in paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        ]


def _correspond(rangee, mots: list[str]) -> bool:
    nom = normaliser_nom(str(rangee.beneficiaire))
    return all(mot in nom for mot in mots)


def page_de_la_grille(
    *,
    user,
    mois: datetime.date,
    rangees,
    personnes,
    demandees: list[str],
    siret_titulaire: str,
    recherche: str = "",
    numero=1,
    lecture_seule: bool = False,
) -> PageGrille:
    """`rangees`: this month's and last month's rows, ordered by person; `personnes`: the people offered;
    `demandees`: public ids of people just added (checked UUIDs), shown at the end of the page.
    `lecture_seule` (a month of a closed year): every row of the month read-only, nothing to fill in."""
    du_mois = [r for r in rangees if r.mois == mois]
    if lecture_seule:
        rangees, demandees = du_mois, []
    deja_la = {r.beneficiaire_id for r in du_mois}
    proposees = {str(p.public_id) for p in personnes}
    demandees = [i for i in dict.fromkeys(demandees) if i in proposees][:PERSONNES_RETENUES_PAR_CLAUSE]
    # A person just added who is also last month's is shown with the people just added, on this page.
    public_ids_du_mois = {str(r.beneficiaire.public_id) for r in du_mois}
    demandees = [i for i in demandees if i not in public_ids_du_mois]
    a_part = set(demandees)

    def verrouillee(rangee) -> bool:
        return lecture_seule or regles.ligne_verrouillee(statut=rangee.statut, user=user)

    lignes = [_Ligne(r, verrouillee=True) for r in du_mois if verrouillee(r)]
    lignes += [_Ligne(r) for r in du_mois if not verrouillee(r)]
    demandees_reprises = {}  # public id → their rows of last month
    for r in rangees:
        if r.mois == mois or r.beneficiaire_id in deja_la:
            continue
        if (identifiant := str(r.beneficiaire.public_id)) in a_part:
            demandees_reprises.setdefault(identifiant, []).append(r)
        else:
            lignes.append(_Ligne(r, prerempli=True))

    recherche = " ".join(recherche.split())[:100]
    if mots := normaliser_nom(recherche).split():
        lignes = [ligne for ligne in lignes if _correspond(ligne.rangee, mots)]
    page = Paginator(lignes, LIGNES_PAR_PAGE).get_page(numero)

    initial = []
    for ligne in page.object_list:
        if ligne.verrouillee:
            continue
        if ligne.prerempli:
            initial.append(_reprise(ligne.rangee))
        else:
            initial.append({"id_rangee": ligne.rangee.pk})
    for identifiant in demandees:
        if identifiant in demandees_reprises:
            initial += [_reprise(r) for r in demandees_reprises[identifiant]]
        else:
            initial.append({"beneficiaire": identifiant, "siret_employeur": siret_titulaire})
    if not lecture_seule:
        initial += [{"siret_employeur": siret_titulaire} for _ in range(LIGNES_VIDES)]
    return PageGrille(
        page=page,
        recherche=recherche,
        verrouillees=[ligne.rangee for ligne in page.object_list if ligne.verrouillee],
        initial=initial,
        lignes_du_mois=len(du_mois),
    )


def _reprise(rangee) -> dict:
    return {
        "beneficiaire": str(rangee.beneficiaire.public_id),
        "siret_employeur": rangee.employeur.siret or "",
        "modalite": rangee.modalite,
        "type_contrat": rangee.type_contrat,
        "prerempli": True,
    }
