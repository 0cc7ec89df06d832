"""Idempotent intake (issue #10): POST endpoints that create tickets accept an
`Idempotency-Key` header, and the pages' forms that create one carry a one-time
submission token (`ticket_once_per_form`) that works the same way.

- The same key with the same body answers the first response again (same status,
  same ticket); nothing new is written.
- The same key with another body answers 422.
- A duplicate that arrives while the first is still running waits for it, then answers
  the first's response.
- Keys are kept GRIDLINE_IDEMPOTENCY_HOURS (24) hours; an older key counts as new.

The key is claimed inside the transaction that does the work and stores the answer, so
the claim, the work and the answer commit or vanish together: a request that fails, or
whose process or database dies half-way, leaves no claim behind, and a retry simply runs.
A concurrent duplicate's insert of the same key waits on the first's uncommitted row (the
unique index), and finds the committed answer once the first is done.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

from accounts.models import User
from tickets.models import IdempotencyKey, Ticket

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
# For the OpenAPI schema of every idempotent endpoint.
HEADER_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Retry-safe: the same key with the same body answers the first response "
    "again (kept 24 hours); with another body 422; while the first is running, it waits "
    "for the first and answers the same.",
)


def idempotent(post: Callable) -> Callable:
    """Decorate an APIView's `post(self, request, ...)`."""

    @wraps(post)
    def wrapped(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return post(view, request, *args, **kwargs)
        if len(key) > KEY_MAX_LENGTH:
            return Response(
                {"detail": _("The Idempotency-Key header is too long.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            answered = _claim(user=request.user, key=key, fingerprint=fingerprint)
            if answered is not None:
                return answered
            response = post(view, request, *args, **kwargs)
            IdempotencyKey.objects.filter(user=request.user, key=key).update(
                status_code=response.status_code, response=response.data
            )
        return response

    return wrapped


def _claim(*, user: User, key: str, fingerprint: str) -> Response | None:
    """Take the key in the caller's transaction (None), or answer as its first use did:
    the first response, or 422 for another request under the same key."""
    now = timezone.now()
    kept_since = now - timedelta(hours=settings.GRIDLINE_IDEMPOTENCY_HOURS)
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=kept_since).delete()
    try:
        with transaction.atomic():  # a savepoint: a taken key must not end the transaction
            IdempotencyKey.objects.create(
                user=user, key=key, request_hash=fingerprint, created_at=now
            )
        return None
    except IntegrityError:
        pass
    first = IdempotencyKey.objects.get(user=user, key=key)
    if first.request_hash != fingerprint:
        return Response(
            {"detail": _("This Idempotency-Key was used with a different request.")},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Response(first.response, status=first.status_code)


def _fingerprint(request) -> str:
    try:
        body = json.dumps(request.data, sort_keys=True, default=str)
    except (TypeError, ValueError):
        body = request.body.decode(errors="replace")
    raw = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


# The hidden field of a form that creates a ticket (tickets/templatetags/submission.py).
SUBMISSION_FIELD = "submission"


@dataclass(frozen=True)
class FormSent:
    """What became of a form that creates a ticket."""

    ticket: Ticket | None  # None: not recorded; `duplicates` says why
    repeated: bool = False  # the same form was sent before: this is its ticket
    duplicates: tuple[Ticket, ...] = ()


class _AskFirst(Exception):
    """Leaves the claim's transaction: there are tickets to show before recording."""

    def __init__(self, duplicates: list[Ticket]) -> None:
        self.duplicates = duplicates


def ticket_once_per_form(
    *,
    user: User,
    token: str,
    create: Callable[[], Ticket],
    duplicates: Callable[[], list[Ticket]] | None = None,
    duplicates_confirmed: bool = False,
) -> FormSent:
    """Create at most one ticket per form: the same form sent again (the Back button, a
    double click, a second tab on the same page) gets the ticket the first sending created.
    A form without a token creates as before.

    `duplicates`, when given, lists the open tickets the caller may mean instead (DESIGN
    §3.9): if there are any, nothing is recorded and they are returned to be shown, until
    the agent sends the form again with `duplicates_confirmed`.

    Claimed like an Idempotency-Key, in the transaction that creates the ticket: a sending
    that fails (a bad field, a rule that says no, a question about duplicates) leaves no
    claim, so the corrected form goes through; a double click's second request waits for
    the first and finds its ticket.
    """
    token = token.strip()[:64]
    key = f"form:{token}"
    try:
        with transaction.atomic():
            if token:
                try:
                    with transaction.atomic():
                        IdempotencyKey.objects.create(
                            user=user, key=key, request_hash="form", created_at=timezone.now()
                        )
                except IntegrityError:
                    first = IdempotencyKey.objects.get(user=user, key=key)
                    assert first.response is not None  # written in the first's transaction
                    return FormSent(Ticket.objects.get(pk=first.response["ticket"]), repeated=True)
            found = duplicates() if duplicates is not None and not duplicates_confirmed else []
            if found:
                raise _AskFirst(found)
            ticket = create()
            if token:
                IdempotencyKey.objects.filter(user=user, key=key).update(
                    status_code=201, response={"ticket": ticket.pk}
                )
    except _AskFirst as ask:
        return FormSent(None, duplicates=tuple(ask.duplicates))
    return FormSent(ticket)


def idempotency_keys_expire(*, now: datetime) -> int:
    """Forget keys older than the keeping period."""
    kept_since = now - timedelta(hours=settings.GRIDLINE_IDEMPOTENCY_HOURS)
    deleted, _details = IdempotencyKey.objects.filter(created_at__lt=kept_since).delete()
    return deleted
