from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from beneficiaires import services
from beneficiaires.models import Beneficiaire, Eligibilite, Public, Sortie
from portail.administration import AutocompletionAdminMixin, SuperutilisateurAdminMixin


@admin.register(Public)
class PublicAdmin(admin.ModelAdmin):
    list_display = ["libelle", "code", "ordre"]
    search_fields = ["libelle", "code"]


class EligibiliteInline(SuperutilisateurAdminMixin, admin.TabularInline):
    model = Eligibilite
    extra = 0


class SortieInline(SuperutilisateurAdminMixin, admin.TabularInline):
    model = Sortie
    extra = 0


@admin.register(Beneficiaire)
class BeneficiaireAdmin(AutocompletionAdminMixin, SuperutilisateurAdminMixin, SimpleHistoryAdmin):
    list_display = ["nom", "prenom", "date_naissance", "sexe", "commune", "date_entree", "cree_par_epci"]
    list_filter = ["sexe", "niveau_qualification", "publics", "cree_par_epci"]
    list_select_related = ["commune", "cree_par_epci"]
    search_fields = ["nom", "prenom"]
    autocomplete_fields = ["commune", "cree_par_epci"]
    readonly_fields = ["public_id"]
    inlines = [EligibiliteInline, SortieInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            # Every creation of a person goes through the service (the inlines are saved afterwards).
            services.creer_beneficiaire(user=request.user, beneficiaire=obj)


@admin.register(Eligibilite)
class EligibiliteAdmin(AutocompletionAdminMixin, SuperutilisateurAdminMixin, admin.ModelAdmin):
    list_display = ["beneficiaire", "public", "date_debut", "date_fin"]
    list_filter = ["public"]
    list_select_related = ["beneficiaire", "public"]
    search_fields = ["beneficiaire__nom", "beneficiaire__prenom"]
    autocomplete_fields = ["beneficiaire", "public"]


@admin.register(Sortie)
class SortieAdmin(AutocompletionAdminMixin, SuperutilisateurAdminMixin, SimpleHistoryAdmin):
    list_display = ["beneficiaire", "date", "categorie"]
    list_filter = ["categorie"]
    list_select_related = ["beneficiaire"]
    search_fields = ["beneficiaire__nom", "beneficiaire__prenom"]
    autocomplete_fields = ["beneficiaire"]
    date_hierarchy = "date"
