from django.urls import path

from www.releves import views

app_name = "releves"

urlpatterns = [
    path("import/", views.importer, name="importer"),
    path("import/modele.<str:format>", views.modele, name="modele"),
]
