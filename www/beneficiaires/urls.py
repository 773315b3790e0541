from django.urls import path

from www.beneficiaires import views

app_name = "beneficiaires"

urlpatterns = [
    path("beneficiaires/", views.liste, name="liste"),
    path("beneficiaires/journal/", views.journal, name="journal"),
    path("beneficiaires/<uuid:public_id>/", views.fiche, name="fiche"),
    path("beneficiaires/<uuid:public_id>/droit-d-acces/", views.droit_d_acces, name="droit_acces"),
    path(
        "beneficiaires/<uuid:public_id>/droit-d-acces.json", views.droit_d_acces_json, name="droit_acces_json"
    ),
    path("beneficiaires/<uuid:public_id>/referent/", views.referent, name="referent"),
    path(
        "beneficiaires/<uuid:public_id>/eligibilites/<int:eligibilite_pk>/verification/",
        views.verification,
        name="verification",
    ),
    path("beneficiaires/<uuid:public_id>/sorties/ajouter/", views.sortie, name="sortie_ajouter"),
    path("beneficiaires/<uuid:public_id>/sorties/<int:sortie_pk>/", views.sortie, name="sortie_modifier"),
]
