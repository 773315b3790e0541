"""People added to a grid and not saved yet: kept in the user's session until the grid is saved with their hours.

Adding a person writes nothing: a probe (typing a name to see what happens) leaves no record, and a clerk learns
nothing about people outside their EPCI. The session ends after 30 minutes of inactivity, and these entries with it.
"""

import datetime
import uuid

from beneficiaires.identite import cle_identite
from beneficiaires.models import Beneficiaire
from beneficiaires.selectors import communes_par_pk, publics
from beneficiaires.services import NouvellePersonne, PeriodePublic

CLE_SESSION = "saisie_personnes_en_attente"
EN_ATTENTE_PAR_GRILLE_MAX = 50


def _cle_grille(clause, mois: datetime.date) -> str:
    return f"{clause.pk}:{mois:%Y-%m}"


def _vers_session(personne: NouvellePersonne) -> dict:
    return {
        "public_id": str(personne.public_id),
        "nom": personne.nom,
        "prenom": personne.prenom,
        "date_naissance": personne.date_naissance.isoformat(),
        "sexe": personne.sexe,
        "date_entree": personne.date_entree.isoformat(),
        "commune": personne.commune.pk if personne.commune else None,
        "niveau_qualification": personne.niveau_qualification,
        "referent": personne.referent,
        "publics": [
            [p.public.pk, p.date_debut.isoformat(), p.date_fin.isoformat() if p.date_fin else None]
            for p in personne.publics
        ],
    }


def _date(texte):
    return datetime.date.fromisoformat(texte) if texte else None


def mettre_en_attente(request, *, clause, mois, donnees: dict) -> NouvellePersonne:
    """Keeps a new person for this grid; the same identity typed twice is kept once (the latest entry)."""
    personne = NouvellePersonne(**(donnees | {"publics": tuple(donnees["publics"])}))
    toutes = request.session.get(CLE_SESSION, {})
    cle = _cle_grille(clause, mois)
    autres = [p for p in toutes.get(cle, []) if _identite(p) != personne.cle_identite]
    toutes[cle] = [*autres, _vers_session(personne)][-EN_ATTENTE_PAR_GRILLE_MAX:]
    request.session[CLE_SESSION] = toutes
    return personne


def _identite(entree: dict) -> str:
    return cle_identite(
        entree["nom"], entree["prenom"], datetime.date.fromisoformat(entree["date_naissance"])
    )


def personnes_en_attente(request, *, clause, mois) -> dict[str, NouvellePersonne]:
    """This grid's people waiting to be saved, by public id (two queries at most, whatever their number)."""
    entrees = request.session.get(CLE_SESSION, {}).get(_cle_grille(clause, mois), [])
    if not entrees:
        return {}
    par_pk = {p.pk: p for p in publics()}
    communes = communes_par_pk(pks={e["commune"] for e in entrees if e["commune"]})
    en_attente = {}
    for entree in entrees:
        personne = NouvellePersonne(
            public_id=uuid.UUID(entree["public_id"]),
            nom=entree["nom"],
            prenom=entree["prenom"],
            date_naissance=_date(entree["date_naissance"]),
            sexe=entree["sexe"],
            date_entree=_date(entree["date_entree"]),
            commune=communes.get(entree["commune"]),
            niveau_qualification=entree["niveau_qualification"],
            referent=entree.get("referent", ""),
            publics=tuple(
                PeriodePublic(public=par_pk[pk], date_debut=_date(debut), date_fin=_date(fin))
                for pk, debut, fin in entree["publics"]
                if pk in par_pk
            ),
        )
        en_attente[str(personne.public_id)] = personne
    return en_attente


def fiche_provisoire(personne: NouvellePersonne) -> Beneficiaire:
    """An unsaved record for the grid's list of people (its `pk` is None until the grid is saved)."""
    return Beneficiaire(
        public_id=personne.public_id,
        nom=personne.nom,
        prenom=personne.prenom,
        date_naissance=personne.date_naissance,
        sexe=personne.sexe,
    )


def oublier(request, *, clause, mois, public_ids) -> None:
    """Drops the people now saved (or reused) from this grid's waiting list."""
    toutes = request.session.get(CLE_SESSION, {})
    cle = _cle_grille(clause, mois)
    restantes = [p for p in toutes.get(cle, []) if p["public_id"] not in set(public_ids)]
    if restantes:
        toutes[cle] = restantes
    else:
        toutes.pop(cle, None)
    request.session[CLE_SESSION] = toutes
