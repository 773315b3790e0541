"""Filters of the Département's validation queue.

The filter options are computed from the queryset the view passes in (already scoped by
`insertion.selectors.file_de_validation`), so a dropdown never names what the queue cannot show.
"""

import django_filters
from django import forms
from django.http import QueryDict

from insertion.enums import Statut
from marches.models import Marche
from marches.selectors import epci_des_marches, marches_designes
from portail.formulaires import habiller
from portail.periodes import ANNEE_MAX, ANNEE_MIN
from territoires.models import Epci

TOUS_STATUTS = "tous"


class FileValidationFilter(django_filters.FilterSet):
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
    annee = django_filters.NumberFilter(
        label="Année",
        field_name="mois__year",
        min_value=ANNEE_MIN,
        decimal_places=0,
        max_value=ANNEE_MAX,
        widget=forms.NumberInput(attrs={"placeholder": "AAAA"}),
        error_messages={"invalid": "Indiquez une année sur quatre chiffres, par exemple 2026."},
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
        marches = marches_designes(self.queryset.order_by().values("clause__lot__marche"))
        self.filters["epci"].queryset = epci_des_marches(marches)
        self.filters["marche"].queryset = marches
        habiller(self.form.fields.values())

    class Meta:
        fields = []

    def filtrer_statut(self, queryset, name, value):
        if value == TOUS_STATUTS:
            return queryset
        return queryset.filter(statut=value)
