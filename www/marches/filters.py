"""Filters of the list of contracts.

Every option list is computed from the queryset the filter set is given, i.e. the user's scoped rows:
a filter never offers a buyer or an EPCI the user cannot see.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from marches.models import Acheteur
from marches.selectors import acheteurs_des_marches, annees_d_execution, epci_des_marches
from portail.formulaires import habiller
from territoires.models import Epci

EN_COURS, A_VENIR, TERMINE = "en_cours", "a_venir", "termine"
STATUTS_MARCHE = [(EN_COURS, "en cours"), (A_VENIR, "à venir"), (TERMINE, "terminé")]


class MarcheFilter(django_filters.FilterSet):
    recherche = django_filters.CharFilter(
        label="Référence ou objet",
        method="filtrer_recherche",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    acheteur = django_filters.ModelChoiceFilter(
        label="Acheteur", queryset=Acheteur.objects.none(), empty_label="Tous les acheteurs"
    )
    annee = django_filters.ChoiceFilter(
        label="En exécution en",
        method="filtrer_annee",
        empty_label="Toutes les années",
        help_text="Marchés dont la période d'exécution couvre une partie de l'année.",
    )
    statut = django_filters.ChoiceFilter(
        label="Statut", choices=STATUTS_MARCHE, method="filtrer_statut", empty_label="Tous les statuts"
    )
    epci = django_filters.ModelChoiceFilter(
        label="EPCI", queryset=Epci.objects.none(), empty_label="Tous les EPCI"
    )

    def __init__(self, data=None, queryset=None, *, avec_epci: bool, **kwargs):
        super().__init__(data, queryset, **kwargs)
        marches = self.queryset
        self.filters["acheteur"].queryset = acheteurs_des_marches(marches)
        self.filters["annee"].extra["choices"] = [(str(a), str(a)) for a in annees_d_execution(marches)]
        if avec_epci:
            self.filters["epci"].queryset = epci_des_marches(marches)
        else:
            del self.filters["epci"]
        habiller(self.form.fields.values())

    @property
    def actif(self) -> bool:
        """True when the user asked for at least one filter."""
        return any(self.data.get(nom) for nom in self.filters)

    def filtrer_recherche(self, queryset, name, value):
        texte = value.strip()
        if not texte:
            return queryset
        return queryset.filter(Q(reference__icontains=texte) | Q(objet__icontains=texte))

    def filtrer_annee(self, queryset, name, value):
        annee = int(value)
        return queryset.filter(
            date_debut__lte=datetime.date(annee, 12, 31), date_fin__gte=datetime.date(annee, 1, 1)
        )

    def filtrer_statut(self, queryset, name, value):
        aujourd_hui = timezone.localdate()
        if value == A_VENIR:
            return queryset.filter(date_debut__gt=aujourd_hui)
        if value == TERMINE:
            return queryset.filter(date_fin__lt=aujourd_hui)
        return queryset.filter(date_debut__lte=aujourd_hui, date_fin__gte=aujourd_hui)
