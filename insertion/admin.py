from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from insertion.models import (
    Clause,
    CommentaireBilan,
    HeuresRealisees,
    Objectif,
    ParametresCalibrage,
    ParametresObjectif,
)
from portail import formats
from portail.administration import AutocompletionAdminMixin, SuperutilisateurAdminMixin


@admin.register(Clause)
class ClauseAdmin(AutocompletionAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "lot",
        "base_juridique",
        "heures_reservees",
        "part_main_oeuvre",
        "taux_insertion",
        "cout_horaire",
    ]
    list_select_related = ["lot__marche__acheteur"]
    list_filter = ["base_juridique", "lot__marche__epci"]
    search_fields = ["lot__intitule", "lot__marche__reference", "lot__marche__objet"]
    autocomplete_fields = ["lot"]

    def get_queryset(self, request):
        # A clause is named by its lot and contract, hence the buyer (autocompletes included).
        return super().get_queryset(request).select_related("lot__marche__acheteur")


@admin.register(HeuresRealisees)
class HeuresRealiseesAdmin(AutocompletionAdminMixin, SuperutilisateurAdminMixin, SimpleHistoryAdmin):
    list_display = ["mois", "beneficiaire", "clause", "employeur", "heures", "modalite", "statut"]
    list_select_related = ["beneficiaire", "clause__lot__marche__acheteur", "employeur"]
    list_filter = ["statut", "modalite", "clause__lot__marche__epci"]
    search_fields = ["beneficiaire__nom", "clause__lot__marche__reference", "employeur__raison_sociale"]
    autocomplete_fields = ["clause", "beneficiaire", "employeur"]
    raw_id_fields = ["saisi_par", "valide_par"]
    date_hierarchy = "mois"


@admin.register(Objectif)
class ObjectifAdmin(AutocompletionAdminMixin, admin.ModelAdmin):
    list_display = ["libelle_annee", "epci", "heures"]
    list_filter = ["annee", "epci"]
    list_select_related = ["epci"]
    autocomplete_fields = ["epci"]

    @admin.display(description="année", ordering="annee")
    def libelle_annee(self, objectif):
        return formats.annee(objectif.annee)


@admin.register(ParametresCalibrage)
class ParametresCalibrageAdmin(admin.ModelAdmin):
    """Defaults proposed by the reserved-hours calculator, per nature of contract."""

    list_display = ["nature", "part_main_oeuvre", "taux_insertion", "cout_horaire"]
    list_editable = ["part_main_oeuvre", "taux_insertion", "cout_horaire"]


@admin.register(ParametresObjectif)
class ParametresObjectifAdmin(SimpleHistoryAdmin):
    """How training hours count toward the yearly target; a single row (none: they all count)."""

    list_display = ["__str__", "prise_en_compte_formation", "plafond_formation"]


@admin.register(CommentaireBilan)
class CommentaireBilanAdmin(AutocompletionAdminMixin, SimpleHistoryAdmin):
    """The Département's comments of the yearly bilans (written on the bilan page), with their history."""

    list_display = ["libelle_annee", "epci", "auteur", "modifie_le"]
    list_filter = ["annee", "epci"]
    list_select_related = ["epci", "auteur"]
    autocomplete_fields = ["epci"]
    raw_id_fields = ["auteur"]

    @admin.display(description="année", ordering="annee")
    def libelle_annee(self, commentaire):
        return formats.annee(commentaire.annee)
