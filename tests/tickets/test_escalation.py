"""The deadline watch (DESIGN §3.6): each step at its fraction, once, to the right people."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import requires_postgres
from tests.factories import DepartmentFactory, StationFactory, UserFactory, ticket_create
from tickets.escalation import deadlines_scan
from tickets.models import Deadline, DeadlineStep, Notification, OutboxMessage, TimelineEvent
from tickets.services import deadline_meet, deadline_open, ticket_transition

START = timezone.now().replace(microsecond=0)
ALLOWED = timedelta(minutes=100)  # so 80% is minute 80, 150% is minute 150


def watched(name="arrive_by", *, station=None, department=None, allowed=ALLOWED):
    ticket = ticket_create(kind="repair", now=START)
    deadline_open(
        ticket=ticket,
        name=name,
        starts_at=START,
        due_at=START + allowed,
        station_id=station.pk if station else None,
        department_id=department.pk if department else None,
    )
    return ticket


def sla_events(ticket):
    return list(
        TimelineEvent.objects.filter(ticket=ticket, kind__startswith="sla_").values_list(
            "kind", "data__deadline"
        )
    )


def at(minutes, seconds=0):
    return START + timedelta(minutes=minutes, seconds=seconds)


@pytest.mark.parametrize("name", Deadline.Name.values)
def test_each_step_falls_at_its_fraction(db, name):
    ticket = watched(name)
    ladder = [
        (80, "sla_warning"),
        (100, "sla_overdue"),
        (150, "sla_escalated"),
    ]
    seen = []
    for minute, kind in ladder:
        deadlines_scan(now=at(minute, -1))
        assert sla_events(ticket) == seen
        deadlines_scan(now=at(minute))
        seen.append((kind, name))
        assert sla_events(ticket) == seen
    deadlines_scan(now=at(10_000))
    assert sla_events(ticket) == seen


def test_the_fractions_are_settings(db, settings):
    settings.GRIDLINE_ESCALATION_WARNING_FRACTION = 0.5
    ticket = watched()  # opened with the new fraction
    deadlines_scan(now=at(50))
    assert sla_events(ticket) == [("sla_warning", "arrive_by")]


def test_a_late_scan_catches_up_every_step_once(db):
    ticket = watched()
    assert deadlines_scan(now=at(200)) == 3
    assert deadlines_scan(now=at(200)) == 0
    assert [k for k, _d in sla_events(ticket)] == ["sla_warning", "sla_overdue", "sla_escalated"]
    assert DeadlineStep.objects.count() == 3


def test_met_and_ended_deadlines_stop_escalating(db, agent):
    met = watched()
    deadline_meet(ticket_ids=[met.pk], name="arrive_by", at=at(70))
    resolved = watched()
    deadlines_scan(now=at(85))  # resolved's warning goes out...
    ticket_transition(ticket=resolved, action="resolve", actor=agent, now=at(90))
    deadlines_scan(now=at(500))
    assert sla_events(met) == []
    assert sla_events(resolved) == [("sla_warning", "arrive_by")]  # ...and nothing after
    deadline = Deadline.objects.get(ticket=met)
    assert deadline.is_met_in_time is True


def test_each_step_reaches_the_right_people_once(db, settings):
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@example.com"]
    north, south = StationFactory(code="N01"), StationFactory(code="S01")
    ours = UserFactory(username="d_north", role="dispatcher", station=north, email="dn@example.com")
    UserFactory(username="d_south", role="dispatcher", station=south)
    UserFactory(username="sup", role="supervisor")
    UserFactory(username="boss", role="manager")
    UserFactory(username="gone", role="supervisor", is_active=False)
    handler = UserFactory(username="h", role="handler", department=DepartmentFactory(code="MKT"))
    ticket = watched(station=north)

    for minute in (80, 80, 100, 150, 150):
        deadlines_scan(now=at(minute))

    got = sorted(Notification.objects.values_list("user__username", flat=True))
    assert got == ["boss", "d_north", "sup"]
    assert all(n.ticket_id == ticket.pk for n in Notification.objects.all())
    emails = sorted(OutboxMessage.objects.values_list("recipient", flat=True))
    assert emails == ["board@example.com", "dn@example.com"]
    assert not Notification.objects.filter(user=handler).exists()
    assert ours.notifications.get().message.startswith(ticket.number)


def test_a_department_deadline_warns_the_department(db):
    department = DepartmentFactory(code="MKT")
    handler = UserFactory(username="h", role="handler", department=department)
    UserFactory(username="other", role="handler", department=DepartmentFactory(code="OPS"))
    watched("reply_by", department=department)
    deadlines_scan(now=at(80))
    assert list(Notification.objects.values_list("user", flat=True)) == [handler.pk]


@pytest.mark.parametrize("due", [3, 60])
def test_the_scan_costs_the_same_whatever_the_table_holds(
    db, due, django_assert_max_num_queries, settings
):
    station = StationFactory()
    UserFactory(role="dispatcher", station=station)
    for _ in range(due):
        watched(station=station)
    for _ in range(20):  # not yet due: never read
        watched(station=station, allowed=timedelta(days=2))
    # Claim, insert steps, events, staff, notifications, outbox, update; one batch.
    with django_assert_max_num_queries(10):
        assert deadlines_scan(now=at(80)) == due


def test_batches_cover_every_due_deadline(db):
    for _ in range(7):
        watched()
    assert deadlines_scan(now=at(80), batch=3) == 7
    assert DeadlineStep.objects.count() == 7


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_record_each_step_once():
    for _ in range(40):
        watched()
    barrier = threading.Barrier(2)
    results = []

    def scan():
        try:
            barrier.wait()
            results.append(deadlines_scan(now=at(200), batch=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == 120
    assert DeadlineStep.objects.count() == 120
    assert TimelineEvent.objects.filter(kind__startswith="sla_").count() == 120


def test_resolving_a_ticket_keeps_its_reply_promise(db, agent):
    ticket = watched("reply_by")
    watched_arrival = watched("arrive_by")
    ticket_transition(ticket=ticket, action="resolve", actor=agent, now=at(50))
    ticket_transition(ticket=watched_arrival, action="resolve", actor=agent, now=at(50))
    reply = Deadline.objects.get(ticket=ticket)
    arrival = Deadline.objects.get(ticket=watched_arrival)
    assert (reply.met_at, reply.is_met_in_time) == (at(50), True)
    assert (arrival.met_at, arrival.closed_at) == (None, at(50))  # no crew came: not met
