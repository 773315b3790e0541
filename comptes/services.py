"""Writes on accounts: invitations, deactivation, sign-in locks."""

import logging

from axes.utils import reset
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

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
