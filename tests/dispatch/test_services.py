"""Work-order steps through their forms and services (DESIGN §3.2, §5.2)."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from config.errors import GridlineError, NotPermitted, TransitionNotAllowed
from dispatch.hooks import work_order_step_hooks
from dispatch.models import WORK_ORDER_TRANSITIONS, CauseCode, Crew, WorkOrder
from dispatch.selectors import work_order_get_for_user, work_order_list_for_user
from dispatch.services import crew_member_set
from tests.dispatch.steps import take_step
from tests.factories import CrewFactory, UserFactory, work_order_create
from tickets.models import Ticket, TimelineEvent

W = WorkOrder.Status
# The cause codes these tests use; "weather" is made inactive where needed.
CAUSES = [
    ("overload", "Overload"),
    ("transformer_fuse", "Transformer fuse"),
    ("weather", "Weather"),
]
# The path through the table that reaches each status from a new (pending) order.
PATH_TO: dict[str, list[str]] = {
    W.PENDING: [],
    W.ASSIGNED: ["assign"],
    W.ACCEPTED: ["assign", "accept"],
    W.EN_ROUTE: ["assign", "accept", "depart"],
    W.ON_SITE: ["assign", "accept", "depart", "arrive"],
    W.COMPLETED: ["assign", "accept", "depart", "arrive", "complete"],
    W.RETURNED: ["assign", "return"],
    W.CANCELLED: ["cancel"],
}
CREW_STEPS = {"accept", "depart", "arrive", "complete", "return"}
# The ticket's timeline event each step writes (cancel has its own kind, so it
# does not read as the ticket being cancelled).
EVENT_KIND = {action: action for action in WORK_ORDER_TRANSITIONS} | {
    "cancel": "work_order_cancelled"
}


@pytest.fixture(autouse=True)
def _crews_take_unassigned(settings):
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = True


@pytest.fixture(autouse=True)
def _causes(db):
    # Migration 0003 seeds these, but a transactional test (test_race) flushes
    # them away, and a later run with --reuse-db would start without them.
    for code, name in CAUSES:
        CauseCode.objects.get_or_create(code=code, defaults={"name": name})


@pytest.fixture
def north_crew(crew_north) -> Crew:
    return crew_north.crew_membership.crew


@pytest.fixture
def crew_north_b(station_north):
    """A second crew of the north station, with one member."""
    user = UserFactory(username="crew_north_b", role=Role.CREW, station=station_north)
    crew_member_set(user=user, crew=CrewFactory(code="N01-B", station=station_north))
    return user


@pytest.fixture
def crew_south(station_south):
    user = UserFactory(username="crew_south", role=Role.CREW, station=station_south)
    crew_member_set(user=user, crew=CrewFactory(code="S01-A", station=station_south))
    return user


def inputs(action: str, crew: Crew) -> dict:
    """Valid inputs for each step."""
    if action == "assign":
        return {"crew": crew.code}
    if action == "complete":
        return {"cause": "transformer_fuse", "actions": "Replaced the drop-out fuse."}
    if action in ("return", "cancel"):
        return {"reason": "Needs a bucket truck."}
    return {}


def order_in(status: str, *, dispatcher, crew_user, now=None) -> WorkOrder:
    """A work order of the north station brought to `status` through the service."""
    now = now or timezone.now()
    order = work_order_create(station=dispatcher.station, now=now)
    crew = crew_user.crew_membership.crew
    for i, action in enumerate(PATH_TO[status], start=1):
        actor = crew_user if action in CREW_STEPS else dispatcher
        order = take_step(
            order=order,
            action=action,
            actor=actor,
            data=inputs(action, crew),
            now=now + timedelta(minutes=i),
        )
    return order


def row(order: WorkOrder) -> dict:
    """Every stored column of the order, read afresh."""
    fresh = WorkOrder.objects.get(pk=order.pk)
    return {f.attname: getattr(fresh, f.attname) for f in WorkOrder._meta.concrete_fields}


def events(order: WorkOrder) -> list[TimelineEvent]:
    assert order.ticket_id is not None
    return list(TimelineEvent.objects.filter(ticket_id=order.ticket_id).order_by("pk"))


CASES = [
    (status, action, status in t.sources)
    for status in W.values
    for action, t in WORK_ORDER_TRANSITIONS.items()
]


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    CASES,
    ids=[f"{s}-{a}-{'ok' if ok else 'refused'}" for s, a, ok in CASES],
)
def test_transition_table_is_enforced(
    dispatcher_north, crew_north, station_north, status, action, allowed
):
    # given
    order = order_in(status, dispatcher=dispatcher_north, crew_user=crew_north)
    actor = crew_north if action in CREW_STEPS else dispatcher_north
    # (Re)assigning goes to another crew: the same crew again is refused (test below).
    other_crew = CrewFactory(code="N01-OTHER", station=station_north)
    data = inputs(action, other_crew if action == "assign" else crew_north.crew_membership.crew)
    now = timezone.now() + timedelta(minutes=30)
    before_row, before_events = row(order), events(order)
    before_ticket_status = Ticket.objects.get(pk=order.ticket_id).status

    # when / then
    if allowed:
        result = take_step(order=order, action=action, actor=actor, data=data, now=now)

        transition = WORK_ORDER_TRANSITIONS[action]
        stored = WorkOrder.objects.get(pk=order.pk)
        new_events = events(order)[len(before_events) :]
        expected_kinds = [EVENT_KIND[action]]
        if action == "complete":
            expected_kinds.append("resolve")  # the ticket is resolved with the order
        assert result.status == stored.status == transition.target
        assert getattr(stored, transition.stamp) == now
        assert stored.updated_at == now
        assert [e.kind for e in new_events] == expected_kinds
        step = new_events[0]
        assert (step.at, step.actor) == (now, actor)
        assert step.data["work_order"] == order.pk
        assert (step.data["from"], step.data["to"]) == (status, transition.target)
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            take_step(order=order, action=action, actor=actor, data=data, now=now)

        assert refused.value.status_code == 409
        assert refused.value.field == "action"
        assert row(order) == before_row
        assert events(order) == before_events
        assert Ticket.objects.get(pk=order.ticket_id).status == before_ticket_status


def test_allowed_actions_and_next_crew_step_follow_the_table(dispatcher_north, crew_north):
    order = order_in(W.EN_ROUTE, dispatcher=dispatcher_north, crew_user=crew_north)

    assert order.allowed_actions() == ["assign", "arrive", "return", "cancel"]
    assert order.next_crew_step == "arrive"


def test_a_step_acts_on_the_stored_state_not_a_stale_copy(crew_north, crew_north_b):
    stale = work_order_create(station=crew_north.station)
    take_step(order=stale, action="accept", actor=crew_north_b)
    before = row(stale)

    with pytest.raises(TransitionNotAllowed):
        take_step(order=stale, action="accept", actor=crew_north)

    assert row(stale) == before
    assert [e.kind for e in events(stale)].count("accept") == 1


# --- Arrival and restoration deadlines (DESIGN §3.2) -------------------------------


def test_arriving_exactly_at_arrive_by_counts_as_in_time(dispatcher_north, crew_north):
    order = order_in(W.EN_ROUTE, dispatcher=dispatcher_north, crew_user=crew_north)

    order = take_step(order=order, action="arrive", actor=crew_north, now=order.arrive_by)

    assert order.arrived_in_time is True
    assert order.arrived_at == order.arrive_by
    assert events(order)[-1].data["arrived_in_time"] is True


def test_arriving_one_second_late_is_not_in_time(dispatcher_north, crew_north):
    order = order_in(W.EN_ROUTE, dispatcher=dispatcher_north, crew_user=crew_north)
    late = order.arrive_by + timedelta(seconds=1)

    order = take_step(order=order, action="arrive", actor=crew_north, now=late)

    stored = WorkOrder.objects.get(pk=order.pk)
    assert stored.arrived_in_time is False
    assert events(order)[-1].data["arrived_in_time"] is False


def test_restore_by_is_arrival_plus_restore_within(dispatcher_north, crew_north):
    order = order_in(W.EN_ROUTE, dispatcher=dispatcher_north, crew_user=crew_north)
    arrival = order.arrive_by - timedelta(minutes=7)

    take_step(order=order, action="arrive", actor=crew_north, now=arrival)

    stored = WorkOrder.objects.get(pk=order.pk)
    assert stored.restore_within == timedelta(hours=3)
    assert stored.restore_by == arrival + timedelta(hours=3)


# --- Complete ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"actions": "Replaced the fuse."}, "cause"),
        ({"cause": "", "actions": "Replaced the fuse."}, "cause"),
        ({"cause": "no_such_cause", "actions": "Replaced the fuse."}, "cause"),
        ({"cause": "weather", "actions": "Replaced the fuse."}, "cause"),  # made inactive
        ({"cause": ["overload"], "actions": "Replaced the fuse."}, "cause"),
        ({"cause": "overload"}, "actions"),
        ({"cause": "overload", "actions": "   "}, "actions"),
        ({"cause": "overload", "actions": "x" * 2001}, "actions"),
    ],
    ids=[
        "no-cause",
        "blank-cause",
        "unknown-cause",
        "inactive-cause",
        "cause-not-text",
        "no-actions",
        "blank-actions",
        "actions-too-long",
    ],
)
def test_complete_needs_an_active_cause_and_actions_and_writes_nothing_without(
    dispatcher_north, crew_north, data, field
):
    CauseCode.objects.filter(code="weather").update(active=False)
    order = order_in(W.ON_SITE, dispatcher=dispatcher_north, crew_user=crew_north)
    before_row, before_events = row(order), events(order)

    with pytest.raises(GridlineError) as rejected:
        take_step(order=order, action="complete", actor=crew_north, data=data)

    assert rejected.value.status_code == 400  # not 403 or 409
    assert list(rejected.value.as_dict()) == [field]
    assert row(order) == before_row
    assert events(order) == before_events
    assert Ticket.objects.get(pk=order.ticket_id).status == Ticket.Status.OPEN


def test_complete_records_cause_and_actions_and_resolves_the_ticket(dispatcher_north, crew_north):
    order = order_in(W.ON_SITE, dispatcher=dispatcher_north, crew_user=crew_north)
    now = timezone.now() + timedelta(hours=1)

    take_step(
        order=order,
        action="complete",
        actor=crew_north,
        data={"cause": "overload", "actions": "  Reset the breaker; advised on load.  "},
        now=now,
    )

    stored = WorkOrder.objects.get(pk=order.pk)
    ticket = Ticket.objects.get(pk=order.ticket_id)
    assert (stored.cause.code, stored.actions) == (
        "overload",
        "Reset the breaker; advised on load.",
    )
    assert (ticket.status, ticket.resolved_at) == (Ticket.Status.RESOLVED, now)
    resolve = events(order)[-1]
    assert (resolve.kind, resolve.actor, resolve.at) == ("resolve", crew_north, now)


def test_complete_and_ticket_resolution_roll_back_together(dispatcher_north, crew_north):
    """The ticket is resolved in the step's transaction: a failure after it undoes both."""
    order = order_in(W.ON_SITE, dispatcher=dispatcher_north, crew_user=crew_north)
    before_row, before_events = row(order), events(order)

    def fail(**kwargs):
        raise RuntimeError("receiver failed")

    work_order_step_hooks.register(fail)
    try:
        with pytest.raises(RuntimeError):
            take_step(
                order=order,
                action="complete",
                actor=crew_north,
                data={"cause": "overload", "actions": "Reset the breaker."},
            )
    finally:
        work_order_step_hooks.unregister(fail)

    assert row(order) == before_row
    assert events(order) == before_events
    assert Ticket.objects.get(pk=order.ticket_id).status == Ticket.Status.OPEN


