from django.contrib.auth.models import AbstractUser
from django.db import models

from comptes import regles
from comptes.enums import Role


class User(AbstractUser):
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.LECTEUR)
    epci = models.ForeignKey(
        "territoires.Epci",
        verbose_name="EPCI",
        on_delete=models.PROTECT,
        related_name="agents",
        null=True,
        blank=True,
        help_text="Obligatoire pour un agent d'EPCI ; facultatif pour un lecteur (restreint à cet EPCI).",
    )

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.EPCI) | models.Q(epci__isnull=False),
                name="user_agent_epci_a_un_epci",
                violation_error_message="Un agent d'EPCI doit être rattaché à un EPCI.",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.DEPARTEMENT) | models.Q(epci__isnull=True),
                name="user_departement_sans_epci",
                violation_error_message="Un compte du Département n'est rattaché à aucun EPCI.",
            ),
        ]

    @property
    def voit_tout(self):
        """Département staff (and superusers) see the whole Département."""
        return self.is_superuser or self.role == Role.DEPARTEMENT

    @property
    def voit_donnees_personnelles(self):
        return self.voit_tout or self.role == Role.EPCI

    @property
    def epci_impose_id(self):
        """The EPCI this account is locked to (EPCI clerks and EPCI readers), or None (Département staff,
        readers of the whole Département). Every scoped list, filter, export and figure starts from it."""
        return None if self.voit_tout else self.epci_id

    @property
    def voit_plusieurs_epci(self):
        """Département staff, and readers attached to no EPCI, may look at any EPCI (filters, EPCI columns)."""
        return self.is_authenticated and self.epci_impose_id is None

    @property
    def peut_declarer(self):
        """Département staff and EPCI clerks declare hours; readers do not."""
        return self.voit_tout or (self.role == Role.EPCI and self.epci_id is not None)

    @property
    def doit_avoir_double_facteur(self):
        """Whether the sign-in is confirmed by a second factor (when EXIGER_DOUBLE_FACTEUR is on)."""
        return regles.doit_avoir_double_facteur(self)

    @property
    def perimetre(self):
        """Human-readable scope of the account."""
        return self.epci.nom if self.epci_impose_id else "tout le Département"
