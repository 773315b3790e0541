"""Reading a DECP file: one streamed pass with ijson, the envelopes, the BOM, the messages for bad JSON."""

import re
from collections.abc import Iterator
from decimal import Decimal

import ijson

from marches.decp.bilan import milliers
from marches.decp.exceptions import ImportDecpImpossible

BOM = b"\xef\xbb\xbf"
OCTETS_DEBUT = 4096  # enough to skip a BOM and the blanks before the first { or [

# Bounds of a hostile file, checked while streaming: no DECP value needs more.
PROFONDEUR_MAX = 64  # objects and lists open at once
CHIFFRES_MAX = 30  # significant digits of a number, and its order of magnitude
LIMITE_ENTIER = 10**CHIFFRES_MAX
CHIFFRES_CONSECUTIFS_MAX = 1000  # digits in a row anywhere in the raw bytes (see FluxBorne)
CHIFFRES = b"0123456789"
SUITE_DE_CHIFFRES = re.compile(rb"[0-9]{%d}" % CHIFFRES_CONSECUTIFS_MAX)

# The ijson backend: the fastest one installed (yajl2_c in production); the tests also run the python one.
BACKEND = ijson


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
    Raises ImportDecpImpossible for a JSON that is not DECP or that exceeds the bounds (nesting depth, length
    of a number); ijson.JSONError for a file that is not JSON.
    """
    _passer_bom(fichier)
    # basic_parse, not parse: ijson would build a prefix string per event, quadratic in the nesting depth.
    evenements = BACKEND.basic_parse(FluxBorne(fichier))
    chemin: list = []  # one entry per open container: its current key (a map) or "item" (an array)
    enveloppe = False  # a list of records was found: at the root, or under "marches"
    numero = 0
    for evenement, valeur in evenements:
        if evenement == "map_key":
            chemin[-1] = valeur
            continue
        if evenement == "end_map" or evenement == "end_array":
            chemin.pop()
            continue
        prefixe = ".".join(chemin)
        genre = PREFIXES.get(prefixe)
        if genre is not None:
            numero += 1
            enregistrement = _construire(evenements, evenement, valeur, numero, len(chemin))
            if genre == INDETERMINE:
                genre = CONCESSION if _est_concession(enregistrement) else MARCHE
            if numero == 1:
                _verifier_premier(enregistrement)
            yield genre, enregistrement
            continue
        if prefixe == "" and evenement == "start_array":
            enveloppe = True
        elif prefixe == "" and evenement != "start_map":
            raise ImportDecpImpossible(_pas_decp("il ne contient qu'une valeur isolée"))
        elif prefixe == "marches" and evenement in ("start_map", "start_array"):
            enveloppe = True
        elif prefixe == "marches":
            raise ImportDecpImpossible(_pas_decp("la clé « marches » ne contient ni liste ni objet"))
        if evenement == "start_map" or evenement == "start_array":
            if len(chemin) >= PROFONDEUR_MAX:
                raise ImportDecpImpossible(_trop_profond("Le fichier"))
            chemin.append("item" if evenement == "start_array" else None)
        elif evenement == "number" and _nombre_trop_long(valeur):
            raise ImportDecpImpossible(_nombre_refuse("Le fichier", prefixe))
    if not enveloppe:
        raise ImportDecpImpossible(_pas_decp("il ne contient ni la clé « marches » ni une liste de marchés"))


def _passer_bom(fichier):
    debut = fichier.read(len(BOM))
    if debut != BOM:
        fichier.seek(fichier.tell() - len(debut))


def verifier_debut(fichier):
    """Refuses, before any parsing, a file that does not start like JSON ({ or [ after a BOM and blanks)."""
    position = fichier.tell()
    debut = fichier.read(OCTETS_DEBUT)
    fichier.seek(position)
    debut = debut.removeprefix(BOM).lstrip(b" \t\r\n")
    if not debut:
        raise ImportDecpImpossible(
            "Le fichier est vide ou ne contient que des blancs. Rien n'a été enregistré."
        )
    if debut[:1] not in (b"{", b"["):
        raise ImportDecpImpossible(
            "Ce fichier n'est pas un fichier JSON : il devrait commencer par « { » ou « [ ». Rien n'a été "
            "enregistré."
        )


class FluxBorne:
    """The file as ijson reads it, refused at the first run of CHIFFRES_CONSECUTIFS_MAX digits.

    ijson's C backend crashes the process on an integer longer than Python's int conversion limit (4 300
    digits): such a run must never reach it. Checked on the raw bytes, strings included (no DECP value
    holds a thousand digits in a row).
    """

    def __init__(self, fichier):
        self.fichier = fichier
        self.chiffres_en_fin = 0  # digits at the end of the previous chunk

    def read(self, taille=-1):
        morceau = self.fichier.read(taille)
        if morceau:
            debut = len(morceau) - len(morceau.lstrip(CHIFFRES))
            if self.chiffres_en_fin + debut >= CHIFFRES_CONSECUTIFS_MAX or SUITE_DE_CHIFFRES.search(morceau):
                raise ImportDecpImpossible(
                    f"Le fichier contient une suite de plus de {milliers(CHIFFRES_CONSECUTIFS_MAX)} chiffres "
                    f"(avant l'octet {milliers(self.fichier.tell())}) : ce n'est pas un fichier DECP valide. "
                    "Rien n'a été enregistré."
                )
            fin = len(morceau) - len(morceau.rstrip(CHIFFRES))
            self.chiffres_en_fin = self.chiffres_en_fin + fin if fin == len(morceau) else fin
        return morceau


def _nombre_trop_long(valeur) -> bool:
    """More than CHIFFRES_MAX significant digits, or a magnitude beyond them (1e999999 is short but huge)."""
    if type(valeur) is int:
        return not -LIMITE_ENTIER < valeur < LIMITE_ENTIER
    if isinstance(valeur, Decimal):
        if not valeur.is_finite():
            return True
        return len(valeur.as_tuple().digits) > CHIFFRES_MAX or abs(valeur.adjusted()) >= CHIFFRES_MAX
    return False  # a float (use_float): already bounded


def _designation(numero: int, enregistrement) -> str:
    identifiant = enregistrement.get("id") if isinstance(enregistrement, dict) else None
    if isinstance(identifiant, str | int) and len(str(identifiant)) <= 100:
        return f"L'enregistrement n° {milliers(numero)} (id « {identifiant} »)"
    return f"L'enregistrement n° {milliers(numero)}"


def _nombre_refuse(qui: str, cle) -> str:
    champ = f" (champ « {cle} »)" if isinstance(cle, str) and cle and len(cle) <= 100 else ""
    return (
        f"{qui} contient un nombre de plus de {CHIFFRES_MAX} chiffres{champ} : ce n'est pas une valeur DECP. "
        "Rien n'a été enregistré."
    )


def _trop_profond(qui: str) -> str:
    return (
        f"{qui} imbrique plus de {PROFONDEUR_MAX} niveaux d'objets ou de listes : ce n'est pas un fichier DECP. "
        "Rien n'a été enregistré."
    )


def _construire(evenements, evenement, valeur, numero: int, profondeur: int):
    """Builds the value that starts with (evenement, valeur) from the following parse events.

    `numero` and `profondeur` (containers open above the record) name the record and bound its nesting.
    """
    if evenement == "start_map":
        racine = {}
    elif evenement == "start_array":
        racine = []
    else:
        if evenement == "number" and _nombre_trop_long(valeur):
            raise ImportDecpImpossible(_nombre_refuse(_designation(numero, None), None))
        return valeur
    pile = [racine]
    profondeur_max = PROFONDEUR_MAX - profondeur
    cle = None
    for evenement, valeur in evenements:
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
        elif evenement == "number" and _nombre_trop_long(valeur):
            raise ImportDecpImpossible(_nombre_refuse(_designation(numero, racine), cle))
        parent = pile[-1]
        if type(parent) is list:
            parent.append(valeur)
        else:
            parent[cle] = valeur
        if evenement == "start_map" or evenement == "start_array":
            if len(pile) >= profondeur_max:
                raise ImportDecpImpossible(_trop_profond(_designation(numero, racine)))
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
