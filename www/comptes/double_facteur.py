"""Second factor pages: set-up (QR code, recovery codes), verification at sign-in, one's own state, and the
Département's reset of another account's factor."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LogoutView
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from comptes import regles, selectors, services
from portail.acces import utilisateur_ou_404
from www.comptes.forms import CodeActivationForm, CodeVerificationForm
from www.comptes.middleware import double_facteur_non_requis

CLE_CODES_A_MONTRER = "double_facteur_codes_a_montrer"

deconnexion = double_facteur_non_requis(LogoutView.as_view())


def _suite(request) -> str:
    suite = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suite
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _marquer_verifie(request, appareil) -> None:
    request.session.cycle_key()  # a new session id once the second factor is confirmed
    otp_login(request, appareil)


def _vers(request, nom: str):
    """Redirects to another second-factor page, keeping where the person was going."""
    url = reverse(nom)
    if suite := request.GET.get("next"):
        url += "?" + urlencode({"next": suite})
    return redirect(url)


def _montrer_codes(request, codes: list[str], *, suite: str | None = None):
    """The recovery codes, shown once on the next page (then removed from the session)."""
    request.session[CLE_CODES_A_MONTRER] = {"codes": codes, "suite": suite}
    return redirect("comptes:double_facteur_codes")


def _cle_en_clair(appareil) -> str:
    """The secret in base32, in groups of four, for manual entry in the app."""
    cle = b32encode(appareil.bin_key).decode("ascii")
    return " ".join(cle[i : i + 4] for i in range(0, len(cle), 4))


@double_facteur_non_requis
@utilisateur_ou_404("doit_avoir_double_facteur")
@never_cache
@require_http_methods(["GET", "POST"])
def activer(request):
    """Setting up the authenticator app: QR code and secret, then a code it shows to confirm."""
    if selectors.a_un_double_facteur(user=request.user):
        if request.user.is_verified() or not settings.EXIGER_DOUBLE_FACTEUR:
            messages.info(request, "Le double facteur est déjà activé sur votre compte.")
            return redirect("comptes:double_facteur")
        return _vers(request, "comptes:double_facteur_verifier")
    appareil = services.preparer_double_facteur(user=request.user)
    form = CodeActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirmer_double_facteur(
                user=request.user, appareil=appareil, code=form.cleaned_data["code"]
            )
        except ValidationError as erreur:
            form.add_error("code", erreur)
        else:
            _marquer_verifie(request, appareil)
            messages.success(request, "Le double facteur est activé sur votre compte.")
            return _montrer_codes(request, codes, suite=_suite(request))
    qr = segno.make(appareil.config_url, error="m")
    contexte = {
        "form": form,
        "qr_code": qr.svg_data_uri(scale=5, border=2),
        "cle": _cle_en_clair(appareil),
        "next": _suite(request),
    }
    return render(request, "comptes/double_facteur/activer.html", contexte)


@double_facteur_non_requis
@utilisateur_ou_404("doit_avoir_double_facteur")
@never_cache
@require_http_methods(["GET", "POST"])
def verifier(request):
    """The second factor at sign-in: the app's code, or a recovery code (used up)."""
    if not selectors.a_un_double_facteur(user=request.user):
        return _vers(request, "comptes:double_facteur_activer")
    if request.user.is_verified():
        return redirect(_suite(request))
    form = CodeVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appareil = services.verifier_double_facteur(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as erreur:
            form.add_error("code", erreur)
        else:
            _marquer_verifie(request, appareil)
            if appareil.persistent_id.startswith("otp_static."):
                restants = selectors.etat_double_facteur(user=request.user).codes_restants
                messages.warning(
                    request,
                    f"Code de secours accepté : il ne servira plus. Il vous en reste {restants} ; "
                    "régénérez-les depuis « Double facteur » si besoin.",
                )
            return redirect(_suite(request))
    return render(request, "comptes/double_facteur/verifier.html", {"form": form, "next": _suite(request)})


@utilisateur_ou_404("doit_avoir_double_facteur")
@never_cache
def codes(request):
    """The recovery codes just generated, shown once."""
    a_montrer = request.session.pop(CLE_CODES_A_MONTRER, None)
    if not a_montrer:
        return redirect("comptes:double_facteur")
    return render(request, "comptes/double_facteur/codes.html", a_montrer)


@utilisateur_ou_404("doit_avoir_double_facteur")
def etat(request):
    """One's own second factor: set up or not, recovery codes left; regenerate them."""
    contexte = {
        "etat": selectors.etat_double_facteur(user=request.user),
        "exige": settings.EXIGER_DOUBLE_FACTEUR,
        "nombre_de_codes": regles.NOMBRE_DE_CODES_DE_SECOURS,
    }
    return render(request, "comptes/double_facteur/etat.html", contexte)


@utilisateur_ou_404("doit_avoir_double_facteur")
@require_POST
def regenerer_codes(request):
    try:
        codes = services.regenerer_codes_de_secours(user=request.user)
    except PermissionDenied as refus:
        messages.error(request, str(refus))
        return redirect("comptes:double_facteur")
    messages.success(request, "Nouveaux codes de secours : les anciens ne fonctionnent plus.")
    return _montrer_codes(request, codes)


@utilisateur_ou_404("voit_tout")
def comptes(request):
    """Département staff and administrators: whose second factor is set up; reset one (lost phone)."""
    contexte = {
        "comptes": selectors.comptes_a_double_facteur(user=request.user),
        "exige": settings.EXIGER_DOUBLE_FACTEUR,
    }
    return render(request, "comptes/double_facteur/comptes.html", contexte)


@utilisateur_ou_404("voit_tout")
@require_POST
def reinitialiser(request, pk):
    compte = selectors.get_compte_a_double_facteur_for_user(user=request.user, pk=pk)
    try:
        services.reinitialiser_double_facteur(user=request.user, compte=compte)
    except PermissionDenied as refus:
        messages.error(request, str(refus))
    else:
        messages.success(
            request,
            f"Le double facteur du compte {compte.username} est réinitialisé : "
            "la personne l'activera de nouveau à sa prochaine connexion.",
        )
    return redirect("comptes:double_facteur_comptes")
