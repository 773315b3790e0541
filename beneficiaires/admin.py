from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Beneficiaire, Eligibilite, Public, Sortie


class SuperuserOnlyAdminMixin:
    """Personal data of beneficiaries: only superusers reach it in the admin."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Public)
class PublicAdmin(admin.ModelAdmin):
    list_display = ["libelle", "code", "ordre"]
    search_fields = ["libelle", "code"]


class EligibiliteInline(SuperuserOnlyAdminMixin, admin.TabularInline):
    model = Eligibilite
    extra = 0


class SortieInline(SuperuserOnlyAdminMixin, admin.TabularInline):
    model = Sortie
    extra = 0


@admin.register(Beneficiaire)
class BeneficiaireAdmin(SuperuserOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["nom", "prenom", "date_naissance", "sexe", "commune", "date_entree", "cree_par_epci"]
    list_filter = ["sexe", "niveau_qualification", "publics", "cree_par_epci"]
    list_select_related = ["commune", "cree_par_epci"]
    search_fields = ["nom", "prenom"]
    autocomplete_fields = ["commune", "cree_par_epci"]
    readonly_fields = ["public_id"]
    inlines = [EligibiliteInline, SortieInline]


@admin.register(Eligibilite)
class EligibiliteAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["beneficiaire", "public", "date_debut", "date_fin"]
    list_filter = ["public"]
    list_select_related = ["beneficiaire", "public"]
    search_fields = ["beneficiaire__nom", "beneficiaire__prenom"]
    autocomplete_fields = ["beneficiaire", "public"]


@admin.register(Sortie)
class SortieAdmin(SuperuserOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["beneficiaire", "date", "categorie"]
    list_filter = ["categorie"]
    list_select_related = ["beneficiaire"]
    search_fields = ["beneficiaire__nom", "beneficiaire__prenom"]
    autocomplete_fields = ["beneficiaire"]
    date_hierarchy = "date"
