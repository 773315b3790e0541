from django.urls import path

from www.annees import views

app_name = "annees"

urlpatterns = [
    path("annees/", views.liste, name="liste"),
    path("annees/cloturer/", views.cloturer, name="cloturer"),
    path("annees/rouvrir/", views.rouvrir, name="rouvrir"),
]
