from django.db import models


class BaseJuridique(models.TextChoices):
    CONDITION_EXECUTION = "L2112-2", "condition d'exécution (L2112-2)"
    RESERVE_EA_ESAT = "L2113-12", "marché réservé aux EA / ESAT (L2113-12)"
    RESERVE_SIAE = "L2113-13", "marché réservé aux SIAE (L2113-13)"
    CRITERE_ATTRIBUTION = "R2152-7", "critère d'attribution (R2152-7)"
    MARCHE_INSERTION = "R2123-1", "marché d'insertion (R2123-1)"


class Modalite(models.TextChoices):
    EMBAUCHE_DIRECTE = "embauche_directe", "embauche directe"
    MISE_A_DISPOSITION = "mise_a_disposition", "mise à disposition (ETTI, AI, GEIQ, ETT)"
    SOUS_TRAITANCE = "sous_traitance", "sous-traitance ou cotraitance (SIAE, EA)"
    FORMATION = "formation", "formation"


class TypeContrat(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    CDDI = "cddi", "CDD d'insertion (CDDI)"
    APPRENTISSAGE = "apprentissage", "contrat d'apprentissage"
    PROFESSIONNALISATION = "professionnalisation", "contrat de professionnalisation"
    MISSION = "mission", "mission d'intérim ou de mise à disposition"
    STAGE = "stage", "stage ou formation"


class Statut(models.TextChoices):
    DECLAREES = "declarees", "déclarées"
    VALIDEES = "validees", "validées"
    REJETEES = "rejetees", "rejetées"


class PriseEnCompteFormation(models.TextChoices):
    """How hours of the modality "formation" count toward the yearly target."""

    TOUTES = "toutes", "toutes les heures de formation comptent"
    PLAFONNEES = "plafonnees", "plafonnées à une part du total"
    EXCLUES = "exclues", "les heures de formation ne comptent pas"


class MotifRisque(models.TextChoices):
    """Why a contract is listed among the contracts at risk (stable codes: notifications key on them)."""

    EN_RETARD = "en_retard", "en retard sur le rythme"
    FIN_PROCHE = "fin_proche", "fin proche avec des heures dues"
    SANS_DECLARATION = "sans_declaration", "aucune déclaration depuis deux mois"
    NON_CALIBREE = "non_calibree", "clause non calibrée"
