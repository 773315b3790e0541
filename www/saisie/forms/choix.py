"""Choosing the clause and the month to declare."""

from django import forms
from django.core.exceptions import ValidationError

from insertion.models import Clause
from portail.formulaires import BootstrapForm
from portail.periodes import lire_mois


class ChoixClauseField(forms.ModelChoiceField):
    def label_from_instance(self, clause):
        lot = clause.lot
        titulaire = lot.titulaire.raison_sociale if lot.titulaire_id else "titulaire non renseigné"
        return f"{lot.marche.reference} — lot {lot.numero} : {lot.intitule} — {titulaire}"


class ChoixSaisieForm(BootstrapForm):
    clause = ChoixClauseField(
        queryset=Clause.objects.none(),
        label="Marché et lot",
        empty_label="— choisir un marché —",
        error_messages={
            "required": "Choisissez le marché et le lot.",
            "invalid_choice": "Ce marché n'est pas dans votre périmètre.",
        },
    )
    mois = forms.CharField(
        label="Mois travaillé",
        help_text="Format mm/aaaa si votre navigateur ne propose pas de calendrier.",
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"required": "Indiquez le mois travaillé."},
    )

    def __init__(self, *args, clauses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = clauses

    def clean_mois(self):
        mois = lire_mois(self.cleaned_data["mois"])
        if mois is None:
            raise ValidationError("Indiquez le mois au format mm/aaaa, par exemple 03/2026.")
        return mois
