from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from beneficiaires import selectors, services
from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
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
    readonly_fields = ["public_id", "anonymise_le"]
    inlines = [EligibiliteInline, SortieInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        reponse = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and reponse.status_code == 200:
            journaliser(
                user=request.user,
                action=ActionAcces.CONSULTATION,
                beneficiaire=self.get_object(request, object_id),
                detail="administration",
            )
        return reponse

    def has_change_permission(self, request, obj=None):
        # An anonymised record is read-only, and so are its old versions (never reverted to).
        if obj is not None and (obj.est_anonymise or selectors.beneficiaire_anonymise(pk=obj.pk)):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.modifier_beneficiaire(
                user=request.user, beneficiaire=obj, champs=list(form.changed_data)
            )
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

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.beneficiaire.est_anonymise:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Recorded in the access log, like the outcomes entered in the portal.
        services.enregistrer_sortie(user=request.user, sortie=obj)
