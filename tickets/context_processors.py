from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tickets.selectors import notification_unread_count


def notifications(request: HttpRequest) -> dict:
    """The bell's unread count: one indexed count, only on pages that show the bell
    (lazy, so htmx partials do not pay for it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user))}
