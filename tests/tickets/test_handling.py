"""The holder's steps (DESIGN §3.9, tickets/handling.py): take, transfer, reply, return and
cancel as a duplicate, through the services, the API and the ticket page."""

import pytest
from django.utils import timezone

from accounts.models import Role
from complaints.models import Complaint
from complaints.services import complaint_contact, complaint_create, complaint_judge
from config.errors import GridlineError, NotPermitted, TransitionNotAllowed
from dispatch.models import WorkOrder
from hotline.services import feedback_record, service_request_record
from tests.dispatch.steps import take_step
from tests.factories import (
    CrewFactory,
    DepartmentFactory,
    PremiseFactory,
    UserFactory,
    work_order_create,
)
from tests.security.world import category_any
from tickets import handling
from tickets.models import Deadline, Notification, Ticket, TimelineEvent
from tickets.services import ticket_transition, ticket_urge


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="OPS", name="Operations")


@pytest.fixture
def other_handler(other_department):
    return UserFactory(username="handler_ops", role=Role.HANDLER, department=other_department)


def service_request(station, agent, **kwargs):
    """A service request on a premise of `station`: held by the station, reply_by open."""
    return service_request_record(
        call=None,
        actor=agent,
        request_type=kwargs.pop("request_type", "meter_check"),
        description="The meter runs fast.",
        premise=PremiseFactory(transformer__feeder__station=station),
        **kwargs,
    )


def opinion(agent, **kwargs):
    """An opinion with no premise: held by the supervisors, reply_by open."""
    return feedback_record(
        call=None,
        actor=agent,
        kind="opinion",
        subject="Opening hours",
        description="The service hall should open on Saturdays.",
        **kwargs,
    )


def department_opinion(agent, supervisor, department):
    ticket = opinion(agent)
    return handling.ticket_transfer(ticket=ticket, to=department, reason="Theirs", actor=supervisor)


def judged_complaint(agent, supervisor, department):
    complaint = complaint_create(
        channel="hotline", category=category_any(), description="Rude clerk", actor=agent
    )
    complaint = complaint_contact(complaint=complaint, note="Called back", actor=agent)
    return complaint_judge(
        complaint=complaint,
        validity="valid",
        reason="Confirmed",
        department=department,
        actor=supervisor,
    ).ticket


def snapshot(ticket: Ticket) -> dict:
    """Everything a refusal must leave as it was."""
    row = Ticket.objects.values(
        "status", "station_id", "department_id", "priority", "urge_count", "duplicate_of_id"
    ).get(pk=ticket.pk)
    deadlines = list(
        Deadline.objects.filter(ticket=ticket)
        .order_by("pk")
        .values("due_at", "closed_at", "met_at", "station_id", "department_id", "next_step_at")
    )
    events = TimelineEvent.objects.filter(ticket=ticket).count()
    return {"ticket": row, "deadlines": deadlines, "events": events}


# --- Take -------------------------------------------------------------------------------------


def test_the_holders_dispatcher_takes_an_open_service_request(agent, dispatcher_north):
    ticket = service_request(dispatcher_north.station, agent)

    ticket = handling.ticket_take(ticket=ticket, actor=dispatcher_north)

    assert ticket.status == "in_progress"
    event = TimelineEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.actor, event.old_status, event.new_status) == (
        "taken",
        dispatcher_north,
        "open",
        "in_progress",
    )


def test_taking_a_ticket_in_progress_is_refused_and_changes_nothing(agent, dispatcher_north):
    ticket = handling.ticket_take(
        ticket=service_request(dispatcher_north.station, agent), actor=dispatcher_north
    )
    before = snapshot(ticket)

    with pytest.raises(TransitionNotAllowed, match="nothing to take"):
        handling.ticket_take(ticket=ticket, actor=dispatcher_north)

    assert snapshot(ticket) == before


