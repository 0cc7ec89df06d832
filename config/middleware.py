"""Middleware of our own."""

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext

from config.errorpages import InputRefused, UploadTooLarge, UrlTooLong


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
    guarded by the forms and config.parsers.

    Also refuse, with 413, a multipart body longer than the largest file Gridline keeps
    (GRIDLINE_ATTACHMENT_MAX_BYTES) and the fields beside it: Django counts only the fields
    against DATA_UPLOAD_MAX_MEMORY_SIZE, and would write any file to disk whatever its size.
    """

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
        if request.content_type == "multipart/form-data" and _length(request) > _upload_limit():
            raise UploadTooLarge(
                gettext("The upload is too large: a file may be at most %(bytes)s bytes.")
                % {"bytes": f"{settings.GRIDLINE_ATTACHMENT_MAX_BYTES:,}"}
            )
        return self.get_response(request)


def _length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _upload_limit() -> int:
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return settings.GRIDLINE_ATTACHMENT_MAX_BYTES + fields


def _pairs(query: QueryDict):
    for key, values in query.lists():
        for value in values:
            yield key, value
