import io
import itertools
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import Role, User
from complaints.models import Category, Complaint
from dispatch.models import OPEN_WORK_ORDER_STATUSES, CauseCode, Crew, CrewMember, WorkOrder
from grid.models import (
    AreaType,
    Customer,
    CustomerPhone,
    Department,
    Feeder,
    Premise,
    Station,
    Transformer,
)
from hotline.models import Call, CallTicket, Consultation, Feedback, ServiceRequest
from hotline.selectors import call_list_today
from hotline.selectors.callbacks import callback_queue
from repairs.models import Incident, OutageNotice, Repair
from repairs.triage import DISPATCHING_OUTCOMES, Outcome
from tickets.escalation import deadlines_scan
from tickets.models import (
    Callback,
    CallbackResult,
    Channel,
    Deadline,
    Kind,
    OutboxMessage,
    Ticket,
    TimelineEvent,
)
from tickets.selectors import ticket_queue_for_user

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
        Complaint,
        Consultation,
        ServiceRequest,
        Feedback,
        Deadline,
        Call,
        CallTicket,
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
            photos = order.photos.order_by("attachment__taken_at")
            taken = [(p.attachment.stage, p.attachment.taken_at) for p in photos]
            assert [stage for stage, _ in taken] == ["before", "after"], order.pk
            assert order.arrived_at < taken[0][1] < taken[1][1] < order.completed_at, order.pk
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


def test_a_dispatcher_declared_an_incident_still_out_and_dismissed_another():
    seed()

    declared = Incident.objects.filter(source=Incident.Source.DECLARED)
    out = declared.get(status=Incident.Status.DETECTED)
    assert out.level == Incident.Level.TRANSFORMER
    assert out.note
    assert out.etr
    assert out.premises_notified
    assert out.declared_by.role == Role.DISPATCHER
    assert out.work_order.is_open
    assert OutboxMessage.objects.filter(kind="incident_declared").exists()
    dismissed = declared.get(status=Incident.Status.DISMISSED)
    assert dismissed.dismiss_reason
    assert dismissed.work_order.status == WorkOrder.Status.CANCELLED
    assert Incident.objects.filter(source=Incident.Source.CALLS).exists()


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


def test_agents_call_back_the_resolved_repairs_through_the_one_callback():
    seed()
    now = timezone.now()

    callbacks = Callback.objects.filter(ticket__kind=Kind.REPAIR).select_related("actor")
    assert {callback.result for callback in callbacks} == set(CallbackResult.values)
    assert {callback.actor.role for callback in callbacks} == {Role.AGENT}
    for callback in callbacks:
        event = callback.ticket.events.get(kind="callback", at=callback.at)
        assert event.data["result"] == callback.result, callback.ticket.number
    # Most are content and closed; a crew's repair is closed only by its callback.
    content_results = [CallbackResult.SATISFIED, CallbackResult.BASICALLY_SATISFIED]
    content = [callback for callback in callbacks if callback.result in content_results]
    assert len(content) > len(callbacks) / 2
    assert {callback.ticket.status for callback in content} == {Ticket.Status.CLOSED}
    crews_closed = Ticket.objects.filter(
        kind=Kind.REPAIR, status=Ticket.Status.CLOSED, work_orders__isnull=False
    ).distinct()
    assert crews_closed.exists()
    assert not crews_closed.exclude(callbacks__result__in=content_results).exists()
    # One customer did not answer: the repair waits in the console's queue for another try.
    waiting = callback_queue().filter(kind=Kind.REPAIR, callbacks__isnull=False).distinct()
    assert [ticket.unreachable_count for ticket in waiting] == [1]
    # The unsatisfied one is back at its station with a new work order, due soon.
    unhappy = Ticket.objects.get(callbacks__result=CallbackResult.UNSATISFIED, kind=Kind.REPAIR)
    assert unhappy.status == Ticket.Status.IN_PROGRESS
    assert unhappy.events.filter(kind="reopen").exists()
    order = unhappy.work_orders.get(status__in=OPEN_WORK_ORDER_STATUSES)
    assert order.station_id == unhappy.station_id
    assert now < order.arrive_by < now + timedelta(hours=1)


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
    def work_order_step(**kwargs):
        raise RuntimeError("the crews' app is down")

    # The first crew step fails after the grid, the staff and the first tickets are written.
    monkeypatch.setattr("demo.replay.work_order_step", work_order_step)

    with pytest.raises(RuntimeError, match="the crews' app is down"):
        seed()

    assert counts() == dict.fromkeys(counts(), 0)


