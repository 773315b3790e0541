from django.conf import settings
from django.db import models
from django.utils import timezone

from notifications.enums import TypeNotification

MESSAGE_CLE_UNIQUE = "Ce destinataire a déjà reçu une notification pour ce fait."
MESSAGE_LIEN_INTERNE = (
    "Le lien d'une notification est une adresse du portail (commençant par une seule « / »)."
)


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own notifications, nobody else's (not even for Département staff)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(destinataire=user)

    def non_lues(self):
        return self.filter(lue_le__isnull=True)


class Notification(models.Model):
    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="destinataire",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    type = models.CharField("type", max_length=30, choices=TypeNotification.choices)
    titre = models.CharField("titre", max_length=300)
    message = models.TextField("message", blank=True)
    lien = models.CharField("lien", max_length=300, blank=True, help_text="Adresse dans le portail.")
    cle = models.CharField(
        "clé du fait",
        max_length=200,
        help_text="Identifie le fait notifié : un même fait ne donne jamais deux notifications.",
    )
    cree_le = models.DateTimeField("créée le", default=timezone.now)
    lue_le = models.DateTimeField("lue le", null=True, blank=True)
    courriel_envoye_le = models.DateTimeField("courriel envoyé le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        ordering = ["-cree_le", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["destinataire", "cle"],
                name="notification_cle_unique_par_destinataire",
                violation_error_message=MESSAGE_CLE_UNIQUE,
            ),
            models.CheckConstraint(
                condition=models.Q(lien="")
                | (models.Q(lien__startswith="/") & ~models.Q(lien__startswith="//")),
                name="notification_lien_interne",
                violation_error_message=MESSAGE_LIEN_INTERNE,
            ),
        ]
        indexes = [models.Index(fields=["destinataire", "lue_le"], name="notification_non_lues_idx")]

    def __str__(self):
        return self.titre


class PreferenceNotification(models.Model):
    """Whether a user receives notifications by e-mail too (in-portal notices cannot be turned off).
    No row: e-mails on."""

    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="preference_notification",
        error_messages={"unique": "Cet utilisateur a déjà ses préférences de notification."},
    )
    recevoir_courriels = models.BooleanField("recevoir les notifications par courriel", default=True)

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"

    def __str__(self):
        return f"{self.utilisateur} : courriels {'oui' if self.recevoir_courriels else 'non'}"
