"""Filters of "Clauses à calibrer": options computed from the scoped clauses, never what the list cannot show."""

import django_filters

from marches.enums import NatureMarche
from marches.models import Acheteur
from marches.selectors import acheteurs_des_marches, epci_des_marches, marches_designes
from portail.formulaires import habiller
from territoires.models import Epci


class ClauseACalibrerFilter(django_filters.FilterSet):
    """Options computed from the queryset given (already scoped): a list never offers what it cannot show."""

    epci = django_filters.ModelChoiceFilter(
        label="EPCI",
        field_name="lot__marche__epci",
        queryset=Epci.objects.none(),
        empty_label="Tous les EPCI",
    )
    nature = django_filters.ChoiceFilter(
        label="Nature du marché",
        field_name="lot__marche__nature",
        choices=[],
        empty_label="Toutes les natures",
    )
    acheteur = django_filters.ModelChoiceFilter(
        label="Acheteur",
        field_name="lot__marche__acheteur",
        queryset=Acheteur.objects.none(),
        empty_label="Tous les acheteurs",
    )

    class Meta:
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        clauses = self.queryset.order_by()
        marches = marches_designes(clauses.values("lot__marche"))
        self.filters["epci"].queryset = epci_des_marches(marches)
        self.filters["acheteur"].queryset = acheteurs_des_marches(marches)
        presentes = set(marches.order_by().values_list("nature", flat=True).distinct())
        self.filters["nature"].extra["choices"] = [
            (valeur, libelle) for valeur, libelle in NatureMarche.choices if valeur in presentes
        ]
        habiller(self.form.fields.values())

    @property
    def actif(self) -> bool:
        return any(self.data.get(nom) for nom in self.filters)
