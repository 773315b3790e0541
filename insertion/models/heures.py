"""Hours worked by people on the clauses, declared then validated or rejected."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from insertion.enums import Modalite, Statut, TypeContrat
from insertion.regles import (
    HEURES_MAX_PAR_LIGNE,
    MESSAGE_HEURES_LIGNE,
    MESSAGE_MOTIF_REJET,
)


class HeuresRealiseesQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rows a user's figures are computed from: everything, or their EPCI's contracts only."""
        if not user.is_authenticated:
            return self.none()
        if user.epci_impose_id:
            return self.filter(clause__lot__marche__epci_id=user.epci_impose_id)
        return self

    def erreur_annee_cloturee(self) -> str | None:
        """The refusal when one of these rows belongs to a closed year (for apps that may not import this
        one: they reach the hours through a reverse relation)."""
        from insertion.cloture import erreur_annees_cloturees  # the rule's module imports these models

        return erreur_annees_cloturees(annee.year for annee in self.order_by().dates("mois", "year"))


class HeuresRealisees(models.Model):
    clause = models.ForeignKey(
        "insertion.Clause", verbose_name="clause", on_delete=models.PROTECT, related_name="heures"
    )
    beneficiaire = models.ForeignKey(
        "beneficiaires.Beneficiaire",
        verbose_name="bénéficiaire",
        on_delete=models.PROTECT,
        related_name="heures",
    )
    employeur = models.ForeignKey(
        "marches.Entreprise", verbose_name="employeur", on_delete=models.PROTECT, related_name="heures"
    )
    mois = models.DateField("mois", help_text="Premier jour du mois travaillé.")
    heures = models.DecimalField("heures", max_digits=5, decimal_places=2)
    modalite = models.CharField("modalité", max_length=30, choices=Modalite.choices)
    type_contrat = models.CharField("type de contrat", max_length=30, choices=TypeContrat.choices)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.DECLAREES)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="validé par",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    valide_le = models.DateTimeField("validé ou rejeté le", null=True, blank=True)
    motif_rejet = models.TextField("motif du rejet", blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords(verbose_name="historique des heures réalisées")
    objects = HeuresRealiseesQuerySet.as_manager()

    class Meta:
        verbose_name = "heures réalisées"
        verbose_name_plural = "heures réalisées"
        ordering = ["-mois", "clause"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(heures__gt=0, heures__lte=HEURES_MAX_PAR_LIGNE),
                name="heures_realisees_entre_0_et_744",
                violation_error_message=MESSAGE_HEURES_LIGNE,
            ),
            models.CheckConstraint(
                condition=models.Q(mois__day=1),
                name="heures_realisees_mois_premier_jour",
                violation_error_message="Le mois des heures est indiqué par son premier jour.",
            ),
            models.CheckConstraint(
                condition=~models.Q(statut=Statut.REJETEES) | ~models.Q(motif_rejet=""),
                name="heures_realisees_rejet_motive",
                violation_error_message=MESSAGE_MOTIF_REJET,
            ),
            models.UniqueConstraint(
                fields=["clause", "beneficiaire", "employeur", "mois", "modalite"],
                name="heures_realisees_ligne_unique",
                violation_error_message="Ces heures sont déjà déclarées pour cette personne, ce marché, cet employeur, ce mois et cette modalité.",
            ),
        ]
        indexes = [models.Index(fields=["statut", "mois"], name="heures_statut_mois_idx")]

    def __str__(self):
        return f"{self.heures} h — {self.mois:%m/%Y}"
