import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from dispatch.models import OPEN_WORK_ORDER_STATUSES, Crew, CrewMember, WorkOrder
from grid.models import AreaType, Customer, CustomerPhone, Department, Premise, Station
from repairs.models import Incident, OutageNotice, Repair
from repairs.triage import DISPATCHING_OUTCOMES, Outcome
from tickets.models import Kind, Ticket, TimelineEvent

pytestmark = pytest.mark.django_db

PASSWORD = "gridline-demo"
STAMPS = ("created_at", "assigned_at", "accepted_at", "departed_at", "arrived_at", "completed_at")


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (
        Station,
        Department,
        Premise,
        Customer,
        CustomerPhone,
        User,
        Crew,
        CrewMember,
        Ticket,
        TimelineEvent,
        Repair,
        WorkOrder,
        Incident,
        OutageNotice,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_seeds_the_grid_with_premises_of_every_area_type():
    output = seed()

    assert Station.objects.count() >= 4
    assert Premise.objects.count() >= 2000
    assert Premise.objects.filter(important=True).exists()
    area_types = set(Premise.objects.values_list("area_type", flat=True))
    assert area_types == set(AreaType.values)
    assert "Demo logins" in output


def test_seeds_a_user_of_every_role_with_the_demo_password():
    seed()

    for role in Role.values:
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert user.check_password(PASSWORD), user.username
    assert not User.objects.filter(role=Role.DISPATCHER, station=None).exists()
    assert not User.objects.filter(role=Role.HANDLER, department=None).exists()
    crew_users = User.objects.filter(role=Role.CREW)
    assert crew_users.count() == CrewMember.objects.filter(user__in=crew_users).count()


def test_seeds_tickets_of_every_kind_and_status_with_consistent_timelines():
    seed()
    now = timezone.now()

    assert set(Ticket.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Ticket.Status.values)
    for ticket in Ticket.objects.all():
        # In the order written: the replay never writes an event before an earlier one.
        events = list(ticket.events.order_by("pk"))
        assert events[0].kind == "created", ticket.number
        assert events[0].at == ticket.created_at
        times = [event.at for event in events]
        assert times == sorted(times), ticket.number
        assert now - timedelta(days=7) <= times[0] <= times[-1] <= now, ticket.number
        transitions = [event for event in events if event.new_status]
        assert transitions[-1].new_status == ticket.status, ticket.number


def test_every_repair_is_triaged_and_every_outcome_shows():
    output = seed()

    repair_tickets = Ticket.objects.filter(kind=Kind.REPAIR)
    assert repair_tickets.count() == Repair.objects.count()
    assert not repair_tickets.filter(repair__isnull=True).exists()
    assert set(Repair.objects.values_list("outcome", flat=True)) == set(Outcome.values)
    assert "Repairs triaged:" in output


def test_dispatching_repairs_have_work_orders_stamped_in_order():
    output = seed()
    now = timezone.now()

    for repair in Repair.objects.select_related("ticket", "incident"):
        own = WorkOrder.objects.filter(ticket=repair.ticket).exists()
        if repair.outcome in DISPATCHING_OUTCOMES:
            assert own or repair.incident.work_order_id, repair.ticket.number
        else:
            assert not own, repair.ticket.number
    for order in WorkOrder.objects.all():
        stamps = [getattr(order, name) for name in STAMPS if getattr(order, name)]
        assert stamps == sorted(stamps), order.pk
        assert stamps[-1] <= now, order.pk
        if order.status == WorkOrder.Status.COMPLETED:
            assert order.cause_id is not None, order.pk
            assert order.actions, order.pk
            assert order.crew.station_id == order.station_id, order.pk
    arrivals = set(
        WorkOrder.objects.exclude(arrived_at=None).values_list("arrived_in_time", flat=True)
    )
    assert arrivals == {True, False}
    assert "Work orders:" in output


def test_the_outage_cluster_is_one_incident_restored_with_its_tickets_resolved():
    seed()

    incident = Incident.objects.get(status=Incident.Status.RESTORED)
    tickets = Ticket.objects.filter(repair__incident=incident)
    assert tickets.count() >= 3
    assert len(set(tickets.values_list("premise__transformer", flat=True))) == 1
    assert set(tickets.values_list("status", flat=True)) <= {"resolved", "closed"}
    assert incident.work_order.status == WorkOrder.Status.COMPLETED
    assert incident.cause_id == incident.work_order.cause_id
    # The reports' own orders were folded into the incident's one.
    merged = WorkOrder.objects.filter(ticket__in=tickets)
    assert set(merged.values_list("status", flat=True)) == {WorkOrder.Status.CANCELLED}
    assert Repair.objects.filter(incident=incident, outcome=Outcome.KNOWN_INCIDENT).exists()


def test_the_station_queue_is_live_with_times_left_and_overdue_orders():
    seed()
    now = timezone.now()

    open_orders = list(WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES))
    assert len({order.status for order in open_orders}) >= 3
    on_the_way = [o for o in open_orders if o.status != WorkOrder.Status.ON_SITE]
    assert any(o.arrive_by < now for o in on_the_way)
    assert any(o.arrive_by > now for o in on_the_way)
    # Called in recently: the deadlines are near, not days away or long gone.
    assert all(abs(o.arrive_by - now) < timedelta(hours=1) for o in on_the_way)
    assert all(o.restore_by > now for o in open_orders if o.status == WorkOrder.Status.ON_SITE)


def test_notices_are_published_with_the_late_flag_where_the_notice_was_short():
    output = seed()
    now = timezone.now()

    notices = {notice.kind: notice for notice in OutageNotice.objects.all()}
    assert set(notices) == set(OutageNotice.Kind.values)
    assert {kind: notice.late_notice for kind, notice in notices.items()} == {
        OutageNotice.Kind.PLANNED: False,
        OutageNotice.Kind.TEMPORARY: True,
        OutageNotice.Kind.RESTRICTION: False,
    }
    assert notices[OutageNotice.Kind.PLANNED].starts_at > now + timedelta(days=6)
    for kind in (OutageNotice.Kind.TEMPORARY, OutageNotice.Kind.RESTRICTION):
        assert notices[kind].starts_at <= now < notices[kind].ends_at, kind
    assert (
        Repair.objects.get(outcome=Outcome.PLANNED_OUTAGE).notice
        == (notices[OutageNotice.Kind.TEMPORARY])
    )
    assert (
        Repair.objects.get(outcome=Outcome.SUPPLY_RESTRICTION).notice
        == (notices[OutageNotice.Kind.RESTRICTION])
    )
    assert "Outage notices: 3" in output


def test_second_run_says_already_seeded_and_changes_nothing():
    seed()
    first = counts()

    output = seed()

    assert "already seeded" in output
    assert counts() == first


def test_a_failure_part_way_leaves_nothing_written(monkeypatch):
    def work_order_act(**kwargs):
        raise RuntimeError("the crews' app is down")

    # The first crew step fails after the grid, the staff and the first tickets are written.
    monkeypatch.setattr("dashboards.management.commands.seed_demo.work_order_act", work_order_act)

    with pytest.raises(RuntimeError, match="the crews' app is down"):
        seed()

    assert counts() == dict.fromkeys(counts(), 0)
