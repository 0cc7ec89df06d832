from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tickets.selectors import Bell, notification_bell


def notifications(request: HttpRequest) -> dict:
    """The bell: its unread count and its poll token, from one indexed query, only on
    pages that show the bell (lazy, so htmx partials do not pay for it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    bell: Bell = SimpleLazyObject(lambda: notification_bell(user=user))  # type: ignore[assignment]
    return {
        "bell": bell,
        "bell_poll_seconds": settings.GRIDLINE_BELL_POLL_SECONDS,
        "unread_notifications": SimpleLazyObject(lambda: bell.count),
    }