def test_complete_leaves_an_already_resolved_ticket_alone(dispatcher_north, crew_north):
    from tickets.services import ticket_transition

    order = order_in(W.ON_SITE, dispatcher=dispatcher_north, crew_user=crew_north)
    ticket_transition(ticket=order.ticket, action="resolve", actor=dispatcher_north)

    take_step(
        order=order,
        action="complete",
        actor=crew_north,
        data={"cause": "overload", "actions": "Reset the breaker."},
    )

    assert [e.kind for e in events(order)][-2:] == ["resolve", "complete"]
    assert WorkOrder.objects.get(pk=order.pk).status == W.COMPLETED


def test_order_without_a_ticket_steps_without_a_timeline(dispatcher_north, north_crew):
    order = work_order_create(station=dispatcher_north.station, ticket=False)

    order = take_step(
        order=order, action="assign", actor=dispatcher_north, data={"crew": north_crew.code}
    )

    assert order.status == W.ASSIGNED
    assert TimelineEvent.objects.count() == 0


# --- Return and assign -----------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   ", 42], ids=["none", "empty", "blank", "number"])
def test_return_needs_a_reason_and_writes_nothing_without(dispatcher_north, crew_north, reason):
    order = order_in(W.ACCEPTED, dispatcher=dispatcher_north, crew_user=crew_north)
    before_row, before_events = row(order), events(order)
    data = {} if reason is None else {"reason": reason}

    with pytest.raises(GridlineError) as rejected:
        take_step(order=order, action="return", actor=crew_north, data=data)

    assert rejected.value.status_code == 400
    assert list(rejected.value.as_dict()) == ["reason"]
    assert row(order) == before_row
    assert events(order) == before_events


