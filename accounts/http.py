"""Request types for code that only signed-in users reach (annotations only, never built).

Behind login_required or role_required, `request.user` is a User, not an AnonymousUser;
these say so, so that views pass it to services and selectors that take a User.
"""

from rest_framework.request import Request

from accounts.models import User
from config.htmx import HtmxHttpRequest


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """The request of a view behind login_required or role_required."""

    user: User


class AuthenticatedRequest(Request):
    """The DRF request of a view whose permission classes refuse anonymous users."""

    user: User
