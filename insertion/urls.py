from django.urls import path

from .views import calibrage, imports, marches, saisie, tableau_de_bord, validation

urlpatterns = [
    path("tableau-de-bord/", tableau_de_bord.tableau_de_bord, name="tableau_de_bord"),
    path("tableau-de-bord/indicateurs.json", tableau_de_bord.indicateurs_json, name="indicateurs_json"),
    path("tableau-de-bord/bilan/", tableau_de_bord.bilan, name="bilan"),
    path("marches/", marches.liste, name="marches"),
    path("marches/<int:pk>/", marches.detail, name="marche"),
    path("clauses/a-calibrer/", calibrage.a_calibrer, name="clauses_a_calibrer"),
    path("clauses/<int:pk>/calibrer/", calibrage.calibrer, name="clause_calibrer"),
    path("saisie/", saisie.choisir, name="saisie"),
    path("saisie/<int:clause_pk>/<str:mois>/", saisie.grille, name="saisie_grille"),
    path("saisie/<int:clause_pk>/<str:mois>/personne/", saisie.ajouter_personne, name="saisie_personne"),
    path("import/", imports.importer, name="import_releve"),
    path("import/modele.<str:format>", imports.modele, name="import_modele"),
    path("validation/", validation.file, name="validation"),
    path("heures/<int:pk>/historique/", validation.historique, name="heures_historique"),
]
