from django.urls import path

from www.beneficiaires import views

app_name = "beneficiaires"

urlpatterns = [
    path("beneficiaires/", views.liste, name="liste"),
    path("beneficiaires/<uuid:public_id>/", views.fiche, name="fiche"),
    path("beneficiaires/<uuid:public_id>/sorties/ajouter/", views.sortie, name="sortie_ajouter"),
    path("beneficiaires/<uuid:public_id>/sorties/<int:sortie_pk>/", views.sortie, name="sortie_modifier"),
]
