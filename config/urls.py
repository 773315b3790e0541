from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Portail des clauses d'insertion — administration"
admin.site.site_title = "Administration du portail"
admin.site.index_title = "Données de référence"

urlpatterns = [
    path("", include("comptes.urls")),
    path("admin/", admin.site.urls),
]
