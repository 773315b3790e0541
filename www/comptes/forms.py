from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from portail.formulaires import BootstrapBoundField, habiller


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
