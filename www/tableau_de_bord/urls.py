from django.urls import path

from www.tableau_de_bord import bilan, views

app_name = "tableau_de_bord"

urlpatterns = [
    path("tableau-de-bord/", views.tableau_de_bord, name="page"),
    path("tableau-de-bord/indicateurs.json", views.indicateurs_json, name="json"),
    path("tableau-de-bord/bilan/", bilan.bilan, name="bilan"),
    path("tableau-de-bord/bilan/epci/", bilan.bilan_par_epci, name="bilan_epci"),
    path("tableau-de-bord/bilan.xlsx", bilan.classeur, name="classeur"),
    path("tableau-de-bord/bilan/pied.css", bilan.pied_css, name="pied"),
]