@pytest.mark.parametrize("step", ["take", "reply", "return"])
def test_repairs_and_complaints_keep_their_own_steps(
    agent, supervisor, dispatcher_north, handler, department, step
):
    repair = work_order_create(station=dispatcher_north.station).ticket
    complaint = judged_complaint(agent, supervisor, department)
    data = {"text": "Done", "reason": "Not ours"}

    for ticket, actor in [(repair, dispatcher_north), (complaint, handler)]:
        before = snapshot(ticket)
        with pytest.raises(TransitionNotAllowed, match=r"own steps|its work order"):
            handling.ticket_handle(ticket=ticket, step=step, data=data, actor=actor)
        assert snapshot(ticket) == before


# --- Transfer ---------------------------------------------------------------------------------


def test_a_transfer_moves_the_holder_keeps_the_clock_and_tells_the_new_holder(
    agent, dispatcher_north, dispatcher_south, station_south
):
    ticket = service_request(dispatcher_north.station, agent)
    deadline = Deadline.objects.get(ticket=ticket)

    handling.ticket_transfer(
        ticket=ticket, to=station_south, reason="The meter is on their side", actor=dispatcher_north
    )

    ticket.refresh_from_db()
    assert ticket.holder.station_id == station_south.pk
    moved = Deadline.objects.get(ticket=ticket)
    assert (moved.starts_at, moved.due_at, moved.next_step, moved.next_step_at) == (
        deadline.starts_at,
        deadline.due_at,
        deadline.next_step,
        deadline.next_step_at,
    )
    assert moved.closed_at is None
    assert moved.station_id == station_south.pk  # its warning goes to the new holder
    event = TimelineEvent.objects.get(ticket=ticket, kind="transferred")
    assert event.note == "The meter is on their side"
    assert event.data == {
        "from": {"holder": "station", "code": "N01", "name": "North station"},
        "to": {"holder": "station", "code": "S01", "name": "South station"},
    }
    told = Notification.objects.get(ticket=ticket)
    assert (told.user, told.kind) == (dispatcher_south, "ticket_transferred")
    assert told.params == {"number": ticket.number, "reason": "The meter is on their side"}


def test_after_a_transfer_the_old_holders_queue_no_longer_lists_it(
    client, agent, dispatcher_north, dispatcher_south, station_south
):
    ticket = service_request(dispatcher_north.station, agent)
    client.force_login(dispatcher_north)
    assert ticket.number in client.get("/tickets/mine/").content.decode()

    handling.ticket_transfer(
        ticket=ticket, to=station_south, reason="Theirs", actor=dispatcher_north
    )

    assert ticket.number not in client.get("/tickets/mine/").content.decode()
    client.force_login(dispatcher_south)
    assert ticket.number in client.get("/tickets/mine/").content.decode()


def test_a_transfer_to_a_department_lets_its_handlers_hold_it(
    agent, dispatcher_north, handler, department
):
    ticket = service_request(dispatcher_north.station, agent, request_type="tariff_change")

    ticket = handling.ticket_transfer(
        ticket=ticket, to=department, reason="Paperwork", actor=dispatcher_north
    )

    assert (ticket.station_id, ticket.department_id) == (None, department.pk)
    assert handling.user_holds(handler, ticket)
    assert not handling.user_holds(dispatcher_north, ticket)
    assert Deadline.objects.get(ticket=ticket).department_id == department.pk


def test_a_transfer_to_the_holder_it_has_is_refused(agent, dispatcher_north, station_north):
    ticket = service_request(station_north, agent)
    before = snapshot(ticket)

    with pytest.raises(GridlineError, match="holds ticket") as refused:
        handling.ticket_transfer(
            ticket=ticket, to=station_north, reason="x", actor=dispatcher_north
        )

    assert (refused.value.status_code, refused.value.field) == (400, "station")
    assert snapshot(ticket) == before


def test_a_complaint_moves_between_departments_and_keeps_its_contact_promise_unheld(
    agent, supervisor, handler, department, other_department, other_handler
):
    ticket = judged_complaint(agent, supervisor, department)

    ticket = handling.ticket_transfer(
        ticket=ticket, to=other_department, reason="Billing is theirs", actor=handler
    )

    assert ticket.department_id == other_department.pk
    assert handling.user_holds(other_handler, ticket)
    holders = dict(Deadline.objects.filter(ticket=ticket).values_list("name", "department_id"))
    assert holders == {"contact_by": None, "reply_by": other_department.pk}
    assert Notification.objects.filter(user=other_handler, kind="ticket_transferred").exists()


