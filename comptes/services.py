"""Writes on accounts."""

import logging

from axes.utils import reset
from django.core.exceptions import PermissionDenied

logger = logging.getLogger(__name__)


def lever_verrouillage(*, user, username: str) -> int:
    """Département staff unlock an account locked by failed sign-ins; returns the attempts removed."""
    if not user.voit_tout:
        raise PermissionDenied("Seul le Département lève le verrouillage d'un compte.")
    supprimees = reset(username=username)
    logger.info("Verrouillage du compte %s levé par %s.", username, user.username)
    return supprimees
