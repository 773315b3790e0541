"""The outcome (sortie) of a person."""

from django import forms
from django.utils import timezone

from beneficiaires.models import Sortie
from beneficiaires.selectors import sortie_en_double
from beneficiaires.services import MESSAGE_SORTIE_EN_DOUBLE
from portail.formulaires import BootstrapModelForm


class SortieForm(BootstrapModelForm):
    """Adds or edits an outcome of one person; the person is set by the view through `instance`."""

    class Meta:
        model = Sortie
        fields = ["date", "categorie", "detail"]
        labels = {
            "date": "Date de sortie",
            "categorie": "Catégorie de sortie",
            "detail": "Détail (facultatif)",
        }
        help_texts = {
            "date": "Au format jj/mm/aaaa.",
            "detail": "Par exemple : CDI de maçon chez l'entreprise titulaire, formation qualifiante de soudeur.",
        }
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "date": {
                "required": "Indiquez la date de sortie.",
                "invalid": "Saisissez une date valide (jj/mm/aaaa).",
            },
            "categorie": {
                "required": "Choisissez la catégorie de sortie.",
                "invalid_choice": "Choisissez une catégorie de sortie dans la liste.",
            },
            "detail": {"max_length": "Le détail ne peut pas dépasser %(limit_value)d caractères."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = [("", "Choisissez une catégorie")] + [
            choix for choix in self.fields["categorie"].choices if choix[0] != ""
        ]

    @property
    def beneficiaire(self):
        return self.instance.beneficiaire

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date de sortie ne peut pas être dans le futur.")
        date_entree = self.beneficiaire.date_entree
        if date < date_entree:
            raise forms.ValidationError(
                f"La date de sortie ne peut pas précéder l'entrée dans le dispositif ({date_entree:%d/%m/%Y})."
            )
        return date

    def clean(self):
        cleaned_data = super().clean()
        date, categorie = cleaned_data.get("date"), cleaned_data.get("categorie")
        if (
            date
            and categorie
            and sortie_en_double(
                beneficiaire=self.beneficiaire, date=date, categorie=categorie, sauf=self.instance
            )
        ):
            raise forms.ValidationError(MESSAGE_SORTIE_EN_DOUBLE, code="doublon")
        return cleaned_data
