"""Hypothesis strategies: hostile values for query strings, path segments, form fields and imported files."""

import io
import json
import uuid
import zipfile

from hypothesis import strategies as st

# --- plain values -----------------------------------------------------------------------------------------

NOMBRES = [
    "0",
    "-0",
    "-1",
    "-744",
    "745",
    "744.0001",
    "1e308",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 40,
    "1" + "0" * 400,
    "0." + "0" * 50 + "1",
    "1,5",
    "1 000",
    "12h",
    "0x1F",
    "١٢٣",  # Arabic-Indic digits: isdigit() is true, int() accepts them
    "１２",  # fullwidth digits
    "²",  # superscript two: isdigit() is true, int() refuses it
    "+5",
    " 5 ",
]
DATES = [
    "9999-12",
    "0000-00",
    "2026-02-30",
    "2026-13",
    "2026-00",
    "2026-1",
    "-2026-01",
    "10000-01",
    "0001-01",
    "1900-01",
    "2026-W05",
    "2026-02-29",
    "2025-02-29",
    "31/02/2026",
    "00/00/0000",
    "99/99/9999",
    "01/01/0001",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30T25:61",
    "1970-01-01",
    "2100-01-01",
]
TEXTES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
    "' OR 1=1 --",
    "'; DROP TABLE marches_marche; --",
    '" OR ""="',
    "%",
    "_",
    "%%%",
    "\\",
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",
    "שלום",
    "👩‍👩‍👧‍👦🏳️‍🌈",
    "e\u0301\u0301\u0301\u0301",
    "\ufeffBOM",
    "\u200b\u200d",
    "\uffff",
    "\U0010ffff",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "${7*7}",
    "../../../etc/passwd",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "__proto__",
    "-",
    "--",
    "=cmd|' /C calc'!A0",  # spreadsheet formula injection
    "@SUM(1+1)",
]
LONGS = ["x" * 5_000, "9" * 5_000, "é" * 3_000, "<b>" * 2_000]
TRES_LONGS = ["x" * 100_000, "\U0001f600" * 20_000]

# Text without lone surrogates: they cannot be encoded as UTF-8 by the client, so they never reach a server.
texte_libre = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)

hostile = st.one_of(
    st.sampled_from(NOMBRES),
    st.sampled_from(DATES),
    st.sampled_from(TEXTES),
    st.sampled_from(LONGS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=6).map(str),
    texte_libre,
)
hostile_post = st.one_of(hostile, st.sampled_from(TRES_LONGS))

# --- query strings ----------------------------------------------------------------------------------------

# Read by the views whatever their form shows; the page's own GET form adds its field names.
PARAMETRES_CONNUS = [
    "per_page",
    "page",
    "annee",
    "mois",
    "epci",
    "q",
    "sort",
    "_export",
    "table",
    "statut",
    "clause",
    "personne",
    "next",
    "format",
    "o",
    "p",
    "e",
    "_changelist_filters",
]


def parametres_get(noms: list[str]):
    """A list of (name, value) pairs, names repeated at will (Django keeps every value of a repeated name)."""
    nom = st.one_of(st.sampled_from(sorted(set(PARAMETRES_CONNUS) | set(noms))), st.sampled_from(TEXTES))
    return st.lists(st.tuples(nom, hostile), max_size=6)


# --- path segments ----------------------------------------------------------------------------------------

ENTIERS_DE_CHEMIN = [
    "0",
    "00",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "9" * 30,
    "1" + "0" * 400,
]


def segment(convertisseur: str, reel: str):
    """A hostile value of a route parameter (its converter name: int, str, uuid, path, slug), or the real one
    so that the other parameters of the route are reached."""
    if convertisseur == "int":
        hostiles = st.one_of(st.sampled_from(ENTIERS_DE_CHEMIN), st.integers(min_value=0).map(str))
    elif convertisseur == "uuid":
        hostiles = st.one_of(st.uuids().map(str), st.just(str(uuid.UUID(int=0))))
    elif convertisseur == "slug":
        hostiles = st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z")
    else:
        hostiles = st.one_of(st.sampled_from(DATES), st.sampled_from(NOMBRES), hostile).filter(bool)
    return st.one_of(st.just(reel), hostiles)


# --- files ------------------------------------------------------------------------------------------------


