import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from beneficiaires.enums import (
    ActionAcces,
    CategorieSortie,
    CodePublic,
    NiveauQualification,
    Sexe,
    TypeReferent,
    VerificationEligibilite,
)
from beneficiaires.identite import cle_identite
from portail.tri import ordre_francais

# What an anonymised person's record keeps in place of their identity (see beneficiaires/retention.py).
NOM_ANONYMISE = "Personne anonymisée"
PREFIXE_CLE_ANONYMISEE = "anonyme|"


class Public(models.Model):
    code = models.CharField(
        "code",
        max_length=20,
        unique=True,
        choices=CodePublic.choices,
        error_messages={"unique": "Ce public existe déjà."},
    )
    libelle = models.CharField("libellé", max_length=200)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "public éligible"
        verbose_name_plural = "publics éligibles"
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle


class BeneficiaireQuerySet(models.QuerySet):
    def for_user(self, user):
        """People a user may see by name: all for the Département, their EPCI's for a clerk, none for a reader."""
        if not user.is_authenticated:
            return self.none()
        if not user.voit_donnees_personnelles:
            return self.none()
        if epci_id := user.epci_impose_id:
            avec_heures = Beneficiaire.objects.filter(heures__clause__lot__marche__epci_id=epci_id)
            return self.filter(models.Q(cree_par_epci_id=epci_id) | models.Q(pk__in=avec_heures.values("pk")))
        return self


class Beneficiaire(models.Model):
    public_id = models.UUIDField(
        "identifiant public",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        error_messages={"unique": "Une personne porte déjà cet identifiant public."},
    )
    nom = models.CharField("nom", max_length=150)
    prenom = models.CharField("prénom", max_length=150)
    date_naissance = models.DateField("date de naissance")
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    commune = models.ForeignKey(
        "territoires.Commune",
        verbose_name="commune de résidence",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    niveau_qualification = models.CharField(
        "niveau de qualification", max_length=4, choices=NiveauQualification.choices, blank=True
    )
    date_entree = models.DateField("date d'entrée dans le dispositif")
    referent = models.CharField(
        "référent ou prescripteur", max_length=20, choices=TypeReferent.choices, blank=True
    )
    referent_precision = models.CharField(
        "précision sur le référent",
        max_length=150,
        blank=True,
        help_text="Structure ou agence (pas de nom de personne).",
    )
    publics = models.ManyToManyField(
        Public, verbose_name="publics éligibles", through="Eligibilite", related_name="beneficiaires"
    )
    # Not unique across the portal: a clerk never learns that someone outside their EPCI exists, so two EPCI may
    # each create the same person; the Département merges such duplicates.
    cle_identite = models.CharField("clé de rapprochement", max_length=320, db_index=True, editable=False)
    cree_par_epci = models.ForeignKey(
        "territoires.Epci",
        verbose_name="créé par l'EPCI",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)
    anonymise_le = models.DateTimeField(
        "anonymisé le",
        null=True,
        blank=True,
        help_text="Identité effacée après la durée de conservation ; la fiche n'est plus modifiable.",
    )

    history = HistoricalRecords(verbose_name="historique des bénéficiaires", excluded_fields=["cle_identite"])
    objects = BeneficiaireQuerySet.as_manager()

    class Meta:
        verbose_name = "bénéficiaire"
        ordering = [ordre_francais("nom"), ordre_francais("prenom")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(cle_identite=""),
                name="beneficiaire_cle_identite_remplie",
                violation_error_message="Indiquez le nom, le prénom et la date de naissance de la personne.",
            ),
            models.UniqueConstraint(
                fields=["cle_identite", "cree_par_epci"],
                name="beneficiaire_identite_unique_par_epci",
                violation_error_message="Cette personne est déjà enregistrée par cet EPCI.",
            ),
            models.UniqueConstraint(
                fields=["cle_identite"],
                condition=models.Q(cree_par_epci__isnull=True),
                name="beneficiaire_identite_unique_departement",
                violation_error_message="Cette personne est déjà enregistrée par le Département.",
            ),
            models.CheckConstraint(
                condition=models.Q(date_entree__gt=models.F("date_naissance")),
                name="beneficiaire_entree_apres_naissance",
                violation_error_message="La date d'entrée dans le dispositif doit suivre la date de naissance.",
            ),
            # An anonymised record holds no identity: no name, only the year of birth, a key of its own.
            models.CheckConstraint(
                condition=models.Q(anonymise_le__isnull=True)
                | models.Q(
                    nom=NOM_ANONYMISE,
                    prenom="",
                    date_naissance__month=1,
                    date_naissance__day=1,
                    cle_identite__startswith=PREFIXE_CLE_ANONYMISEE,
                ),
                name="beneficiaire_anonymise_sans_identite",
                violation_error_message="Une fiche anonymisée ne garde ni nom, ni prénom, ni date de naissance complète.",
            ),
        ]

    def __str__(self):
        if self.anonymise_le:
            return NOM_ANONYMISE
        return f"{self.nom.upper()} {self.prenom}"

    def save(self, *args, **kwargs):
        if self.anonymise_le:
            self.cle_identite = f"{PREFIXE_CLE_ANONYMISEE}{self.pk}"
        else:
            self.cle_identite = cle_identite(self.nom, self.prenom, self.date_naissance)
        super().save(*args, **kwargs)

    @property
    def est_anonymise(self) -> bool:
        return self.anonymise_le is not None


