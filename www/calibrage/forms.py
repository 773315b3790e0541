"""The reserved-hours calculator's form."""

import re
from decimal import Decimal

from django import forms

from insertion import regles
from insertion.calibrage import calculer
from portail.formulaires import BootstrapForm

# A unit typed after the number ("5 %", "30 €/h", "1 200 h") is tolerated and ignored.
UNITE_FINALE = re.compile(r"\s*(%|€\s*/\s*h|€|h)\s*$", re.IGNORECASE)
ESPACES_DE_MILLIERS = ("\u202f", "\u00a0", " ")  # narrow no-break space, no-break space, space


class NombreFrancaisField(forms.DecimalField):
    """A decimal number typed the French way: "5,5", "1 000", "1 000,50"; a dot is accepted too."""

    def __init__(self, *, exemple: str, **kwargs):
        kwargs.setdefault("localize", True)
        messages = {
            "required": "Ce champ est obligatoire.",
            "invalid": f"Indiquez un nombre, par exemple {exemple}.",
            "max_decimal_places": "Indiquez au plus deux chiffres après la virgule.",
        }
        kwargs["error_messages"] = messages | kwargs.get("error_messages", {})
        super().__init__(decimal_places=2, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if isinstance(value, str):
            value = UNITE_FINALE.sub("", value.strip())
            for espace in ESPACES_DE_MILLIERS:
                value = value.replace(espace, "")
        return super().to_python(value)


def _pourcentage(libelle: str, nom: str, aide: str, exemple: str) -> NombreFrancaisField:
    hors_bornes = regles.message_pourcentage(nom)
    return NombreFrancaisField(
        label=libelle,
        help_text=aide,
        exemple=exemple,
        min_value=Decimal(0),
        max_value=regles.POURCENTAGE_MAX,
        error_messages={
            "required": f"Indiquez {nom[0].lower()}{nom[1:]}.",
            "min_value": hors_bornes,
            "max_value": hors_bornes,
        },
    )


class CalibrageForm(BootstrapForm):
    part_main_oeuvre = _pourcentage(
        "Part de main-d'œuvre (%)",
        "La part de main-d'œuvre",
        "Part du montant HT du lot qui rémunère de la main-d'œuvre, de 0 à 100 (par exemple 50 ou 42,5).",
        "50 ou 42,5",
    )
    taux_insertion = _pourcentage(
        "Taux d'insertion (%)",
        "Le taux d'insertion",
        "Part des heures de main-d'œuvre réservée à l'insertion, de 0 à 100 (par exemple 5 ou 5,5).",
        "5 ou 5,5",
    )
    cout_horaire = NombreFrancaisField(
        label="Coût horaire (€/h)",
        help_text="Coût horaire moyen de la main-d'œuvre, en euros HT par heure (par exemple 30 ou 28,50).",
        exemple="30 ou 28,50",
        max_value=Decimal("99999.99"),
        error_messages={
            "required": "Indiquez le coût horaire.",
            "max_value": "Le coût horaire ne peut dépasser 99 999,99 €/h.",
        },
    )
    heures_fixees = NombreFrancaisField(
        label="Heures réservées fixées par le marché (facultatif)",
        required=False,
        help_text=(
            "Seulement si le marché fixe lui-même le nombre d'heures : ce nombre remplace alors le calcul. "
            "Les paramètres ci-dessus sont enregistrés dans tous les cas."
        ),
        exemple="1 200",
        max_value=Decimal("99999999.99"),
        error_messages={"max_value": "Les heures réservées ne peuvent dépasser 99 999 999,99 h."},
    )

    def __init__(self, *args, lot, **kwargs):
        super().__init__(*args, **kwargs)
        self.lot = lot
        self.calcul = None  # set by a successful validation

    def clean_cout_horaire(self):
        cout = self.cleaned_data["cout_horaire"]
        if cout <= 0:
            raise forms.ValidationError(regles.MESSAGE_COUT_HORAIRE)
        return cout

    def clean_heures_fixees(self):
        heures = self.cleaned_data["heures_fixees"]
        if heures is not None and heures <= 0:
            raise forms.ValidationError(
                "Les heures fixées par le marché doivent être supérieures à 0 ; laissez le champ vide "
                "pour retenir le calcul."
            )
        return heures

    def clean(self):
        donnees = super().clean()
        if self.errors:
            return donnees
        self.calcul = calculer(
            lot=self.lot,
            part_main_oeuvre=donnees["part_main_oeuvre"],
            taux_insertion=donnees["taux_insertion"],
            cout_horaire=donnees["cout_horaire"],
            heures_fixees=donnees.get("heures_fixees"),
        )
        erreur = regles.erreur_calibrage_nul(
            detail=self.calcul.detail, heures_reservees=self.calcul.heures_reservees
        )
        if erreur:
            raise forms.ValidationError(erreur)
        return donnees
