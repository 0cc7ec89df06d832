from django.http import HttpRequest


def is_htmx_partial(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment; boosted requests get the whole page."""
    return bool(request.htmx) and not request.htmx.boosted
