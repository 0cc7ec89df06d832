"""Middleware of our own."""

from django.conf import settings


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
