from django.urls import path

from www.saisie import views

app_name = "saisie"

urlpatterns = [
    path("saisie/", views.choisir, name="choisir"),
    path("saisie/<int:clause_pk>/<str:mois>/", views.grille, name="grille"),
    path("saisie/<int:clause_pk>/<str:mois>/personne/", views.ajouter_personne, name="personne"),
    path("saisie/<int:clause_pk>/<str:mois>/personne/reprendre/", views.reprendre_personne, name="reprendre"),
]
