"""The follow-up sheet's forms: a dated entry of the log, closing the follow-up."""

from django import forms
from django.utils import timezone

from marches import regles
from marches.enums import EtapeSuivi
from portail.formulaires import BootstrapForm
from www.saisie.forms.personne import DateSaisieField

# Closing has its own button (it also sets the contract's closing date).
ETAPES_DU_JOURNAL = [
    (valeur, libelle) for valeur, libelle in EtapeSuivi.choices if valeur != EtapeSuivi.CLOTURE
]


class EvenementSuiviForm(BootstrapForm):
    date = DateSaisieField(label="Date", error_messages={"required": "Indiquez la date de l'événement."})
    etape = forms.ChoiceField(
        label="Étape",
        choices=ETAPES_DU_JOURNAL,
        error_messages={"invalid_choice": "Choisissez une étape de la liste."},
    )
    commentaire = forms.CharField(
        label="Commentaire", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "suivi")
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate

    def clean(self):
        donnees = super().clean()
        if donnees.get("etape") == EtapeSuivi.AUTRE and not (donnees.get("commentaire") or "").strip():
            self.add_error("commentaire", regles.MESSAGE_EVENEMENT_SANS_COMMENTAIRE)
        return donnees


class ClotureForm(BootstrapForm):
    date = DateSaisieField(
        label="Date de clôture", error_messages={"required": "Indiquez la date de clôture."}
    )
    commentaire = forms.CharField(
        label="Commentaire (facultatif)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, marche, **kwargs):
        kwargs.setdefault("prefix", "cloture")
        super().__init__(*args, **kwargs)
        self.marche = marche
        self.fields["date"].initial = timezone.localdate

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date de clôture ne peut être postérieure à aujourd'hui.")
        if date < self.marche.date_debut:
            raise forms.ValidationError(regles.MESSAGE_CLOTURE_AVANT_DEBUT)
        return date
