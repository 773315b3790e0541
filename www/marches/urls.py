from django.urls import path

from www.marches import views

app_name = "marches"

urlpatterns = [
    path("marches/", views.liste, name="liste"),
    path("marches/<int:pk>/", views.detail, name="detail"),
    path("marches/import-decp/", views.importer_decp, name="import_decp"),
]
