import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .enums import CodePublic
from .identite import normaliser_nom
from .models import Eligibilite, Public
from .selectors import eligibilites_en_cours


class BeneficiaireFilter(django_filters.FilterSet):
    recherche = django_filters.CharFilter(
        label="Nom ou prénom",
        method="filtrer_recherche",
        help_text="Accents et majuscules indifférents.",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    public = django_filters.ModelChoiceFilter(
        label="Public éligible (à un moment du parcours)",
        queryset=Public.objects.all(),
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
        # The matching key holds "nom|prénom|date" normalised; every word typed must appear in it.
        for mot in normaliser_nom(value).split():
            queryset = queryset.filter(cle_identite__contains=mot)
        return queryset

    def filtrer_public(self, queryset, name, value):
        return queryset.filter(Exists(Eligibilite.objects.filter(beneficiaire=OuterRef("pk"), public=value)))

    def filtrer_brsa_en_cours(self, queryset, name, value):
        if not value:
            return queryset
        en_cours = Eligibilite.objects.filter(
            eligibilites_en_cours(jour=timezone.localdate()),
            beneficiaire=OuterRef("pk"),
            public__code=CodePublic.BRSA,
        )
        return queryset.filter(Exists(en_cours))
