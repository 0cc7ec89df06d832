"""A dispatched repair's promises become watched deadlines; the crew's steps keep them."""

from datetime import timedelta

from django.utils import timezone

from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.dispatch.steps import take_step
from tests.factories import PremiseFactory, TransformerFactory
from tickets.models import Deadline

NOW = timezone.now().replace(microsecond=0)


def walk(order, dispatcher, crew_user, until, start=NOW):
    crew = crew_user.crew_membership.crew
    order = take_step(
        order=order,
        action="assign",
        actor=dispatcher,
        data={"crew": crew.code},
        now=start + timedelta(minutes=1),
    )
    for minutes, step in [(2, "accept"), (3, "depart"), (40, "arrive"), (90, "complete")]:
        data = {"cause": "weather", "actions": "Fixed."} if step == "complete" else None
        order = take_step(
            order=order,
            action=step,
            actor=crew_user,
            data=data,
            now=start + timedelta(minutes=minutes),
        )
        if step == until:
            return order
    return order


def complete(order, crew_user, *, minutes):
    data = {"cause": "weather", "actions": "Fixed."}
    at = NOW + timedelta(minutes=minutes)
    take_step(order=order, action="complete", actor=crew_user, data=data, now=at)


def deadlines(ticket):
    return {d.name: d for d in Deadline.objects.filter(ticket=ticket)}


def test_dispatch_watches_arrival_then_restoration(dispatcher_north, crew_north, station_north):
    premise = PremiseFactory(transformer__feeder__station=station_north)
    created = repair_create(premise=premise, answers=Answers(), actor=None, now=NOW)
    arrive = deadlines(created.ticket)["arrive_by"]
    assert (arrive.due_at, arrive.station_id, arrive.closed_at) == (
        NOW + timedelta(minutes=45),
        station_north.pk,
        None,
    )

    walk(created.work_order, dispatcher_north, crew_north, until="arrive")
    found = deadlines(created.ticket)
    assert found["arrive_by"].met_at == NOW + timedelta(minutes=40)
    assert found["restore_by"].starts_at == NOW + timedelta(minutes=40)
    assert found["restore_by"].due_at == NOW + timedelta(minutes=40, hours=3)
    assert found["restore_by"].closed_at is None

    walk_rest = Deadline.objects.get(ticket=created.ticket, name="restore_by")
    order = created.work_order
    order.refresh_from_db()
    complete(order, crew_north, minutes=90)
    walk_rest.refresh_from_db()
    assert walk_rest.met_at == NOW + timedelta(minutes=90)


def test_answered_calls_promise_nothing(db):
    created = repair_create(
        premise=PremiseFactory(),
        answers=Answers(scope="self_only", breaker="tripped_reset_ok"),
        actor=None,
        now=NOW,
    )
    assert deadlines(created.ticket) == {}


def test_an_incidents_crew_keeps_every_callers_promises(
    dispatcher_north, crew_north, station_north
):
    transformer = TransformerFactory(feeder__station=station_north)
    calls = [
        repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope="neighbours"),
            actor=None,
            now=NOW + timedelta(minutes=i),
        )
        for i in range(3)
    ]
    incident = calls[-1].incident
    walk(incident.work_order, dispatcher_north, crew_north, until="arrive")
    for call in calls:
        found = deadlines(call.ticket)
        assert found["arrive_by"].met_at == NOW + timedelta(minutes=40)
        assert found["restore_by"].closed_at is None

    order = incident.work_order
    order.refresh_from_db()
    complete(order, crew_north, minutes=90)
    for call in calls:
        restore = deadlines(call.ticket)["restore_by"]
        assert restore.met_at == NOW + timedelta(minutes=90)
