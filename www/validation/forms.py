"""Actions of the Département's validation queue: validate or reject the selection, or every filtered row."""

from django import forms
from django.core.exceptions import ValidationError

from insertion import regles
from insertion.enums import Statut
from portail.formats import nombre

# "Valider toutes les lignes filtrées" works on at most this many rows, in one transaction.
LIMITE_LIGNES_FILTREES = 1000


class LignesChoisiesField(forms.ModelMultipleChoiceField):
    """Rows by pk: a value beyond the database's integers is an invalid selection, not a server error."""

    def _check_values(self, value):
        for pk in value:
            if not (str(pk).isascii() and str(pk).isdigit() and int(pk) < 2**63):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class ActionsFileForm(forms.Form):
    """Validate or reject the selected rows, or every filtered row (bounded)."""

    VALIDER = "valider"
    REJETER = "rejeter"

    action = forms.ChoiceField(
        label="Action", choices=[(VALIDER, "Valider la sélection"), (REJETER, "Rejeter la sélection")]
    )
    selection = LignesChoisiesField(
        label="Lignes sélectionnées",
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": "Une ligne sélectionnée n'est plus dans la file : rechargez la page.",
            "invalid_pk_value": "Sélection invalide : rechargez la page.",
        },
    )
    toutes_filtrees = forms.BooleanField(
        label=(
            f"Appliquer à toutes les lignes déclarées qui correspondent aux filtres "
            f"(au plus {nombre(LIMITE_LIGNES_FILTREES)}), pas seulement à la sélection"
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    motif = forms.CharField(
        label="Motif du rejet (l'EPCI le verra)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, lignes, **kwargs):
        super().__init__(*args, **kwargs)
        self.lignes = lignes
        self.fields["selection"].queryset = lignes.order_by().only("pk", "statut")

    def clean(self):
        donnees = super().clean()
        action = donnees.get("action")
        if action == self.REJETER and (erreur := regles.erreur_motif_rejet(donnees.get("motif"))):
            self.add_error("motif", erreur)
        if "selection" not in donnees:
            return donnees
        if donnees.get("toutes_filtrees"):
            rangees = list(
                self.lignes.filter(statut=Statut.DECLAREES)
                .order_by("pk")
                .only("pk", "statut")[: LIMITE_LIGNES_FILTREES + 1]
            )
            if len(rangees) > LIMITE_LIGNES_FILTREES:
                raise forms.ValidationError(
                    f"Plus de {nombre(LIMITE_LIGNES_FILTREES)} lignes déclarées correspondent aux filtres : "
                    "affinez-les (EPCI, mois, marché) avant de tout traiter."
                )
            if not rangees:
                raise forms.ValidationError("Aucune ligne déclarée ne correspond aux filtres.")
        else:
            rangees = list(donnees["selection"])
            if not rangees:
                self.add_error("selection", "Sélectionnez au moins une ligne.")
        donnees["rangees"] = rangees
        return donnees


class RejetLigneForm(forms.Form):
    """Reject one row of the queue with its own reason (the row's "Rejeter" button and reason field)."""

    ligne = forms.ModelChoiceField(
        label="Ligne à rejeter",
        queryset=None,
        error_messages={
            "required": "Aucune ligne à rejeter : rechargez la page.",
            "invalid_choice": "Cette ligne n'est plus dans la file : rechargez la page.",
            "invalid_pk_value": "Ligne invalide : rechargez la page.",
        },
    )
    motif = forms.CharField(
        label="Motif du rejet de la ligne",
        required=False,
        max_length=2000,
        error_messages={"max_length": "Le motif tient en 2 000 caractères au plus."},
    )

    def __init__(self, *args, lignes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ligne"].queryset = lignes.order_by().only("pk", "statut")

    @classmethod
    def depuis_la_file(cls, donnees, *, lignes):
        """The form of the row whose button was pressed: `rejeter_ligne=<pk>` and its `motif_<pk>`."""
        pk = str(donnees.get("rejeter_ligne", "")).strip()
        return cls({"ligne": pk, "motif": donnees.get(f"motif_{pk}", "")}, lignes=lignes)

    def clean(self):
        donnees = super().clean()
        if "motif" in donnees and (erreur := regles.erreur_motif_rejet(donnees["motif"])):
            self.add_error("motif", erreur)
        return donnees
