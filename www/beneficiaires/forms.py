"""Forms of a person's file (Département staff): outcome (sortie), referent, check of a declared public."""

from django import forms
from django.utils import timezone

from beneficiaires.enums import TypeReferent, VerificationEligibilite
from beneficiaires.models import Beneficiaire, Eligibilite, Sortie
from beneficiaires.selectors import sortie_en_double
from beneficiaires.services import MESSAGE_SORTIE_EN_DOUBLE
from portail.formulaires import BootstrapForm, BootstrapModelForm


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


class ReferentForm(BootstrapForm):
    """Who follows or prescribed the person (Département staff, on the person's file)."""

    referent = forms.ChoiceField(
        label="Référent ou prescripteur",
        choices=[("", "— non renseigné —"), *TypeReferent.choices],
        required=False,
        error_messages={"invalid_choice": "Choisissez un référent ou prescripteur dans la liste."},
    )
    referent_precision = forms.CharField(
        label="Précision (facultatif)",
        max_length=Beneficiaire._meta.get_field("referent_precision").max_length,
        required=False,
        help_text="Structure ou agence, par exemple « agence France Travail d'Angers Sud » (pas de nom de personne).",
        error_messages={"max_length": "La précision ne peut pas dépasser %(limit_value)d caractères."},
    )

    def clean(self):
        donnees = super().clean()
        if donnees.get("referent_precision", "").strip() and not donnees.get("referent"):
            self.add_error("referent", "Choisissez le référent que la précision décrit.")
        return donnees


class VerificationEligibiliteForm(BootstrapForm):
    """The Département's check of one declared public: verified (the document seen), refused (the reason), or
    back to declared."""

    verification = forms.ChoiceField(
        label="Vérification",
        choices=VerificationEligibilite.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez : déclaré, vérifié ou refusé.",
            "invalid_choice": "Choisissez : déclaré, vérifié ou refusé.",
        },
    )
    justificatif = forms.CharField(
        label="Document vu (si vérifié)",
        max_length=Eligibilite._meta.get_field("justificatif").max_length,
        required=False,
        help_text="Par exemple « attestation CAF de mars 2026 ». Le document n'est pas conservé.",
        error_messages={"max_length": "Le document vu ne peut pas dépasser %(limit_value)d caractères."},
    )
    motif_refus = forms.CharField(
        label="Motif du refus (si refusé)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Le motif ne peut pas dépasser %(limit_value)d caractères."},
    )

    def clean_justificatif(self):
        return " ".join(self.cleaned_data["justificatif"].split())

    def clean_motif_refus(self):
        return self.cleaned_data["motif_refus"].strip()

    def clean(self):
        donnees = super().clean()
        verification = donnees.get("verification")
        if verification == VerificationEligibilite.VERIFIEE and not donnees.get("justificatif"):
            self.add_error("justificatif", "Indiquez le document vu pour vérifier l'éligibilité.")
        if verification == VerificationEligibilite.REFUSEE and not donnees.get("motif_refus"):
            self.add_error("motif_refus", "Indiquez le motif du refus.")
        return donnees
