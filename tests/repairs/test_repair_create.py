"""repair_create (DESIGN §3.1, §3.2): each triage outcome writes the ticket, the repair row,
the work order (or none) and the timeline it should."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from dispatch.models import WorkOrder
from repairs.models import Incident, OutageNotice, Repair
from repairs.services.intake import repair_create
from repairs.triage import Answers, Breaker, FaultSide, Hazard, Outcome, Scope
from tests.factories import PremiseFactory
from tests.factories import work_order_create as make_work_order
from tickets.models import Ticket, TimelineEvent

NOW = datetime(2026, 5, 12, 19, 40, tzinfo=ZoneInfo("Asia/Shanghai"))
MINUTE = timedelta(minutes=1)

NEIGHBOURS_OUT = Answers(scope=Scope.NEIGHBOURS, breaker=Breaker.NOT_TRIPPED)
WIRE_DOWN = Answers(scope=Scope.SELF_ONLY, hazards=frozenset({Hazard.WIRE_DOWN}))
SELF_RESET_OK = Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_RESET_OK)
SELF_CUSTOMER_SIDE = Answers(
    scope=Scope.SELF_ONLY, breaker=Breaker.NOT_TRIPPED, fault_side=FaultSide.CUSTOMER
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def premise(station_north):
    return PremiseFactory(
        transformer__feeder__station=station_north,
        transformer__code="T-0315",
        area_type="urban",
        address="12 Riverside Road",
    )


def report(premise, answers=NEIGHBOURS_OUT, *, actor=None, now=NOW, **kwargs):
    return repair_create(premise=premise, answers=answers, actor=actor, now=now, **kwargs)


def kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.order_by("at", "pk").values_list("kind", flat=True))


def notice_on(premise, *, kind="planned", on="feeder", reason="Replace insulators"):
    notice = OutageNotice.objects.create(
        kind=kind,
        reason=reason,
        starts_at=NOW - timedelta(hours=1),
        ends_at=NOW + timedelta(hours=3),
        published_at=NOW - timedelta(days=8),
    )
    if on == "feeder":
        notice.feeders.add(premise.transformer.feeder)
    else:
        notice.transformers.add(premise.transformer)
    return notice


def incident_on(premise, *, with_order=True):
    transformer = premise.transformer
    order = (
        make_work_order(station=transformer.feeder.station, ticket=False, now=NOW - 20 * MINUTE)
        if with_order
        else None
    )
    return Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station=transformer.feeder.station,
        feeder=transformer.feeder,
        transformer=transformer,
        work_order=order,
        created_at=NOW - 20 * MINUTE,
    )


# --- Dispatching outcomes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("area_type", "arrive_minutes", "restore_minutes"),
    [("urban", 45, 180), ("rural", 90, 240), ("remote", 120, 240)],
)
def test_dispatch_opens_a_pending_work_order_at_the_premise_station(
    agent, station_north, area_type, arrive_minutes, restore_minutes
):
    premise = PremiseFactory(transformer__feeder__station=station_north, area_type=area_type)

    created = report(premise, actor=agent)

    ticket = Ticket.objects.get(pk=created.ticket.pk)
    assert created.decision.outcome == Outcome.DISPATCH
    assert ticket.status == Ticket.Status.IN_PROGRESS
    assert ticket.priority == "high"
    order = WorkOrder.objects.get(ticket=ticket)
    assert created.work_order == order
    assert order.status == WorkOrder.Status.PENDING
    assert order.station == station_north
    assert order.location == premise.address
    assert order.arrive_by == NOW + arrive_minutes * MINUTE
    assert order.restore_within == restore_minutes * MINUTE
    assert order.important is False
    assert order.crew is None
    assert created.repair.arrive_by == NOW + arrive_minutes * MINUTE
    assert created.incident is None


def test_dispatch_writes_created_triaged_start_dispatched_in_order(agent, premise):
    created = report(premise, actor=agent)

    ticket = created.ticket
    assert kinds(ticket) == ["created", "triaged", "start", "dispatched"]
    triaged = ticket.events.get(kind="triaged")
    assert triaged.data == {"outcome": "dispatch", "notice": None, "incident": None}
    assert triaged.note == "Dispatch"  # the outcome; the reason is on the repair
    assert triaged.actor == agent
    start = ticket.events.get(kind="start")
    assert (start.old_status, start.new_status) == ("open", "in_progress")
    dispatched = ticket.events.get(kind="dispatched")
    assert dispatched.data == {"work_order": created.work_order.pk, "station": "N01"}
    assert set(ticket.events.values_list("at", flat=True)) == {NOW}


@pytest.mark.parametrize("area_type", ["urban", "rural", "remote"])
def test_emergency_gets_the_urban_arrival_limit_and_urgent_priority(
    agent, station_north, area_type
):
    premise = PremiseFactory(transformer__feeder__station=station_north, area_type=area_type)

    created = report(premise, WIRE_DOWN, actor=agent)

    ticket = Ticket.objects.get(pk=created.ticket.pk)
    order = WorkOrder.objects.get(ticket=ticket)
    assert created.decision.outcome == Outcome.EMERGENCY_DISPATCH
    assert ticket.status == Ticket.Status.IN_PROGRESS
    assert ticket.priority == "urgent"
    assert order.arrive_by == NOW + 45 * MINUTE
    assert order.important is True
    assert order.hazards == ["wire_down"]
    assert kinds(ticket) == ["created", "triaged", "start", "dispatched"]


def test_emergency_on_the_customer_side_is_still_dispatched(agent, premise):
    answers = Answers(
        scope=Scope.SELF_ONLY,
        breaker=Breaker.TRIPPED_RESET_OK,
        fault_side=FaultSide.CUSTOMER,
        hazards=frozenset({Hazard.FIRE_SMOKE}),
    )

    created = report(premise, answers)

    assert created.decision.outcome == Outcome.EMERGENCY_DISPATCH
    assert WorkOrder.objects.filter(ticket=created.ticket).count() == 1


def test_hazard_beats_a_planned_outage(agent, premise):
    notice_on(premise)

    created = report(premise, WIRE_DOWN, actor=agent)

    assert created.decision.outcome == Outcome.EMERGENCY_DISPATCH
    assert created.repair.notice is None
    assert created.work_order is not None


@pytest.mark.parametrize("area_type", ["rural", "remote"])
def test_important_premise_gets_urban_limits_and_urgent_priority(agent, station_north, area_type):
    premise = PremiseFactory(
        transformer__feeder__station=station_north, area_type=area_type, important=True
    )

    created = report(premise, actor=agent)

    ticket = Ticket.objects.get(pk=created.ticket.pk)
    order = created.work_order
    assert created.decision.outcome == Outcome.DISPATCH
    assert ticket.priority == "urgent"
    assert created.repair.arrive_by == NOW + 45 * MINUTE
    assert order.arrive_by == NOW + 45 * MINUTE
    assert order.restore_within == 180 * MINUTE
    assert order.important is True


def test_arrival_limits_are_read_from_settings(agent, premise, settings):
    settings.GRIDLINE_ARRIVAL_MINUTES = {"urban": 30, "rural": 60, "remote": 90}

    created = report(premise, actor=agent)

    assert created.work_order.arrive_by == NOW + 30 * MINUTE


# --- The repair row ------------------------------------------------------------------


def test_repair_row_keeps_every_answer_and_the_ticket_its_call_details(agent, premise):
    answers = Answers(
        scope=Scope.SELF_ONLY,
        breaker=Breaker.TRIPPED_NO_RESET,
        high_power_load=True,
        equipment_in_use="electric water heater",
        fault_side=FaultSide.UTILITY,
        hazards=frozenset({Hazard.FLOODING, Hazard.ELECTRIC_SHOCK}),
    )

    created = report(
        premise,
        answers,
        actor=agent,
        caller_phone="13800001234",
        description="Sparks at the meter box",
    )

    repair = Repair.objects.get(pk=created.ticket.pk)
    assert repair.scope == "self_only"
    assert repair.breaker == "tripped_no_reset"
    assert repair.high_power_load is True
    assert repair.equipment_in_use == "electric water heater"
    assert repair.fault_side == "utility"
    assert repair.hazards == ["electric_shock", "flooding"]
    assert repair.outcome == "emergency_dispatch"
    assert repair.reason == created.decision.reason
    assert "Electric shock" in repair.reason
    assert repair.notice is None
    assert repair.incident is None
    ticket = repair.ticket
    assert ticket.kind == "repair"
    assert ticket.premise == premise
    assert ticket.customer == premise.customer
    assert ticket.station.code == "N01"
    assert ticket.caller_phone == "13800001234"
    assert ticket.description == "Sparks at the meter box"
    assert ticket.channel == "hotline"
    assert ticket.created_by == agent
    assert ticket.created_at == NOW
    assert ticket.number.startswith("R20260512-")


@pytest.mark.parametrize(
    ("breaker", "high_power_load", "likely_cause"),
    [
        ("tripped_no_reset", True, "overload"),
        ("tripped_reset_ok", True, "overload"),
        ("not_tripped", True, ""),
        ("unknown", True, ""),
        ("tripped_no_reset", False, ""),
    ],
)
def test_overload_is_the_likely_cause_only_with_a_tripped_breaker(
    premise, breaker, high_power_load, likely_cause
):
    answers = Answers(
        scope=Scope.SELF_ONLY,
        breaker=breaker,
        high_power_load=high_power_load,
        fault_side=FaultSide.UTILITY,
    )

    created = report(premise, answers)

    assert Repair.objects.get(pk=created.ticket.pk).likely_cause == likely_cause


def test_overload_is_in_the_crew_brief(premise):
    answers = Answers(
        scope=Scope.SELF_ONLY,
        breaker=Breaker.TRIPPED_NO_RESET,
        high_power_load=True,
        equipment_in_use="air conditioner",
        fault_side=FaultSide.UTILITY,
    )

    created = report(premise, answers)

    assert created.decision.outcome == Outcome.DISPATCH
    assert "Likely overload" in created.work_order.brief_text
    assert "air conditioner" in created.work_order.brief_text


# --- Outcomes answered on the call ---------------------------------------------------


def assert_resolved_on_creation(created, *, outcome):
    ticket = Ticket.objects.get(pk=created.ticket.pk)
    assert created.decision.outcome == outcome
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.resolved_at == NOW
    assert ticket.priority == "normal"
    assert kinds(ticket) == ["created", "triaged", "resolve"]
    resolve = ticket.events.get(kind="resolve")
    assert resolve.note == created.decision.reason
    assert resolve.note
    assert resolve.data == {"outcome": outcome}
    assert (resolve.old_status, resolve.new_status) == ("open", "resolved")
    assert created.work_order is None
    assert created.incident is None
    assert created.repair.arrive_by is None
    assert not WorkOrder.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize("on", ["feeder", "transformer"])
def test_planned_outage_is_resolved_with_the_window_and_no_work_order(premise, on):
    notice = notice_on(premise, on=on, reason="Replace insulators")

    created = report(premise, NEIGHBOURS_OUT)

    assert_resolved_on_creation(created, outcome=Outcome.PLANNED_OUTAGE)
    assert created.repair.notice == notice
    assert "Replace insulators" in created.repair.reason
    assert created.ticket.events.get(kind="triaged").data["notice"] == notice.pk


def test_temporary_outage_counts_as_a_planned_outage(premise):
    notice_on(premise, kind="temporary")

    assert_resolved_on_creation(report(premise), outcome=Outcome.PLANNED_OUTAGE)


def test_supply_restriction_is_resolved_with_no_work_order(premise):
    notice = notice_on(premise, kind="restriction", reason="Grid shortage")

    created = report(premise)

    assert_resolved_on_creation(created, outcome=Outcome.SUPPLY_RESTRICTION)
    assert created.repair.notice == notice
    assert "Grid shortage" in created.repair.reason


def test_notice_that_has_ended_does_not_answer_the_call(premise):
    notice = notice_on(premise)
    notice.ends_at = NOW
    notice.save(update_fields=["ends_at"])

    assert report(premise).decision.outcome == Outcome.DISPATCH


def test_resolved_on_call_when_the_breaker_reset_brings_power_back(premise):
    assert_resolved_on_creation(report(premise, SELF_RESET_OK), outcome=Outcome.RESOLVED_ON_CALL)


@pytest.mark.parametrize(
    "answers",
    [
        SELF_CUSTOMER_SIDE,
        Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_NO_RESET),
    ],
    ids=["fault-side-customer", "breaker-will-not-reset"],
)
def test_customer_side_is_resolved_with_the_advice(premise, answers):
    created = report(premise, answers)

    assert_resolved_on_creation(created, outcome=Outcome.CUSTOMER_SIDE)
    assert "electrician" in created.repair.reason


def test_important_premise_answered_on_the_call_is_still_urgent(station_north):
    premise = PremiseFactory(transformer__feeder__station=station_north, important=True)

    created = report(premise, SELF_RESET_OK)

    assert Ticket.objects.get(pk=created.ticket.pk).priority == "urgent"
    assert created.work_order is None


# --- Known incident ------------------------------------------------------------------


def test_known_incident_attaches_the_ticket_and_opens_no_work_order(agent, premise):
    incident = incident_on(premise)
    orders_before = WorkOrder.objects.count()

    created = report(premise, actor=agent)

    ticket = Ticket.objects.get(pk=created.ticket.pk)
    assert created.decision.outcome == Outcome.KNOWN_INCIDENT
    assert ticket.status == Ticket.Status.IN_PROGRESS
    assert ticket.priority == "normal"
    assert Repair.objects.get(pk=ticket.pk).incident == incident
    assert created.incident == incident
    assert created.work_order == incident.work_order
    assert WorkOrder.objects.count() == orders_before
    assert not WorkOrder.objects.filter(ticket=ticket).exists()
    assert created.repair.arrive_by is None
    assert kinds(ticket) == ["created", "triaged", "start"]
    assert ticket.events.get(kind="start").data == {"incident": incident.pk}
    assert ticket.events.get(kind="triaged").data["incident"] == incident.pk
    assert incident.device_code in created.repair.reason  # the agent's note


def test_known_incident_comes_before_the_callers_own_answers(premise):
    incident = incident_on(premise)

    created = report(premise, SELF_RESET_OK)

    assert created.decision.outcome == Outcome.KNOWN_INCIDENT
    assert created.incident == incident


def test_known_incident_without_a_work_order_yet(premise):
    incident = incident_on(premise, with_order=False)

    created = report(premise)

    assert created.incident == incident
    assert created.work_order is None
    assert WorkOrder.objects.count() == 0


def test_planned_outage_beats_a_known_incident(premise):
    incident_on(premise)
    notice_on(premise)

    created = report(premise)

    assert created.decision.outcome == Outcome.PLANNED_OUTAGE
    assert created.repair.incident is None


def test_restored_incident_does_not_attach_new_calls(premise):
    incident = incident_on(premise)
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.RESTORED)

    created = report(premise)

    assert created.decision.outcome == Outcome.DISPATCH
    assert created.repair.incident is None


# --- Atomicity -----------------------------------------------------------------------


def test_failure_after_the_ticket_is_written_leaves_nothing(premise, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("station queue unavailable")

    monkeypatch.setattr("repairs.services.intake.work_order_create", broken)

    with pytest.raises(RuntimeError):
        report(premise)

    assert Ticket.objects.count() == 0
    assert Repair.objects.count() == 0
    assert TimelineEvent.objects.count() == 0
