from django.urls import path

from . import views

urlpatterns = [
    path("marches/import-decp/", views.importer_decp, name="import_decp"),
]
