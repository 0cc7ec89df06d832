"""DESIGN §3.3 outage correlation: reports become transformer incidents, transformer incidents
become feeder incidents, and restoring an incident resolves every ticket attached to it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from accounts.models import Role
from config.errors import NotPermitted, TransitionNotAllowed
from dispatch.models import OPEN_WORK_ORDER_STATUSES, CauseCode, WorkOrder
from dispatch.selectors import crew_of
from dispatch.services import crew_member_set
from repairs.models import Incident, Repair
from repairs.services.incidents import incident_acknowledge, incident_etr_set, incident_restore
from repairs.services.intake import repair_create
from repairs.triage import Answers, Breaker, FaultSide, Hazard, Outcome, Scope
from tests.dispatch.steps import take_step
from tests.factories import (
    CrewFactory,
    FeederFactory,
    PremiseFactory,
    TransformerFactory,
    UserFactory,
)
from tickets.models import Ticket, TimelineEvent
from tickets.services import ticket_transition

NOW = datetime(2026, 5, 12, 19, 40, tzinfo=ZoneInfo("Asia/Shanghai"))
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)

NEIGHBOURS = Answers(scope=Scope.NEIGHBOURS, breaker=Breaker.NOT_TRIPPED)
AREA = Answers(scope=Scope.AREA)
SELF_ONLY_DISPATCH = Answers(
    scope=Scope.SELF_ONLY, breaker=Breaker.NOT_TRIPPED, fault_side=FaultSide.UTILITY
)
UNKNOWN_SCOPE = Answers(scope=Scope.UNKNOWN)
NEIGHBOURS_WIRE_DOWN = Answers(scope=Scope.NEIGHBOURS, hazards=frozenset({Hazard.WIRE_DOWN}))


@pytest.fixture(autouse=True)
def _rules(settings):
    """The DESIGN §3.3 defaults, spelled out so a changed default does not change these tests."""
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = 3
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 30
    settings.GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS = 2
    settings.GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES = 30
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = True
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


def premises(transformer, n):
    return [PremiseFactory(transformer=transformer) for _ in range(n)]


def report(premise, answers=NEIGHBOURS, *, at=0, actor=None):
    """One repair call `at` minutes after NOW."""
    return repair_create(premise=premise, answers=answers, actor=actor, now=NOW + at * MINUTE)


def reports(premise_list, *, start=0, answers=NEIGHBOURS):
    """One call per premise, a minute apart."""
    return [report(p, answers, at=start + i) for i, p in enumerate(premise_list)]


def kinds(ticket) -> list[str]:
    return list(
        TimelineEvent.objects.filter(ticket_id=ticket.pk)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


def events(ticket, kind):
    return list(TimelineEvent.objects.filter(ticket_id=ticket.pk, kind=kind))


def open_orders():
    return WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES)


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def cause(code="transformer_fuse") -> CauseCode:
    return CauseCode.objects.get(code=code)


def crew_user(username, station):
    user = UserFactory(username=username, role=Role.CREW, station=station)
    crew_member_set(user=user, crew=CrewFactory(station=station))
    return user


# --- Opening a transformer incident --------------------------------------------------


@pytest.mark.parametrize("min_reports", [3, 4, 2])
def test_one_report_short_of_the_threshold_makes_no_incident(settings, transformer, min_reports):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = min_reports

    made = reports(premises(transformer, min_reports - 1))

    assert Incident.objects.count() == 0
    assert all(created.incident is None for created in made)
    assert open_orders().count() == min_reports - 1
    for created in made:
        ticket = fresh(created.ticket)
        assert ticket.status == Ticket.Status.IN_PROGRESS
        assert WorkOrder.objects.get(ticket=ticket).status == WorkOrder.Status.PENDING
        assert Repair.objects.get(pk=ticket.pk).incident is None
        assert not events(ticket, "incident_attached")


@pytest.mark.parametrize("min_reports", [3, 4])
def test_the_nth_report_opens_one_transformer_incident(settings, transformer, min_reports):
    settings.GRIDLINE_INCIDENT_MIN_REPORTS = min_reports

    made = reports(premises(transformer, min_reports))

    incident = Incident.objects.get()
    assert incident.level == Incident.Level.TRANSFORMER
    assert incident.transformer == transformer
    assert incident.feeder == transformer.feeder
    assert incident.station.code == "N01"
    assert incident.status == Incident.Status.DETECTED
    assert incident.created_at == NOW + (min_reports - 1) * MINUTE
    assert made[-1].incident == incident
    assert made[-1].work_order == incident.work_order
    assert all(created.incident is None for created in made[:-1])
    assert set(Repair.objects.values_list("incident", flat=True)) == {incident.pk}


def test_incident_keeps_one_work_order_and_cancels_the_others(transformer):
    first, second, third = reports(premises(transformer, 3))

    incident = Incident.objects.get()
    kept = incident.work_order
    assert kept.pk == first.work_order.pk  # all pending: the earliest is kept
    assert kept.status == WorkOrder.Status.PENDING
    assert kept.ticket is None
    assert "T-0315" in kept.location
    assert "3 reports" in kept.brief_text
    assert kept.arrive_by == NOW + 45 * MINUTE
    assert list(open_orders()) == [kept]
    # Cancelled, never deleted.
    assert WorkOrder.objects.count() == 3
    for created in (second, third):
        # repair_create answers with the incident's order; the call's own is cancelled.
        order = WorkOrder.objects.get(ticket_id=created.ticket.pk)
        assert order.status == WorkOrder.Status.CANCELLED
        assert order.cancelled_at == NOW + 2 * MINUTE
        (cancelled,) = events(created.ticket, "work_order_cancelled")
        assert cancelled.data["work_order"] == order.pk
        assert (cancelled.data["from"], cancelled.data["to"]) == ("pending", "cancelled")
        assert f"#{incident.pk}" in cancelled.note


def test_every_report_gets_one_incident_attached_event(transformer):
    first, second, third = reports(premises(transformer, 3))

    incident = Incident.objects.get()
    for created in (first, second, third):
        (attached,) = events(created.ticket, "incident_attached")
        assert attached.data == {"incident": incident.pk, "work_order": incident.work_order_id}
        assert attached.at == NOW + 2 * MINUTE
        assert fresh(created.ticket).status == Ticket.Status.IN_PROGRESS
    head = ["created", "triaged", "start", "dispatched"]
    assert kinds(first.ticket) == [*head, "merged", "incident_attached"]
    assert kinds(second.ticket) == [*head, "work_order_cancelled", "incident_attached"]
    assert kinds(third.ticket) == [*head, "work_order_cancelled", "incident_attached"]


def test_area_and_neighbours_reports_count_together(transformer):
    a, b, c = premises(transformer, 3)

    report(a, NEIGHBOURS, at=0)
    report(b, AREA, at=1)
    created = report(c, NEIGHBOURS, at=2)

    assert created.incident is not None
    assert Incident.objects.count() == 1


def test_two_reports_from_one_premise_count_once(transformer):
    a, b, c = premises(transformer, 3)
    first = report(a, at=0)
    again = report(a, at=1)

    third = report(b, at=2)

    assert third.incident is None
    assert Incident.objects.count() == 0

    fourth = report(c, at=3)

    incident = Incident.objects.get()
    assert fourth.incident == incident
    # Both calls from the same premise are attached; their orders fold into one.
    for created in (first, again, third, fourth):
        assert Repair.objects.get(pk=created.ticket.pk).incident == incident
        assert len(events(created.ticket, "incident_attached")) == 1
    assert list(open_orders()) == [incident.work_order]
    assert WorkOrder.objects.filter(status=WorkOrder.Status.CANCELLED).count() == 3


@pytest.mark.parametrize(
    ("offsets", "opens"),
    [([0, 0, 29], True), ([0, 0, 31], False), ([0, 15, 31], False)],
    ids=["29-minutes-apart", "31-minutes-apart", "first-one-fell-out"],
)
def test_reports_combine_only_within_the_window(transformer, offsets, opens):
    premise_list = premises(transformer, 3)

    for premise, at in zip(premise_list, offsets, strict=True):
        report(premise, at=at)

    assert Incident.objects.exists() is opens
    assert open_orders().count() == (1 if opens else 3)


def test_window_is_read_from_settings(settings, transformer):
    settings.GRIDLINE_INCIDENT_WINDOW_MINUTES = 60
    a, b, c = premises(transformer, 3)

    report(a, at=0)
    report(b, at=0)
    created = report(c, at=45)

    assert created.incident is not None


@pytest.mark.parametrize(
    "answers",
    [SELF_ONLY_DISPATCH, UNKNOWN_SCOPE, NEIGHBOURS_WIRE_DOWN],
    ids=["self_only", "unknown-scope", "emergency"],
)
def test_reports_that_do_not_say_neighbours_are_out_never_count(transformer, answers):
    a, b, c, d = premises(transformer, 4)
    report(a, at=0)
    report(b, at=1)

    odd = report(c, answers, at=2)

    assert odd.decision.dispatches
    assert odd.incident is None
    assert Incident.objects.count() == 0

    created = report(d, at=3)

    # The third counting premise opens the incident; the odd report keeps its own order.
    incident = created.incident
    assert incident is not None
    assert Repair.objects.get(pk=odd.ticket.pk).incident is None
    assert WorkOrder.objects.get(pk=odd.work_order.pk).status == WorkOrder.Status.PENDING
    assert not events(odd.ticket, "incident_attached")
    assert set(open_orders()) == {incident.work_order, odd.work_order}


def test_reports_on_another_transformer_do_not_count(transformer, other_transformer):
    report(PremiseFactory(transformer=transformer), at=0)
    report(PremiseFactory(transformer=transformer), at=1)

    created = report(PremiseFactory(transformer=other_transformer), at=2)

    assert created.incident is None
    assert Incident.objects.count() == 0


def test_resolved_reports_no_longer_count(transformer):
    a, b, c = premises(transformer, 3)
    first = report(a, at=0)
    ticket_transition(ticket=first.ticket, action="resolve", actor=None, now=NOW + MINUTE)
    report(b, at=2)

    created = report(c, at=3)

    assert created.incident is None


# --- Later reports -------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        NEIGHBOURS,
        SELF_ONLY_DISPATCH,
        Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_RESET_OK),
    ],
    ids=["neighbours", "self_only", "self_only-reset-ok"],
)
def test_later_report_on_the_transformer_is_a_known_incident(transformer, answers):
    reports(premises(transformer, 3))
    incident = Incident.objects.get()
    orders = WorkOrder.objects.count()

    created = report(PremiseFactory(transformer=transformer), answers, at=10)

    ticket = fresh(created.ticket)
    assert created.decision.outcome == Outcome.KNOWN_INCIDENT
    assert created.incident == incident
    assert created.work_order == incident.work_order
    assert ticket.status == Ticket.Status.IN_PROGRESS
    assert Repair.objects.get(pk=ticket.pk).incident == incident
    assert WorkOrder.objects.count() == orders
    assert Incident.objects.count() == 1


def test_later_report_long_after_the_window_still_attaches_while_active(transformer):
    reports(premises(transformer, 3))

    created = report(PremiseFactory(transformer=transformer), at=300)

    assert created.decision.outcome == Outcome.KNOWN_INCIDENT


def test_emergency_under_an_active_incident_still_gets_its_own_crew(transformer):
    reports(premises(transformer, 3))

    created = report(PremiseFactory(transformer=transformer), NEIGHBOURS_WIRE_DOWN, at=5)

    assert created.decision.outcome == Outcome.EMERGENCY_DISPATCH
    assert created.incident is None
    assert WorkOrder.objects.get(ticket=created.ticket).status == WorkOrder.Status.PENDING


# --- The kept order ------------------------------------------------------------------


def test_order_a_crew_already_accepted_is_the_one_kept(transformer, crew_north):
    a, b, c = premises(transformer, 3)
    first = report(a, at=0)
    second = report(b, at=1)
    take_step(order=second.work_order, action="accept", actor=crew_north, now=NOW + MINUTE)

    third = report(c, at=2)

    incident = Incident.objects.get()
    kept = incident.work_order
    assert kept.pk == second.work_order.pk
    assert kept.status == WorkOrder.Status.ACCEPTED
    assert kept.crew == crew_of(crew_north)
    assert third.work_order == kept
    assert list(open_orders()) == [kept]
    for created in (first, third):
        order = WorkOrder.objects.get(ticket_id=created.ticket.pk)
        assert order.status == WorkOrder.Status.CANCELLED
        assert len(events(created.ticket, "work_order_cancelled")) == 1
    assert len(events(second.ticket, "merged")) == 1
    assert not events(second.ticket, "work_order_cancelled")


def test_order_further_along_beats_one_only_accepted(transformer, crew_north):
    a, b, c = premises(transformer, 3)
    first = report(a, at=0)
    take_step(order=first.work_order, action="accept", actor=crew_north, now=NOW)
    second = report(b, at=1)
    for action in ("accept", "depart"):
        take_step(order=second.work_order, action=action, actor=crew_north, now=NOW)

    report(c, at=2)

    kept = Incident.objects.get().work_order
    assert kept.pk == second.work_order.pk
    assert kept.status == WorkOrder.Status.EN_ROUTE
    assert WorkOrder.objects.get(pk=first.work_order.pk).status == WorkOrder.Status.CANCELLED


def test_incident_formed_around_an_accepted_order_is_acknowledged(transformer, crew_north):
    a, b, c = premises(transformer, 3)
    report(a, at=0)
    second = report(b, at=1)
    take_step(order=second.work_order, action="accept", actor=crew_north, now=NOW + MINUTE)

    third = report(c, at=2)

    incident = Incident.objects.get()
    assert incident.status == Incident.Status.ACKNOWLEDGED
    assert len(events(third.ticket, "incident_acknowledged")) == 1


# --- Feeder incidents ----------------------------------------------------------------


def test_incidents_on_two_transformers_of_a_feeder_become_one_feeder_incident(
    feeder, transformer, other_transformer
):
    on_first = reports(premises(transformer, 3), start=0)
    first_incident = Incident.objects.get()

    on_second = reports(premises(other_transformer, 3), start=3)

    feeder_incident = Incident.objects.get(level=Incident.Level.FEEDER)
    assert on_second[-1].incident == feeder_incident
    assert feeder_incident.feeder == feeder
    assert feeder_incident.transformer is None
    assert feeder_incident.station.code == "N01"
    assert feeder_incident.status == Incident.Status.DETECTED
    assert feeder_incident.device_code == "F-12"
    absorbed = Incident.objects.filter(level=Incident.Level.TRANSFORMER)
    assert absorbed.count() == 2
    for incident in absorbed:
        assert incident.status == Incident.Status.ABSORBED
        assert incident.absorbed_into == feeder_incident
        assert incident.work_order is None
    assert Incident.objects.filter(status__in=["detected", "acknowledged"]).count() == 1
    # Every ticket now belongs to the feeder incident, and it alone has an open order.
    for created in on_first + on_second:
        assert Repair.objects.get(pk=created.ticket.pk).incident == feeder_incident
        last = events(created.ticket, "incident_attached")[-1]
        assert last.data["incident"] == feeder_incident.pk
        assert fresh(created.ticket).status == Ticket.Status.IN_PROGRESS
    assert list(open_orders()) == [feeder_incident.work_order]
    # The earliest transformer order is kept for the feeder.
    assert feeder_incident.work_order.pk == on_first[0].work_order.pk
    assert "F-12" in feeder_incident.work_order.location
    assert first_incident.pk in absorbed.values_list("pk", flat=True)


def test_later_report_anywhere_on_the_feeder_attaches_to_the_feeder_incident(
    feeder, transformer, other_transformer
):
    reports(premises(transformer, 3), start=0)
    reports(premises(other_transformer, 3), start=3)
    feeder_incident = Incident.objects.get(level=Incident.Level.FEEDER)
    third_transformer = TransformerFactory(feeder=feeder)

    for premise in (
        PremiseFactory(transformer=transformer),
        PremiseFactory(transformer=third_transformer),
    ):
        created = report(premise, at=10)

        assert created.decision.outcome == Outcome.KNOWN_INCIDENT
        assert created.incident == feeder_incident
    assert open_orders().count() == 1


def test_transformer_incidents_outside_the_feeder_window_stay_apart(transformer, other_transformer):
    reports(premises(transformer, 3), start=0)  # incident at +2

    reports(premises(other_transformer, 3), start=31)  # incident at +33

    assert not Incident.objects.filter(level=Incident.Level.FEEDER).exists()
    assert Incident.objects.filter(status=Incident.Status.DETECTED).count() == 2
    assert open_orders().count() == 2


def test_feeder_window_is_read_from_settings(settings, transformer, other_transformer):
    settings.GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES = 60
    reports(premises(transformer, 3), start=0)

    reports(premises(other_transformer, 3), start=31)

    assert Incident.objects.filter(level=Incident.Level.FEEDER).count() == 1


def test_feeder_threshold_is_read_from_settings(settings, feeder, transformer, other_transformer):
    settings.GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS = 3
    reports(premises(transformer, 3), start=0)
    reports(premises(other_transformer, 3), start=3)

    assert not Incident.objects.filter(level=Incident.Level.FEEDER).exists()

    reports(premises(TransformerFactory(feeder=feeder), 3), start=6)

    feeder_incident = Incident.objects.get(level=Incident.Level.FEEDER)
    assert feeder_incident.absorbed.count() == 3
    assert Repair.objects.filter(incident=feeder_incident).count() == 9
    assert list(open_orders()) == [feeder_incident.work_order]


def test_transformers_on_different_feeders_do_not_combine(transformer):
    reports(premises(transformer, 3), start=0)

    reports(premises(TransformerFactory(feeder__station=transformer.feeder.station), 3), start=3)

    assert not Incident.objects.filter(level=Incident.Level.FEEDER).exists()
    assert Incident.objects.filter(status=Incident.Status.DETECTED).count() == 2


def test_feeder_incident_keeps_the_order_a_crew_has_taken(
    transformer, other_transformer, crew_north
):
    reports(premises(transformer, 3), start=0)
    second_side = reports(premises(other_transformer, 2), start=3)
    # One of the second transformer's orders is on the road before its incident forms.
    taken = second_side[1].work_order
    for action in ("accept", "depart"):
        take_step(order=taken, action=action, actor=crew_north, now=NOW + 4 * MINUTE)

    report(PremiseFactory(transformer=other_transformer), at=5)

    feeder_incident = Incident.objects.get(level=Incident.Level.FEEDER)
    assert feeder_incident.work_order.pk == taken.pk
    assert feeder_incident.work_order.status == WorkOrder.Status.EN_ROUTE
    assert feeder_incident.work_order.crew == crew_of(crew_north)
    assert list(open_orders()) == [feeder_incident.work_order]


def test_feeder_incident_takes_the_latest_etr_of_what_it_absorbs(transformer, other_transformer):
    reports(premises(transformer, 3), start=0)
    first_incident = Incident.objects.get()
    etr = NOW + timedelta(hours=3)
    incident_etr_set(incident=first_incident, etr=etr, actor=None, now=NOW + 3 * MINUTE)

    reports(premises(other_transformer, 3), start=4)

    assert Incident.objects.get(level=Incident.Level.FEEDER).etr == etr


# --- Restoring -----------------------------------------------------------------------


@pytest.fixture
def incident_with_tickets(transformer, agent):
    """A transformer incident with three reports, one known-incident call, one emergency
    on the same transformer (not attached) and one attached ticket already resolved."""
    made = reports(premises(transformer, 3))
    incident = Incident.objects.get()
    late = report(PremiseFactory(transformer=transformer), at=5)
    emergency = report(PremiseFactory(transformer=transformer), NEIGHBOURS_WIRE_DOWN, at=6)
    early = made[0].ticket
    ticket_transition(ticket=early, action="resolve", actor=agent, now=NOW + 7 * MINUTE)
    attached_open = [made[1].ticket, made[2].ticket, late.ticket]
    return incident, attached_open, early, emergency


def test_restore_resolves_every_attached_open_ticket_once_with_the_cause(
    incident_with_tickets, dispatcher_north
):
    incident, attached_open, early, emergency = incident_with_tickets
    at = NOW + 60 * MINUTE

    incident_restore(
        incident=incident,
        cause=cause("transformer_fuse"),
        note="Replaced the HV fuse",
        actor=dispatcher_north,
        now=at,
    )

    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESTORED
    assert incident.restored_at == at
    assert incident.cause.code == "transformer_fuse"
    assert incident.cause_note == "Replaced the HV fuse"
    for ticket in attached_open:
        ticket = fresh(ticket)
        assert ticket.status == Ticket.Status.RESOLVED
        assert ticket.resolved_at == at
        (resolve,) = events(ticket, "resolve")
        assert resolve.data == {"incident": incident.pk, "cause": "transformer_fuse"}
        assert "Transformer fuse" in resolve.note
        assert "Replaced the HV fuse" in resolve.note
        assert resolve.actor == dispatcher_north
        assert (resolve.old_status, resolve.new_status) == ("in_progress", "resolved")
        assert kinds(ticket)[-1] == "resolve"
    # The ticket resolved earlier keeps its one resolve event.
    (earlier,) = events(early, "resolve")
    assert earlier.at == NOW + 7 * MINUTE
    # The emergency was never attached: it is still open with its own crew.
    assert fresh(emergency.ticket).status == Ticket.Status.IN_PROGRESS
    assert WorkOrder.objects.get(pk=emergency.work_order.pk).status == WorkOrder.Status.PENDING
    # The incident's crew job is over.
    assert incident.work_order.status == WorkOrder.Status.CANCELLED


def test_second_restore_is_refused_and_changes_nothing(incident_with_tickets, dispatcher_north):
    incident, _attached, _early, _emergency = incident_with_tickets
    first_at = NOW + 60 * MINUTE
    incident_restore(
        incident=incident, cause=cause(), note="fuse", actor=dispatcher_north, now=first_at
    )
    events_before = TimelineEvent.objects.count()
    statuses_before = list(Ticket.objects.order_by("pk").values_list("pk", "status", "updated_at"))

    with pytest.raises(TransitionNotAllowed):
        incident_restore(
            incident=incident,
            cause=cause("weather"),
            note="storm",
            actor=dispatcher_north,
            now=first_at + 10 * MINUTE,
        )

    incident.refresh_from_db()
    assert incident.restored_at == first_at
    assert incident.cause.code == "transformer_fuse"
    assert incident.cause_note == "fuse"
    assert TimelineEvent.objects.count() == events_before
    assert (
        list(Ticket.objects.order_by("pk").values_list("pk", "status", "updated_at"))
        == statuses_before
    )


def test_absorbed_incident_cannot_be_restored(transformer, other_transformer, dispatcher_north):
    reports(premises(transformer, 3), start=0)
    reports(premises(other_transformer, 3), start=3)
    absorbed = Incident.objects.filter(status=Incident.Status.ABSORBED).first()

    with pytest.raises(TransitionNotAllowed):
        incident_restore(incident=absorbed, cause=cause(), note="", actor=dispatcher_north, now=NOW)

    assert Ticket.objects.filter(status=Ticket.Status.RESOLVED).count() == 0


def test_restoring_the_feeder_incident_resolves_the_tickets_of_both_transformers(
    transformer, other_transformer, dispatcher_north
):
    made = reports(premises(transformer, 3), start=0) + reports(
        premises(other_transformer, 3), start=3
    )
    feeder_incident = Incident.objects.get(level=Incident.Level.FEEDER)

    incident_restore(
        incident=feeder_incident,
        cause=cause("feeder_trip"),
        note="",
        actor=dispatcher_north,
        now=NOW + HOUR,
    )

    for created in made:
        ticket = fresh(created.ticket)
        assert ticket.status == Ticket.Status.RESOLVED
        assert len(events(ticket, "resolve")) == 1
    assert open_orders().count() == 0


# --- The incident follows its work order ---------------------------------------------


def walk(order, crew_user_, dispatcher, *, complete_with=None):
    """Assign, accept, depart, arrive; complete when told what with."""
    crew = crew_of(crew_user_)
    take_step(order=order, action="assign", actor=dispatcher, data={"crew": crew.code})
    for action in ("accept", "depart", "arrive"):
        take_step(order=order, action=action, actor=crew_user_)
    if complete_with is not None:
        take_step(order=order, action="complete", actor=crew_user_, data=complete_with)


def test_accepting_the_incident_order_acknowledges_the_incident(
    transformer, crew_north, dispatcher_north
):
    made = reports(premises(transformer, 3))
    incident = Incident.objects.get()
    order = incident.work_order
    take_step(
        order=order,
        action="assign",
        actor=dispatcher_north,
        data={"crew": crew_of(crew_north).code},
    )
    assert Incident.objects.get().status == Incident.Status.DETECTED

    take_step(order=order, action="accept", actor=crew_north, now=NOW + 10 * MINUTE)

    incident.refresh_from_db()
    assert incident.status == Incident.Status.ACKNOWLEDGED
    assert incident.acknowledged_at == NOW + 10 * MINUTE
    for created in made:
        assert len(events(created.ticket, "incident_acknowledged")) == 1
        assert fresh(created.ticket).status == Ticket.Status.IN_PROGRESS


def test_completing_the_incident_order_restores_it_and_resolves_every_ticket(
    transformer, crew_north, dispatcher_north
):
    made = reports(premises(transformer, 3))
    late = report(PremiseFactory(transformer=transformer), at=5)
    incident = Incident.objects.get()
    order = incident.work_order

    walk(
        order,
        crew_north,
        dispatcher_north,
        complete_with={"cause": "tree_contact", "actions": "Cut back branches, new fuse"},
    )

    incident.refresh_from_db()
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
    assert incident.status == Incident.Status.RESTORED
    assert incident.restored_at == order.completed_at
    assert incident.cause.code == "tree_contact"
    assert incident.cause_note == "Cut back branches, new fuse"
    for created in [*made, late]:
        ticket = fresh(created.ticket)
        assert ticket.status == Ticket.Status.RESOLVED
        (resolve,) = events(ticket, "resolve")
        assert resolve.data == {"incident": incident.pk, "cause": "tree_contact"}
        assert resolve.actor == crew_north
        assert "Cut back branches, new fuse" in resolve.note


def test_completion_and_the_tickets_resolution_are_one_transaction(
    transformer, crew_north, dispatcher_north, monkeypatch
):
    made = reports(premises(transformer, 3))
    incident = Incident.objects.get()
    order = incident.work_order
    walk(order, crew_north, dispatcher_north)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("repairs.services.incidents.ticket_resolve_many", broken)

    with pytest.raises(RuntimeError):
        take_step(
            order=order,
            action="complete",
            actor=crew_north,
            data={"cause": "tree_contact", "actions": "Cut back branches"},
        )

    order.refresh_from_db()
    incident.refresh_from_db()
    assert order.status == WorkOrder.Status.ON_SITE
    assert order.completed_at is None
    assert incident.status == Incident.Status.ACKNOWLEDGED
    assert incident.cause is None
    for created in made:
        assert fresh(created.ticket).status == Ticket.Status.IN_PROGRESS


def test_crew_of_another_station_cannot_take_the_incident_order(
    transformer, station_south, dispatcher_north
):
    reports(premises(transformer, 3))
    incident = Incident.objects.get()
    outsider = crew_user("crew_south", station_south)

    with pytest.raises(NotPermitted):
        take_step(order=incident.work_order, action="accept", actor=outsider)

    incident.refresh_from_db()
    assert incident.status == Incident.Status.DETECTED
    assert incident.work_order.status == WorkOrder.Status.PENDING


def test_completing_the_feeder_incident_order_resolves_both_transformers_tickets(
    transformer, other_transformer, crew_north, dispatcher_north
):
    made = reports(premises(transformer, 3), start=0) + reports(
        premises(other_transformer, 3), start=3
    )
    feeder_incident = Incident.objects.get(level=Incident.Level.FEEDER)

    walk(
        feeder_incident.work_order,
        crew_north,
        dispatcher_north,
        complete_with={"cause": "feeder_trip", "actions": "Reclosed the breaker"},
    )

    feeder_incident.refresh_from_db()
    assert feeder_incident.status == Incident.Status.RESTORED
    assert all(fresh(c.ticket).status == Ticket.Status.RESOLVED for c in made)


# --- Acknowledgement and ETR ---------------------------------------------------------


def test_acknowledge_is_recorded_once(transformer):
    made = reports(premises(transformer, 3))
    incident = Incident.objects.get()

    incident_acknowledge(incident=incident, actor=None, now=NOW + 5 * MINUTE)
    incident_acknowledge(incident=incident, actor=None, now=NOW + 6 * MINUTE)

    incident.refresh_from_db()
    assert incident.acknowledged_at == NOW + 5 * MINUTE
    for created in made:
        assert len(events(created.ticket, "incident_acknowledged")) == 1


def test_etr_is_recorded_once_on_each_attached_open_ticket(incident_with_tickets, dispatcher_north):
    incident, attached_open, early, emergency = incident_with_tickets
    etr = NOW + timedelta(hours=2, minutes=20)

    incident_etr_set(incident=incident, etr=etr, actor=dispatcher_north, now=NOW + 10 * MINUTE)

    incident.refresh_from_db()
    assert incident.etr == etr
    for ticket in attached_open:
        (event,) = events(ticket, "etr_changed")
        assert event.data == {"incident": incident.pk, "etr": etr.isoformat(), "texted": True}
        assert event.note == "2026-05-12 22:00"
        assert event.actor == dispatcher_north
    assert not events(early, "etr_changed")
    assert not events(emergency.ticket, "etr_changed")
    assert TimelineEvent.objects.filter(kind="etr_changed").count() == len(attached_open)


def test_each_etr_change_is_recorded(transformer):
    made = reports(premises(transformer, 3))
    incident = Incident.objects.get()

    incident_etr_set(incident=incident, etr=NOW + HOUR, actor=None, now=NOW + 5 * MINUTE)
    incident_etr_set(incident=incident, etr=NOW + 2 * HOUR, actor=None, now=NOW + 50 * MINUTE)

    incident.refresh_from_db()
    assert incident.etr == NOW + 2 * HOUR
    assert len(events(made[0].ticket, "etr_changed")) == 2


def test_etr_on_a_restored_incident_is_refused(incident_with_tickets):
    incident, _attached, _early, _emergency = incident_with_tickets
    incident_restore(incident=incident, cause=cause(), note="", actor=None, now=NOW + HOUR)
    before = TimelineEvent.objects.count()
    default_etr = Incident.objects.get(pk=incident.pk).etr

    with pytest.raises(TransitionNotAllowed):
        incident_etr_set(incident=incident, etr=NOW + 5 * HOUR, actor=None, now=NOW + HOUR)

    incident.refresh_from_db()
    assert incident.etr == default_etr
    assert TimelineEvent.objects.count() == before
    assert incident.etr_changes.count() == 1  # the default alone
