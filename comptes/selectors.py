"""Reads on accounts."""

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def comptes_verrouilles():
    """Sign-in attempts that lock an account now (failure limit reached within the cool-off period)."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).order_by("-attempt_time")
