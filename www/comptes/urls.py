from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from www.comptes import double_facteur, views
from www.comptes.forms import ConnexionForm, MotDePasseForm, NouveauMotDePasseForm, ReinitialisationForm

app_name = "comptes"

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="comptes/connexion.html",
            authentication_form=ConnexionForm,
            redirect_authenticated_user=True,
        ),
        name="connexion",
    ),
    path("deconnexion/", double_facteur.deconnexion, name="deconnexion"),
    path("comptes/", views.comptes, name="liste"),
    path("comptes/inviter/", views.inviter, name="inviter"),
    path("comptes/<int:pk>/activite/", views.activite, name="activite"),
    path("comptes/verrouillages/", views.verrouillages, name="verrouillages"),
    path("comptes/double-facteur/", double_facteur.comptes, name="double_facteur_comptes"),
    path(
        "comptes/<int:pk>/double-facteur/reinitialiser/",
        double_facteur.reinitialiser,
        name="double_facteur_reinitialiser",
    ),
    path("compte/double-facteur/", double_facteur.etat, name="double_facteur"),
    path("compte/double-facteur/activer/", double_facteur.activer, name="double_facteur_activer"),
    path("compte/double-facteur/verifier/", double_facteur.verifier, name="double_facteur_verifier"),
    path("compte/double-facteur/codes/", double_facteur.codes, name="double_facteur_codes"),
    path(
        "compte/double-facteur/codes/regenerer/",
        double_facteur.regenerer_codes,
        name="double_facteur_regenerer_codes",
    ),
    path(
        "compte/mot-de-passe/",
        auth_views.PasswordChangeView.as_view(
            template_name="comptes/mot_de_passe.html",
            form_class=MotDePasseForm,
            success_url=reverse_lazy("comptes:mot_de_passe_modifie"),
        ),
        name="mot_de_passe",
    ),
    path(
        "compte/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(template_name="comptes/mot_de_passe_modifie.html"),
        name="mot_de_passe_modifie",
    ),
    path(
        "mot-de-passe-oublie/",
        auth_views.PasswordResetView.as_view(
            template_name="comptes/reinitialisation.html",
            form_class=ReinitialisationForm,
            email_template_name="comptes/courriel_reinitialisation.txt",
            subject_template_name="comptes/courriel_reinitialisation_objet.txt",
            success_url=reverse_lazy("comptes:reinitialisation_envoyee"),
        ),
        name="reinitialisation",
    ),
    path(
        "mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="comptes/reinitialisation_envoyee.html"),
        name="reinitialisation_envoyee",
    ),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="comptes/nouveau_mot_de_passe.html",
            form_class=NouveauMotDePasseForm,
            success_url=reverse_lazy("comptes:reinitialisation_terminee"),
        ),
        name="nouveau_mot_de_passe",
    ),
    path(
        "mot-de-passe-oublie/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="comptes/reinitialisation_terminee.html"),
        name="reinitialisation_terminee",
    ),
]
