from django.urls import path

from www.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.liste, name="liste"),
    path("notifications/<int:pk>/lue/", views.marquer_lue, name="marquer_lue"),
    path("notifications/tout-lu/", views.tout_marquer_lu, name="tout_marquer_lu"),
    path("compte/notifications/", views.preferences, name="preferences"),
]