def test_a_repair_goes_to_a_station_and_a_complaint_to_a_department(
    agent, supervisor, dispatcher_north, department, station_south
):
    repair = work_order_create(station=dispatcher_north.station).ticket
    complaint = judged_complaint(agent, supervisor, department)

    with pytest.raises(GridlineError, match="to a supply station"):
        handling.ticket_transfer(ticket=repair, to=department, reason="x", actor=supervisor)
    with pytest.raises(GridlineError, match="to a department"):
        handling.ticket_transfer(ticket=complaint, to=station_south, reason="x", actor=supervisor)


def test_a_repair_takes_its_waiting_work_order_to_the_new_station(
    dispatcher_north, dispatcher_south, station_south
):
    order = work_order_create(station=dispatcher_north.station)

    handling.ticket_transfer(
        ticket=order.ticket, to=station_south, reason="Wrong feeder", actor=dispatcher_north
    )

    order.refresh_from_db()
    assert (order.station_id, order.status) == (station_south.pk, "pending")


def test_a_repair_whose_order_a_crew_has_is_not_transferred(
    dispatcher_north, station_north, station_south
):
    crew = CrewFactory(station=station_north)
    order = work_order_create(station=station_north)
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    before = snapshot(order.ticket)

    with pytest.raises(TransitionNotAllowed, match="is with a crew"):
        handling.ticket_transfer(
            ticket=order.ticket, to=station_south, reason="x", actor=dispatcher_north
        )

    order.refresh_from_db()
    assert order.station_id == station_north.pk
    assert snapshot(order.ticket) == before


# --- Reply and return -------------------------------------------------------------------------


def test_a_reply_meets_reply_by_and_resolves(agent, supervisor, handler, department):
    ticket = department_opinion(agent, supervisor, department)
    now = timezone.now()

    ticket = handling.ticket_reply(
        ticket=ticket, actor=handler, text="Saturdays from next month.", now=now
    )

    assert (ticket.status, ticket.resolved_at) == ("resolved", now)
    deadline = Deadline.objects.get(ticket=ticket, name="reply_by")
    assert (deadline.met_at, deadline.closed_at) == (now, now)
    event = TimelineEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.note, event.new_status) == (
        "replied",
        "Saturdays from next month.",
        "resolved",
    )


def test_a_resolved_ticket_takes_no_reply_and_changes_nothing(agent, supervisor):
    ticket = handling.ticket_reply(ticket=opinion(agent), actor=supervisor, text="Thanks")
    before = snapshot(ticket)

    with pytest.raises(TransitionNotAllowed, match="answered already"):
        handling.ticket_reply(ticket=ticket, actor=supervisor, text="Again")

    assert snapshot(ticket) == before


def test_a_return_hands_the_ticket_back_to_the_supervisors(
    client, agent, supervisor, dispatcher_north
):
    ticket = service_request(dispatcher_north.station, agent)

    ticket = handling.ticket_return(ticket=ticket, actor=dispatcher_north, reason="Not a meter")

    assert (ticket.station_id, ticket.department_id) == (None, None)
    assert Deadline.objects.get(ticket=ticket).station_id is None
    event = TimelineEvent.objects.get(ticket=ticket, kind="returned")
    assert (event.note, event.data["from"]["code"]) == ("Not a meter", "N01")
    told = Notification.objects.get(ticket=ticket)
    assert (told.user, told.kind) == (supervisor, "ticket_returned")
    client.force_login(supervisor)
    assert ticket.number in client.get("/tickets/mine/").content.decode()


def test_a_supervisor_does_not_return_a_ticket_to_the_supervisors(
    agent, supervisor, dispatcher_north
):
    ticket = service_request(dispatcher_north.station, agent)
    before = snapshot(ticket)

    with pytest.raises(NotPermitted):
        handling.ticket_return(ticket=ticket, actor=supervisor, reason="x")

    assert snapshot(ticket) == before


