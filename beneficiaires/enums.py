from django.db import models


class Sexe(models.TextChoices):
    FEMME = "F", "femme"
    HOMME = "H", "homme"


class NiveauQualification(models.TextChoices):
    """Levels of the national qualification framework (2019)."""

    SANS = "sans", "sans diplôme (niveaux 1-2)"
    NIVEAU_3 = "3", "niveau 3 (CAP, BEP)"
    NIVEAU_4 = "4", "niveau 4 (baccalauréat)"
    NIVEAU_5 = "5", "niveau 5 (bac + 2)"
    NIVEAU_6_PLUS = "6+", "niveau 6 et plus (bac + 3 et au-delà)"


class CodePublic(models.TextChoices):
    """Codes of the eligible publics; the labels live in the Public reference table."""

    BRSA = "BRSA", "bénéficiaire du RSA"
    DELD = "DELD", "demandeur d'emploi de longue durée (plus de 12 mois)"
    JEUNE = "JEUNE", "jeune de moins de 26 ans"
    RQTH = "RQTH", "travailleur handicapé (RQTH)"
    SENIOR = "SENIOR", "senior de 50 ans et plus"
    ASS_AAH = "ASS_AAH", "allocataire de l'ASS ou de l'AAH"
    SIAE = "SIAE", "salarié d'une SIAE"
    QPV = "QPV", "résident d'un quartier prioritaire (QPV)"
    AUTRE = "AUTRE", "autre public validé par le facilitateur"


class CategorieSortie(models.TextChoices):
    EMPLOI_DURABLE = (
        "emploi_durable",
        "emploi durable (CDI, CDD ou intérim de 6 mois et plus, création d'entreprise)",
    )
    EMPLOI_TRANSITION = (
        "emploi_transition",
        "emploi de transition (CDD ou intérim de moins de 6 mois, contrat aidé)",
    )
    SORTIE_POSITIVE = "sortie_positive", "sortie positive (formation qualifiante, autre SIAE)"
    AUTRE = "autre", "autre sortie"


class ActionAcces(models.TextChoices):
    """What someone did with personal data, as recorded in the access log."""

    CONSULTATION = "consultation", "consultation de la fiche"
    RECHERCHE = "recherche", "recherche dans la liste"
    PROPOSITION = "proposition", "personnes proposées dans la grille de saisie"
    IDENTIFICATION = "identification", "personne retrouvée par son identité"
    EXPORT = "export", "export"
    CREATION = "creation", "création"
    MODIFICATION = "modification", "modification"
    SORTIE = "sortie", "sortie"
    ANONYMISATION = "anonymisation", "anonymisation"
    DROIT_ACCES = "droit_acces", "droit d'accès"


class TypeReferent(models.TextChoices):
    """Who follows or prescribed the person."""

    FRANCE_TRAVAIL = "france_travail", "France Travail"
    REFERENT_RSA = "referent_rsa", "référent RSA du Département"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CAP_EMPLOI = "cap_emploi", "Cap emploi"
    PLIE = "plie", "PLIE"
    SIAE = "siae", "SIAE"
    AUTRE = "autre", "autre"


class VerificationEligibilite(models.TextChoices):
    """Where the check of a declared public stands: declared by a clerk, then verified or refused."""

    DECLAREE = "declaree", "déclaré"
    VERIFIEE = "verifiee", "vérifié"
    REFUSEE = "refusee", "refusé"