# The ticket's status while the complaint is in each of its own (complaints/models.py).
TICKET_STATUS_OF_COMPLAINT = {
    Complaint.Status.RECEIVED: Ticket.Status.OPEN,
    Complaint.Status.CONTACTED: Ticket.Status.IN_PROGRESS,
    Complaint.Status.JUDGED: Ticket.Status.IN_PROGRESS,
    Complaint.Status.RECTIFYING: Ticket.Status.IN_PROGRESS,
    Complaint.Status.REPLIED: Ticket.Status.RESOLVED,
    Complaint.Status.CLOSED: Ticket.Status.CLOSED,
}
STEP_ROLES = {
    "contact": Role.AGENT,
    "judge": Role.SUPERVISOR,
    "rectify": Role.HANDLER,
    "reply": Role.HANDLER,
    "callback": Role.AGENT,
}


def test_every_complaint_walks_the_complaint_workflow_into_every_state():
    output = seed()

    complaint_tickets = Ticket.objects.filter(kind=Kind.COMPLAINT)
    assert complaint_tickets.exists()
    assert not complaint_tickets.filter(complaint__isnull=True).exists()
    complaints = list(Complaint.objects.select_related("ticket"))
    assert {c.status for c in complaints} == set(Complaint.Status.values)
    for complaint in complaints:
        assert complaint.ticket.status == TICKET_STATUS_OF_COMPLAINT[complaint.status]
    closed = [c for c in complaints if c.status == Complaint.Status.CLOSED]
    assert Complaint.Closure.SATISFIED in {c.closed_as for c in closed}
    reopened = [c for c in complaints if c.reopen_count]
    assert reopened
    for complaint in reopened:
        assert complaint.status == Complaint.Status.RECTIFYING
        callbacks = complaint.ticket.events.filter(kind="callback")
        assert "unsatisfied" in {event.data["result"] for event in callbacks}
    assert sum(c.major for c in complaints) == 1
    assert sum(c.is_report for c in complaints) == 1
    channels = {c.ticket.channel for c in complaints}
    assert {Channel.REGULATOR_12398, Channel.GOVERNMENT_12345} <= channels
    assert "Complaints: " in output


def test_complaint_steps_are_taken_by_the_roles_that_may_take_them():
    seed()

    judged = Complaint.objects.exclude(judged_at=None).select_related("ticket")
    assert judged.exists()
    assert judged.exclude(ticket__station=None).exists()
    for complaint in judged:
        ticket = complaint.ticket
        assert ticket.department is not None, ticket.number
        assert complaint.judged_by.role == Role.SUPERVISOR, ticket.number
        for event in ticket.events.filter(kind__in=STEP_ROLES).select_related("actor"):
            assert event.actor.role == STEP_ROLES[event.kind], (ticket.number, event.kind)
            if event.actor.role == Role.HANDLER:
                # A handler acts only on the complaints of their own department.
                assert event.actor.department_id == ticket.department_id, ticket.number
    for complaint in Complaint.objects.exclude(status=Complaint.Status.RECEIVED):
        contact = complaint.ticket.deadlines.get(name=Deadline.Name.CONTACT_BY)
        assert contact.is_met_in_time, complaint.ticket.number


def test_an_overdue_complaint_is_escalated_by_the_next_deadline_scan():
    seed()
    now = timezone.now()

    overdue = Deadline.objects.filter(
        ticket__kind=Kind.COMPLAINT,
        name__in=[Deadline.Name.CONTACT_BY, Deadline.Name.REPLY_BY],
        closed_at=None,
        due_at__lt=now,
    )
    assert overdue.exists()

    deadlines_scan(now=now)

    escalated = TimelineEvent.objects.filter(
        kind="sla_overdue", ticket__in=overdue.values("ticket")
    )
    assert escalated.exists()


def test_the_other_kinds_go_through_the_hotline_services():
    output = seed()

    consultations = Ticket.objects.filter(kind=Kind.CONSULTATION)
    assert consultations.exists()
    assert not consultations.filter(consultation__article__isnull=True).exists()
    assert set(consultations.values_list("status", flat=True)) == {Ticket.Status.CLOSED}
    requests = Ticket.objects.filter(kind=Kind.SERVICE_REQUEST)
    assert requests.exists()
    for ticket in requests:
        deadline = ticket.deadlines.get(name=Deadline.Name.REPLY_BY)
        assert deadline.due_at > deadline.starts_at, ticket.number
        if ticket.service_request.request_type == ServiceRequest.Type.RECONNECTION:
            assert deadline.due_at - deadline.starts_at == timedelta(hours=24), ticket.number
    reconnections = requests.filter(service_request__request_type=ServiceRequest.Type.RECONNECTION)
    assert reconnections.exists()
    feedback = Ticket.objects.filter(kind__in=[Kind.OPINION, Kind.PRAISE])
    assert feedback.exists()
    assert not feedback.filter(feedback__isnull=True).exists()
    assert "Consultations: " in output


