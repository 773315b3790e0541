from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from www.comptes import views
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
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("comptes/", views.comptes, name="liste"),
    path("comptes/inviter/", views.inviter, name="inviter"),
    path("comptes/<int:pk>/activite/", views.activite, name="activite"),
    path("comptes/verrouillages/", views.verrouillages, name="verrouillages"),
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