def test_return_clears_the_crew_and_the_order_can_be_assigned_again(
    dispatcher_north, crew_north, crew_north_b
):
    order = order_in(W.EN_ROUTE, dispatcher=dispatcher_north, crew_user=crew_north)
    returned_at = timezone.now() + timedelta(minutes=20)
    other = crew_north_b.crew_membership.crew

    order = take_step(
        order=order,
        action="return",
        actor=crew_north,
        data={"reason": " Needs a bucket truck. "},
        now=returned_at,
    )
    returned = row(order)
    order = take_step(
        order=order,
        action="assign",
        actor=dispatcher_north,
        data={"crew": other.code},
        now=returned_at + timedelta(minutes=1),
    )

    assert returned["status"] == W.RETURNED
    assert returned["crew_id"] is None
    assert returned["return_reason"] == "Needs a bucket truck."
    assert returned["returned_at"] == returned_at
    assert order.status == W.ASSIGNED
    assert WorkOrder.objects.get(pk=order.pk).crew == other
    assert [e.kind for e in events(order)][-2:] == ["return", "assign"]
    assert events(order)[-2].note == "Needs a bucket truck."


def test_reassigning_an_accepted_order_makes_the_new_crew_accept_afresh(
    dispatcher_north, crew_north, crew_north_b
):
    order = order_in(W.EN_ROUTE, dispatcher=dispatcher_north, crew_user=crew_north)
    other = crew_north_b.crew_membership.crew

    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": other.code})

    stored = WorkOrder.objects.get(pk=order.pk)
    assert (stored.status, stored.crew) == (W.ASSIGNED, other)
    assert (stored.accepted_at, stored.departed_at) == (None, None)
    with pytest.raises(TransitionNotAllowed):
        take_step(order=order, action="depart", actor=crew_north)