def _tronque(contenu: bytes):
    return st.integers(min_value=0, max_value=len(contenu)).map(lambda n: contenu[:n])


def _zip_trompeur():
    """A zip that is not a workbook, or whose workbook XML is garbage."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types><Default/></Types>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='x' r:id='rId9'/></sheets>")
    return tampon.getvalue()


def fichier_tableur(entetes: list[str], modele_xlsx: bytes):
    """(name, bytes): a CSV with hostile cells, a truncated or forged XLSX, or random bytes."""
    cellule = st.one_of(hostile, st.sampled_from(["2026-03", "03/2026", "14/05/1990", "F", "H", "35"]))
    ligne = st.lists(cellule, min_size=0, max_size=len(entetes) + 2)

    def csv_de(lignes, separateur, bom, en_tetes):
        def propre(valeur):
            return valeur.replace("\x00", "\\0") if separateur == "," else valeur

        texte = "\r\n".join(
            separateur.join(propre(v) for v in ligne) for ligne in ([en_tetes] if en_tetes else []) + lignes
        )
        return ("\ufeff" if bom else "") + texte

    csv_hostile = st.builds(
        csv_de,
        st.lists(ligne, max_size=8),
        st.sampled_from([";", ",", "\t"]),
        st.booleans(),
        st.sampled_from([entetes, entetes[::-1], [], [e.upper() for e in entetes]]),
    ).flatmap(
        lambda texte: st.sampled_from(["utf-8", "latin-1", "utf-16"]).map(
            lambda codage: texte.encode(codage, errors="replace")
        )
    )
    nom = st.sampled_from(["releve.csv", "releve.xlsx", "releve.txt", "releve", "..csv", "relevé 2026.CSV"])
    return st.one_of(
        st.tuples(nom, csv_hostile),
        st.tuples(st.just("releve.xlsx"), _tronque(modele_xlsx)),
        st.tuples(st.just("releve.xlsx"), st.just(_zip_trompeur())),
        st.tuples(nom, st.binary(max_size=2_000)),
        st.tuples(nom, st.just(b"")),
    )


def _json_hostile():
    feuille = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile,
    )
    return st.recursive(
        feuille,
        lambda enfants: st.one_of(
            st.lists(enfants, max_size=4), st.dictionaries(st.sampled_from(CLES_DECP), enfants, max_size=5)
        ),
        max_leaves=20,
    )


CLES_DECP = [
    "id",
    "acheteur",
    "nature",
    "objet",
    "montant",
    "dateNotification",
    "dureeMois",
    "titulaires",
    "titulaire",
    "typeIdentifiant",
    "lieuExecution",
    "code",
    "typeCode",
    "considerationsSociales",
    "considerationSociale",
    "codeCPV",
    "procedure",
    "_type",
]


def fichier_decp(enregistrements: list[dict]):
    """(name, bytes): real DECP records with hostile values put in their fields, hostile JSON, a truncated
    file or random bytes."""

    def remplacer(enregistrement, cle, valeur):
        copie = json.loads(json.dumps(enregistrement))
        if cle in ("acheteur", "lieuExecution") and isinstance(copie.get(cle), dict):
            copie[cle]["id" if cle == "acheteur" else "code"] = valeur
        elif cle == "titulaires" and copie.get("titulaires"):
            copie["titulaires"][0]["titulaire"]["id"] = valeur
        else:
            copie[cle] = valeur
        return copie

    enregistrement = st.builds(
        remplacer, st.sampled_from(enregistrements), st.sampled_from(CLES_DECP), _json_hostile()
    )
    document = st.one_of(
        st.lists(st.one_of(st.sampled_from(enregistrements), enregistrement), min_size=1, max_size=4).map(
            lambda m: {"marches": {"marche": m}}
        ),
        _json_hostile().map(lambda m: {"marches": m}),
        _json_hostile(),
    )
    texte = document.map(lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8"))
    return st.one_of(
        st.tuples(st.just("decp.json"), texte),
        st.tuples(st.just("decp.json"), texte.flatmap(_tronque)),
        st.tuples(st.sampled_from(["decp.json", "decp.xml", "decp"]), st.binary(max_size=2_000)),
        st.tuples(st.just("decp.json"), st.sampled_from([b"", b"null", b"[]", b"{}", b'{"marches": null}'])),
    )
