"""Filters of the list of companies (the options are closed lists: nothing outside the user's scope)."""

import django_filters
from django import forms
from django.db.models import Q

from marches.enums import TypeStructure
from portail.formulaires import habiller
from portail.recherche import mots


class EntrepriseFilter(django_filters.FilterSet):
    recherche = django_filters.CharFilter(
        label="Raison sociale ou SIRET",
        method="filtrer_recherche",
        help_text="Accents et majuscules indifférents.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    type_structure = django_filters.ChoiceFilter(
        label="Type de structure", choices=TypeStructure.choices, empty_label="Tous les types"
    )
    a_verifier = django_filters.BooleanFilter(
        label="Seulement les employeurs à vérifier",
        method="filtrer_a_verifier",
        widget=forms.CheckboxInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        habiller(self.form.fields.values())

    @property
    def actif(self) -> bool:
        return any(self.data.get(nom) for nom in self.filters)

    def filtrer_recherche(self, queryset, name, value):
        # `tri` is the folded raison sociale the selector sorts by.
        for mot in mots(value):
            chiffres = mot.replace(" ", "")
            condition = Q(tri__contains=mot)
            if chiffres.isdigit():
                condition |= Q(siret__contains=chiffres)
            queryset = queryset.filter(condition)
        return queryset

    def filtrer_a_verifier(self, queryset, name, value):
        return queryset.filter(a_verifier=True) if value else queryset
