"""What a request that fails before or outside a view answers: JSON under /api/ (DESIGN
§5.2: every API answer is JSON, errors included), the usual pages elsewhere.

Django calls these as handler400/404/500 (config/urls.py); DRF's own errors inside API
views are shaped by config.api.exception_handler instead.
"""

import logging
import sys
import uuid

from django.core.exceptions import BadRequest, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.views import defaults

logger = logging.getLogger(__name__)

# How long a client is asked to wait when the database is not answering: a PostgreSQL
# restart or failover is over in seconds, and every write a client retries with its
# Idempotency-Key is stored once.
RETRY_AFTER_SECONDS = 5


class InputRefused(BadRequest):
    """Refused before any view runs (config.middleware.InputGuardMiddleware); the message
    says why, in the reader's language."""

    status_code = 400


class UrlTooLong(InputRefused):
    status_code = 414


class UploadTooLarge(RequestDataTooBig):
    """A multipart body larger than any file Gridline keeps could make it (413), refused
    before it is read; the message says how large a file may be."""


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400; 413 for a body over settings.DATA_UPLOAD_MAX_MEMORY_SIZE or an upload over the
    largest file kept; 414 for a URL over settings.GRIDLINE_MAX_URL_LENGTH."""
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    if isinstance(exception, InputRefused):
        status = exception.status_code
    if isinstance(exception, InputRefused | UploadTooLarge):
        detail = str(exception)
    elif isinstance(exception, RequestDataTooBig):
        detail = gettext("The request body is too large.")
    else:
        detail = gettext("Bad request.")
    if is_api(request):
        return JsonResponse({"detail": detail}, status=status)
    response = defaults.bad_request(request, exception)
    response.status_code = status
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception or Exception())


def server_error(request: HttpRequest) -> HttpResponse:
    """500 with a reference the caller can quote; the log line with the same reference
    comes just before Django's traceback. No details of the error reach the caller.

    When the database could not be reached (a restart, a failover), 503 with Retry-After
    instead: the same request a few seconds later will very likely succeed, and a write
    retried with its Idempotency-Key is stored at most once.
    Django calls this inside its `except`, so the exception is still at hand.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return _database_unavailable(request)
    reference = uuid.uuid4().hex[:12]
    logger.error("Server error, reference %s: %s %s", reference, request.method, request.path)
    if is_api(request):
        detail = gettext("Something went wrong on our side; nothing more was done.")
        return JsonResponse({"detail": detail, "reference": reference}, status=500)
    # No request context: whatever failed (the database, a context processor) must not
    # fail again here.
    html = loader.get_template("500.html").render({"reference": reference})
    return HttpResponse(html, status=500)


def _database_unavailable(request: HttpRequest) -> HttpResponse:
    logger.warning("Database unavailable: %s %s answered 503", request.method, request.path)
    if is_api(request):
        detail = gettext(
            "The service is briefly unavailable. Send the same request again in a few "
            "seconds, with the same Idempotency-Key if it had one."
        )
        response: HttpResponse = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
