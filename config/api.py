"""API plumbing shared by every app: the error shape."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import GridlineError


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