def test_the_holder_who_is_no_longer_one_is_refused(agent, dispatcher_north, station_south):
    ticket = service_request(dispatcher_north.station, agent)
    stale = Ticket.objects.get(pk=ticket.pk)  # the page read before the transfer
    handling.ticket_transfer(ticket=ticket, to=station_south, reason="x", actor=dispatcher_north)
    before = snapshot(ticket)

    with pytest.raises(NotPermitted):
        handling.ticket_reply(ticket=stale, actor=dispatcher_north, text="Too late")

    assert snapshot(ticket) == before


# --- Cancel as a duplicate --------------------------------------------------------------------


def test_a_duplicate_closes_its_deadlines_and_urges_the_original(agent, supervisor, station_north):
    original = service_request(station_north, agent)
    duplicate = service_request(station_north, agent)

    duplicate = handling.ticket_cancel(
        ticket=duplicate, actor=supervisor, reason="Recorded twice", duplicate_of=original
    )

    assert (duplicate.status, duplicate.duplicate_of_id) == ("cancelled", original.pk)
    assert not Deadline.objects.filter(ticket=duplicate, closed_at__isnull=True).exists()
    cancel = TimelineEvent.objects.get(ticket=duplicate, kind="cancel")
    assert (cancel.note, cancel.data) == ("Recorded twice", {"duplicate_of": original.number})
    original.refresh_from_db()
    assert (original.status, original.urge_count, original.priority) == ("open", 1, "high")
    kinds = list(TimelineEvent.objects.filter(ticket=original).values_list("kind", flat=True))
    assert kinds[-2:] == ["duplicate_linked", "urged"]
    linked = TimelineEvent.objects.get(ticket=original, kind="duplicate_linked")
    assert linked.data == {"duplicate": duplicate.number}


def test_the_holder_cancels_without_a_duplicate(agent, dispatcher_north):
    ticket = service_request(dispatcher_north.station, agent)

    ticket = handling.ticket_cancel(ticket=ticket, actor=dispatcher_north, reason="Withdrawn")

    assert (ticket.status, ticket.duplicate_of_id) == ("cancelled", None)


@pytest.mark.parametrize("case", ["itself", "closed", "other_kind"])
def test_a_duplicate_of_itself_of_a_closed_ticket_or_of_another_kind_is_refused(
    agent, supervisor, station_north, case
):
    ticket = service_request(station_north, agent)
    original = {
        "itself": ticket,
        "closed": ticket_transition(
            ticket=service_request(station_north, agent), action="resolve", actor=None
        ),
        "other_kind": opinion(agent),
    }[case]
    before, original_before = snapshot(ticket), snapshot(original)

    with pytest.raises(GridlineError) as refused:
        handling.ticket_cancel(ticket=ticket, actor=supervisor, reason="x", duplicate_of=original)

    assert refused.value.field == "duplicate_of"
    assert refused.value.status_code == (409 if case == "closed" else 400)
    assert (snapshot(ticket), snapshot(original)) == (before, original_before)


def test_a_complaint_is_cancelled_only_as_a_duplicate_and_then_closes(
    agent, supervisor, handler, department
):
    original = judged_complaint(agent, supervisor, department)
    ticket = judged_complaint(agent, supervisor, department)
    before = snapshot(ticket)

    with pytest.raises(GridlineError, match="only as a duplicate"):
        handling.ticket_cancel(ticket=ticket, actor=handler, reason="No")
    assert snapshot(ticket) == before

    handling.ticket_cancel(ticket=ticket, actor=handler, reason="Same", duplicate_of=original)

    complaint = Complaint.objects.get(pk=ticket.pk)
    assert (complaint.status, complaint.closed_as, complaint.due_at) == (
        "closed",
        "duplicate",
        None,
    )


