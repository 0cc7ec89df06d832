"""Idempotent intake (issue #10): POST endpoints that create tickets accept an
`Idempotency-Key` header.

- The same key with the same body answers the first response again (same status,
  same ticket); nothing new is written.
- The same key with another body answers 422.
- A duplicate that arrives while the first is still running answers 409.
- Keys are kept GRIDLINE_IDEMPOTENCY_HOURS (24) hours; an older key counts as new.

The key is claimed in a short transaction of its own, so a concurrent duplicate
sees it at once; the view then runs in a transaction that also stores its
response, so the answer is kept exactly when the work is. A failed request
(an exception) frees the key for a retry.
"""

import hashlib
import json
from collections.abc import Callable
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
from tickets.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
# For the OpenAPI schema of every idempotent endpoint.
HEADER_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Retry-safe: the same key with the same body answers the first response "
    "again (kept 24 hours); with another body 422; while the first is running 409.",
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
        now = timezone.now()
        record = _claim(user=request.user, key=key, fingerprint=fingerprint, now=now)
        if isinstance(record, Response):
            return record
        try:
            with transaction.atomic():
                response = post(view, request, *args, **kwargs)
                IdempotencyKey.objects.filter(pk=record.pk).update(
                    status_code=response.status_code, response=response.data
                )
        except BaseException:
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            raise
        return response

    return wrapped


def _claim(*, user: User, key: str, fingerprint: str, now: datetime) -> IdempotencyKey | Response:
    """Take the key, or the answer it already has (the first response, 422 or 409)."""
    kept_since = now - timedelta(hours=settings.GRIDLINE_IDEMPOTENCY_HOURS)
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=kept_since).delete()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, request_hash=fingerprint, created_at=now
            )
        return record
    except IntegrityError:
        pass
    first = IdempotencyKey.objects.filter(user=user, key=key).first()
    if first is None:  # freed by a failed first attempt a moment ago
        return _claim(user=user, key=key, fingerprint=fingerprint, now=now)
    if first.request_hash != fingerprint:
        return Response(
            {"detail": _("This Idempotency-Key was used with a different request.")},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if first.status_code is None:
        return Response(
            {"detail": _("A request with this Idempotency-Key is still being processed.")},
            status=status.HTTP_409_CONFLICT,
        )
    return Response(first.response, status=first.status_code)


def _fingerprint(request) -> str:
    try:
        body = json.dumps(request.data, sort_keys=True, default=str)
    except (TypeError, ValueError):
        body = request.body.decode(errors="replace")
    raw = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def idempotency_keys_expire(*, now: datetime) -> int:
    """Forget keys older than the keeping period."""
    kept_since = now - timedelta(hours=settings.GRIDLINE_IDEMPOTENCY_HOURS)
    deleted, _details = IdempotencyKey.objects.filter(created_at__lt=kept_since).delete()
    return deleted
