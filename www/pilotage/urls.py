from django.urls import path

from www.pilotage import views

app_name = "pilotage"

urlpatterns = [
    path("pilotage/", views.page, name="page"),
]
