from django.db import models


class TypeNotification(models.TextChoices):
    LIGNES_REJETEES = "lignes_rejetees", "lignes rejetées"
    DECLARATION_MANQUANTE = "declaration_manquante", "déclaration manquante"
    MARCHE_A_RISQUE = "marche_a_risque", "marché à risque"
