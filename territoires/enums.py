from django.db import models


class NatureEpci(models.TextChoices):
    CC = "CC", "communauté de communes"
    CA = "CA", "communauté d'agglomération"
    CU = "CU", "communauté urbaine"
    METRO = "METRO", "métropole"
    MET69 = "MET69", "métropole de Lyon"
