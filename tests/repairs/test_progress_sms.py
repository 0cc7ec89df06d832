"""The caller of a single-premise repair hears how it goes (DESIGN §3.10): an SMS with the
ticket number when a crew has the order, when it sets off and when the work is done, each a
setting; once each; never for a ticket attached to an incident."""

import pytest
from django.utils import timezone

from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.dispatch.steps import take_step
from tests.factories import CrewFactory, PremiseFactory, TransformerFactory
from tickets.messages import render
from tickets.models import OutboxMessage

PHONE = "13800000007"
DONE = {"cause": "overload", "actions": "Replaced the fuse"}


@pytest.fixture
def repair(agent, station_north):
    created = repair_create(
        premise=PremiseFactory(transformer__feeder__station=station_north),
        answers=Answers(scope="self_only"),
        actor=agent,
        caller_phone=PHONE,
    )
    assert created.work_order is not None
    assert created.incident is None
    return created


def texts():
    return list(
        OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def walk(order, crew, dispatcher):
    crew_code = crew.crew_membership.crew.code
    order = take_step(order=order, action="assign", actor=dispatcher, data={"crew": crew_code})
    for action in ("accept", "depart", "arrive"):
        order = take_step(order=order, action=action, actor=crew)
    return take_step(order=order, action="complete", actor=crew, data=DONE)


def test_dispatch_departure_and_completion_each_text_the_caller_once(
    repair, crew_north, dispatcher_north, settings
):
    settings.GRIDLINE_CUSTOMER_LANGUAGE = "zh-hans"

    walk(repair.work_order, crew_north, dispatcher_north)

    assert texts() == ["repair_dispatched", "repair_crew_departed", "repair_work_done"]
    sms = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS)
    assert {m.recipient for m in sms} == {PHONE}
    assert {m.params["number"] for m in sms} == {repair.ticket.number}
    assert {m.language for m in sms} == {"zh-hans"}
    assert {m.ticket_id for m in sms} == {repair.ticket.pk}
    dispatched = sms.get(kind="repair_dispatched")
    assert repair.ticket.number in render(dispatched.kind, dispatched.params, language="en").text


def test_a_reassignment_is_not_a_second_dispatch(repair, crew_north, dispatcher_north):
    order = repair.work_order
    other = CrewFactory(station=order.station)
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": other.code})

    take_step(
        order=order,
        action="assign",
        actor=dispatcher_north,
        data={"crew": crew_north.crew_membership.crew.code},
    )
    take_step(order=order, action="accept", actor=crew_north)

    assert texts() == ["repair_dispatched"]


def test_a_crew_taking_an_unassigned_order_is_its_dispatch(repair, crew_north, settings):
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = True

    take_step(order=repair.work_order, action="accept", actor=crew_north)

    assert texts() == ["repair_dispatched"]


@pytest.mark.parametrize(
    ("setting", "silent"),
    [
        ("GRIDLINE_REPAIR_SMS_DISPATCHED", "repair_dispatched"),
        ("GRIDLINE_REPAIR_SMS_DEPARTED", "repair_crew_departed"),
        ("GRIDLINE_REPAIR_SMS_DONE", "repair_work_done"),
    ],
)
def test_each_text_can_be_turned_off_alone(
    repair, crew_north, dispatcher_north, settings, setting, silent
):
    setattr(settings, setting, False)

    walk(repair.work_order, crew_north, dispatcher_north)

    every = ["repair_dispatched", "repair_crew_departed", "repair_work_done"]
    assert texts() == [kind for kind in every if kind != silent]


def test_no_text_without_a_caller_phone(agent, station_north, crew_north, dispatcher_north):
    created = repair_create(
        premise=PremiseFactory(transformer__feeder__station=station_north),
        answers=Answers(scope="self_only"),
        actor=agent,
    )

    walk(created.work_order, crew_north, dispatcher_north)

    assert texts() == []


def test_callers_attached_to_an_incident_get_only_the_incidents_texts(
    agent, station_north, crew_north, dispatcher_north
):
    transformer = TransformerFactory(feeder__station=station_north)
    created = None
    for i in range(3):
        created = repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope="neighbours"),
            actor=agent,
            caller_phone=f"1380000001{i}",
            now=timezone.now(),
        )
    assert created.incident is not None

    walk(created.incident.work_order, crew_north, dispatcher_north)

    assert not set(texts()) & {"repair_dispatched", "repair_crew_departed", "repair_work_done"}
    assert "incident_acknowledged" in texts()
