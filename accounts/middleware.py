"""A signed-in user's pages are in the language on their account (DESIGN §3.16)."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from accounts.access import is_machine
from accounts.models import User


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in user who chose a language (User.language)
    reads every page in it, on any browser; without a choice, LocaleMiddleware's pick (the
    cookie, then Accept-Language) stands. The user row is the one the request loads anyway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class MachineAccountMiddleware:
    """A machine account never uses a page (DESIGN §1): the sign-in form refuses it, and a
    session it got some other way (the admin, a test client) is answered 403 everywhere but
    the API, which checks roles itself, the health check and signing out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and is_machine(user):
            open_paths = (reverse("health"), reverse("accounts:logout"))
            if not request.path.startswith("/api/") and request.path not in open_paths:
                raise PermissionDenied
        return self.get_response(request)
