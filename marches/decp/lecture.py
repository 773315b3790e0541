"""Reading a DECP file: one streamed pass with ijson, the envelopes, the BOM, the messages for bad JSON."""

from collections.abc import Iterator

import ijson

from marches.decp.bilan import milliers
from marches.decp.exceptions import ImportDecpImpossible

BOM = b"\xef\xbb\xbf"


# Keys of a DECP record: a list whose first record has fewer than two of them is not DECP.
CLES_DECP = {
    "id",
    "acheteur",
    "objet",
    "montant",
    "dateNotification",
    "codeCPV",
    "titulaires",
    "procedure",
    "nature",
    "dureeMois",
    "autoriteConcedante",
    "concessionnaires",
    "valeurGlobale",
}


MARCHE, CONCESSION, INDETERMINE = "marche", "concession", "indetermine"
PREFIXES = {
    "marches.marche.item": MARCHE,
    "marches.contrat-concession.item": CONCESSION,
    "marches.contrats-concession.item": CONCESSION,
    "marches.item": INDETERMINE,  # {"marches": [...]}: marchés and concessions told apart by their fields
    "item": INDETERMINE,  # a bare list
}


def lire_enregistrements(fichier) -> Iterator[tuple[str, dict]]:
    """Yields (MARCHE | CONCESSION, record) from a DECP file opened in binary mode, in one streamed pass.

    Envelopes: {"marches": {"marche": [...], "contrat-concession": [...]}}, {"marches": [...]}, or a bare list.
    Raises ImportDecpImpossible for a JSON that is not DECP; ijson.JSONError for a file that is not JSON.
    """
    _passer_bom(fichier)
    evenements = ijson.parse(fichier)
    enveloppe = False  # a list of records was found: at the root, or under "marches"
    premier = True
    for prefixe, evenement, valeur in evenements:
        genre = PREFIXES.get(prefixe)
        if genre is not None and evenement not in ("map_key", "end_map", "end_array"):
            enregistrement = _construire(evenements, evenement, valeur)
            if genre == INDETERMINE:
                genre = CONCESSION if _est_concession(enregistrement) else MARCHE
            if premier:
                _verifier_premier(enregistrement)
                premier = False
            yield genre, enregistrement
        elif prefixe == "" and evenement == "start_array":
            enveloppe = True
        elif prefixe == "" and evenement not in ("start_map", "map_key", "end_map", "end_array"):
            raise ImportDecpImpossible(_pas_decp("il ne contient qu'une valeur isolée"))
        elif prefixe == "marches" and evenement in ("start_map", "start_array"):
            enveloppe = True
        elif prefixe == "marches" and evenement not in ("map_key", "end_map", "end_array"):
            raise ImportDecpImpossible(_pas_decp("la clé « marches » ne contient ni liste ni objet"))
    if not enveloppe:
        raise ImportDecpImpossible(_pas_decp("il ne contient ni la clé « marches » ni une liste de marchés"))


def _passer_bom(fichier):
    debut = fichier.read(len(BOM))
    if debut != BOM:
        fichier.seek(fichier.tell() - len(debut))


def _construire(evenements, evenement, valeur):
    """Builds the value that starts with (evenement, valeur) from the following parse events."""
    if evenement == "start_map":
        racine = {}
    elif evenement == "start_array":
        racine = []
    else:
        return valeur
    pile = [racine]
    cle = None
    for _, evenement, valeur in evenements:
        if evenement == "map_key":
            cle = valeur
            continue
        if evenement == "end_map" or evenement == "end_array":
            pile.pop()
            if not pile:
                return racine
            continue
        if evenement == "start_map":
            valeur = {}
        elif evenement == "start_array":
            valeur = []
        parent = pile[-1]
        if type(parent) is list:
            parent.append(valeur)
        else:
            parent[cle] = valeur
        if evenement == "start_map" or evenement == "start_array":
            pile.append(valeur)
    return racine  # unreachable for valid JSON: ijson raises on a truncated file


def _est_concession(enregistrement) -> bool:
    if not isinstance(enregistrement, dict):
        return False
    if "autoriteConcedante" in enregistrement or "concessionnaires" in enregistrement:
        return True
    return "concession" in str(enregistrement.get("_type", "")).lower()


def _verifier_premier(enregistrement):
    if not isinstance(enregistrement, dict) or len(CLES_DECP & enregistrement.keys()) < 2:
        raise ImportDecpImpossible(
            _pas_decp(
                "son premier enregistrement n'a pas les champs d'un marché (id, acheteur, objet, montant…)"
            )
        )


def _pas_decp(raison: str) -> str:
    return f"Ce fichier JSON n'est pas au format DECP : {raison}. Rien n'a été enregistré."


def message_json_invalide(exc: Exception, position: int | None = None) -> str:
    detail = exc.args[0] if exc.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    detail = str(detail)
    if "premature EOF" in detail or "Incomplete" in detail:
        raison = "le fichier s'arrête avant la fin des données (fichier tronqué ou vide ?)"
    elif "UTF8" in detail or "UTF-8" in detail:
        raison = "le fichier n'est pas encodé en UTF-8"
    elif "trailing garbage" in detail:
        raison = "du texte suit la fin des données JSON"
    else:
        # The parser's own text is English ("lexical error: invalid char…"): the byte offset says where.
        raison = "erreur de syntaxe (caractère ou structure inattendus)"
    ou = f" vers l'octet {milliers(position)}" if position else ""
    return f"Ce fichier n'est pas un JSON valide{ou} : {raison}. Rien n'a été enregistré."
