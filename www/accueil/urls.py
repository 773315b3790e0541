from django.urls import path

from www.accueil import views

app_name = "accueil"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("sante/", views.sante, name="sante"),
]