class Eligibilite(models.Model):
    """A person belongs to a public over a period (BRSA status changes over time)."""

    beneficiaire = models.ForeignKey(
        Beneficiaire, verbose_name="bénéficiaire", on_delete=models.CASCADE, related_name="eligibilites"
    )
    public = models.ForeignKey(
        Public, verbose_name="public", on_delete=models.PROTECT, related_name="eligibilites"
    )
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    # A clerk declares; the Département verifies, seeing a document it does not keep, or refuses.
    verification = models.CharField(
        "vérification",
        max_length=10,
        choices=VerificationEligibilite.choices,
        default=VerificationEligibilite.DECLAREE,
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
    justificatif = models.CharField(
        "justificatif vu",
        max_length=200,
        blank=True,
        help_text="Document présenté (par exemple « attestation CAF de mars 2026 ») ; il n'est pas conservé.",
    )
    motif_refus = models.TextField("motif du refus", blank=True)

    history = HistoricalRecords(verbose_name="historique des éligibilités")

    class Meta:
        verbose_name = "éligibilité"
        ordering = ["beneficiaire", "public", "date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_fin__isnull=True) | models.Q(date_fin__gte=models.F("date_debut")),
                name="eligibilite_fin_apres_debut",
                violation_error_message="La fin d'éligibilité doit suivre son début.",
            ),
            models.UniqueConstraint(
                fields=["beneficiaire", "public", "date_debut"],
                name="eligibilite_unique_par_debut",
                violation_error_message="Cette personne a déjà une éligibilité à ce public commençant à cette date.",
            ),
            models.CheckConstraint(
                condition=models.Q(verification=VerificationEligibilite.DECLAREE, verifiee_le__isnull=True)
                | (
                    ~models.Q(verification=VerificationEligibilite.DECLAREE)
                    & models.Q(verifiee_le__isnull=False)
                ),
                name="eligibilite_verification_datee",
                violation_error_message="Une vérification ou un refus est daté ; une déclaration ne l'est pas.",
            ),
            models.CheckConstraint(
                condition=~models.Q(verification=VerificationEligibilite.VERIFIEE)
                | ~models.Q(justificatif=""),
                name="eligibilite_verifiee_avec_justificatif",
                violation_error_message="Indiquez le document vu pour vérifier l'éligibilité.",
            ),
            models.CheckConstraint(
                condition=~models.Q(verification=VerificationEligibilite.REFUSEE) | ~models.Q(motif_refus=""),
                name="eligibilite_refusee_motivee",
                violation_error_message="Indiquez le motif du refus.",
            ),
        ]

    def __str__(self):
        fin = f" au {self.date_fin:%d/%m/%Y}" if self.date_fin else ""
        return f"{self.public} depuis le {self.date_debut:%d/%m/%Y}{fin}"


class Sortie(models.Model):
    beneficiaire = models.ForeignKey(
        Beneficiaire, verbose_name="bénéficiaire", on_delete=models.CASCADE, related_name="sorties"
    )
    date = models.DateField("date")
    categorie = models.CharField("catégorie", max_length=30, choices=CategorieSortie.choices)
    detail = models.CharField("détail", max_length=255, blank=True)

    history = HistoricalRecords(verbose_name="historique des sorties")

    class Meta:
        verbose_name = "sortie"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiaire", "date", "categorie"],
                name="sortie_unique",
                violation_error_message="Cette sortie est déjà enregistrée pour cette personne à cette date.",
            ),
        ]

    def __str__(self):
        return f"{self.get_categorie_display()} le {self.date:%d/%m/%Y}"


class AccesDonnees(models.Model):
    """One access to personal data: who, when, what, about whom (one person, or how many a list returned)."""

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    nom_utilisateur = models.CharField(
        "identifiant de l'utilisateur", max_length=150, help_text="Conservé si le compte est supprimé."
    )
    action = models.CharField("action", max_length=20, choices=ActionAcces.choices)
    beneficiaire = models.ForeignKey(
        Beneficiaire,
        verbose_name="personne concernée",
        on_delete=models.SET_NULL,
        related_name="acces",
        null=True,
        blank=True,
        help_text="Vide pour une recherche ou un export qui concerne plusieurs personnes.",
    )
    nombre_personnes = models.PositiveIntegerField("nombre de personnes concernées", default=1)
    detail = models.CharField("détail", max_length=255, blank=True)
    horodatage = models.DateTimeField("date et heure", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "accès aux données personnelles"
        verbose_name_plural = "accès aux données personnelles"
        ordering = ["-horodatage", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nombre_personnes__gte=1),
                name="acces_au_moins_une_personne",
                violation_error_message="Un accès aux données concerne au moins une personne.",
            ),
            models.CheckConstraint(
                condition=models.Q(beneficiaire__isnull=True) | models.Q(nombre_personnes=1),
                name="acces_une_personne_nommee",
                violation_error_message="Un accès à la fiche d'une personne ne concerne qu'une personne.",
            ),
        ]
        indexes = [models.Index(fields=["beneficiaire", "horodatage"], name="acces_beneficiaire_date_idx")]

    def __str__(self):
        return f"{self.get_action_display()} par {self.nom_utilisateur} le {timezone.localtime(self.horodatage):%d/%m/%Y %H:%M}"
