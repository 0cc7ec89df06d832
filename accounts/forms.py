"""Sign-in forms that tell a locked-out user why, and for how long."""

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from accounts.access import is_machine
from accounts.throttling import client_address, login_lock_seconds_left, login_locked


def lockout_message(*, seconds_left: int) -> str:
    minutes = max(1, math.ceil(seconds_left / 60))
    return ngettext(
        "Too many failed sign-ins for this username from this address. "
        "Try again in %(minutes)d minute.",
        "Too many failed sign-ins for this username from this address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledLoginMixin(AuthenticationForm):
    """Refuse a locked (username, address) pair with the lockout message, not the usual one.

    A subclass of the form it extends, so that the admin's form can put it first in its bases.
    """

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if username and login_locked(username=username, address=address):
            self._refuse_locked(username, address)
        try:
            return super().clean()
        except ValidationError:
            # This failure may have been the one that locked the pair.
            if username and login_locked(username=username, address=address):
                self._refuse_locked(username, address)
            raise

    def _refuse_locked(self, username: str, address: str) -> None:
        seconds_left = login_lock_seconds_left(username=username, address=address)
        raise ValidationError(lockout_message(seconds_left=seconds_left), code="locked")


class LoginForm(ThrottledLoginMixin):
    def confirm_login_allowed(self, user) -> None:
        # A machine account signs in with a token only: refused as a wrong password would be,
        # which tells a guesser nothing about the account.
        if is_machine(user):
            raise self.get_invalid_login_error()
        super().confirm_login_allowed(user)


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


def _languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class LanguageForm(forms.Form):
    """The language selector: one of settings.LANGUAGES."""

    language = forms.ChoiceField(choices=_languages)
