from django.db import models

from portail.tri import ordre_francais
from territoires.enums import NatureEpci


class Epci(models.Model):
    siren = models.CharField(
        "SIREN", max_length=9, unique=True, error_messages={"unique": "Un EPCI porte déjà ce SIREN."}
    )
    nom = models.CharField("nom", max_length=200)
    nature = models.CharField("nature", max_length=5, choices=NatureEpci.choices)
    population = models.PositiveIntegerField("population totale", null=True, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = [ordre_francais("nom")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(siren__regex=r"^[0-9]{9}$"),
                name="epci_siren_format",
                violation_error_message="Le SIREN d'un EPCI compte 9 chiffres.",
            ),
        ]

    def __str__(self):
        return self.nom


class Commune(models.Model):
    code_insee = models.CharField(
        "code INSEE",
        max_length=5,
        unique=True,
        error_messages={"unique": "Une commune porte déjà ce code INSEE."},
    )
    siren = models.CharField(
        "SIREN",
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": "Une commune porte déjà ce SIREN."},
    )
    nom = models.CharField("nom", max_length=200)
    departement = models.CharField("département", max_length=3, db_index=True)
    epci = models.ForeignKey(
        Epci, verbose_name="EPCI", on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    population = models.PositiveIntegerField("population", null=True, blank=True)
    codes_postaux = models.JSONField("codes postaux", default=list, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = [ordre_francais("nom")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code_insee__regex=r"^[0-9][0-9AB][0-9]{3}$"),
                name="commune_code_insee_format",
                violation_error_message="Le code INSEE d'une commune compte 5 caractères : 5 chiffres, ou 2A / 2B suivis de 3 chiffres pour la Corse.",
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.code_insee})"
