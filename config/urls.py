from django.contrib import admin
from django.urls import include, path

from www.comptes.views import connexion_administration

admin.site.site_header = "Portail des clauses d'insertion — administration"
admin.site.site_title = "Administration du portail"
admin.site.index_title = "Données de référence"

handler400 = "www.accueil.views.demande_invalide"

urlpatterns = [
    path("", include("www.accueil.urls")),
    path("", include("www.comptes.urls")),
    path("", include("www.tableau_de_bord.urls")),
    path("", include("www.objectifs.urls")),
    path("", include("www.marches.urls")),
    path("", include("www.entreprises.urls")),
    path("", include("www.calibrage.urls")),
    path("", include("www.pilotage.urls")),
    path("", include("www.saisie.urls")),
    path("", include("www.releves.urls")),
    path("", include("www.validation.urls")),
    path("", include("www.doublons.urls")),
    path("", include("www.annees.urls")),
    path("", include("www.beneficiaires.urls")),
    path("", include("www.notifications.urls")),
    # One sign-in page for the whole portal, the admin included.
    path("admin/login/", connexion_administration, name="admin_connexion"),
    path("admin/", admin.site.urls),
]
