from django.urls import path

from www.doublons import views

app_name = "doublons"

urlpatterns = [
    path("beneficiaires/doublons/", views.liste, name="liste"),
    path("beneficiaires/doublons/fusionner/", views.fusionner, name="fusionner"),
]
