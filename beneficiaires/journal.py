"""The access log of personal data: one row per event (a list of 50 people is one row counting 50), written by
the views, services and commands that show, export, create or change people. Entries are kept one year
(`retention.purger_journal`)."""

from django.utils import timezone

from beneficiaires.enums import ActionAcces
from beneficiaires.models import AccesDonnees, Beneficiaire

TAILLE_DETAIL = AccesDonnees._meta.get_field("detail").max_length


def _tronque(texte: str) -> str:
    texte = " ".join((texte or "").split())
    return texte if len(texte) <= TAILLE_DETAIL else texte[: TAILLE_DETAIL - 1] + "…"


def journaliser(
    *,
    user,
    action: ActionAcces,
    beneficiaire: Beneficiaire | None = None,
    nombre_personnes: int = 1,
    detail: str = "",
    nom_utilisateur: str = "",
) -> AccesDonnees | None:
    """Records one event (one query). Nothing is recorded when no person is concerned."""
    if beneficiaire is None and nombre_personnes < 1:
        return None
    connecte = user is not None and user.is_authenticated
    return AccesDonnees.objects.create(
        utilisateur=user if connecte else None,
        nom_utilisateur=nom_utilisateur or (user.get_username() if connecte else ""),
        action=action,
        beneficiaire=beneficiaire,
        nombre_personnes=1 if beneficiaire is not None else nombre_personnes,
        detail=_tronque(detail),
        horodatage=timezone.now(),
    )