def test_a_duplicate_repair_cancels_its_waiting_work_order(supervisor, station_north):
    original = work_order_create(station=station_north)
    duplicate = work_order_create(station=station_north, premise=original.ticket.premise)

    handling.ticket_cancel(
        ticket=duplicate.ticket, actor=supervisor, reason="Same fault", duplicate_of=original.ticket
    )

    assert WorkOrder.objects.get(pk=duplicate.pk).status == "cancelled"
    assert WorkOrder.objects.get(pk=original.pk).status == "pending"


def test_a_cancelled_ticket_takes_no_step(agent, supervisor, station_north):
    ticket = handling.ticket_cancel(
        ticket=service_request(station_north, agent), actor=supervisor, reason="x"
    )
    before = snapshot(ticket)
    data = {"reason": "x", "text": "x", "station": None, "department": None, "duplicate_of": None}

    for step in ["take", "reply", "cancel"]:
        with pytest.raises(TransitionNotAllowed):
            handling.ticket_handle(ticket=ticket, step=step, data=data, actor=supervisor)
    with pytest.raises(TransitionNotAllowed):
        handling.ticket_transfer(
            ticket=ticket, to=DepartmentFactory(code="X1"), reason="x", actor=supervisor
        )

    assert snapshot(ticket) == before


# --- The API: scope 404, role 403, body 400, state 409 ----------------------------------------

BODIES = {
    "take": {},
    "transfer": {"station": "S01", "reason": "Their side of the feeder"},
    "reply": {"text": "Checked: the meter is within tolerance."},
    "return": {"reason": "Not a meter question"},
    "cancel": {"reason": "Withdrawn by the caller"},
}
# Who may take each step on a service request held by the north station.
ALLOWED = {
    "agent": set(),
    "supervisor": {"take", "transfer", "reply", "cancel"},
    "dispatcher_north": set(BODIES),
    "manager": set(),
}


@pytest.mark.parametrize("step", list(BODIES))
@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_step_answers_each_role(api, request, agent, station_north, station_south, role, step):
    user = request.getfixturevalue(role)
    ticket = service_request(station_north, agent)
    before = snapshot(ticket)
    api.force_authenticate(user)

    response = api.post(f"/api/v1/tickets/{ticket.number}/{step}/", BODIES[step], format="json")

    if step in ALLOWED[role]:
        assert response.status_code == 200, response.json()
        assert response.json()["number"] == ticket.number
        assert snapshot(ticket) != before
    else:
        assert response.status_code == 403
        assert snapshot(ticket) == before


@pytest.mark.parametrize("step", list(BODIES))
def test_outside_the_scope_every_step_is_404(
    api, agent, station_north, dispatcher_south, handler, crew_north, step
):
    ticket = service_request(station_north, agent)
    before = snapshot(ticket)

    for user in (dispatcher_south, handler, crew_north):
        api.force_authenticate(user)
        response = api.post(f"/api/v1/tickets/{ticket.number}/{step}/", BODIES[step], format="json")
        assert response.status_code == 404, (user.username, response.status_code)

    assert snapshot(ticket) == before


@pytest.mark.parametrize("step", ["transfer", "reply", "return", "cancel"])
def test_an_empty_body_is_400_with_a_message_per_field(api, agent, dispatcher_north, step):
    ticket = service_request(dispatcher_north.station, agent)
    before = snapshot(ticket)
    api.force_authenticate(dispatcher_north)

    response = api.post(f"/api/v1/tickets/{ticket.number}/{step}/", {}, format="json")

    assert response.status_code == 400
    assert (
        set(response.json())
        == {
            "transfer": {"station", "reason"},
            "reply": {"text"},
            "return": {"reason"},
            "cancel": {"reason"},
        }[step]
    )
    assert snapshot(ticket) == before


def test_a_transfer_names_a_station_or_a_department_not_both(api, agent, dispatcher_north):
    ticket = service_request(dispatcher_north.station, agent)
    DepartmentFactory(code="MKT")
    api.force_authenticate(dispatcher_north)

    response = api.post(
        f"/api/v1/tickets/{ticket.number}/transfer/",
        {"station": "S01", "department": "MKT", "reason": "x"},
        format="json",
    )

    assert response.status_code == 400
    assert "station" in response.json() or "department" in response.json()


