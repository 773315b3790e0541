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
        return f"{lot.marche.libelle} — lot {lot.numero} : {lot.intitule} — {titulaire}"


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


class RechercheSaisieForm(BootstrapForm):
    """The chooser's search (GET): words, contracts out of execution, the month the row links open."""

    q = forms.CharField(
        label="Rechercher un marché",
        required=False,
        max_length=200,
        help_text="Acheteur, référence, objet, intitulé du lot, titulaire ou SIRET : chaque mot doit y figurer.",
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={"max_length": "La recherche compte au plus 200 caractères."},
    )
    termines = forms.BooleanField(
        label="Inclure les marchés terminés (et ceux pas encore commencés)", required=False
    )
    mois = forms.CharField(
        label="Mois à saisir",
        required=False,
        help_text="Par défaut le mois dernier ; format mm/aaaa si votre navigateur ne propose pas de calendrier.",
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def clean_mois(self):
        texte = self.cleaned_data["mois"]
        if not texte:
            return None
        mois = lire_mois(texte)
        if mois is None:
            raise ValidationError("Indiquez le mois au format mm/aaaa, par exemple 03/2026.")
        return mois
