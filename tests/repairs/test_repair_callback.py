"""The callback after a resolved repair (issue #5 item 7), through the one callback service:
close, reopen to the station, or count the unreachable ones until the third closes the
ticket (repairs/services/callbacks.py decides)."""

import pytest

from config.errors import FieldErrors, TransitionNotAllowed
from dispatch.models import WorkOrder
from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.factories import PremiseFactory, UserFactory
from tickets.callbacks import callback_record
from tickets.models import Callback, Deadline, Notification, Ticket


@pytest.fixture
def resolved(station_north):
    premise = PremiseFactory(transformer__feeder__station=station_north)
    # Answered on the call: resolved at once, waiting for its callback.
    created = repair_create(
        premise=premise, answers=Answers(scope="self_only", breaker="tripped_reset_ok"), actor=None
    )
    assert created.ticket.status == Ticket.Status.RESOLVED
    return created.repair


@pytest.mark.parametrize("result", ["satisfied", "basically_satisfied"])
def test_a_content_customer_closes_the_ticket(agent, resolved, result):
    callback = callback_record(ticket=resolved.ticket, result=result, note="", actor=agent)
    assert (callback.result, callback.actor) == (result, agent)
    assert Callback.objects.get(ticket_id=resolved.ticket_id) == callback
    ticket = Ticket.objects.get(pk=resolved.ticket_id)
    assert ticket.status == Ticket.Status.CLOSED
    assert [e.kind for e in ticket.events.all()][-2:] == ["callback", "close"]


def test_unsatisfied_reopens_to_the_station_with_a_new_work_order(
    agent, resolved, dispatcher_north
):
    callback_record(
        ticket=resolved.ticket, result="unsatisfied", actor=agent, note="Lights still flicker"
    )
    ticket = Ticket.objects.get(pk=resolved.ticket_id)
    assert ticket.status == Ticket.Status.IN_PROGRESS
    order = WorkOrder.objects.get(ticket=ticket)
    assert "Lights still flicker" in order.brief_text
    assert order.station_id == ticket.station_id
    assert Deadline.objects.filter(ticket=ticket, name="arrive_by", closed_at=None).exists()
    assert Notification.objects.get(user=dispatcher_north).ticket_id == ticket.pk


def test_unsatisfied_needs_the_reason_and_writes_nothing_without_it(agent, resolved):
    with pytest.raises(FieldErrors):
        callback_record(ticket=resolved.ticket, result="unsatisfied", note="  ", actor=agent)
    with pytest.raises(FieldErrors):
        callback_record(ticket=resolved.ticket, result="happy", note="", actor=agent)
    ticket = Ticket.objects.get(pk=resolved.ticket_id)
    assert ticket.status == Ticket.Status.RESOLVED
    assert not ticket.events.filter(kind="callback").exists()
    assert not ticket.callbacks.exists()


def test_the_third_unreachable_closes_it(agent, resolved, settings):
    settings.GRIDLINE_CALLBACK_UNREACHABLE_LIMIT = 3
    for expected in (Ticket.Status.RESOLVED, Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        callback_record(ticket=resolved.ticket, result="unreachable", note="", actor=agent)
        assert Ticket.objects.get(pk=resolved.ticket_id).status == expected
    ticket = Ticket.objects.get(pk=resolved.ticket_id)
    assert ticket.unreachable_count == 3
    assert ticket.callbacks.filter(result="unreachable").count() == 3
    assert [e.data["unreachable_count"] for e in ticket.events.filter(kind="callback")] == [1, 2, 3]


def test_only_a_resolved_ticket_takes_a_callback(agent, resolved):
    callback_record(ticket=resolved.ticket, result="satisfied", note="", actor=agent)
    with pytest.raises(TransitionNotAllowed):
        callback_record(ticket=resolved.ticket, result="satisfied", note="", actor=agent)
    assert Callback.objects.filter(ticket_id=resolved.ticket_id).count() == 1


def test_the_queue_page_lists_oldest_first_and_records_results(client, agent, station_north):
    from tests.factories import PASSWORD

    repairs = []
    for _ in range(3):
        premise = PremiseFactory(transformer__feeder__station=station_north)
        answers = Answers(scope="self_only", breaker="tripped_reset_ok")
        repairs.append(repair_create(premise=premise, answers=answers, actor=None).ticket)
    UserFactory(username="dispatcher", role="dispatcher", station=station_north)
    client.login(username=agent.username, password=PASSWORD)

    page = client.get("/console/callbacks/").content.decode()
    positions = [page.index(ticket.number) for ticket in repairs]
    assert positions == sorted(positions)

    response = client.post(
        f"/console/callbacks/{repairs[0].number}/",
        {"result": "satisfied"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert Ticket.objects.get(pk=repairs[0].pk).status == Ticket.Status.CLOSED
    bad = client.post(
        f"/console/callbacks/{repairs[1].number}/",
        {"result": "unsatisfied"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422
    assert "Say what the customer is unhappy with." in bad.content.decode()
    assert f"callback-{repairs[0].number}" not in client.get("/console/callbacks/").content.decode()


def test_the_queue_is_for_agents_and_supervisors(client, dispatcher_north):
    from tests.factories import PASSWORD

    client.login(username=dispatcher_north.username, password=PASSWORD)
    assert client.get("/console/callbacks/").status_code == 403
