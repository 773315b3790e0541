from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from comptes.enums import Role
from comptes.selectors import email_deja_utilise
from comptes.services import ROLES_INVITES
from marches.selectors import epci_du_territoire
from portail.formulaires import BootstrapBoundField, BootstrapForm, habiller


class ConnexionForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect. Les deux champs tiennent compte des majuscules.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["password"].label = "Mot de passe"


class MotDePasseForm(PasswordChangeForm):
    """Changing one's own password: the current one, then the new one twice."""

    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        habiller(self.fields.values())


class NouveauMotDePasseForm(SetPasswordForm):
    """Choosing a password from a reset or invitation link."""

    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        habiller(self.fields.values())


class ReinitialisationForm(PasswordResetForm):
    """Asking for a reset link by e-mail; the answer is the same whether the address is known or not."""

    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse électronique de votre compte"
        habiller(self.fields.values())


class InvitationForm(BootstrapForm):
    """A clerk or reader account the Département opens; the person chooses their password from the e-mail."""

    prenom = forms.CharField(
        label="Prénom", max_length=150, error_messages={"required": "Indiquez le prénom."}
    )
    nom = forms.CharField(label="Nom", max_length=150, error_messages={"required": "Indiquez le nom."})
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Elle sert d'identifiant ; l'invitation y est envoyée.",
        error_messages={
            "required": "Indiquez l'adresse électronique.",
            "invalid": "Cette adresse électronique n'est pas valide.",
        },
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=[(role.value, role.label) for role in ROLES_INVITES],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le rôle.",
            "invalid_choice": "Choisissez un rôle de la liste.",
        },
    )
    epci = forms.ModelChoiceField(
        label="EPCI",
        queryset=None,
        required=False,
        empty_label="— tout le Département (lecteur seulement) —",
        help_text="Obligatoire pour un agent d'EPCI ; pour un lecteur, limite ses chiffres à cet EPCI.",
        error_messages={"invalid_choice": "Choisissez un EPCI de la liste."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epci"].queryset = epci_du_territoire()

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email_deja_utilise(email):
            raise forms.ValidationError("Un compte existe déjà avec cette adresse électronique.")
        return email

    def clean(self):
        donnees = super().clean()
        if donnees.get("role") == Role.EPCI and not donnees.get("epci"):
            self.add_error("epci", "Un agent d'EPCI est rattaché à un EPCI : choisissez-le.")
        return donnees


class CodeActivationForm(BootstrapForm):
    """The six digits the new authenticator app shows, confirming it is set up."""

    code = forms.CharField(
        label="Code à 6 chiffres affiché par l'application",
        max_length=20,
        error_messages={"required": "Saisissez le code à 6 chiffres affiché par l'application."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class CodeVerificationForm(BootstrapForm):
    """The second factor at sign-in: the app's six digits, or one recovery code."""

    code = forms.CharField(
        label="Code à 6 chiffres ou code de secours",
        max_length=40,
        help_text="Le code affiché en ce moment par votre application ; sans téléphone, un de vos codes de secours.",
        error_messages={"required": "Saisissez le code à 6 chiffres ou un code de secours."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
