"""The year: targets and how training hours count, closing, the bilan's comment."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from simple_history.models import HistoricalRecords

from insertion.enums import PriseEnCompteFormation
from insertion.regles import (
    MESSAGE_COMMENTAIRE_LONG,
    MESSAGE_MOTIF_REOUVERTURE,
    TEXTE_MAX_COMMENTAIRE,
)
from portail import formats


class Objectif(models.Model):
    annee = models.PositiveSmallIntegerField("année")
    epci = models.ForeignKey(
        "territoires.Epci",
        verbose_name="EPCI",
        on_delete=models.CASCADE,
        related_name="objectifs",
        null=True,
        blank=True,
        help_text="Vide pour l'objectif du Département entier.",
    )
    heures = models.PositiveIntegerField("heures d'insertion visées")

    class Meta:
        verbose_name = "objectif annuel"
        verbose_name_plural = "objectifs annuels"
        ordering = ["-annee", "epci"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(heures__gt=0),
                name="objectif_heures_positives",
                violation_error_message="L'objectif doit être supérieur à 0 heure.",
            ),
            models.CheckConstraint(
                condition=models.Q(annee__gte=2000, annee__lte=2100),
                name="objectif_annee_plausible",
                violation_error_message="L'année de l'objectif doit être comprise entre 2000 et 2100.",
            ),
            models.UniqueConstraint(
                fields=["annee"],
                condition=models.Q(epci__isnull=True),
                name="objectif_departement_unique_par_annee",
                violation_error_message="Le Département a déjà un objectif pour cette année.",
            ),
            models.UniqueConstraint(
                fields=["annee", "epci"],
                condition=models.Q(epci__isnull=False),
                name="objectif_epci_unique_par_annee",
                violation_error_message="Cet EPCI a déjà un objectif pour cette année.",
            ),
        ]

    def __str__(self):
        perimetre = self.epci.nom if self.epci_id else "Département"
        return f"{self.annee} — {perimetre} : {formats.heures(self.heures)}"


class ParametresObjectif(models.Model):
    """How training hours count toward the yearly target (reference data, a single row; none means "toutes")."""

    unique = models.BooleanField("ligne unique", default=True, editable=False)
    prise_en_compte_formation = models.CharField(
        "heures de formation",
        max_length=12,
        choices=PriseEnCompteFormation.choices,
        default=PriseEnCompteFormation.TOUTES,
    )
    plafond_formation = models.DecimalField(
        "plafond des heures de formation (% du total)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Seulement si les heures de formation sont plafonnées.",
    )

    history = HistoricalRecords(verbose_name="historique des paramètres de l'objectif")

    class Meta:
        verbose_name = "paramètres de l'objectif"
        verbose_name_plural = "paramètres de l'objectif"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unique=True),
                name="parametres_objectif_unique_vrai",
                violation_error_message="Les paramètres de l'objectif tiennent en une seule ligne.",
            ),
            models.UniqueConstraint(
                fields=["unique"],
                name="parametres_objectif_une_seule_ligne",
                violation_error_message="Les paramètres de l'objectif existent déjà : modifiez-les.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        prise_en_compte_formation=PriseEnCompteFormation.PLAFONNEES,
                        plafond_formation__isnull=False,
                        plafond_formation__gte=0,
                        plafond_formation__lte=100,
                    )
                    | (
                        ~models.Q(prise_en_compte_formation=PriseEnCompteFormation.PLAFONNEES)
                        & models.Q(plafond_formation__isnull=True)
                    )
                ),
                name="parametres_objectif_plafond_si_plafonnees",
                violation_error_message=(
                    "Un plafond (pourcentage entre 0 et 100) est requis quand les heures de formation sont "
                    "plafonnées, et seulement dans ce cas."
                ),
            ),
        ]

    def __str__(self):
        if self.prise_en_compte_formation == PriseEnCompteFormation.PLAFONNEES:
            return f"Heures de formation plafonnées à {self.plafond_formation} % du total"
        return self.get_prise_en_compte_formation_display().capitalize()

    def validate_constraints(self, exclude=None):
        # `unique` is in no form: without this, a second row would reach the database instead of a message.
        super().validate_constraints(exclude=set(exclude or ()) - {"unique"})


class ClotureAnnee(models.Model):
    """A year's hours frozen by the Département at a date: the bilan of that year is final.

    One row per year, written at its first closing; a reopening empties the date and keeps its reason.
    Every closing and reopening (who, when, why) stays in the history.
    """

    annee = models.PositiveSmallIntegerField(
        "année",
        unique=True,
        error_messages={"unique": "Cette année a déjà sa clôture : rouvrez-la ou gardez-la."},
    )
    date_cloture = models.DateField(
        "clôturée le", null=True, blank=True, help_text="Vide quand l'année a été rouverte."
    )
    cloture_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="clôturée par",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    motif_reouverture = models.TextField("motif de la réouverture", blank=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    history = HistoricalRecords(verbose_name="historique des clôtures annuelles")

    class Meta:
        verbose_name = "clôture annuelle"
        verbose_name_plural = "clôtures annuelles"
        ordering = ["-annee"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annee__gte=2000, annee__lte=2100),
                name="cloture_annee_plausible",
                violation_error_message="L'année clôturée doit être comprise entre 2000 et 2100.",
            ),
            models.CheckConstraint(
                condition=models.Q(date_cloture__isnull=False, motif_reouverture="")
                | (models.Q(date_cloture__isnull=True) & ~models.Q(motif_reouverture="")),
                name="cloture_annee_reouverture_motivee",
                violation_error_message=MESSAGE_MOTIF_REOUVERTURE,
            ),
        ]

    def __str__(self):
        if self.date_cloture is None:
            return f"{self.annee} — rouverte"
        return f"{self.annee} — clôturée le {self.date_cloture:%d/%m/%Y}"

    @property
    def cloturee(self) -> bool:
        return self.date_cloture is not None


class CommentaireBilan(models.Model):
    """The Département's comment printed in a yearly bilan: one per year for the Département (no EPCI), one per
    year and EPCI for an EPCI's bilan."""

    annee = models.PositiveSmallIntegerField("année")
    epci = models.ForeignKey(
        "territoires.Epci",
        verbose_name="EPCI",
        on_delete=models.CASCADE,
        related_name="commentaires_bilan",
        null=True,
        blank=True,
        help_text="Vide pour le bilan du Département entier.",
    )
    texte = models.TextField("commentaire", max_length=TEXTE_MAX_COMMENTAIRE)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.PROTECT,
        related_name="commentaires_bilan",
    )
    modifie_le = models.DateTimeField("modifié le", default=timezone.now)

    history = HistoricalRecords(verbose_name="historique des commentaires du bilan")

    class Meta:
        verbose_name = "commentaire du bilan"
        verbose_name_plural = "commentaires du bilan"
        ordering = ["-annee", "epci"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annee__gte=2000, annee__lte=2100),
                name="commentaire_bilan_annee_plausible",
                violation_error_message="L'année du commentaire doit être comprise entre 2000 et 2100.",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("texte"), TEXTE_MAX_COMMENTAIRE),
                name="commentaire_bilan_texte_court",
                violation_error_message=MESSAGE_COMMENTAIRE_LONG,
            ),
            models.UniqueConstraint(
                fields=["annee"],
                condition=models.Q(epci__isnull=True),
                name="commentaire_bilan_departement_unique",
                violation_error_message="Le bilan du Département a déjà un commentaire pour cette année.",
            ),
            models.UniqueConstraint(
                fields=["annee", "epci"],
                condition=models.Q(epci__isnull=False),
                name="commentaire_bilan_epci_unique",
                violation_error_message="Le bilan de cet EPCI a déjà un commentaire pour cette année.",
            ),
        ]

    def __str__(self):
        perimetre = self.epci.nom if self.epci_id else "Département"
        return f"Commentaire du bilan {formats.annee(self.annee)} — {perimetre}"
