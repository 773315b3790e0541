"""The DECP import from end to end: read the file, write it batch by batch, all in one transaction."""

from collections.abc import Callable

import ijson
from django.db import DatabaseError, transaction

from marches.decp.bilan import ResultatImportDecp
from marches.decp.ecriture import Ecriture
from marches.decp.exceptions import ImportDecpImpossible
from marches.decp.lecture import CONCESSION, lire_enregistrements, message_json_invalide, verifier_debut
from marches.decp.referentiel import Referentiel, verifier_departement

TAILLE_LOT = 1000


def importer_decp(
    *,
    fichier,
    departement: str | None = None,
    siren_departement: str | None = None,
    garder_hors_departement: bool = False,
    simulation: bool = False,
    utilisateur=None,
    progression: Callable[[int], None] | None = None,
    taille_lot: int = TAILLE_LOT,
) -> ResultatImportDecp:
    """Imports a DECP file opened in binary mode (seekable), all or nothing, and returns the summary.

    With `departement`, the contracts whose buyer or place of execution is not in that département are
    counted and skipped; with `garder_hors_departement` too, they are counted and imported, but no clause is
    created for them (so they never enter the Département's figures). Without `departement`, nothing is
    scoped: the command and the page always give the one of the settings (DEPARTEMENT).
    With `simulation`, everything is computed and then rolled back. `progression` gets the number of bytes
    read after each batch. Raises ImportDecpImpossible (nothing written) for a file that is not DECP JSON or
    that exceeds the reading bounds of marches.decp.lecture (nesting depth, length of a number).
    """
    departement, siren_departement = verifier_departement(departement, siren_departement)
    garder_hors_departement = garder_hors_departement and departement is not None
    resultat = ResultatImportDecp(
        simulation=simulation, departement=departement, hors_departement_importes=garder_hors_departement
    )
    verifier_debut(fichier)
    try:
        with transaction.atomic():
            referentiel = Referentiel(departement=departement, siren_departement=siren_departement)
            ecriture = Ecriture(
                referentiel=referentiel,
                resultat=resultat,
                utilisateur=utilisateur,
                garder_hors_departement=garder_hors_departement,
            )
            en_attente = []
            for genre, enregistrement in lire_enregistrements(fichier):
                if genre == CONCESSION:
                    resultat.concessions_lues += 1
                    continue
                resultat.marches_lus += 1
                en_attente.append((resultat.marches_lus, enregistrement))
                if len(en_attente) >= taille_lot:
                    ecriture.traiter(en_attente)
                    en_attente = []
                    if progression:
                        progression(fichier.tell())
            if en_attente:
                ecriture.traiter(en_attente)
            if progression:
                progression(fichier.tell())
            if simulation:
                transaction.set_rollback(True)
    except ijson.JSONError as exc:
        raise ImportDecpImpossible(message_json_invalide(exc, _position(fichier))) from exc
    except DatabaseError as exc:
        raise ImportDecpImpossible(
            f"La base de données a refusé l'import, rien n'a été enregistré : {exc}"
        ) from exc
    return resultat


def _position(fichier) -> int | None:
    try:
        return fichier.tell()
    except (OSError, ValueError):
        return None
