"""Reads on accounts."""

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes.enums import Role
from comptes.models import User
from portail.tri import ordre_francais


def comptes_verrouilles():
    """Sign-in attempts that lock an account now (failure limit reached within the cool-off period)."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).order_by("-attempt_time")


def comptes_geres(*, user):
    """Clerk and reader accounts, managed by Département staff from the portal (none for anyone else)."""
    if not user.voit_tout:
        return User.objects.none()
    return (
        User.objects.filter(role__in=[Role.EPCI, Role.LECTEUR], is_superuser=False)
        .select_related("epci")
        .order_by(
            ordre_francais("epci__nom"), ordre_francais("last_name"), ordre_francais("first_name"), "username"
        )
    )


def get_compte_gere_for_user(*, user, pk) -> User:
    return get_object_or_404(comptes_geres(user=user), pk=pk)


def email_deja_utilise(email: str) -> bool:
    return User.objects.filter(models.Q(email__iexact=email) | models.Q(username__iexact=email)).exists()


# --- second factor ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EtatDoubleFacteur:
    """What a person sees of their own second factor."""

    actif: bool
    active_le: datetime.datetime | None
    derniere_utilisation: datetime.datetime | None
    codes_restants: int


def appareil_totp(*, user, confirme: bool = True) -> TOTPDevice | None:
    """The person's authenticator app (confirmed), or the one being set up (confirme=False)."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirme).order_by("-pk").first()


def a_un_double_facteur(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def etat_double_facteur(*, user) -> EtatDoubleFacteur:
    appareil = appareil_totp(user=user)
    codes = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return EtatDoubleFacteur(
        actif=appareil is not None,
        active_le=appareil.created_at if appareil else None,
        derniere_utilisation=appareil.last_used_at if appareil else None,
        codes_restants=codes,
    )


def comptes_a_double_facteur(*, user):
    """Département staff and superusers (who need a second factor), for Département staff; none otherwise.
    Each row says whether the app is set up and how many recovery codes are left."""
    if not user.voit_tout:
        return User.objects.none()
    return (
        User.objects.filter(models.Q(role=Role.DEPARTEMENT) | models.Q(is_superuser=True))
        .annotate(
            double_facteur_actif=models.Exists(
                TOTPDevice.objects.filter(user=models.OuterRef("pk"), confirmed=True)
            ),
            codes_restants=models.Subquery(
                StaticToken.objects.filter(device__user=models.OuterRef("pk"), device__confirmed=True)
                .values("device__user")
                .annotate(nombre=models.Count("pk"))
                .values("nombre")[:1]
            ),
        )
        .order_by(ordre_francais("last_name"), ordre_francais("first_name"), "username")
    )


def get_compte_a_double_facteur_for_user(*, user, pk) -> User:
    return get_object_or_404(comptes_a_double_facteur(user=user), pk=pk)
