from functools import cache

from notifications.selectors import nombre_non_lues


def notifications_non_lues(request):
    """The unread count for the navigation badge. The template calls it (a callable): counted only on pages that
    show it, and once per page however often the template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_non_lues": cache(lambda: nombre_non_lues(user=user))}
