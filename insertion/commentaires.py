"""The Département's comment of a yearly bilan: read by everyone who sees the bilan, written by Département staff.

One comment per year for the Département's bilan (no EPCI) and one per year and EPCI; an empty text removes it.
Every change is kept in the model's history (who, when, what).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from insertion.models import CommentaireBilan
from insertion.regles import MESSAGE_COMMENTAIRE_LONG, TEXTE_MAX_COMMENTAIRE
from portail.periodes import ANNEE_MAX, ANNEE_MIN

NB_VERSIONS_MONTREES = 10


class CommentaireInvalide(Exception):
    """Values the service refuses; the message is French and meant for the user."""


def _du_perimetre(queryset, epci):
    return queryset.filter(epci=epci) if epci is not None else queryset.filter(epci__isnull=True)


def commentaire_du_bilan(*, annee: int, epci) -> CommentaireBilan | None:
    """The comment of the bilan of `epci` (None: the Département) for `annee`, or None."""
    return _du_perimetre(CommentaireBilan.objects.select_related("auteur").filter(annee=annee), epci).first()


def commentaires_des_epci(*, annee: int) -> dict[int, CommentaireBilan]:
    """The year's comments of every EPCI's bilan, by EPCI pk, in one query."""
    return {
        commentaire.epci_id: commentaire
        for commentaire in CommentaireBilan.objects.select_related("auteur").filter(
            annee=annee, epci__isnull=False
        )
    }


def versions_du_commentaire(*, annee: int, epci) -> list:
    """The latest versions of the comment (history rows, newest first), deletions included."""
    versions = _du_perimetre(
        CommentaireBilan.history.select_related("history_user").filter(annee=annee), epci
    )
    return list(versions.order_by("-history_date", "-history_id")[:NB_VERSIONS_MONTREES])


def enregistrer_commentaire(*, user, annee: int, epci, texte: str) -> str:
    """Sets (or, with an empty text, removes) the comment of the bilan of `epci` (None: the Département) for
    `annee`. Département staff only. Returns what happened: "cree", "modifie", "supprime" or "inchange"."""
    if not user.voit_tout:
        raise PermissionDenied("Seul le Département commente les bilans.")
    if not ANNEE_MIN <= annee <= ANNEE_MAX:
        raise CommentaireInvalide(f"L'année doit être comprise entre {ANNEE_MIN} et {ANNEE_MAX}.")
    texte = (texte or "").strip().replace("\r\n", "\n")
    if len(texte) > TEXTE_MAX_COMMENTAIRE:
        raise CommentaireInvalide(MESSAGE_COMMENTAIRE_LONG)
    with transaction.atomic():
        commentaire = _du_perimetre(
            CommentaireBilan.objects.select_for_update(of=("self",)).filter(annee=annee), epci
        ).first()
        if not texte:
            if commentaire is None:
                return "inchange"
            commentaire._history_user = user
            commentaire.delete()
            return "supprime"
        if commentaire is None:
            commentaire = CommentaireBilan(annee=annee, epci=epci, auteur=user, texte=texte)
            commentaire._history_user = user
            commentaire.save()
            return "cree"
        if commentaire.texte == texte:
            return "inchange"
        commentaire.texte = texte
        commentaire.auteur = user
        commentaire.modifie_le = timezone.now()
        commentaire._history_user = user
        commentaire.save()
        return "modifie"
