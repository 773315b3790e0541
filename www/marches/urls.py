from django.urls import path

from www.marches import views

app_name = "marches"

urlpatterns = [
    path("marches/", views.liste, name="liste"),
    path("marches/nouveau/", views.nouveau, name="nouveau"),
    path("marches/<int:pk>/", views.detail, name="detail"),
    path("marches/<int:pk>/modifier/", views.modifier, name="modifier"),
    path("marches/<int:pk>/cloturer/", views.cloturer, name="cloturer"),
    path("marches/<int:pk>/rouvrir/", views.rouvrir, name="rouvrir"),
    path("marches/<int:pk>/suivi/", views.suivi, name="suivi"),
    path("marches/import-decp/", views.importer_decp, name="import_decp"),
]
