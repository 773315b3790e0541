from django.db import models


class TypeAcheteur(models.TextChoices):
    DEPARTEMENT = "departement", "Département"
    EPCI = "epci", "EPCI"
    COMMUNE = "commune", "commune"
    BAILLEUR = "bailleur", "bailleur social"
    AUTRE = "autre", "autre"


class TypeStructure(models.TextChoices):
    ENTREPRISE = "entreprise", "entreprise"
    EI = "ei", "entreprise d'insertion (EI)"
    ETTI = "etti", "entreprise de travail temporaire d'insertion (ETTI)"
    AI = "ai", "association intermédiaire (AI)"
    ACI = "aci", "atelier et chantier d'insertion (ACI)"
    GEIQ = "geiq", "groupement d'employeurs pour l'insertion et la qualification (GEIQ)"
    EA = "ea", "entreprise adaptée (EA)"
    ESAT = "esat", "établissement et service d'aide par le travail (ESAT)"
    ETT = "ett", "entreprise de travail temporaire (ETT)"

    @classmethod
    def siae(cls):
        return [cls.EI, cls.ETTI, cls.AI, cls.ACI]


class TypeIdentifiant(models.TextChoices):
    """Identifier types of the DECP 2024 format."""

    SIRET = "SIRET", "SIRET"
    TVA = "TVA", "numéro de TVA intracommunautaire"
    TAHITI = "TAHITI", "numéro TAHITI"
    RIDET = "RIDET", "numéro RIDET"
    FRWF = "FRWF", "numéro FRWF"
    IREP = "IREP", "numéro IREP"
    HORS_UE = "HORS-UE", "identifiant hors Union européenne"


class NatureMarche(models.TextChoices):
    TRAVAUX = "travaux", "travaux"
    SERVICES = "services", "services"
    FOURNITURES = "fournitures", "fournitures"


class EtatExecution(models.TextChoices):
    """Where a contract stands on a given day, from its execution period."""

    EN_EXECUTION = "en_execution", "en exécution"
    PAS_COMMENCE = "pas_commence", "pas commencé"
    TERMINE = "termine", "terminé"


class EtapeSuivi(models.TextChoices):
    """Milestones of a clause's follow-up that the Département records on the contract page."""

    REUNION_INFORMATION = "reunion_information", "réunion d'information avec le titulaire"
    PREMIERE_EMBAUCHE = "premiere_embauche", "première embauche"
    BILAN_MI_PARCOURS = "bilan_mi_parcours", "bilan à mi-parcours"
    CLOTURE = "cloture", "clôture"
    AUTRE = "autre", "autre"
