import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from simple_history.models import HistoricalRecords

from insertion.enums import BaseJuridique, Modalite, PriseEnCompteFormation, Statut, TypeContrat
from insertion.regles import (
    HEURES_MAX_PAR_LIGNE,
    MESSAGE_COMMENTAIRE_LONG,
    MESSAGE_HEURES_LIGNE,
    MESSAGE_MOTIF_REJET,
    MESSAGE_MOTIF_REOUVERTURE,
    TEXTE_MAX_COMMENTAIRE,
)
from insertion.releves.lecture import TAILLE_MAX_OCTETS
from marches.enums import NatureMarche
from portail import formats


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
    clause = models.ForeignKey(Clause, verbose_name="clause", on_delete=models.PROTECT, related_name="heures")
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
