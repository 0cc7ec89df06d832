"""API plumbing shared by every app: the error shape, pagination, hand-written output."""

from datetime import datetime

from django.utils import timezone
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import GridlineError


def api_datetime(value: datetime | None) -> str | None:
    """A datetime as DRF's DateTimeField writes it (ISO 8601 in the current time zone), for
    the hot reads that build their output by hand instead of through a serializer."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Domain errors become JSON with a message per field (DESIGN.md §5.2).

    TransitionNotAllowed answers 409, other domain errors 400; DRF's own errors
    (validation 400, 401/403, 404) keep DRF's shape.
    """
    if isinstance(exc, GridlineError):
        return Response(exc.as_dict(), status=exc.status_code)
    return drf_exception_handler(exc, context)


class Pagination(PageNumberPagination):
    """`count`, `next`, `previous`, `results`; clients may ask for up to 200 a page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


ERROR_SCHEMA = {
    "description": (
        'A list of messages per field, or {"detail": "..."} when no field is at fault '
        "(a 500 adds the `reference` to quote)."
    ),
    "oneOf": [
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}, "reference": {"type": "string"}},
            "required": ["detail"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "minProperties": 1,
        },
    ],
}
# For an operation's own error answers (OpenApiResponse), the same component.
ERROR_REFERENCE = {"$ref": "#/components/schemas/Error"}
ERROR_RESPONSES = {
    "400": "Bad input: a message per field; nothing was written.",
    "401": "Not signed in (send `Authorization: Token <token>`).",
    "403": "Your role may not do this.",
    "404": "No such object, or it is outside your station or department (lists: no such page).",
    "409": "The current state does not allow this step; nothing was changed.",
    "413": "The body is over the upload limit; nothing was written.",
    "414": "The URL is over the length limit; nothing was done.",
    "415": "The body's Content-Type is not JSON, a form or multipart; nothing was written.",
    "503": "The database is briefly unavailable: send the same request again after Retry-After "
    "seconds, with the same Idempotency-Key if it had one.",
}


def document_errors(result: dict, generator, request, public) -> dict:
    """Every operation documents the error answers it can give (DESIGN §5.2), in one shape."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = ERROR_REFERENCE
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["401", "403", "414", "503"]
            if method in ("post", "put", "patch"):
                codes += ["400", "409", "413", "415"]
            if "{" in path and method != "get":
                codes.append("404")
            if method == "get":
                codes += ["400", "404"]  # a bad filter value; a page past the end
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_RESPONSES[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
