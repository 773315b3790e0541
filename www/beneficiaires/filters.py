"""Filters of the people list."""

import django_filters
from django import forms

from beneficiaires import selectors


class BeneficiaireFilter(django_filters.FilterSet):
    recherche = django_filters.CharFilter(
        label="Nom ou prénom",
        method="filtrer_recherche",
        help_text="Accents et majuscules indifférents.",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    public = django_filters.ModelChoiceFilter(
        label="Public éligible (à un moment du parcours)",
        queryset=selectors.publics(),
        method="filtrer_public",
        empty_label="Tous les publics",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    brsa_en_cours = django_filters.BooleanFilter(
        label="Bénéficiaire du RSA actuellement",
        method="filtrer_brsa_en_cours",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def filtrer_recherche(self, queryset, name, value):
        return selectors.rechercher(queryset, texte=value)

    def filtrer_public(self, queryset, name, value):
        return selectors.filtrer_par_public(queryset, public=value)

    def filtrer_brsa_en_cours(self, queryset, name, value):
        return selectors.filtrer_brsa_en_cours(queryset) if value else queryset
