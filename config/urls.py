from django.contrib import admin
from django.urls import include, path

from comptes.views import connexion_administration

admin.site.site_header = "Portail des clauses d'insertion — administration"
admin.site.site_title = "Administration du portail"
admin.site.index_title = "Données de référence"

urlpatterns = [
    path("", include("comptes.urls")),
    path("", include("marches.urls")),
    path("", include("insertion.urls")),
    path("", include("beneficiaires.urls")),
    # One sign-in page for the whole portal, the admin included.
    path("admin/login/", connexion_administration, name="admin_connexion"),
    path("admin/", admin.site.urls),
]
