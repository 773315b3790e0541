"""Reads on accounts."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone

from comptes.enums import Role
from comptes.models import User


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
        .order_by("epci__nom", "last_name", "first_name", "username")
    )


def get_compte_gere_for_user(*, user, pk) -> User:
    return get_object_or_404(comptes_geres(user=user), pk=pk)


def email_deja_utilise(email: str) -> bool:
    return User.objects.filter(models.Q(email__iexact=email) | models.Q(username__iexact=email)).exists()
