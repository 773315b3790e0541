"""Adding a person to the grid: finding a known one, or a new one (identity, residence, publics)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from beneficiaires import regles
from beneficiaires.enums import NiveauQualification, Sexe, TypeReferent
from beneficiaires.identite import cle_identite, normaliser_nom
from beneficiaires.selectors import autres_publics, communes_du_departement, public_brsa
from beneficiaires.services import PeriodePublic
from portail.formulaires import BootstrapForm


class DateSaisieField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {"invalid": "Saisissez une date valide au format jj/mm/aaaa."}


class ChoixCommuneField(forms.ModelChoiceField):
    def label_from_instance(self, commune):
        return f"{commune.nom} ({commune.code_insee})"


class RecherchePersonneForm(BootstrapForm):
    """Finding a known person to add to the grid (GET)."""

    q = forms.CharField(
        label="Nom ou prénom",
        required=False,
        max_length=100,
        help_text="Chaque mot doit figurer dans le nom ou le prénom (accents, majuscules et tirets ignorés).",
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={"max_length": "La recherche compte au plus 100 caractères."},
    )
    annee = forms.IntegerField(
        label="Année de naissance",
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages={
            "invalid": "Indiquez l'année de naissance en quatre chiffres, par exemple 1985.",
            "min_value": "Indiquez une année de naissance à partir de 1900.",
            "max_value": "Indiquez une année de naissance passée.",
        },
    )

    def clean(self):
        donnees = super().clean()
        if not self.errors and not normaliser_nom(donnees.get("q", "")) and donnees.get("annee") is None:
            raise ValidationError("Indiquez un nom, un prénom ou une année de naissance.")
        return donnees


class PersonneForm(BootstrapForm):
    """A new person, first working in `mois` (the month of the grid it is added from)."""

    nom = forms.CharField(label="Nom", max_length=150, error_messages={"required": "Indiquez le nom."})
    prenom = forms.CharField(
        label="Prénom", max_length=150, error_messages={"required": "Indiquez le prénom."}
    )
    date_naissance = DateSaisieField(
        label="Date de naissance", error_messages={"required": "Indiquez la date de naissance."}
    )
    sexe = forms.ChoiceField(
        label="Sexe",
        choices=Sexe.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez le sexe."},
    )
    commune = ChoixCommuneField(
        label="Commune de résidence",
        queryset=None,
        required=False,
        empty_label="— non renseignée —",
    )
    niveau_qualification = forms.ChoiceField(
        label="Niveau de qualification",
        choices=[("", "— non renseigné —"), *NiveauQualification.choices],
        required=False,
    )
    referent = forms.ChoiceField(
        label="Référent ou prescripteur",
        choices=[("", "— non renseigné —"), *TypeReferent.choices],
        required=False,
        error_messages={"invalid_choice": "Choisissez un référent ou prescripteur dans la liste."},
    )
    date_entree = DateSaisieField(
        label="Date d'entrée dans le dispositif",
        required=False,
        help_text="Aujourd'hui si elle est laissée vide.",
    )
    brsa_debut = DateSaisieField(label="Bénéficiaire du RSA depuis le", required=False)
    brsa_fin = DateSaisieField(
        label="Bénéficiaire du RSA jusqu'au", required=False, help_text="Vide si la personne l'est toujours."
    )
    autres_publics = forms.ModelMultipleChoiceField(
        label="Autres publics éligibles",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    autres_publics_debut = DateSaisieField(
        label="Éligibilité à ces publics depuis le",
        required=False,
        help_text="La date d'entrée si elle est laissée vide.",
    )

    # The identity a user confirmed as another person than the close ones shown (see `personnes_proches`).
    # A plain field: only compared with the identity typed, never shown nor stored.
    confirmation_identite = forms.Field(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, mois: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.mois = mois
        self.fields["commune"].queryset = communes_du_departement()
        self.fields["autres_publics"].queryset = autres_publics()

    def _clean_nom(self, champ):
        valeur = " ".join(self.cleaned_data[champ].split())
        if not normaliser_nom(valeur):
            raise ValidationError("Saisissez au moins une lettre.")
        return valeur

    def clean_nom(self):
        return self._clean_nom("nom")

    def clean_prenom(self):
        return self._clean_nom("prenom")

    def clean_date_naissance(self):
        naissance = self.cleaned_data["date_naissance"]
        if naissance >= timezone.localdate():
            raise ValidationError("La date de naissance doit être passée.")
        if erreur := regles.erreur_age_nouvelle_personne(date_naissance=naissance, mois=self.mois):
            raise ValidationError(erreur)
        return naissance

    def clean(self):
        donnees = super().clean()
        naissance = donnees.get("date_naissance")
        entree = donnees.get("date_entree")
        debut, fin = donnees.get("brsa_debut"), donnees.get("brsa_fin")
        if naissance:
            for champ in ("date_entree", "brsa_debut", "autres_publics_debut"):
                if donnees.get(champ) and donnees[champ] <= naissance:
                    self.add_error(champ, "Cette date doit suivre la date de naissance.")
        if fin and not debut:
            self.add_error("brsa_debut", "Indiquez depuis quand la personne est bénéficiaire du RSA.")
        if debut and fin and fin < debut:
            self.add_error("brsa_fin", "La fin du RSA doit suivre son début.")
        if donnees.get("autres_publics_debut") and not donnees.get("autres_publics"):
            self.add_error("autres_publics", "Cochez les publics concernés par cette date.")
        donnees["date_entree"] = entree or timezone.localdate()
        return donnees

    def publics(self) -> list[PeriodePublic]:
        donnees = self.cleaned_data
        periodes = []
        if donnees.get("brsa_debut"):
            periodes.append(
                PeriodePublic(
                    public=public_brsa(),
                    date_debut=donnees["brsa_debut"],
                    date_fin=donnees.get("brsa_fin"),
                )
            )
        debut_autres = donnees.get("autres_publics_debut") or donnees["date_entree"]
        periodes += [
            PeriodePublic(public=p, date_debut=debut_autres) for p in donnees.get("autres_publics", [])
        ]
        return periodes

    def cle_identite(self) -> str:
        donnees = self.cleaned_data
        return cle_identite(donnees["nom"], donnees["prenom"], donnees["date_naissance"])

    def autre_personne_confirmee(self) -> bool:
        """The user said this identity (as typed now, not an earlier one) is not one of the close people."""
        return self.cleaned_data.get("confirmation_identite") == self.cle_identite()

    def donnees_personne(self) -> dict:
        donnees = self.cleaned_data
        return {
            "nom": donnees["nom"],
            "prenom": donnees["prenom"],
            "date_naissance": donnees["date_naissance"],
            "sexe": donnees["sexe"],
            "commune": donnees.get("commune"),
            "niveau_qualification": donnees.get("niveau_qualification", ""),
            "referent": donnees.get("referent", ""),
            "date_entree": donnees["date_entree"],
            "publics": self.publics(),
        }
