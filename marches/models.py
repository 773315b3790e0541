from django.conf import settings
from django.db import models
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from marches.enums import EtapeSuivi, NatureMarche, TypeAcheteur, TypeIdentifiant, TypeStructure
from marches.regles import (
    MESSAGE_CLOTURE_AVANT_DEBUT,
    MESSAGE_EVENEMENT_SANS_COMMENTAIRE,
    MESSAGE_FIN_AVANT_DEBUT,
    MESSAGE_REFERENCE_EN_DOUBLE,
)
from marches.siret import SIRET_REGEX, valider_siret
from portail.tri import ordre_francais


class Acheteur(models.Model):
    siret = models.CharField(
        "SIRET",
        max_length=14,
        unique=True,
        validators=[valider_siret],
        error_messages={"unique": "Un acheteur porte déjà ce SIRET."},
    )
    nom = models.CharField("nom", max_length=255)
    type = models.CharField("type", max_length=20, choices=TypeAcheteur.choices, default=TypeAcheteur.AUTRE)
    epci = models.ForeignKey(
        "territoires.Epci",
        verbose_name="EPCI",
        on_delete=models.PROTECT,
        related_name="acheteurs",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "acheteur"
        ordering = [ordre_francais("nom")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(siret__regex=SIRET_REGEX),
                name="acheteur_siret_format",
                violation_error_message="Le SIRET compte 14 chiffres.",
            ),
        ]

    def __str__(self):
        return self.nom


class Entreprise(models.Model):
    """A holder of a lot, or an employer of people working insertion hours.

    French companies are identified by SIRET; foreign ones (DECP) keep their own identifier.
    """

    type_identifiant = models.CharField(
        "type d'identifiant", max_length=10, choices=TypeIdentifiant.choices, default=TypeIdentifiant.SIRET
    )
    siret = models.CharField(
        "SIRET",
        max_length=14,
        unique=True,
        null=True,
        blank=True,
        validators=[valider_siret],
        error_messages={"unique": "Une entreprise porte déjà ce SIRET."},
    )
    autre_identifiant = models.CharField("autre identifiant", max_length=40, blank=True)
    raison_sociale = models.CharField("raison sociale", max_length=255)
    type_structure = models.CharField(
        "type de structure", max_length=20, choices=TypeStructure.choices, default=TypeStructure.ENTREPRISE
    )
    # An employer a clerk typed in the grid or a statement: the Département confirms it or merges it.
    a_verifier = models.BooleanField(
        "à vérifier",
        default=False,
        help_text="Employeur créé lors d'une saisie ; le Département le confirme ou le fusionne.",
    )
    signalee_par_epci = models.ForeignKey(
        "territoires.Epci",
        verbose_name="créée lors d'une saisie de l'EPCI",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    verifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vérifiée par",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    verifiee_le = models.DateTimeField("vérifiée le", null=True, blank=True)

    history = HistoricalRecords(verbose_name="historique des entreprises")

    class Meta:
        verbose_name = "entreprise"
        ordering = [ordre_francais("raison_sociale")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(siret__isnull=True) | models.Q(siret__regex=SIRET_REGEX),
                name="entreprise_siret_format",
                violation_error_message="Le SIRET compte 14 chiffres.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        type_identifiant=TypeIdentifiant.SIRET, siret__isnull=False, autre_identifiant=""
                    )
                    | (
                        ~models.Q(type_identifiant=TypeIdentifiant.SIRET)
                        & models.Q(siret__isnull=True)
                        & ~models.Q(autre_identifiant="")
                    )
                ),
                name="entreprise_un_identifiant",
                violation_error_message="Une entreprise a soit un SIRET, soit un autre identifiant.",
            ),
            models.UniqueConstraint(
                fields=["type_identifiant", "autre_identifiant"],
                condition=~models.Q(autre_identifiant=""),
                name="entreprise_autre_identifiant_unique",
                violation_error_message="Une entreprise porte déjà cet identifiant.",
            ),
            models.CheckConstraint(
                condition=models.Q(a_verifier=False) | models.Q(verifiee_le__isnull=True),
                name="entreprise_a_verifier_pas_encore_verifiee",
                violation_error_message="Une entreprise vérifiée n'est plus « à vérifier ».",
            ),
        ]

    def __str__(self):
        return self.raison_sociale

    @property
    def identifiant(self):
        return self.siret or self.autre_identifiant

    @property
    def est_siae(self):
        return self.type_structure in TypeStructure.siae()


class MarcheQuerySet(models.QuerySet):
    def for_user(self, user):
        """Contracts a user sees: all, or those of the EPCI the user is locked to."""
        if not user.is_authenticated:
            return self.none()
        if user.epci_impose_id:
            return self.filter(epci_id=user.epci_impose_id)
        return self


