"""Outage notices (DESIGN §3.4): the late flag, the SMS to affected customers, once each."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import FieldErrors, TransitionNotAllowed
from repairs.forms import OutageNoticeForm
from repairs.models import OutageNotice
from repairs.services.notices import (
    notice_cancel,
    notice_is_late,
    notice_publish,
    notice_reminders_send,
    notice_update,
)
from tests.factories import (
    CustomerPhoneFactory,
    FeederFactory,
    PremiseFactory,
    TransformerFactory,
)
from tickets.models import OutboxMessage

NOW = timezone.now().replace(microsecond=0)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("kind", "ahead", "late"),
    [
        ("planned", 7 * DAY, False),
        ("planned", 7 * DAY - timedelta(seconds=1), True),
        ("temporary", 24 * HOUR, False),
        ("temporary", 24 * HOUR - timedelta(seconds=1), True),
        ("restriction", timedelta(minutes=5), False),
    ],
)
def test_late_notice_is_short_of_the_notice_period(kind, ahead, late):
    assert notice_is_late(kind=kind, starts_at=NOW + ahead, published_at=NOW) is late


def test_notice_period_is_a_setting(settings):
    settings.GRIDLINE_PLANNED_NOTICE_DAYS = 3
    assert not notice_is_late(kind="planned", starts_at=NOW + 3 * DAY, published_at=NOW)
    assert notice_is_late(kind="planned", starts_at=NOW + 2 * DAY, published_at=NOW)


@pytest.fixture
def feeder_with_customers(db):
    """A feeder with two transformers; three customers, one of them with two phones."""
    feeder = FeederFactory()
    t1, t2 = TransformerFactory(feeder=feeder), TransformerFactory(feeder=feeder)
    elsewhere = TransformerFactory()
    p1 = PremiseFactory(transformer=t1)
    p2 = PremiseFactory(transformer=t2)
    p3 = PremiseFactory(transformer=elsewhere)
    for premise, numbers in [(p1, ["13800000001", "13800000002"]), (p2, ["13800000003"]),
                             (p3, ["13800000009"])]:  # fmt: skip
        for number in numbers:
            CustomerPhoneFactory(customer=premise.customer, number=number)
    return feeder, t1, t2


def parse(supervisor, **overrides):
    data = {
        "kind": "planned",
        "feeder_codes": [],
        "transformer_codes": [],
        "starts_at": (NOW + 8 * DAY).isoformat(),
        "ends_at": (NOW + 8 * DAY + 8 * HOUR).isoformat(),
        "reason": "Replacing poles",
        **overrides,
    }
    return OutageNoticeForm(data=data, user=supervisor, now=NOW).notice_input()


def sms_to(notice_event: str) -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(dedup_key__contains=notice_event).values_list(
            "recipient", flat=True
        )
    )


def test_publishing_texts_every_phone_under_the_devices_once(
    supervisor, feeder_with_customers, django_capture_on_commit_callbacks
):
    feeder, t1, _t2 = feeder_with_customers
    data = parse(supervisor, feeder_codes=[feeder.code], transformer_codes=[t1.code])

    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_publish(data=data, actor=supervisor, now=NOW)

    assert not notice.late_notice
    assert notice.station_id == feeder.station_id
    assert sms_to(f"notice:{notice.pk}:published") == ["13800000001", "13800000002", "13800000003"]
    # The eager worker sent them after commit.
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    body = OutboxMessage.objects.first().body
    assert "Replacing poles" in body


def test_late_publication_is_flagged(supervisor, feeder_with_customers):
    feeder, _t1, _t2 = feeder_with_customers
    data = parse(
        supervisor,
        feeder_codes=[feeder.code],
        starts_at=(NOW + 2 * DAY).isoformat(),
        ends_at=(NOW + 2 * DAY + HOUR).isoformat(),
    )
    assert notice_publish(data=data, actor=supervisor, now=NOW).late_notice


def test_reminder_goes_out_once_within_the_reminder_period(supervisor, feeder_with_customers):
    _feeder, t1, _t2 = feeder_with_customers
    notice = notice_publish(data=parse(supervisor, transformer_codes=[t1.code]), actor=supervisor,
                            now=NOW)  # fmt: skip
    before = notice.starts_at - timedelta(minutes=31)
    assert notice_reminders_send(now=before) == 0
    at = notice.starts_at - timedelta(minutes=30)
    assert notice_reminders_send(now=at) == 1
    assert notice_reminders_send(now=at) == 0
    assert sms_to(f"notice:{notice.pk}:reminder") == ["13800000001", "13800000002"]


def test_a_notice_starting_soon_counts_its_publication_as_the_reminder(
    supervisor, feeder_with_customers
):
    _feeder, t1, _t2 = feeder_with_customers
    data = parse(
        supervisor,
        kind="temporary",
        transformer_codes=[t1.code],
        starts_at=(NOW + timedelta(minutes=20)).isoformat(),
        ends_at=(NOW + 3 * HOUR).isoformat(),
    )
    notice = notice_publish(data=data, actor=supervisor, now=NOW)
    assert notice.late_notice
    assert notice_reminders_send(now=NOW + timedelta(minutes=1)) == 0
    assert sms_to(f"notice:{notice.pk}:reminder") == []


def test_cancel_texts_the_customers_and_cannot_happen_twice(supervisor, feeder_with_customers):
    _feeder, t1, _t2 = feeder_with_customers
    notice = notice_publish(data=parse(supervisor, transformer_codes=[t1.code]), actor=supervisor,
                            now=NOW)  # fmt: skip
    notice_cancel(notice=notice, actor=supervisor, now=NOW + HOUR)
    assert sms_to(f"notice:{notice.pk}:cancelled") == ["13800000001", "13800000002"]
    with pytest.raises(TransitionNotAllowed):
        notice_cancel(notice=notice, actor=supervisor, now=NOW + 2 * HOUR)
    assert OutboxMessage.objects.filter(dedup_key__contains="cancelled").count() == 2
    # A cancelled notice no longer covers anyone and cannot be edited.
    with pytest.raises(TransitionNotAllowed):
        notice_update(notice=notice, data=parse(supervisor, transformer_codes=[t1.code]),
                      actor=supervisor, now=NOW + 2 * HOUR)  # fmt: skip


def test_moving_the_start_is_judged_for_lateness_afresh(supervisor, feeder_with_customers):
    _feeder, t1, _t2 = feeder_with_customers
    notice = notice_publish(data=parse(supervisor, transformer_codes=[t1.code]), actor=supervisor,
                            now=NOW)  # fmt: skip
    moved = parse(
        supervisor,
        transformer_codes=[t1.code],
        starts_at=(NOW + 3 * DAY).isoformat(),
        ends_at=(NOW + 3 * DAY + HOUR).isoformat(),
    )
    notice = notice_update(notice=notice, data=moved, actor=supervisor, now=NOW + HOUR)
    assert notice.late_notice
    assert len(sms_to(f"notice:{notice.pk}:changed")) == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "soon"}, "kind"),
        ({"feeder_codes": ["NOPE"]}, "feeder_codes"),
        ({}, "feeder_codes"),  # no device at all
        ({"reason": "  "}, "reason"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"ends_at": (NOW + DAY).isoformat()}, "ends_at"),  # before the start
    ],
)
def test_bad_notice_input_names_the_field(supervisor, overrides, field):
    with pytest.raises(FieldErrors) as caught:
        parse(supervisor, **overrides)
    assert field in caught.value.errors


def test_a_dispatcher_announces_only_their_own_station(
    dispatcher_north, station_north, station_south
):
    ours = FeederFactory(station=station_north)
    theirs = FeederFactory(station=station_south)
    assert parse(dispatcher_north, feeder_codes=[ours.code]).feeders == [ours]
    with pytest.raises(FieldErrors) as caught:
        parse(dispatcher_north, feeder_codes=[ours.code, theirs.code])
    assert theirs.code in caught.value.errors["feeder_codes"][0]
    assert OutageNotice.objects.count() == 0
