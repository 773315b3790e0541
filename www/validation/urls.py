from django.urls import path

from www.validation import views

app_name = "validation"

urlpatterns = [
    path("validation/", views.file, name="file"),
    path("heures/<int:pk>/historique/", views.historique, name="historique"),
]
