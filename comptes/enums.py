from django.db import models


class Role(models.TextChoices):
    DEPARTEMENT = "departement", "Département (chargé·e de mission insertion)"
    EPCI = "epci", "agent d'EPCI"
    LECTEUR = "lecteur", "lecteur (chiffres agrégés)"
