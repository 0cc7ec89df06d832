"""What a request that fails before or outside a view answers: JSON under /api/ (DESIGN
§5.2: every API answer is JSON, errors included), the usual pages elsewhere.

Django calls these as handler400/404/500 (config/urls.py); DRF's own errors inside API
views are shaped by config.api.exception_handler instead.
"""

import logging
import uuid

from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.views import defaults

logger = logging.getLogger(__name__)


class InputRefused(BadRequest):
    """Refused before any view runs (config.middleware.InputGuardMiddleware); the message
    says why, in the reader's language."""


class UploadTooLarge(RequestDataTooBig):
    """A multipart body larger than any file Gridline keeps could make it (413), refused
    before it is read; the message says how large a file may be."""


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, or 413 for a body over settings.DATA_UPLOAD_MAX_MEMORY_SIZE."""
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
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
    comes just before Django's traceback. No details of the error reach the caller."""
    reference = uuid.uuid4().hex[:12]
    logger.error("Server error, reference %s: %s %s", reference, request.method, request.path)
    if is_api(request):
        detail = gettext("Something went wrong on our side; nothing more was done.")
        return JsonResponse({"detail": detail, "reference": reference}, status=500)
    # No request context: whatever failed (the database, a context processor) must not
    # fail again here.
    html = loader.get_template("500.html").render({"reference": reference})
    return HttpResponse(html, status=500)
