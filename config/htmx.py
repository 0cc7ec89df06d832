from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request as django-htmx's middleware leaves it (an annotation only, never built)."""

    htmx: HtmxDetails


def is_htmx_partial(request: HtmxHttpRequest) -> bool:
    """An htmx request that wants a fragment; boosted requests get the whole page."""
    return bool(request.htmx) and not request.htmx.boosted
