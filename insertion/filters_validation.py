"""Filters and actions of the Département's validation queue.

The filter options are computed from the queryset the view passes in (already scoped by
`HeuresRealisees.objects.for_user`), so a dropdown never names what the queue cannot show.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.http import QueryDict

from marches.models import Marche
from portail.formats import nombre
from territoires.models import Epci

from .enums import Statut

TOUS_STATUTS = "tous"
# "Valider toutes les lignes filtrées" works on at most this many rows, in one transaction.
LIMITE_LIGNES_FILTREES = 1000


class FiltreFileValidation(django_filters.FilterSet):
    epci = django_filters.ModelChoiceFilter(
        label="EPCI",
        field_name="clause__lot__marche__epci",
        queryset=Epci.objects.none(),
        empty_label="tous les EPCI",
    )
    mois = django_filters.DateFilter(
        label="Mois travaillé",
        field_name="mois",
        input_formats=["%Y-%m", "%m/%Y"],
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month", "placeholder": "AAAA-MM"}),
        error_messages={"invalid": "Indiquez un mois au format AAAA-MM, par exemple 2026-03."},
    )
    marche = django_filters.ModelChoiceFilter(
        label="Marché",
        field_name="clause__lot__marche",
        queryset=Marche.objects.none(),
        empty_label="tous les marchés",
    )
    statut = django_filters.ChoiceFilter(
        label="Statut",
        choices=[
            (Statut.DECLAREES, "déclarées (à valider)"),
            (Statut.VALIDEES, "validées"),
            (Statut.REJETEES, "rejetées"),
            (TOUS_STATUTS, "tous les statuts"),
        ],
        method="filtrer_statut",
        empty_label=None,
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # Without a choice, the queue shows the rows waiting for validation.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("statut"):
            data["statut"] = Statut.DECLAREES
        super().__init__(data, queryset, request=request, prefix=prefix)
        lignes = self.queryset.order_by()
        self.filters["epci"].queryset = Epci.objects.filter(
            Exists(lignes.filter(clause__lot__marche__epci=OuterRef("pk")))
        ).order_by("nom")
        self.filters["marche"].queryset = Marche.objects.filter(
            Exists(lignes.filter(clause__lot__marche=OuterRef("pk")))
        ).order_by("reference", "pk")
        for champ in self.form.fields.values():
            classe = "form-select" if isinstance(champ.widget, forms.Select) else "form-control"
            champ.widget.attrs.setdefault("class", classe)

    class Meta:
        fields = []

    def filtrer_statut(self, queryset, name, value):
        if value == TOUS_STATUTS:
            return queryset
        return queryset.filter(statut=value)


class ActionsFileForm(forms.Form):
    """Validate or reject the selected rows, or every filtered row (bounded)."""

    VALIDER = "valider"
    REJETER = "rejeter"

    action = forms.ChoiceField(
        label="Action", choices=[(VALIDER, "Valider la sélection"), (REJETER, "Rejeter la sélection")]
    )
    selection = forms.ModelMultipleChoiceField(
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
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, lignes, **kwargs):
        super().__init__(*args, **kwargs)
        self.lignes = lignes
        self.fields["selection"].queryset = lignes.order_by().only("pk", "statut")

    def clean(self):
        donnees = super().clean()
        action = donnees.get("action")
        if action == self.REJETER and not (donnees.get("motif") or "").strip():
            self.add_error("motif", "Indiquez le motif du rejet : l'EPCI le verra.")
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
