from django.urls import path

from . import views

urlpatterns = [
    path("beneficiaires/", views.liste, name="beneficiaires"),
    path("beneficiaires/<uuid:public_id>/", views.fiche, name="beneficiaire"),
    path("beneficiaires/<uuid:public_id>/sorties/ajouter/", views.sortie, name="sortie_ajouter"),
    path("beneficiaires/<uuid:public_id>/sorties/<int:sortie_pk>/", views.sortie, name="sortie_modifier"),
]