def test_the_holders_queues_have_open_tickets_of_the_back_office_kinds():
    seed()

    for username in ("handler1", "dispatcher_yd"):
        user = User.objects.get(username=username)
        held = ticket_queue_for_user(user=user).exclude(kind__in=[Kind.REPAIR, Kind.COMPLAINT])
        assert held.exists(), username
    passed_on = TimelineEvent.objects.filter(kind="transferred", ticket__kind=Kind.OPINION)
    assert passed_on.exists()
    assert TimelineEvent.objects.filter(kind="taken", actor__username="handler1").exists()


def test_agents_took_calls_this_week_and_agent1_today():
    output = seed()
    now = timezone.now()

    assert len(call_list_today(agent=User.objects.get(username="agent1"), now=now)) >= 3
    assert_calls_consistent(now)
    for agent in User.objects.filter(role=Role.AGENT):
        assert agent.calls.filter(started_at__lt=now - timedelta(days=1)).exists(), agent
    assert "Calls: " in output


@pytest.mark.parametrize(
    "local",
    [
        "2026-10-01 00:03",  # just after midnight, on a public holiday
        "2026-06-15 12:00",  # a Monday noon
        "2026-03-08 22:45",  # a Sunday evening
    ],
)
def test_calls_and_complaints_hold_whenever_the_demo_is_seeded(local):
    # Local time (TIME_ZONE): "today" and the office hours are the local day's.
    at = timezone.make_aware(datetime.fromisoformat(local))
    with time_machine.travel(at, tick=False):
        seed()
        now = timezone.now()

        assert len(call_list_today(agent=User.objects.get(username="agent1"), now=now)) >= 3
        assert_calls_consistent(now)
        statuses = set(Complaint.objects.values_list("status", flat=True))
        assert statuses == set(Complaint.Status.values)
        overdue = Complaint.objects.filter(due_at__lt=now)
        assert overdue.exists()
        for ticket in Ticket.objects.all():
            times = list(ticket.events.order_by("pk").values_list("at", flat=True))
            assert times == sorted(times), ticket.number
            assert now - timedelta(days=7) <= times[0] <= times[-1] <= now, ticket.number


def assert_calls_consistent(now):
    """Every call ended; an agent's calls never overlap; every ticket taken on the hotline
    is on exactly one call, of the agent who recorded it, while it was open."""
    assert Call.objects.exists()
    assert not Call.objects.filter(ended_at=None).exists()
    calls = defaultdict(list)
    for call in Call.objects.order_by("started_at", "pk"):
        assert now - timedelta(days=7) <= call.started_at <= call.ended_at <= now, call.pk
        calls[call.agent_id].append(call)
    for agent_calls in calls.values():
        for earlier, later in itertools.pairwise(agent_calls):
            assert earlier.ended_at <= later.started_at, (earlier.pk, later.pk)
    assert not CallTicket.objects.exclude(action=CallTicket.Action.CREATED).exists()
    for ticket in Ticket.objects.filter(channel=Channel.HOTLINE):
        links = list(ticket.call_links.select_related("call"))
        assert len(links) == 1, ticket.number
        call = links[0].call
        assert call.agent_id == ticket.created_by_id, ticket.number
        assert call.started_at <= ticket.created_at <= call.ended_at, ticket.number
    assert not CallTicket.objects.exclude(ticket__channel=Channel.HOTLINE).exists()


# What each key of a request example names, and where the demo keeps it.
EXAMPLE_LOOKUPS = {
    "meter_no": lambda v: Premise.objects.filter(meter_no=v),
    "account_no": lambda v: Customer.objects.filter(account_no=v),
    "caller_phone": lambda v: CustomerPhone.objects.filter(number=v),
    "feeder_codes": lambda v: Feeder.objects.filter(code=v),
    "transformer_codes": lambda v: Transformer.objects.filter(code=v),
    "device_code": lambda v: Transformer.objects.filter(code=v) or Feeder.objects.filter(code=v),
    "department": lambda v: Department.objects.filter(code=v),
    "cause": lambda v: CauseCode.objects.filter(code=v),
    "category": lambda v: Category.objects.filter(code=v),
}


def _request_examples(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                for example in content.get("examples", {}).values():
                    yield f"{method.upper()} {path}", example["value"]


def test_the_api_examples_name_what_the_demo_holds():
    """Someone trying the API documentation on the demo can send its examples as they are."""
    seed()
    schema = SchemaGenerator().get_schema(request=None, public=True)

    checked = []
    for operation, body in _request_examples(schema):
        for key, lookup in EXAMPLE_LOOKUPS.items():
            values = body.get(key) or []
            for value in values if isinstance(values, list) else [values]:
                assert lookup(value).exists(), f"{operation}: {key} {value!r} is not in the demo"
                checked.append((operation, key))
    assert {key for _, key in checked} >= {"meter_no", "account_no", "cause", "department"}
