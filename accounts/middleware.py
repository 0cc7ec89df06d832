"""A signed-in user's pages are in the language on their account (DESIGN §3.16)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

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
