"""Writes on accounts: invitations, deactivation, sign-in locks, second factor."""

import logging
import math

from axes.utils import reset
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes import regles
from comptes.enums import Role
from comptes.models import User

logger = logging.getLogger(__name__)

ROLES_INVITES = (Role.EPCI, Role.LECTEUR)


def _exiger_departement(user):
    if not (user.is_authenticated and user.voit_tout):
        raise PermissionDenied("Seul le Département gère les comptes des EPCI et des lecteurs.")


def lever_verrouillage(*, user, username: str) -> int:
    """Département staff unlock an account locked by failed sign-ins; returns the attempts removed."""
    _exiger_departement(user)
    supprimees = reset(username=username)
    logger.info("Verrouillage du compte %s levé par %s.", username, user.username)
    return supprimees


def inviter_compte(*, user, prenom: str, nom: str, email: str, role: str, epci, adresse_du_site: str) -> User:
    """Creates a clerk or reader account without a password and e-mails it a link to choose one.

    `adresse_du_site` is "https://portail.example" (the link's scheme and host). The e-mail leaves once the
    account is committed; the link is valid for PASSWORD_RESET_TIMEOUT and serves once.
    """
    _exiger_departement(user)
    if role not in ROLES_INVITES:
        raise PermissionDenied("Le Département invite des agents d'EPCI et des lecteurs.")
    with transaction.atomic():
        compte = User(username=email, email=email, first_name=prenom, last_name=nom, role=role, epci=epci)
        compte.set_unusable_password()
        compte.full_clean()
        compte.save()
    transaction.on_commit(
        lambda: envoyer_invitation(compte=compte, invite_par=user, adresse_du_site=adresse_du_site)
    )
    logger.info("Compte %s (%s) invité par %s.", compte.username, role, user.username)
    return compte


def envoyer_invitation(*, compte: User, invite_par: User, adresse_du_site: str) -> None:
    lien = adresse_du_site + reverse(
        "comptes:nouveau_mot_de_passe",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(compte.pk)),
            "token": default_token_generator.make_token(compte),
        },
    )
    contexte = {"compte": compte, "invite_par": invite_par, "lien": lien}
    send_mail(
        subject="Votre compte sur le portail des clauses d'insertion",
        message=render_to_string("comptes/courriel_invitation.txt", contexte),
        from_email=None,
        recipient_list=[compte.email],
    )


def changer_activite(*, user, compte: User, actif: bool) -> User:
    """Deactivates (or reactivates) a clerk or reader account; a deactivated account no longer signs in."""
    _exiger_departement(user)
    if compte.role not in ROLES_INVITES or compte.is_superuser:
        raise PermissionDenied("Le Département gère les comptes des agents d'EPCI et des lecteurs seulement.")
    compte.is_active = actif
    compte.save(update_fields=["is_active"])
    logger.info("Compte %s %s par %s.", compte.username, "réactivé" if actif else "désactivé", user.username)
    return compte


# --- second factor ----------------------------------------------------------------------------------------


def _secondes_d_attente(appareil) -> int | None:
    """Seconds before the device accepts a code again (django-otp's throttling), or None if it does now."""
    permis, details = appareil.verify_is_allowed()
    if permis:
        return None
    return math.ceil((details["locked_until"] - timezone.now()).total_seconds())


def _verifier(appareil, code: str, *, message_si_faux: str):
    """Checks `code` on the device under a row lock (django-otp: no code serves twice, failures throttled).
    A failure is counted in the request's transaction before the French error is raised."""
    if (attente := _secondes_d_attente(appareil)) is not None:
        raise ValidationError(regles.message_trop_d_essais(attente), code="trop_d_essais")
    with transaction.atomic():
        verifie = verify_token(appareil.user, appareil.persistent_id, code)
    if verifie is None:
        raise ValidationError(message_si_faux, code="code_incorrect")
    return verifie


def preparer_double_facteur(*, user) -> TOTPDevice:
    """The authenticator app being set up: the same secret until it is confirmed (a reload shows the same QR)."""
    appareil = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if appareil is None:
        appareil = TOTPDevice.objects.create(
            user=user, name="Application d'authentification", confirmed=False
        )
    return appareil


def _nouveaux_codes_de_secours(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    appareil = StaticDevice.objects.create(user=user, name="Codes de secours", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(regles.NOMBRE_DE_CODES_DE_SECOURS)]
    StaticToken.objects.bulk_create(StaticToken(device=appareil, token=code) for code in codes)
    return codes


def confirmer_double_facteur(*, user, appareil: TOTPDevice, code: str) -> list[str]:
    """Confirms the app with a code it shows; returns the new recovery codes, to be shown once."""
    if appareil.user_id != user.pk or appareil.confirmed:
        raise PermissionDenied("Cette application n'est pas en cours d'activation sur votre compte.")
    appareil = _verifier(appareil, _chiffres(code), message_si_faux=regles.CODE_D_ACTIVATION_INCORRECT)
    with transaction.atomic():
        appareil.confirmed = True
        appareil.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=appareil.pk).delete()
        codes = _nouveaux_codes_de_secours(user)
    logger.info("Double facteur activé par %s.", user.username)
    return codes


def _chiffres(code: str) -> str:
    return "".join(code.split())


def _code_de_secours(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def verifier_double_facteur(*, user, code: str):
    """The device that accepts `code`: six digits for the app, otherwise a recovery code (used up)."""
    chiffres = _chiffres(code)
    if chiffres.isascii() and chiffres.isdigit() and len(chiffres) == 6:
        appareil = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
        code = chiffres
    else:
        appareil = StaticDevice.objects.filter(user=user, confirmed=True).first()
        code = _code_de_secours(code)
    if appareil is None:
        raise ValidationError(regles.CODE_INCORRECT, code="code_incorrect")
    verifie = _verifier(appareil, code, message_si_faux=regles.CODE_INCORRECT)
    if isinstance(verifie, StaticDevice):
        logger.info("Code de secours utilisé par %s.", user.username)
    return verifie


def regenerer_codes_de_secours(*, user) -> list[str]:
    """Replaces every recovery code of the person (the old ones stop working); returns the new ones."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise PermissionDenied("Activez d'abord le double facteur.")
    with transaction.atomic():
        codes = _nouveaux_codes_de_secours(user)
    logger.info("Codes de secours régénérés par %s.", user.username)
    return codes


def reinitialiser_double_facteur(*, user, compte: User) -> None:
    """Département staff remove another person's second factor (lost phone): they set it up again at their
    next sign-in. Recorded in the log."""
    _exiger_departement(user)
    if compte.pk == user.pk:
        raise PermissionDenied(regles.REINITIALISATION_DE_SOI)
    if compte.is_superuser and not user.is_superuser:
        raise PermissionDenied(regles.REINITIALISATION_D_UN_ADMINISTRATEUR)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=compte).delete()
        StaticDevice.objects.filter(user=compte).delete()
    logger.info("Double facteur du compte %s réinitialisé par %s.", compte.username, user.username)
