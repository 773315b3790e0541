"""Reads of notifications: always the signed-in user's own."""

from django.shortcuts import get_object_or_404

from notifications.models import Notification, PreferenceNotification


def notifications_de(*, user):
    """The user's notifications, newest first."""
    return Notification.objects.for_user(user).order_by("-cree_le", "-pk")


def nombre_non_lues(*, user) -> int:
    """The unread count of the navigation badge: one query."""
    return Notification.objects.for_user(user).non_lues().count()


def get_notification_for_user(*, user, pk) -> Notification:
    """One of the user's own notifications; anyone else's answers 404."""
    return get_object_or_404(Notification.objects.for_user(user), pk=pk)


def recoit_courriels(*, user) -> bool:
    """E-mails are on unless the user turned them off."""
    if not user.is_authenticated:
        return False
    return not PreferenceNotification.objects.filter(utilisateur=user, recevoir_courriels=False).exists()
