from django.contrib import admin

from portail.administration import AutocompletionAdminMixin
from territoires.models import Commune, Epci


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["nom", "siren", "nature", "population"]
    list_filter = ["nature"]
    search_fields = ["nom", "siren"]


@admin.register(Commune)
class CommuneAdmin(AutocompletionAdminMixin, admin.ModelAdmin):
    list_display = ["nom", "code_insee", "epci", "population"]
    list_filter = ["departement", "epci"]
    list_select_related = ["epci"]
    search_fields = ["nom", "code_insee", "siren"]
    autocomplete_fields = ["epci"]
