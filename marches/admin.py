from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from marches.models import Acheteur, Entreprise, EvenementSuivi, Lot, Marche
from portail.administration import AutocompletionAdminMixin


@admin.register(Acheteur)
class AcheteurAdmin(AutocompletionAdminMixin, admin.ModelAdmin):
    list_display = ["nom", "siret", "type", "epci"]
    list_filter = ["type", "epci"]
    list_select_related = ["epci"]
    search_fields = ["nom", "siret"]
    autocomplete_fields = ["epci"]


@admin.register(Entreprise)
class EntrepriseAdmin(AutocompletionAdminMixin, SimpleHistoryAdmin):
    list_display = ["raison_sociale", "identifiant", "type_structure", "a_verifier"]
    list_filter = ["a_verifier", "type_structure", "type_identifiant"]
    raw_id_fields = ["cree_par", "verifiee_par"]
    autocomplete_fields = ["signalee_par_epci"]
    search_fields = ["raison_sociale", "siret", "autre_identifiant"]

    @admin.display(description="identifiant")
    def identifiant(self, obj):
        return obj.identifiant


class LotInline(AutocompletionAdminMixin, admin.TabularInline):
    model = Lot
    extra = 0
    autocomplete_fields = ["titulaire"]


@admin.register(Marche)
class MarcheAdmin(AutocompletionAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "reference",
        "objet",
        "acheteur",
        "nature",
        "montant_ht",
        "date_debut",
        "date_fin",
        "epci",
    ]
    list_filter = ["nature", "epci", "clause_sociale", "marche_reserve", "critere_social"]
    list_select_related = ["acheteur", "epci"]
    search_fields = ["reference", "objet", "acheteur__nom", "decp_uid"]
    autocomplete_fields = ["acheteur", "epci"]
    date_hierarchy = "date_debut"
    inlines = [LotInline]

    def get_queryset(self, request):
        # A contract is named by its buyer (autocompletes included).
        return super().get_queryset(request).select_related("acheteur")


@admin.register(Lot)
class LotAdmin(AutocompletionAdminMixin, SimpleHistoryAdmin):
    list_display = ["marche", "numero", "intitule", "montant_ht", "titulaire"]
    list_select_related = ["marche__acheteur", "titulaire"]
    list_filter = ["marche__nature", "marche__epci"]
    search_fields = ["intitule", "marche__reference", "marche__objet", "titulaire__raison_sociale"]
    autocomplete_fields = ["marche", "titulaire"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("marche__acheteur", "titulaire")


@admin.register(EvenementSuivi)
class EvenementSuiviAdmin(AutocompletionAdminMixin, SimpleHistoryAdmin):
    list_display = ["marche", "date", "etape", "auteur"]
    list_select_related = ["marche__acheteur", "auteur"]
    list_filter = ["etape"]
    search_fields = ["marche__reference", "marche__objet", "commentaire"]
    autocomplete_fields = ["marche"]
    raw_id_fields = ["auteur"]
