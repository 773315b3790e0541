"""Filters of the people list."""

import django_filters
from django import forms

from beneficiaires import selectors
from beneficiaires.enums import ActionAcces


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
    eligibilite_a_verifier = django_filters.BooleanFilter(
        label="Public déclaré à vérifier",
        method="filtrer_eligibilite_a_verifier",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def filtrer_recherche(self, queryset, name, value):
        return selectors.rechercher(queryset, texte=value)

    def filtrer_public(self, queryset, name, value):
        return selectors.filtrer_par_public(queryset, public=value)

    def filtrer_brsa_en_cours(self, queryset, name, value):
        return selectors.filtrer_brsa_en_cours(queryset) if value else queryset

    def filtrer_eligibilite_a_verifier(self, queryset, name, value):
        return selectors.filtrer_eligibilite_a_verifier(queryset) if value else queryset

    def criteres(self) -> str:
        """The search terms and filters applied, in words, for the access log ("" when none)."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        donnees = self.form.cleaned_data
        parties = []
        if donnees.get("recherche"):
            parties.append(f"nom ou prénom « {donnees['recherche']} »")
        if donnees.get("public"):
            parties.append(f"public {donnees['public'].code}")
        if donnees.get("brsa_en_cours"):
            parties.append("RSA en cours")
        if donnees.get("eligibilite_a_verifier"):
            parties.append("public déclaré à vérifier")
        return ", ".join(parties)


class JournalFilter(django_filters.FilterSet):
    """Filters of the access log: who, about whom, what, when."""

    utilisateur = django_filters.ModelChoiceFilter(
        label="Utilisateur",
        queryset=selectors.auteurs_du_journal(),
        empty_label="Tous les utilisateurs",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    personne = django_filters.CharFilter(
        label="Personne concernée (nom ou prénom)",
        method="filtrer_personne",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    action = django_filters.ChoiceFilter(
        label="Action",
        choices=ActionAcces.choices,
        empty_label="Toutes les actions",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    du = django_filters.DateFilter(
        label="Du",
        field_name="horodatage",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide (jj/mm/aaaa)."},
    )
    au = django_filters.DateFilter(
        label="Au",
        field_name="horodatage",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide (jj/mm/aaaa)."},
    )

    def filtrer_personne(self, queryset, name, value):
        return selectors.filtrer_journal_par_personne(queryset, texte=value)
