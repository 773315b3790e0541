from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


@login_not_required
def connexion_administration(request):
    """The admin's sign-in URL: anonymous visitors go to the portal's sign-in page; a signed-in account
    without access to the admin is told so (sending it back to sign-in would loop)."""
    if request.user.is_authenticated:
        raise PermissionDenied("Votre compte n'a pas accès à l'administration du portail.")
    return redirect_to_login(request.GET.get("next", "/admin/"))
