"""Views that belong to no app."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the process answers. Touches no database, so it is also the
    benchmark's floor (the cheapest request Django can serve through the same stack)."""
    return JsonResponse({"status": "ok"})
