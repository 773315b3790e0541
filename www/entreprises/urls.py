from django.urls import path

from www.entreprises import views

app_name = "entreprises"

urlpatterns = [
    path("entreprises/", views.liste, name="liste"),
    path("entreprises/a-verifier/", views.a_verifier, name="a_verifier"),
    path("entreprises/<str:siret>/", views.detail, name="detail"),
    path("entreprises/<str:siret>/confirmer/", views.confirmer, name="confirmer"),
    path("entreprises/<str:siret>/fusionner/", views.fusionner, name="fusionner"),
    path("entreprises/<str:siret>/attestation/<int:marche_pk>/", views.attestation, name="attestation"),
]
