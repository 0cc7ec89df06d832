"""Writes to staff accounts."""

import secrets

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from config.errors import GridlineError
from grid.models import Department, Station


class StaffInvalid(GridlineError):
    """A staff account was asked for with a role and memberships that do not fit."""


@transaction.atomic
def staff_create_or_update(
    *,
    username: str,
    role: str,
    password: str | None = None,
    station: Station | None = None,
    department: Department | None = None,
    language: str | None = None,
    extension: str | None = None,
) -> tuple[User, bool, str | None]:
    """Create the user, or update role, memberships and password of an existing one (and
    the language and the telephone extension, when given; "" clears them).

    Returns (user, created, generated_password). A new user given no password
    gets a random one, returned so the operator can hand it over.
    """
    if role not in Role.values:
        raise StaffInvalid(
            _("Unknown role %(role)s; use one of %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    if role in (Role.DISPATCHER, Role.CREW) and station is None:
        raise StaffInvalid(_("A %(role)s needs a station.") % {"role": role}, field="station")
    if role == Role.HANDLER and department is None:
        raise StaffInvalid(_("A handler needs a department."), field="department")
    if not username.strip():
        raise StaffInvalid(_("The username must not be empty."), field="username")
    if language and language not in dict(settings.LANGUAGES):
        raise StaffInvalid(_unknown_language(language), field="language")

    if extension and User.objects.filter(extension=extension).exclude(username=username).exists():
        raise StaffInvalid(
            _("Extension %(extension)s belongs to another user.") % {"extension": extension},
            field="extension",
        )

    user, created = User.objects.get_or_create(username=username)
    generated = None
    if password:
        user.set_password(password)
    elif created:
        generated = secrets.token_urlsafe(9)
        user.set_password(generated)
    user.role = role
    user.station = station
    user.department = department
    user.is_staff = user.is_superuser = role == Role.ADMIN
    if language is not None:
        user.language = language
    if extension is not None:
        user.extension = extension
    user.save(
        update_fields=[
            "password",
            "role",
            "station",
            "department",
            "is_staff",
            "is_superuser",
            "language",
            "extension",
        ]
    )
    return user, created, generated


def user_language_set(*, user: User, language: str) -> User:
    """Keep the language the user chose (DESIGN §3.16): their pages on every browser, their
    notifications and their emails follow it. `language` is one of settings.LANGUAGES."""
    if language not in dict(settings.LANGUAGES):
        raise StaffInvalid(_unknown_language(language), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def _unknown_language(language: str) -> str:
    return _("Unknown language %(language)s; use one of %(languages)s.") % {
        "language": language,
        "languages": ", ".join(code for code, _name in settings.LANGUAGES),
    }


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Switch the account off; its sessions and API token end with it (safe to run twice)."""
    user.is_active = False
    # The pre/post_save receivers in accounts/signals.py call user_access_end() when
    # this save switches is_active off, as they do for the admin's change form.
    user.save(update_fields=["is_active"])
    return user


def user_access_end(*, user: User) -> int:
    """Delete the user's browser sessions and API token; returns how many sessions ended.

    Django already refuses an inactive user's session and token; deleting them makes the
    deactivation final even if the account is switched on again later.
    """
    Token.objects.filter(user=user).delete()
    # Sessions store the user id inside their signed data, so each live one is decoded.
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
