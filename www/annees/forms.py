from django import forms

from portail.formulaires import BootstrapForm
from portail.periodes import ANNEE_MAX, ANNEE_MIN

MESSAGE_ANNEE = "Année inconnue : choisissez de nouveau l'année dans la liste."


class AnneeForm(forms.Form):
    """The year a closing or reopening names (hidden field), read before the rest of the form."""

    annee = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=ANNEE_MIN,
        max_value=ANNEE_MAX,
        error_messages={
            "required": MESSAGE_ANNEE,
            "invalid": MESSAGE_ANNEE,
            "min_value": MESSAGE_ANNEE,
            "max_value": MESSAGE_ANNEE,
        },
    )


class ClotureAnneeForm(AnneeForm, BootstrapForm):
    date_cloture = forms.DateField(
        label="Date de clôture",
        help_text="Après la fin de l'année, au plus tard aujourd'hui.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date de clôture (jj/mm/aaaa).",
            "invalid": "Saisissez une date valide au format jj/mm/aaaa.",
        },
    )
    confirmer = forms.BooleanField(
        label="Je clôture l'année quand même : les lignes encore déclarées ne seront pas validées.",
        required=False,
    )


class ReouvertureAnneeForm(AnneeForm, BootstrapForm):
    motif = forms.CharField(
        label="Motif de la réouverture",
        max_length=1000,
        strip=True,
        help_text="Il reste dans l'historique de l'année.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Indiquez le motif de la réouverture : il reste dans l'historique de l'année.",
            "max_length": "Le motif compte au plus 1 000 caractères.",
        },
    )
