"""The Département's decisions on an employer typed by a clerk: confirm it, or merge it into another."""

from django import forms
from django.core.exceptions import ValidationError

from marches.enums import TypeStructure
from marches.siret import normaliser_siret, valider_siret
from portail.formulaires import BootstrapForm


class VerificationEntrepriseForm(BootstrapForm):
    raison_sociale = forms.CharField(
        label="Raison sociale",
        max_length=255,
        error_messages={
            "required": "Indiquez la raison sociale.",
            "max_length": "La raison sociale compte au plus 255 caractères.",
        },
    )
    type_structure = forms.ChoiceField(
        label="Type de structure",
        choices=TypeStructure.choices,
        error_messages={
            "required": "Choisissez le type de structure.",
            "invalid_choice": "Choisissez un type de structure de la liste.",
        },
    )

    def clean_raison_sociale(self):
        valeur = " ".join(self.cleaned_data["raison_sociale"].split())
        if not valeur:
            raise ValidationError("Indiquez la raison sociale.")
        return valeur


class FusionEntrepriseForm(BootstrapForm):
    siret_gardee = forms.CharField(
        label="SIRET de l'entreprise à garder",
        max_length=20,
        help_text="Les heures et les lots de cette entreprise-ci lui seront rattachés, puis celle-ci sera supprimée.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": "Indiquez le SIRET de l'entreprise à garder.",
            "max_length": "Un SIRET compte 14 chiffres.",
        },
    )

    def clean_siret_gardee(self):
        valeur = self.cleaned_data["siret_gardee"]
        valider_siret(valeur)
        return normaliser_siret(valeur)
