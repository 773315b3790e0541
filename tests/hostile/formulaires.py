"""The forms of a rendered page, read from its HTML: what a browser would send, field by field.

Only the standard library's HTML parser: the portal's templates are regular enough, and the suite must see
exactly what the page offers (hidden inputs, formset management fields, the options of each select).
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inputs that send nothing of their own (or only when they are the button pressed).
SANS_VALEUR = {"submit", "button", "reset", "image"}


@dataclass
class Champ:
    nom: str
    genre: str  # input type, or "select" / "textarea"
    valeur: str = ""
    options: list[str] = field(default_factory=list)
    coche: bool = False
    multiple: bool = False


@dataclass
class Formulaire:
    methode: str
    action: str
    multipart: bool
    champs: list[Champ] = field(default_factory=list)
    boutons: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of named submit buttons

    def noms(self) -> list[str]:
        return list(dict.fromkeys(champ.nom for champ in self.champs))


@dataclass
class Erreur:
    """The text of an element showing an error (invalid-feedback, errorlist, alert-danger)."""

    texte: str = ""


CLASSES_ERREUR = ("invalid-feedback", "errorlist", "alert-danger", "errornote")


class _Lecteur(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.formulaires: list[Formulaire] = []
        self.erreurs: list[Erreur] = []
        self._formulaire: Formulaire | None = None
        self._select: Champ | None = None
        self._option: dict | None = None
        self._textarea: Champ | None = None
        self._pile_erreurs: list[tuple[str, Erreur]] = []

    def handle_starttag(self, balise, attributs):
        attrs = {cle: (valeur if valeur is not None else "") for cle, valeur in attributs}
        classes = attrs.get("class", "").split()
        if any(classe in CLASSES_ERREUR for classe in classes):
            erreur = Erreur()
            self.erreurs.append(erreur)
            self._pile_erreurs.append((balise, erreur))
        if balise == "form":
            self._formulaire = Formulaire(
                methode=attrs.get("method", "get").lower(),
                action=attrs.get("action", ""),
                multipart=attrs.get("enctype", "") == "multipart/form-data",
            )
            self.formulaires.append(self._formulaire)
            return
        formulaire = self._formulaire
        if formulaire is None or "disabled" in attrs:
            return
        nom = attrs.get("name")
        if balise == "input" and nom:
            genre = attrs.get("type", "text").lower()
            if genre in SANS_VALEUR:
                formulaire.boutons.append((nom, attrs.get("value", "")))
                return
            formulaire.champs.append(
                Champ(nom=nom, genre=genre, valeur=attrs.get("value", ""), coche="checked" in attrs)
            )
        elif balise == "button" and nom and attrs.get("type", "submit") == "submit":
            formulaire.boutons.append((nom, attrs.get("value", "")))
        elif balise == "select" and nom:
            self._select = Champ(nom=nom, genre="select", multiple="multiple" in attrs)
            formulaire.champs.append(self._select)
        elif balise == "option" and self._select is not None:
            self._option = {"valeur": attrs.get("value"), "texte": "", "choisie": "selected" in attrs}
        elif balise == "textarea" and nom:
            self._textarea = Champ(nom=nom, genre="textarea")
            formulaire.champs.append(self._textarea)

    def handle_data(self, donnees):
        for _balise, erreur in self._pile_erreurs:
            erreur.texte += donnees
        if self._option is not None:
            self._option["texte"] += donnees
        if self._textarea is not None:
            self._textarea.valeur += donnees

    def handle_endtag(self, balise):
        if self._pile_erreurs and self._pile_erreurs[-1][0] == balise:
            self._pile_erreurs.pop()
        if balise == "form":
            self._formulaire = None
        elif balise == "option":
            self._fermer_option()
        elif balise == "select":
            self._fermer_option()
            self._select = None
        elif balise == "textarea":
            self._textarea = None

    def _fermer_option(self):
        if self._option is None or self._select is None:
            return
        valeur = self._option["valeur"]
        valeur = self._option["texte"].strip() if valeur is None else valeur
        self._select.options.append(valeur)
        if self._option["choisie"] and not self._select.valeur:
            self._select.valeur = valeur
        self._option = None


def lire(html: str) -> _Lecteur:
    lecteur = _Lecteur()
    lecteur.feed(html)
    lecteur.close()
    return lecteur


def formulaires(html: str, methode: str | None = None) -> list[Formulaire]:
    trouves = lire(html).formulaires
    return [f for f in trouves if methode is None or f.methode == methode]


def textes_d_erreur(html: str) -> list[str]:
    return [" ".join(erreur.texte.split()) for erreur in lire(html).erreurs if erreur.texte.strip()]
