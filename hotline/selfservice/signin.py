"""Signing a customer in to the self-service pages (DESIGN §3.12): a one-time code texted to
the account's first mobile phone, and the session that remembers who signed in.

The numbers are settings (GRIDLINE_SELF_CODE_*). The code is kept as an HMAC keyed with the
SECRET_KEY, never in clear in its row; the SMS itself carries it (the outbox row holds it
until the code has expired). Nothing here tells whether an account exists: an unknown
account, an account without a mobile phone and a phone over its hourly limit all look like
a code sent, and every refused code answers the same.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from config.errors import FieldErrors
from grid.models import Customer, CustomerPhone
from hotline.messages import SELF_SIGN_IN_CODE
from hotline.models import SignInCode
from tickets.models import OutboxMessage
from tickets.outbox import Message, outbox_enqueue

# The session keys: the signed-in customer (pk) and when, and the account a code was asked for.
SESSION_CUSTOMER = "self_customer_id"
SESSION_SIGNED_IN_AT = "self_signed_in_at"
SESSION_PENDING_ACCOUNT = "self_pending_account"

_HMAC_SALT = "gridline.hotline.self_sign_in_code"
# A mainland mobile in the canonical form of grid.phones: 11 digits starting with 1.
_MOBILE_LENGTH = 11


def _code_hash(*, customer_id: int, code: str) -> str:
    return salted_hmac(_HMAC_SALT, f"{customer_id}:{code}", algorithm="sha256").hexdigest()


def _is_mobile(number: str) -> bool:
    return len(number) == _MOBILE_LENGTH and number.isdigit() and number.startswith("1")


def customer_sign_in_phone(*, customer: Customer) -> str | None:
    """The phone a code goes to: the account's first mobile phone (in the order recorded)."""
    for phone in CustomerPhone.objects.filter(customer=customer).order_by("pk"):
        if _is_mobile(phone.number):
            return phone.number
    return None


def sign_in_code_send(*, account_no: str, now: datetime | None = None) -> SignInCode | None:
    """Text a new code for the account, within the phone's hourly limit; returns the code's
    row, or None where nothing was sent (the caller answers the same either way)."""
    now = now or timezone.now()
    customer = Customer.objects.filter(account_no=account_no.strip()).first()
    if customer is None:
        return None
    phone = customer_sign_in_phone(customer=customer)
    if phone is None:
        return None
    with transaction.atomic():
        # Two requests at once for one phone must not both pass the hourly limit.
        CustomerPhone.objects.select_for_update().filter(customer=customer, number=phone).exists()
        sent = SignInCode.objects.filter(phone=phone, created_at__gt=now - timedelta(hours=1))
        if sent.count() >= settings.GRIDLINE_SELF_CODE_PER_HOUR:
            return None
        digits = settings.GRIDLINE_SELF_CODE_DIGITS
        code = f"{secrets.randbelow(10**digits):0{digits}d}"
        minutes = settings.GRIDLINE_SELF_CODE_MINUTES
        row = SignInCode.objects.create(
            customer=customer,
            phone=phone,
            code_hash=_code_hash(customer_id=customer.pk, code=code),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        outbox_enqueue(
            [
                Message(
                    channel=OutboxMessage.Channel.SMS,
                    recipient=phone,
                    text=SELF_SIGN_IN_CODE(code=code, minutes=minutes),
                    language=settings.GRIDLINE_CUSTOMER_LANGUAGE,
                    dedup_key=f"self-sign-in:{row.pk}",
                )
            ],
            now=now,
        )
    return row


def sign_in_code_verify(*, account_no: str, code: str, now: datetime | None = None) -> Customer:
    """The customer whose newest live code this is; spends it. A wrong code counts a try on
    that code (GRIDLINE_SELF_CODE_TRIES burn it). Raises FieldErrors on `code`, the same
    message whatever was wrong: no account, no code, expired, burnt, or another's code."""
    now = now or timezone.now()
    refused = FieldErrors({"code": [_("This code is wrong or no longer valid.")]})
    customer = Customer.objects.filter(account_no=account_no.strip()).first()
    code = code.strip()
    if customer is None or not code.isdigit():
        raise refused
    with transaction.atomic():
        row = (
            SignInCode.objects.select_for_update()
            .filter(
                customer=customer,
                used_at__isnull=True,
                expires_at__gt=now,
                tries__lt=settings.GRIDLINE_SELF_CODE_TRIES,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None:
            raise refused
        if not constant_time_compare(row.code_hash, _code_hash(customer_id=customer.pk, code=code)):
            row.tries += 1
            row.save(update_fields=["tries"])
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            return customer
    # Outside the block: the counted try is committed before the refusal is raised.
    raise refused


# --- The session ---------------------------------------------------------------------------


def session_customer_start(*, session: SessionBase, customer: Customer, now: datetime) -> None:
    """The customer is signed in: a new session key (no fixation), their pk and the time."""
    session.cycle_key()
    session.pop(SESSION_PENDING_ACCOUNT, None)
    session[SESSION_CUSTOMER] = customer.pk
    session[SESSION_SIGNED_IN_AT] = now.isoformat()


def session_customer_end(*, session: SessionBase) -> None:
    """Signed out of the self-service pages (a staff sign-in in the same browser stays)."""
    for key in (SESSION_CUSTOMER, SESSION_SIGNED_IN_AT, SESSION_PENDING_ACCOUNT):
        session.pop(key, None)
    session.cycle_key()


def session_customer_id(*, session: SessionBase, now: datetime) -> int | None:
    """The signed-in customer's pk, while the sign-in is younger than
    GRIDLINE_SELF_SESSION_MINUTES; None otherwise."""
    customer_id = session.get(SESSION_CUSTOMER)
    signed_in_at = parse_datetime(session.get(SESSION_SIGNED_IN_AT) or "")
    if not isinstance(customer_id, int) or signed_in_at is None:
        return None
    if now - signed_in_at > timedelta(minutes=settings.GRIDLINE_SELF_SESSION_MINUTES):
        return None
    return customer_id
