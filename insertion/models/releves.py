"""Statements waiting for their owner's confirmation."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from insertion.releves.lecture import TAILLE_MAX_OCTETS


class ReleveEnAttente(models.Model):
    """A statement file waiting for its owner's confirmation of monthly totals above the alert threshold.

    Kept in the database rather than in the session (which is saved on every request); addressed by an
    opaque token; deleted when confirmed, when its owner deposits another file, and once expired.
    """

    jeton = models.UUIDField(
        "jeton",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        error_messages={"unique": "Un relevé en attente porte déjà ce jeton."},
    )
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="+"
    )
    nom = models.CharField("nom du fichier", max_length=255)
    contenu = models.BinaryField("contenu du fichier")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    lignes = models.PositiveIntegerField("lignes lues")
    alertes = models.JSONField("alertes à confirmer", default=list)
    cree_le = models.DateTimeField("déposé le", default=timezone.now)
    expire_le = models.DateTimeField("expire le", db_index=True)

    class Meta:
        verbose_name = "relevé en attente de confirmation"
        verbose_name_plural = "relevés en attente de confirmation"
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("contenu"), TAILLE_MAX_OCTETS),
                name="releve_en_attente_taille_max",
                violation_error_message="Le relevé en attente dépasse la taille permise.",
            ),
            models.CheckConstraint(
                condition=models.Q(expire_le__gt=models.F("cree_le")),
                name="releve_en_attente_expire_apres",
                violation_error_message="Un relevé en attente expire après avoir été déposé.",
            ),
        ]

    def __str__(self):
        return f"{self.nom} — {self.utilisateur_id}, jusqu'à {self.expire_le:%d/%m/%Y %H:%M}"
