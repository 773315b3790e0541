"""The form of a year's targets: the Département's and one field per EPCI."""

from django import forms

from insertion.objectifs import HEURES_MAX_OBJECTIF
from portail.formats import nombre
from portail.formulaires import BootstrapForm
from portail.periodes import ANNEE_MAX, ANNEE_MIN

ESPACES = ("\u202f", "\u00a0", " ")  # thousands typed the French way: "10 000"
MESSAGE_HEURES = (
    f"Indiquez un nombre entier d'heures supérieur à 0 (au plus {nombre(HEURES_MAX_OBJECTIF)}), "
    "ou laissez le champ vide."
)


class HeuresObjectifField(forms.IntegerField):
    """A positive whole number of hours, "10 000" and "10000 h" accepted; empty: no target."""

    def __init__(self, **kwargs):
        messages = {"invalid": MESSAGE_HEURES, "min_value": MESSAGE_HEURES, "max_value": MESSAGE_HEURES}
        super().__init__(
            required=False,
            min_value=1,
            max_value=HEURES_MAX_OBJECTIF,
            error_messages=messages,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("h").strip()
            for espace in ESPACES:
                value = value.replace(espace, "")
            if value and not (value.isascii() and value.isdigit()):
                raise forms.ValidationError(MESSAGE_HEURES, code="invalid")
        return super().to_python(value)


class AnneeObjectifsForm(forms.Form):
    """The year shown (query string); an invalid one falls back to the current year."""

    annee = forms.IntegerField(
        label="Année",
        min_value=ANNEE_MIN,
        max_value=ANNEE_MAX,
        error_messages={
            "invalid": f"Indiquez une année sur quatre chiffres, entre {ANNEE_MIN} et {ANNEE_MAX}.",
            "min_value": f"Indiquez une année entre {ANNEE_MIN} et {ANNEE_MAX}.",
            "max_value": f"Indiquez une année entre {ANNEE_MIN} et {ANNEE_MAX}.",
        },
    )


class ObjectifsForm(BootstrapForm):
    """`departement` and `epci_<pk>` for each EPCI given, in their order."""

    def __init__(self, *args, epcis, annee: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.epcis = list(epcis)
        self.fields["departement"] = HeuresObjectifField(
            label=f"Objectif du Département pour {annee} (heures)",
            help_text="Vide : aucun objectif fixé pour l'année.",
        )
        for epci in self.epcis:
            self.fields[f"epci_{epci.pk}"] = HeuresObjectifField(label=f"{epci.nom} (heures)")
        for champ in self.fields.values():
            champ.widget.attrs.setdefault("class", "form-control")

    def champs_epci(self):
        """(EPCI, its bound field), in the EPCI's order."""
        return [(epci, self[f"epci_{epci.pk}"]) for epci in self.epcis]

    def par_epci(self) -> dict[int, int | None]:
        return {epci.pk: self.cleaned_data[f"epci_{epci.pk}"] for epci in self.epcis}