@pytest.mark.parametrize("case", ["off_duty", "other_station", "unknown", "missing"])
def test_assign_rejects_a_crew_it_cannot_use_as_a_field_error(
    dispatcher_north, station_south, case
):
    order = work_order_create(station=dispatcher_north.station)
    off_duty = CrewFactory(code="N01-OFF", station=dispatcher_north.station, on_duty=False)
    south = CrewFactory(code="S01-A", station=station_south)
    data = {
        "off_duty": {"crew": off_duty.code},
        "other_station": {"crew": south.code},
        "unknown": {"crew": "NO-SUCH"},
        "missing": {},
    }[case]
    before_row, before_events = row(order), events(order)

    with pytest.raises(GridlineError) as rejected:
        take_step(order=order, action="assign", actor=dispatcher_north, data=data)

    assert rejected.value.status_code == 400
    assert list(rejected.value.as_dict()) == ["crew"]
    assert row(order) == before_row
    assert events(order) == before_events


# --- Who may act -----------------------------------------------------------------


def test_an_agent_cannot_assign(agent, dispatcher_north, north_crew):
    order = work_order_create(station=dispatcher_north.station)
    before_row, before_events = row(order), events(order)

    with pytest.raises(NotPermitted) as refused:
        take_step(order=order, action="assign", actor=agent, data={"crew": north_crew.code})

    assert refused.value.status_code == 403
    assert row(order) == before_row
    assert events(order) == before_events


