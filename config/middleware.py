"""Middleware of our own."""

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext

from config.errorpages import InputRefused, UrlTooLong


class ContentSecurityPolicyMiddleware:
    """Send the Content Security Policy (settings.CONTENT_SECURITY_POLICY) on every response.

    Scripts come from this site only: no inline scripts or handlers anywhere, and htmx runs
    with allowEval off. Inline style attributes stay allowed (htmx and Chart.js set them).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class InputGuardMiddleware:
    """Refuse a URL over settings.GRIDLINE_MAX_URL_LENGTH (414) and a query string holding
    a NUL character (400), with a message (JSON under /api/). Views read query parameters
    straight into database filters, and PostgreSQL cannot take a NUL in text; bodies are
    guarded by the forms and config.parsers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.GRIDLINE_MAX_URL_LENGTH
        if len(request.get_full_path()) > limit:
            raise UrlTooLong(
                gettext("The address is too long: at most %(limit)d characters.") % {"limit": limit}
            )
        if any("\x00" in key or "\x00" in value for key, value in _pairs(request.GET)):
            raise InputRefused(gettext("Text may not contain NUL characters."))
        return self.get_response(request)


def _pairs(query: QueryDict):
    for key, values in query.lists():
        for value in values:
            yield key, value