@pytest.mark.parametrize("step", list(BODIES))
def test_a_step_the_state_does_not_allow_is_409(api, agent, dispatcher_north, station_south, step):
    ticket = handling.ticket_cancel(
        ticket=service_request(dispatcher_north.station, agent), actor=dispatcher_north, reason="x"
    )
    api.force_authenticate(dispatcher_north)
    before = snapshot(ticket)

    response = api.post(f"/api/v1/tickets/{ticket.number}/{step}/", BODIES[step], format="json")

    assert response.status_code == 409
    assert "action" in response.json()
    assert snapshot(ticket) == before


def test_a_duplicate_of_a_ticket_you_may_not_read_is_400(
    api, agent, dispatcher_north, dispatcher_south
):
    mine = service_request(dispatcher_north.station, agent)
    theirs = service_request(dispatcher_south.station, agent)
    api.force_authenticate(dispatcher_north)

    response = api.post(
        f"/api/v1/tickets/{mine.number}/cancel/",
        {"reason": "Same", "duplicate_of": theirs.number},
        format="json",
    )

    assert response.status_code == 400
    assert "duplicate_of" in response.json()


def test_a_retried_step_with_its_idempotency_key_answers_the_first_response(
    api, agent, dispatcher_north
):
    ticket = service_request(dispatcher_north.station, agent)
    api.force_authenticate(dispatcher_north)
    url = f"/api/v1/tickets/{ticket.number}/take/"

    first = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="take-1")
    again = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="take-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json()
    assert TimelineEvent.objects.filter(ticket=ticket, kind="taken").count() == 1


def test_the_transfer_answers_the_ticket_it_left_behind(
    api, agent, dispatcher_north, station_south
):
    ticket = service_request(dispatcher_north.station, agent)
    api.force_authenticate(dispatcher_north)

    response = api.post(
        f"/api/v1/tickets/{ticket.number}/transfer/", BODIES["transfer"], format="json"
    )

    assert response.status_code == 200
    assert response.json()["station_code"] == "S01"
    assert response.json()["events"][-1]["kind"] == "transferred"
    assert api.get(f"/api/v1/tickets/{ticket.number}/").status_code == 404  # no longer theirs


# --- The ticket page's panel ------------------------------------------------------------------


def test_the_panel_offers_the_holder_its_steps_and_nothing_to_an_agent(
    client, agent, dispatcher_north
):
    ticket = service_request(dispatcher_north.station, agent)

    client.force_login(dispatcher_north)
    page = client.get(ticket.get_absolute_url()).content.decode()
    client.force_login(agent)
    agents = client.get(ticket.get_absolute_url()).content.decode()

    for step in BODIES:
        assert f"/tickets/{ticket.number}/{step}/" in page
        assert f"/tickets/{ticket.number}/{step}/" not in agents


