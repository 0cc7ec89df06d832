from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.forms import lockout_message
from accounts.throttling import (
    client_address,
    login_failures_clear,
    login_lock_seconds_left,
    login_locked,
)
from config.api import ERROR_REFERENCE


class TokenView(ObtainAuthToken):
    """POST username and password, receive {"token": "..."} for the Authorization header.

    Parses its body like every other endpoint (DRF's view sets its own parsers). Shares
    the sign-in lockout of the login page (accounts/throttling.py): a locked
    (username, address) pair gets 429 with Retry-After, without its password being checked.
    """

    parser_classes = APIView.parser_classes

    @extend_schema(
        responses={
            200: inline_serializer("TokenOutput", fields={"token": serializers.CharField()}),
            429: OpenApiResponse(
                ERROR_REFERENCE,
                description="Too many failed sign-ins for this username from this address.",
            ),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        data = request.data if hasattr(request.data, "get") else {}
        username = str(data.get("username") or "")
        address = client_address(request)
        if username and login_locked(username=username, address=address):
            return self._locked(username, address)
        try:
            response = super().post(request, *args, **kwargs)
        except ValidationError:
            # This failure may have been the one that locked the pair.
            if username and login_locked(username=username, address=address):
                return self._locked(username, address)
            raise
        login_failures_clear(username=username, address=address)
        return response

    def _locked(self, username: str, address: str) -> Response:
        seconds = login_lock_seconds_left(username=username, address=address)
        return Response(
            {"detail": lockout_message(seconds_left=seconds)},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(seconds)},
        )
