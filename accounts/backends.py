"""The authentication backend: Django's, refusing a locked (username, address) pair."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts.throttling import client_address, login_locked


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that refuses a locked pair without checking the password.

    Every sign-in path (the login page, the admin, the token endpoint) goes through
    authenticate(), so a path that forgets to check the lock is still refused here.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username and login_locked(username=str(username), address=client_address(request)):
            # PermissionDenied stops authenticate() trying other backends.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    def _username_field(self) -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
