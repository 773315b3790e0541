"""The second factor, required before any page for the accounts that need one (EXIGER_DOUBLE_FACTEUR)."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

from comptes.selectors import a_un_double_facteur

# Third-party views that stay open to a session not yet confirmed (ours carry double_facteur_non_requis).
VUES_OUVERTES = {"admin:logout"}


def double_facteur_non_requis(vue):
    """Marks a view open to a signed-in session whose second factor is not confirmed yet (sign-out, the
    set-up and verification pages). Pages marked login_not_required are open too."""
    vue.double_facteur_non_requis = True
    return vue


class DoubleFacteurMiddleware:
    """Sends Département staff and superusers to set up or confirm their second factor before any page,
    the admin included. Placed after LoginRequiredMiddleware: anonymous visitors are sent to sign in first.
    The setting is read on each request, so that tests can switch it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.EXIGER_DOUBLE_FACTEUR:
            return None
        user = request.user
        if not user.is_authenticated or not user.doit_avoir_double_facteur or user.is_verified():
            return None
        if (
            not getattr(view_func, "login_required", True)
            or getattr(view_func, "double_facteur_non_requis", False)
            or request.resolver_match.view_name in VUES_OUVERTES
        ):
            return None
        page = (
            "comptes:double_facteur_verifier"
            if a_un_double_facteur(user=user)
            else "comptes:double_facteur_activer"
        )
        return redirect_to_login(request.get_full_path(), page)
