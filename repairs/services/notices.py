"""Planned outages and supply restrictions (DESIGN §3.4): publishing, changing and
cancelling a notice, the reminder before it starts, and the customers' SMS. The notice's
input is validated by repairs.forms.OutageNoticeForm, for the page and the API alike."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import TransitionNotAllowed
from grid.models import CustomerPhone, Feeder, Premise, Transformer
from repairs.messages import NOTICE_CANCELLED, NOTICE_CHANGED, NOTICE_PUBLISHED, NOTICE_REMINDER
from repairs.models import OutageNotice
from tickets.models import OutboxMessage
from tickets.outbox import Message, outbox_enqueue


@dataclass(frozen=True)
class NoticeInput:
    """A notice as its form validated it: the devices exist and the window is sound."""

    kind: str
    feeders: list[Feeder]
    transformers: list[Transformer]
    starts_at: datetime
    ends_at: datetime
    reason: str


def notice_is_late(*, kind: str, starts_at: datetime, published_at: datetime) -> bool:
    """Published with less notice than the rules ask: 7 days planned, 24 hours temporary."""
    if kind == OutageNotice.Kind.PLANNED:
        required = timedelta(days=settings.GRIDLINE_PLANNED_NOTICE_DAYS)
    elif kind == OutageNotice.Kind.TEMPORARY:
        required = timedelta(hours=settings.GRIDLINE_TEMPORARY_NOTICE_HOURS)
    else:
        return False  # a restriction follows the grid's shortage: no notice period applies
    return starts_at - published_at < required


def _notice_station(data: NoticeInput) -> int | None:
    stations = {f.station_id for f in data.feeders} | {
        t.feeder.station_id for t in data.transformers
    }
    return stations.pop() if len(stations) == 1 else None


@transaction.atomic
def notice_publish(
    *, data: NoticeInput, actor: User | None, now: datetime | None = None
) -> OutageNotice:
    """Publish a notice: flagged late if short of the notice period; affected customers get an SMS.

    A notice that starts within the reminder period counts its publication SMS as the reminder.
    """
    now = now or timezone.now()
    notice = OutageNotice.objects.create(
        kind=data.kind,
        reason=data.reason,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        published_at=now,
        published_by=actor,
        updated_at=now,
        station_id=_notice_station(data),
        late_notice=notice_is_late(kind=data.kind, starts_at=data.starts_at, published_at=now),
        reminder_sent_at=now if _reminder_due(data.starts_at, now) else None,
    )
    notice.feeders.set(data.feeders)
    notice.transformers.set(data.transformers)
    _notice_sms(notice, event="published", now=now)
    return notice


@transaction.atomic
def notice_update(
    *, notice: OutageNotice, data: NoticeInput, actor: User | None, now: datetime | None = None
) -> OutageNotice:
    """Change a notice that has not ended; customers get the new window. A moved start is
    judged for lateness afresh, from now."""
    now = now or timezone.now()
    notice = OutageNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.cancelled_at is not None or notice.ends_at <= now:
        raise TransitionNotAllowed(
            _("This notice is cancelled or over: publish a new one."), field="action"
        )
    if data.starts_at != notice.starts_at:
        notice.late_notice = notice_is_late(
            kind=data.kind, starts_at=data.starts_at, published_at=now
        )
        notice.reminder_sent_at = now if _reminder_due(data.starts_at, now) else None
    notice.kind = data.kind
    notice.reason = data.reason
    notice.starts_at = data.starts_at
    notice.ends_at = data.ends_at
    notice.station_id = _notice_station(data)
    notice.updated_at = now
    notice.save(
        update_fields=[
            "late_notice",
            "reminder_sent_at",
            "kind",
            "reason",
            "starts_at",
            "ends_at",
            "station",
            "updated_at",
        ]
    )
    notice.feeders.set(data.feeders)
    notice.transformers.set(data.transformers)
    _notice_sms(notice, event=f"changed:{now.timestamp():.0f}", now=now)
    return notice


@transaction.atomic
def notice_cancel(
    *, notice: OutageNotice, actor: User | None, now: datetime | None = None
) -> OutageNotice:
    """Withdraw a notice; customers are told the outage will not happen."""
    now = now or timezone.now()
    notice = OutageNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.cancelled_at is not None:
        raise TransitionNotAllowed(_("This notice is already cancelled."), field="action")
    notice.cancelled_at = now
    notice.updated_at = now
    notice.save(update_fields=["cancelled_at", "updated_at"])
    _notice_sms(notice, event="cancelled", now=now)
    return notice


def notice_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the customers of notices starting within the reminder period (once each)."""
    now = now or timezone.now()
    due = OutageNotice.objects.filter(
        cancelled_at__isnull=True,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(minutes=settings.GRIDLINE_NOTICE_REMINDER_MINUTES),
    )
    reminded = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Compare-and-set: a second worker's update matches nothing.
            if OutageNotice.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                _notice_sms(OutageNotice.objects.get(pk=pk), event="reminder", now=now)
                reminded += 1
    return reminded


def _reminder_due(starts_at: datetime, now: datetime) -> bool:
    return starts_at - now <= timedelta(minutes=settings.GRIDLINE_NOTICE_REMINDER_MINUTES)


def notice_recipient_phones(notice: OutageNotice) -> list[str]:
    """Every phone of every customer with a premise under the notice's devices, once each."""
    premises = Premise.objects.filter(
        Q(transformer__in=notice.transformers.all())
        | Q(transformer__feeder__in=notice.feeders.all())
    )
    return list(
        CustomerPhone.objects.filter(customer__premises__in=premises)
        .values_list("number", flat=True)
        .distinct()
        .order_by("number")
    )


def _notice_sms(notice: OutageNotice, *, event: str, now: datetime) -> None:
    """Every customer under the notice, once per event and phone, in the customer language."""
    if event == "cancelled":
        kind = NOTICE_CANCELLED
    elif event == "reminder":
        kind = NOTICE_REMINDER
    elif event.startswith("changed"):
        kind = NOTICE_CHANGED
    else:
        kind = NOTICE_PUBLISHED
    text = kind(
        kind=notice.kind, starts=notice.starts_at, ends=notice.ends_at, reason=notice.reason
    )
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.SMS,
                recipient=phone,
                text=text,
                language=settings.GRIDLINE_CUSTOMER_LANGUAGE,
                dedup_key=f"notice:{notice.pk}:{event}:{phone}",
            )
            for phone in notice_recipient_phones(notice)
        ],
        now=now,
    )
