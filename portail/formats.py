"""French formats: 10 000 h, 1 234 567,89 €, 12,5 %, 02/12/2026 14:30."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

ESPACE_INSECABLE = "\u00a0"


@dataclass(frozen=True)
class Masque:
    """A figure withheld from the reader (statistical secret): every format shows its label instead."""

    libelle: str

    def __str__(self):
        return self.libelle


def nombre(valeur, decimales: int = 0, *, decimales_facultatives: bool = False) -> str:
    """Groups thousands with a no-break space and uses a decimal comma."""
    if isinstance(valeur, Masque):
        return str(valeur)
    if valeur is None or valeur == "":
        return "—"
    quantite = Decimal(str(valeur)).quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    signe = "-" if quantite < 0 else ""
    entier, _, fraction = f"{abs(quantite):.{decimales}f}".partition(".")
    if decimales_facultatives:
        fraction = fraction.rstrip("0")
    groupes = []
    while entier:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    texte = signe + ESPACE_INSECABLE.join(groupes)
    return f"{texte},{fraction}" if fraction else texte


def heures(valeur) -> str:
    if isinstance(valeur, Masque):
        return str(valeur)
    if valeur is None:
        return "—"
    return f"{nombre(valeur, 2, decimales_facultatives=True)}{ESPACE_INSECABLE}h"


def euros(valeur) -> str:
    if valeur is None:
        return "—"
    return f"{nombre(valeur, 2)}{ESPACE_INSECABLE}€"


def pourcentage(valeur, decimales: int = 1) -> str:
    if isinstance(valeur, Masque):
        return str(valeur)
    if valeur is None:
        return "—"
    return f"{nombre(valeur, decimales)}{ESPACE_INSECABLE}%"


def date_heure(valeur) -> str:
    """A moment in Paris time: 02/12/2026 14:30."""
    return timezone.localtime(valeur).strftime("%d/%m/%Y %H:%M") if valeur else "—"


def annee(valeur) -> str:
    """A year as written, never grouped by thousands: 2026, not « 2 026 »."""
    if valeur is None or valeur == "":
        return "—"
    return str(valeur.year if hasattr(valeur, "year") else int(valeur))