def test_a_dispatcher_cannot_accept(dispatcher_north, crew_north):
    order = order_in(W.ASSIGNED, dispatcher=dispatcher_north, crew_user=crew_north)
    before_row, before_events = row(order), events(order)

    with pytest.raises(NotPermitted):
        take_step(order=order, action="accept", actor=dispatcher_north)

    assert row(order) == before_row
    assert events(order) == before_events


@pytest.mark.parametrize(
    ("status", "action"),
    [(W.ASSIGNED, "accept"), (W.ACCEPTED, "depart"), (W.ASSIGNED, "return")],
)
def test_a_crew_cannot_act_on_an_order_assigned_to_another_crew(
    dispatcher_north, crew_north, crew_north_b, status, action
):
    order = order_in(status, dispatcher=dispatcher_north, crew_user=crew_north_b)
    before_row, before_events = row(order), events(order)

    with pytest.raises(TransitionNotAllowed) as refused:
        take_step(order=order, action=action, actor=crew_north, data={"reason": "Not ours."})

    assert refused.value.status_code == 409
    assert row(order) == before_row
    assert events(order) == before_events


def test_a_crew_of_another_station_is_not_permitted(dispatcher_north, crew_south):
    order = work_order_create(station=dispatcher_north.station)
    before_row = row(order)

    with pytest.raises(NotPermitted):
        take_step(order=order, action="accept", actor=crew_south)

    assert row(order) == before_row


@pytest.mark.parametrize("status", [W.PENDING, W.RETURNED])
def test_a_crew_takes_an_unassigned_order_when_crews_may(
    settings, dispatcher_north, crew_north, crew_north_b, status
):
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = True
    order = order_in(status, dispatcher=dispatcher_north, crew_user=crew_north_b)
    now = timezone.now() + timedelta(minutes=30)

    visible = work_order_list_for_user(user=crew_north).filter(pk=order.pk).exists()
    order = take_step(order=order, action="accept", actor=crew_north, now=now)

    stored = WorkOrder.objects.get(pk=order.pk)
    assert visible
    assert stored.status == W.ACCEPTED
    assert stored.crew == crew_north.crew_membership.crew
    assert stored.assigned_at == stored.accepted_at == now
    assert events(order)[-1].data["crew"] == stored.crew.code


def test_a_crew_cannot_take_an_unassigned_order_when_crews_may_not(
    settings, dispatcher_north, crew_north
):
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = False
    order = work_order_create(station=dispatcher_north.station)
    before_row, before_events = row(order), events(order)

    with pytest.raises(TransitionNotAllowed):
        take_step(order=order, action="accept", actor=crew_north)

    assert not work_order_list_for_user(user=crew_north).filter(pk=order.pk).exists()
    with pytest.raises(Http404):
        work_order_get_for_user(user=crew_north, pk=order.pk)
    assert row(order) == before_row
    assert events(order) == before_events


def test_a_crew_sees_its_own_orders_but_not_another_crews(
    dispatcher_north, crew_north, crew_north_b
):
    mine = order_in(W.ASSIGNED, dispatcher=dispatcher_north, crew_user=crew_north)
    theirs = order_in(W.ASSIGNED, dispatcher=dispatcher_north, crew_user=crew_north_b)

    visible = set(work_order_list_for_user(user=crew_north).values_list("pk", flat=True))

    assert mine.pk in visible
    assert theirs.pk not in visible


def test_an_unknown_action_is_refused(dispatcher_north):
    order = work_order_create(station=dispatcher_north.station)

    with pytest.raises(TransitionNotAllowed) as refused:
        take_step(order=order, action="teleport", actor=dispatcher_north)

    assert refused.value.field == "action"


@pytest.mark.parametrize("status", [W.ASSIGNED, W.ACCEPTED, W.EN_ROUTE])
def test_assigning_the_crew_it_already_has_changes_nothing(dispatcher_north, crew_north, status):
    order = order_in(status, dispatcher=dispatcher_north, crew_user=crew_north)
    before_row, before_events = row(order), events(order)

    with pytest.raises(GridlineError) as refused:
        take_step(order=order, action="assign", actor=dispatcher_north,
                       data=inputs("assign", crew_north.crew_membership.crew))  # fmt: skip

    assert refused.value.field == "crew"
    assert (row(order), events(order)) == (before_row, before_events)
