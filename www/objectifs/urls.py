from django.urls import path

from www.objectifs import views

app_name = "objectifs"

urlpatterns = [
    path("objectifs/", views.objectifs, name="page"),
]