def test_a_transfer_without_a_reason_comes_back_in_the_panel_with_the_error(
    client, agent, dispatcher_north, station_south
):
    ticket = service_request(dispatcher_north.station, agent)
    client.force_login(dispatcher_north)
    before = snapshot(ticket)

    response = client.post(
        f"/tickets/{ticket.number}/transfer/",
        {"station": "S01", "reason": " "},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="handling"')
    assert "Say why the ticket goes there." in body
    assert 'value="S01" selected' in body  # what was chosen is kept
    assert snapshot(ticket) == before


def test_a_step_done_from_the_panel_follows_hx_redirect(client, agent, dispatcher_north):
    ticket = service_request(dispatcher_north.station, agent)
    client.force_login(dispatcher_north)

    response = client.post(f"/tickets/{ticket.number}/take/", HTTP_HX_REQUEST="true")

    assert (response.status_code, response["HX-Redirect"]) == (200, ticket.get_absolute_url())
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


def test_a_refused_step_without_htmx_shows_the_page_with_the_reason(
    client, agent, dispatcher_north
):
    ticket = handling.ticket_take(
        ticket=service_request(dispatcher_north.station, agent), actor=dispatcher_north
    )
    client.force_login(dispatcher_north)

    response = client.post(f"/tickets/{ticket.number}/take/")

    assert response.status_code == 422
    assert "nothing to take" in response.content.decode()


def test_after_a_transfer_the_page_goes_to_the_queue(
    client, agent, dispatcher_north, station_south
):
    ticket = service_request(dispatcher_north.station, agent)
    client.force_login(dispatcher_north)

    response = client.post(
        f"/tickets/{ticket.number}/transfer/", {"station": "S01", "reason": "Theirs"}
    )

    assert (response.status_code, response["Location"]) == (302, "/tickets/mine/")


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_lists_every_kind_the_user_holds_nearest_deadline_first(
    client, agent, supervisor, handler, department
):
    later = department_opinion(agent, supervisor, department)  # 10 working days
    complaint = judged_complaint(
        agent, supervisor, department
    )  # contacted: reply_by, 4 working days
    sooner = handling.ticket_transfer(
        ticket=service_request(
            PremiseFactory().transformer.feeder.station, agent, request_type="reconnection"
        ),
        to=department,
        reason="Paperwork",
        actor=supervisor,
    )  # a reconnection: 24 hours
    elsewhere = opinion(agent)  # the supervisors'
    client.force_login(handler)

    page = client.get("/tickets/mine/").content.decode()

    rows = [n for n in (sooner.number, complaint.number, later.number) if n in page]
    assert rows == [sooner.number, complaint.number, later.number]
    assert sorted(rows, key=page.index) == rows
    assert elsewhere.number not in page


def test_a_dispatchers_queue_never_lists_a_complaint(
    client, agent, supervisor, department, dispatcher_north, station_north
):
    complaint = complaint_create(
        channel="hotline",
        category=category_any(),
        description="Rude clerk",
        actor=agent,
        meter_no=PremiseFactory(transformer__feeder__station=station_north).meter_no,
    ).ticket
    assert complaint.station_id == station_north.pk  # the premise's station
    client.force_login(dispatcher_north)

    assert complaint.number not in client.get("/tickets/mine/").content.decode()


@pytest.mark.parametrize("role", ["agent", "crew_north", "manager"])
def test_the_queue_is_for_holders_and_supervisors_only(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get("/tickets/mine/").status_code == 403


@pytest.mark.parametrize("size", [3, 30])
def test_the_queue_page_takes_a_constant_number_of_queries(
    client, agent, dispatcher_north, django_assert_max_num_queries, size
):
    for _ in range(size):
        service_request(dispatcher_north.station, agent)
    client.force_login(dispatcher_north)

    # session, user, the count, the page of tickets (customer, station, department joined,
    # the nearest deadline a subquery), the unread bell; a savepoint pair around the view.
    with django_assert_max_num_queries(7):
        response = client.get("/tickets/mine/")

    assert response.content.decode().count('class="queue-row') == size


def test_the_queue_pages_by_fifty(client, agent, dispatcher_north):
    for _ in range(51):
        service_request(dispatcher_north.station, agent)
    client.force_login(dispatcher_north)

    first = client.get("/tickets/mine/").content.decode()
    second = client.get("/tickets/mine/?page=2").content.decode()

    assert (first.count('class="queue-row'), second.count('class="queue-row')) == (50, 1)


def test_an_urged_complaint_tells_its_departments_handlers_not_a_stations_dispatchers(
    agent, supervisor, handler, department, dispatcher_north, station_north
):
    complaint = complaint_create(
        channel="hotline",
        category=category_any(),
        description="Rude clerk",
        actor=agent,
        meter_no=PremiseFactory(transformer__feeder__station=station_north).meter_no,
    )
    complaint = complaint_contact(complaint=complaint, note="Called", actor=agent)
    ticket = complaint_judge(
        complaint=complaint,
        validity="valid",
        reason="Confirmed",
        department=department,
        station=station_north,
        actor=supervisor,
    ).ticket
    Notification.objects.all().delete()

    ticket_urge(ticket=ticket, actor=agent)

    assert list(Notification.objects.values_list("user", flat=True)) == [handler.pk]
