"""DESIGN §3.10: an incident declared before anyone calls, and one dismissed as "not an
outage" (repairs.services.declarations)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from config.errors import TransitionNotAllowed
from dispatch.models import OPEN_WORK_ORDER_STATUSES, CauseCode, WorkOrder
from grid.models import AreaType
from repairs.models import Incident, IncidentPart, Repair
from repairs.services.declarations import incident_declare, incident_dismiss
from repairs.services.incidents import incident_restore
from repairs.services.intake import repair_create
from repairs.triage import Answers, Breaker, Outcome, Scope
from tests.factories import (
    CustomerFactory,
    CustomerPhoneFactory,
    FeederFactory,
    PremiseFactory,
    TransformerFactory,
)
from tickets.models import Deadline, OutboxMessage, Priority, Ticket, TimelineEvent

NOW = datetime(2026, 5, 12, 19, 40, tzinfo=ZoneInfo("Asia/Shanghai"))
MINUTE = timedelta(minutes=1)
NEIGHBOURS = Answers(scope=Scope.NEIGHBOURS, breaker=Breaker.NOT_TRIPPED)


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = 3
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 30
    settings.GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS = 2
    settings.GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES = 30
    with translation.override("en"):
        yield


@pytest.fixture
def feeder(station_north):
    return FeederFactory(station=station_north, code="F-12")


@pytest.fixture
def transformer(feeder):
    return TransformerFactory(feeder=feeder, code="T-0315")


@pytest.fixture
def other_transformer(feeder):
    return TransformerFactory(feeder=feeder, code="T-0316")


def call(premise, answers=NEIGHBOURS, *, at=0, phone=""):
    return repair_create(
        premise=premise, answers=answers, actor=None, caller_phone=phone, now=NOW + at * MINUTE
    )


def declare(dispatcher, *, transformer=None, feeder=None, at=0, **kwargs):
    return incident_declare(
        feeder=feeder or transformer.feeder,
        transformer=transformer,
        actor=dispatcher,
        now=NOW + at * MINUTE,
        **kwargs,
    )


def open_orders():
    return WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES)


def kinds(ticket) -> list[str]:
    events = TimelineEvent.objects.filter(ticket_id=ticket.pk).order_by("at", "pk")
    return list(events.values_list("kind", flat=True))


def counts() -> dict[str, int]:
    return {
        "incidents": Incident.objects.count(),
        "orders": WorkOrder.objects.count(),
        "events": TimelineEvent.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "parts": IncidentPart.objects.count(),
    }


# --- Declaring ---------------------------------------------------------------------------


def test_declared_transformer_incident_gets_one_work_order_at_its_station(
    dispatcher_north, transformer
):
    PremiseFactory(transformer=transformer, area_type=AreaType.RURAL)

    incident = declare(dispatcher_north, transformer=transformer, note="Fuse blown at the pole")

    assert incident.source == Incident.Source.DECLARED
    assert incident.level == Incident.Level.TRANSFORMER
    assert incident.status == Incident.Status.DETECTED
    assert incident.station.code == "N01"
    assert incident.declared_by == dispatcher_north
    assert incident.note == "Fuse blown at the pole"
    assert incident.created_at == NOW
    (order,) = open_orders()
    assert incident.work_order == order
    assert order.station.code == "N01"
    assert order.status == WorkOrder.Status.PENDING
    assert order.ticket is None
    assert "T-0315" in order.location
    assert order.brief_text == (
        "Outage declared on Transformer T-0315 (feeder F-12): Fuse blown at the pole"
    )
    assert order.arrive_by == NOW + 90 * MINUTE  # its premises are rural
    assert not order.important
    assert not IncidentPart.objects.exists()  # a transformer incident has no parts
    assert not OutboxMessage.objects.exists()  # nobody texted unless asked


def test_an_important_premise_under_the_device_gets_the_urban_limit(dispatcher_north, transformer):
    PremiseFactory(transformer=transformer, area_type=AreaType.REMOTE, important=True)

    incident = declare(dispatcher_north, transformer=transformer)

    assert incident.work_order.arrive_by == NOW + 45 * MINUTE
    assert incident.work_order.important


def test_declared_feeder_incident_has_a_part_per_transformer(
    supervisor, feeder, transformer, other_transformer
):
    incident = declare(supervisor, feeder=feeder)

    assert incident.level == Incident.Level.FEEDER
    assert incident.transformer is None
    parts = list(incident.parts.values_list("transformer__code", "restored_at"))
    assert parts == [("T-0315", None), ("T-0316", None)]


def test_declaring_takes_in_the_reports_already_called_in(dispatcher_north, transformer):
    first, second = (call(PremiseFactory(transformer=transformer), at=i) for i in range(2))

    incident = declare(dispatcher_north, transformer=transformer, at=5)

    # The reports' orders fold into one: the earliest pending one is kept.
    assert list(open_orders()) == [incident.work_order]
    assert incident.work_order.pk == first.work_order.pk
    assert set(Repair.objects.values_list("incident", flat=True)) == {incident.pk}
    for created in (first, second):
        (attached,) = TimelineEvent.objects.filter(ticket=created.ticket, kind="incident_attached")
        assert attached.data["incident"] == incident.pk


def test_declared_feeder_incident_absorbs_the_transformer_incidents(
    supervisor, feeder, transformer, other_transformer
):
    for i in range(3):
        call(PremiseFactory(transformer=transformer), at=i)
    transformer_incident = Incident.objects.get()

    incident = declare(supervisor, feeder=feeder, at=5)

    transformer_incident.refresh_from_db()
    assert transformer_incident.status == Incident.Status.ABSORBED
    assert transformer_incident.absorbed_into == incident
    assert list(open_orders()) == [incident.work_order]
    assert Repair.objects.filter(incident=incident).count() == 3


def test_a_later_call_under_a_declared_incident_attaches_to_it(dispatcher_north, transformer):
    incident = declare(dispatcher_north, transformer=transformer)

    created = call(PremiseFactory(transformer=transformer), Answers(scope=Scope.SELF_ONLY), at=3)

    assert created.decision.outcome == Outcome.KNOWN_INCIDENT
    assert created.incident == incident
    assert created.work_order == incident.work_order
    assert list(open_orders()) == [incident.work_order]


@pytest.mark.parametrize("level", ["transformer", "feeder"])
def test_declaring_where_an_incident_is_active_is_refused_and_writes_nothing(
    dispatcher_north, transformer, level
):
    for i in range(3):
        call(PremiseFactory(transformer=transformer), at=i)
    existing = Incident.objects.get()
    if level == "feeder":
        declare(dispatcher_north, feeder=transformer.feeder, at=4)  # absorbs it
        existing = Incident.objects.get(level=Incident.Level.FEEDER)
    before = counts()

    with pytest.raises(TransitionNotAllowed, match=f"Incident #{existing.pk}") as refused:
        declare(dispatcher_north, transformer=transformer, at=5, notify_premises=True)

    assert refused.value.field == "device_code"
    assert counts() == before


def test_a_restored_part_of_a_feeder_incident_may_be_declared_again(
    dispatcher_north, feeder, transformer, other_transformer
):
    from repairs.services.incidents import incident_restore_parts

    feeder_incident = declare(dispatcher_north, feeder=feeder)
    incident_restore_parts(
        incident=feeder_incident,
        transformers=[transformer],
        cause=CauseCode.objects.get(code="weather"),
        note="",
        actor=None,
        now=NOW + 30 * MINUTE,
    )

    again = declare(dispatcher_north, transformer=transformer, at=40)

    assert again.level == Incident.Level.TRANSFORMER
    assert again.is_active
    assert Incident.objects.get(pk=feeder_incident.pk).is_active


def test_notify_premises_texts_every_phone_under_the_device_once(dispatcher_north, transformer):
    family = CustomerFactory()
    for number in ("13800000001", "13800000002"):
        CustomerPhoneFactory(customer=family, number=number)
    # Two premises of one customer: each phone hears once.
    PremiseFactory.create_batch(2, transformer=transformer, customer=family)
    neighbour = PremiseFactory(transformer=transformer)
    CustomerPhoneFactory(customer=neighbour.customer, number="13800000003")
    elsewhere = PremiseFactory()  # another transformer
    CustomerPhoneFactory(customer=elsewhere.customer, number="13800000009")
    etr = NOW + 3 * 60 * MINUTE

    incident = declare(dispatcher_north, transformer=transformer, etr=etr, notify_premises=True)

    sms = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).order_by("recipient")
    assert [m.recipient for m in sms] == ["13800000001", "13800000002", "13800000003"]
    assert {m.dedup_key.rsplit(":", 1)[0] for m in sms} == {f"incident:{incident.pk}:declared"}
    assert {m.language for m in sms} == {django_settings.GRIDLINE_CUSTOMER_LANGUAGE}
    assert {m.kind for m in sms} == {"incident_declared"}
    assert incident.premises_notified


def test_a_texted_premise_hears_once_when_power_is_back_even_as_a_caller(
    dispatcher_north, transformer
):
    premise = PremiseFactory(transformer=transformer)
    CustomerPhoneFactory(customer=premise.customer, number="13800000001")
    incident = declare(dispatcher_north, transformer=transformer, notify_premises=True)
    call(premise, at=2, phone="13800000001")

    incident_restore(
        incident=incident,
        cause=CauseCode.objects.get(code="weather"),
        note="",
        actor=None,
        now=NOW + 60 * MINUTE,
    )

    restored = OutboxMessage.objects.filter(dedup_key__contains=":restored:")
    assert list(restored.values_list("recipient", flat=True)) == ["13800000001"]
    assert restored.get().ticket_id is not None  # the caller's, queued first


# --- Dismissing --------------------------------------------------------------------------


@pytest.fixture
def three_callers(transformer):
    """A transformer incident from three neighbours-out calls, and a fourth caller who
    attached to it (a known incident)."""
    made = [call(PremiseFactory(transformer=transformer), at=i, phone="") for i in range(3)]
    known = call(
        PremiseFactory(transformer=transformer, area_type=AreaType.RURAL),
        Answers(scope=Scope.SELF_ONLY),
        at=10,
    )
    assert known.decision.outcome == Outcome.KNOWN_INCIDENT
    return [*made, known]


def test_dismissing_gives_every_attached_ticket_its_own_work_order(dispatcher_north, three_callers):
    incident = Incident.objects.get()
    incident_order = incident.work_order

    dismissed = incident_dismiss(
        incident=incident,
        reason="Street lights only",
        actor=dispatcher_north,
        now=NOW + 20 * MINUTE,
    )

    assert dismissed.status == Incident.Status.DISMISSED
    assert not dismissed.is_active
    assert dismissed.dismissed_at == NOW + 20 * MINUTE
    assert dismissed.dismiss_reason == "Street lights only"
    incident_order.refresh_from_db()
    assert incident_order.status == WorkOrder.Status.CANCELLED
    orders = open_orders()
    assert orders.count() == 4
    assert {order.ticket_id for order in orders} == {c.ticket.pk for c in three_callers}
    for created in three_callers:
        ticket = Ticket.objects.get(pk=created.ticket.pk)
        repair = Repair.objects.get(pk=ticket.pk)
        order = orders.get(ticket=ticket)
        assert ticket.status == Ticket.Status.IN_PROGRESS
        assert repair.outcome == Outcome.DISPATCH
        assert repair.incident == incident  # its history; correlation never counts it again
        assert repair.arrive_by == order.arrive_by
        assert kinds(ticket)[-2:] == ["incident_dismissed", "dispatched"]
        event = ticket.events.get(kind="incident_dismissed")
        assert event.note == "Street lights only"
        assert event.actor == dispatcher_north
        assert event.data == {"incident": incident.pk, "outcome": "dispatch"}
        (arrival,) = Deadline.objects.filter(
            ticket=ticket, name=Deadline.Name.ARRIVE_BY, closed_at__isnull=True
        )
        assert arrival.due_at == order.arrive_by


def test_a_dismissed_report_keeps_its_promise_and_an_attached_call_gets_one_from_now(
    dispatcher_north, three_callers
):
    first, *_others, known = three_callers

    incident_dismiss(incident=Incident.objects.get(), reason="x", actor=None, now=NOW + 20 * MINUTE)

    # Called at NOW in town: 45 minutes from the call, as promised then.
    assert (
        WorkOrder.objects.get(ticket=first.ticket, status="pending").arrive_by == NOW + 45 * MINUTE
    )
    # Attached at NOW+10 with no crew of its own: rural, 90 minutes from the dismissal.
    known_order = WorkOrder.objects.get(ticket=known.ticket, status="pending")
    assert known_order.arrive_by == NOW + 110 * MINUTE
    assert Ticket.objects.get(pk=known.ticket.pk).priority == Priority.HIGH


def test_a_dismissed_ticket_that_needs_no_crew_is_answered_instead(dispatcher_north, transformer):
    for i in range(3):
        call(PremiseFactory(transformer=transformer), at=i)
    power_back = call(
        PremiseFactory(transformer=transformer),
        Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_RESET_OK),
        at=5,
    )
    assert power_back.decision.outcome == Outcome.KNOWN_INCIDENT  # rule 4 came first

    incident_dismiss(incident=Incident.objects.get(), reason="x", actor=None, now=NOW + 9 * MINUTE)

    ticket = Ticket.objects.get(pk=power_back.ticket.pk)
    assert ticket.status == Ticket.Status.RESOLVED
    assert Repair.objects.get(pk=ticket.pk).outcome == Outcome.RESOLVED_ON_CALL
    assert not WorkOrder.objects.filter(ticket=ticket).exists()
    assert kinds(ticket)[-2:] == ["incident_dismissed", "resolve"]


def test_after_a_dismissal_a_new_neighbour_call_is_dispatched_on_its_own(
    dispatcher_north, three_callers, transformer
):
    incident_dismiss(incident=Incident.objects.get(), reason="x", actor=None, now=NOW + 12 * MINUTE)

    created = call(PremiseFactory(transformer=transformer), at=13)

    assert created.decision.outcome == Outcome.DISPATCH
    assert created.incident is None
    assert Incident.objects.count() == 1


def test_dismissing_twice_is_refused_and_changes_nothing(dispatcher_north, three_callers):
    incident = Incident.objects.get()
    incident_dismiss(incident=incident, reason="x", actor=None, now=NOW + 20 * MINUTE)
    before = counts()

    with pytest.raises(TransitionNotAllowed, match="cannot be dismissed"):
        incident_dismiss(incident=incident, reason="again", actor=None, now=NOW + 21 * MINUTE)

    assert counts() == before
    assert Incident.objects.get().dismiss_reason == "x"


def test_a_restored_incident_cannot_be_dismissed(three_callers):
    incident = Incident.objects.get()
    incident_restore(
        incident=incident, cause=CauseCode.objects.get(code="weather"), note="", actor=None
    )
    before = counts()

    with pytest.raises(TransitionNotAllowed):
        incident_dismiss(incident=incident, reason="x", actor=None)

    assert counts() == before
    assert Incident.objects.get().status == Incident.Status.RESTORED