class Marche(models.Model):
    acheteur = models.ForeignKey(
        Acheteur, verbose_name="acheteur", on_delete=models.PROTECT, related_name="marches"
    )
    reference = models.CharField("référence", max_length=50)
    objet = models.CharField("objet", max_length=1000)
    nature = models.CharField("nature", max_length=20, choices=NatureMarche.choices)
    code_cpv = models.CharField("code CPV", max_length=12, blank=True)
    procedure = models.CharField("procédure", max_length=100, blank=True)
    montant_ht = models.DecimalField("montant HT (€)", max_digits=14, decimal_places=2)
    date_notification = models.DateField("date de notification", null=True, blank=True)
    date_debut = models.DateField("début d'exécution")
    date_fin = models.DateField("fin d'exécution")
    epci = models.ForeignKey(
        "territoires.Epci",
        verbose_name="EPCI",
        on_delete=models.PROTECT,
        related_name="marches",
        null=True,
        blank=True,
        help_text="Territoire de rattachement (par défaut celui de l'acheteur) ; détermine les agents d'EPCI qui le voient.",
    )
    clause_sociale = models.BooleanField("clause sociale", default=False)
    critere_social = models.BooleanField("critère social", default=False)
    marche_reserve = models.BooleanField("marché réservé", default=False)
    decp_uid = models.CharField(
        "identifiant DECP",
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text="SIRET de l'acheteur suivi de l'identifiant du marché dans les données essentielles.",
        error_messages={"unique": "Un marché porte déjà cet identifiant DECP."},
    )
    cloture_le = models.DateField(
        "clôturé le",
        null=True,
        blank=True,
        help_text="Date à laquelle le Département a clôturé le suivi de la clause.",
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords(verbose_name="historique des marchés")
    objects = MarcheQuerySet.as_manager()

    class Meta:
        verbose_name = "marché"
        ordering = ["-date_debut", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant_ht__gte=0),
                name="marche_montant_positif",
                violation_error_message="Le montant du marché ne peut être négatif.",
            ),
            models.CheckConstraint(
                condition=models.Q(date_fin__gte=models.F("date_debut")),
                name="marche_fin_apres_debut",
                violation_error_message=MESSAGE_FIN_AVANT_DEBUT,
            ),
            models.CheckConstraint(
                condition=models.Q(cloture_le__isnull=True)
                | models.Q(cloture_le__gte=models.F("date_debut")),
                name="marche_cloture_apres_debut",
                violation_error_message=MESSAGE_CLOTURE_AVANT_DEBUT,
            ),
            models.UniqueConstraint(
                fields=["acheteur", "reference"],
                name="marche_reference_unique_par_acheteur",
                violation_error_message=MESSAGE_REFERENCE_EN_DOUBLE,
            ),
        ]

    def __str__(self):
        return self.libelle

    def save(self, *args, **kwargs):
        if self.epci_id is None and self.acheteur_id:
            self.epci_id = self.acheteur.epci_id
        super().save(*args, **kwargs)

    @property
    def libelle(self) -> str:
        """How a contract is always named: buyer, reference and object (a reference alone is ambiguous)."""
        return f"{self.acheteur.nom} — {self.reference} — {Truncator(self.objet).chars(80)}"

    @property
    def est_cloture(self) -> bool:
        return self.cloture_le is not None

    @property
    def considerations_sociales(self):
        libelles = [
            libelle
            for actif, libelle in [
                (self.clause_sociale, "Clause sociale"),
                (self.critere_social, "Critère social"),
                (self.marche_reserve, "Marché réservé"),
            ]
            if actif
        ]
        return libelles or ["Pas de considération sociale"]


class Lot(models.Model):
    marche = models.ForeignKey(Marche, verbose_name="marché", on_delete=models.CASCADE, related_name="lots")
    numero = models.PositiveSmallIntegerField("numéro", default=1)
    intitule = models.CharField("intitulé", max_length=500)
    montant_ht = models.DecimalField("montant HT (€)", max_digits=14, decimal_places=2)
    titulaire = models.ForeignKey(
        Entreprise,
        verbose_name="titulaire",
        on_delete=models.PROTECT,
        related_name="lots",
        null=True,
        blank=True,
    )

    history = HistoricalRecords(verbose_name="historique des lots")

    class Meta:
        verbose_name = "lot"
        ordering = ["marche", "numero"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant_ht__gte=0),
                name="lot_montant_positif",
                violation_error_message="Le montant du lot ne peut être négatif.",
            ),
            models.UniqueConstraint(
                fields=["marche", "numero"],
                name="lot_numero_unique_par_marche",
                violation_error_message="Ce marché a déjà un lot de ce numéro.",
            ),
        ]

    def __str__(self):
        return f"{self.marche.libelle} — lot {self.numero} : {self.intitule}"


class EvenementSuivi(models.Model):
    """A dated entry of a contract's follow-up log, written by Département staff."""

    marche = models.ForeignKey(
        Marche, verbose_name="marché", on_delete=models.CASCADE, related_name="evenements_suivi"
    )
    date = models.DateField("date")
    etape = models.CharField("étape", max_length=30, choices=EtapeSuivi.choices)
    commentaire = models.TextField("commentaire", blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    cree_le = models.DateTimeField("écrit le", auto_now_add=True)

    history = HistoricalRecords(verbose_name="historique du suivi des marchés")

    class Meta:
        verbose_name = "événement du suivi"
        verbose_name_plural = "journal de suivi"
        ordering = ["marche", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(etape=EtapeSuivi.AUTRE) | ~models.Q(commentaire=""),
                name="evenement_suivi_autre_commente",
                violation_error_message=MESSAGE_EVENEMENT_SANS_COMMENTAIRE,
            ),
        ]

    def __str__(self):
        return f"{self.get_etape_display()} le {self.date:%d/%m/%Y}"
