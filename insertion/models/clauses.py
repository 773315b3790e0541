"""Clauses of the lots and the defaults of the reserved-hours calculator."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from simple_history.models import HistoricalRecords

from insertion.enums import BaseJuridique
from marches.enums import NatureMarche


class Clause(models.Model):
    lot = models.OneToOneField(
        "marches.Lot",
        verbose_name="lot",
        on_delete=models.CASCADE,
        related_name="clause",
        error_messages={"unique": "Ce lot a déjà une clause d'insertion."},
    )
    base_juridique = models.CharField(
        "base juridique",
        max_length=10,
        choices=BaseJuridique.choices,
        default=BaseJuridique.CONDITION_EXECUTION,
    )
    heures_reservees = models.DecimalField(
        "heures réservées",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Vide tant que la clause n'est pas calibrée.",
    )
    part_main_oeuvre = models.DecimalField(
        "part de main-d'œuvre (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    taux_insertion = models.DecimalField(
        "taux d'insertion (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    cout_horaire = models.DecimalField(
        "coût horaire (€/h)", max_digits=7, decimal_places=2, null=True, blank=True
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    history = HistoricalRecords(verbose_name="historique des clauses")

    class Meta:
        verbose_name = "clause d'insertion"
        verbose_name_plural = "clauses d'insertion"
        ordering = ["lot"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(heures_reservees__isnull=True) | models.Q(heures_reservees__gte=0),
                name="clause_heures_reservees_positives",
                violation_error_message="Les heures réservées ne peuvent être négatives.",
            ),
            models.CheckConstraint(
                condition=models.Q(part_main_oeuvre__isnull=True)
                | models.Q(part_main_oeuvre__gte=0, part_main_oeuvre__lte=100),
                name="clause_part_main_oeuvre_pourcentage",
                violation_error_message="La part de main-d'œuvre est un pourcentage entre 0 et 100.",
            ),
            models.CheckConstraint(
                condition=models.Q(taux_insertion__isnull=True)
                | models.Q(taux_insertion__gte=0, taux_insertion__lte=100),
                name="clause_taux_insertion_pourcentage",
                violation_error_message="Le taux d'insertion est un pourcentage entre 0 et 100.",
            ),
            models.CheckConstraint(
                condition=models.Q(cout_horaire__isnull=True) | models.Q(cout_horaire__gt=0),
                name="clause_cout_horaire_positif",
                violation_error_message="Le coût horaire doit être supérieur à 0.",
            ),
        ]

    def __str__(self):
        return f"Clause — {self.lot}"

    def calculer_heures_reservees(self):
        """montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire, or None if an input is missing."""
        entrees = (self.lot.montant_ht, self.part_main_oeuvre, self.taux_insertion, self.cout_horaire)
        if any(valeur is None for valeur in entrees) or not self.cout_horaire:
            return None
        montant, part, taux, cout = entrees
        heures = montant * (part / 100) * (taux / 100) / cout
        return heures.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


class ParametresCalibrage(models.Model):
    """Default inputs of the reserved-hours calculator for one nature of contract (reference data)."""

    nature = models.CharField(
        "nature du marché",
        max_length=20,
        choices=NatureMarche.choices,
        unique=True,
        error_messages={"unique": "Cette nature de marché a déjà ses paramètres de calibrage."},
    )
    part_main_oeuvre = models.DecimalField("part de main-d'œuvre (%)", max_digits=5, decimal_places=2)
    taux_insertion = models.DecimalField("taux d'insertion (%)", max_digits=5, decimal_places=2)
    cout_horaire = models.DecimalField("coût horaire (€/h)", max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = "paramètres de calibrage"
        verbose_name_plural = "paramètres de calibrage"
        ordering = ["nature"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(part_main_oeuvre__gte=0, part_main_oeuvre__lte=100),
                name="parametres_calibrage_part_main_oeuvre_pourcentage",
                violation_error_message="La part de main-d'œuvre est un pourcentage entre 0 et 100.",
            ),
            models.CheckConstraint(
                condition=models.Q(taux_insertion__gte=0, taux_insertion__lte=100),
                name="parametres_calibrage_taux_insertion_pourcentage",
                violation_error_message="Le taux d'insertion est un pourcentage entre 0 et 100.",
            ),
            models.CheckConstraint(
                condition=models.Q(cout_horaire__gt=0),
                name="parametres_calibrage_cout_horaire_positif",
                violation_error_message="Le coût horaire doit être supérieur à 0.",
            ),
        ]

    def __str__(self):
        return f"Paramètres de calibrage — {self.get_nature_display()}"
