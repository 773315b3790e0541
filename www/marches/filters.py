"""Filters of the list of contracts.

Every option list is computed from the queryset the filter set is given, i.e. the user's scoped rows:
a filter never offers a buyer or an EPCI the user cannot see.
"""

import datetime

import django_filters
from django import forms
from django.db.models import CharField, Value
from django.db.models.functions import Concat

from marches.enums import EtatExecution
from marches.models import Acheteur
from marches.selectors import acheteurs_des_marches, annees_d_execution, epci_des_marches
from portail.formulaires import habiller
from portail.recherche import Plier, mots
from territoires.models import Epci

# The entry chooser's vocabulary (marches.enums.EtatExecution), plus the closing of the follow-up.
CLOTURE = "cloture"
STATUTS_MARCHE = [*EtatExecution.choices, (CLOTURE, "clôturé")]
CHAMPS_RECHERCHE = ["acheteur__nom", "reference", "objet"]


class MarcheFilter(django_filters.FilterSet):
    recherche = django_filters.CharFilter(
        label="Acheteur, référence ou objet",
        help_text="Accents et majuscules ignorés ; chaque mot doit figurer.",
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
        recherches = mots(value)
        if not recherches:
            return queryset
        parts = []
        for champ in CHAMPS_RECHERCHE:
            parts += [champ, Value("|")]
        queryset = queryset.annotate(texte_recherche=Plier(Concat(*parts, output_field=CharField())))
        for mot in recherches:
            queryset = queryset.filter(texte_recherche__contains=mot)
        return queryset

    def filtrer_annee(self, queryset, name, value):
        annee = int(value)
        return queryset.filter(
            date_debut__lte=datetime.date(annee, 12, 31), date_fin__gte=datetime.date(annee, 1, 1)
        )

    def filtrer_statut(self, queryset, name, value):
        """A closed contract shows as "clôturé", whatever its dates: it is found under that status only."""
        if value == CLOTURE:
            return queryset.filter(cloture_le__isnull=False)
        return queryset.filter(etat=value, cloture_le__isnull=True)
