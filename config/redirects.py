"""Where a form sends the person back to once it has done its work."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, *, default: str = "") -> str:
    """The posted (or linked) `next`, when it is a URL of this site; `default` otherwise.

    A page opened from elsewhere (the console opens the repair wizard for its call) says
    where to return; an address off the site is never followed (an open redirect).
    """
    url = request.POST.get("next") or request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and safe else default
