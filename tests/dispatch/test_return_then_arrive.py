"""A crew that leaves a site unrestored and comes back (issue "Faults", point 4): the return
ends the restoration promise it was running, so the next arrival can start a new one."""

import pytest
from django.utils import timezone

from dispatch.models import WorkOrder
from tests.dispatch.steps import take_step
from tests.factories import work_order_create
from tickets.models import Deadline
from tickets.services import deadline_open

RESTORE_BY = Deadline.Name.RESTORE_BY


@pytest.fixture(autouse=True)
def _crews_take_unassigned(settings):
    settings.GRIDLINE_CREW_TAKES_UNASSIGNED = True


def _walk(order, crew, steps):
    for action in steps:
        data = {"reason": "Needs a bucket truck"} if action == "return" else None
        order = take_step(order=order, action=action, actor=crew, data=data)
    return order


def test_return_from_site_then_arrive_again_runs_one_restoration_promise(station_north, crew_north):
    order = work_order_create(station=station_north)
    order = _walk(order, crew_north, ["accept", "depart", "arrive", "return"])

    assert order.status == WorkOrder.Status.RETURNED
    # Left unrestored: the promise it was running ends without being met.
    first = Deadline.objects.get(ticket=order.ticket, name=RESTORE_BY)
    assert first.closed_at is not None
    assert first.met_at is None

    order = _walk(order, crew_north, ["accept", "depart", "arrive"])

    assert order.status == WorkOrder.Status.ON_SITE
    running = Deadline.objects.filter(
        ticket=order.ticket, name=RESTORE_BY, closed_at__isnull=True
    ).get()
    assert running.due_at == order.restore_by
    assert running.due_at > timezone.now()

    take_step(
        order=order,
        action="complete",
        actor=crew_north,
        data={"cause": "overload", "actions": "Replaced the fuse"},
    )
    running.refresh_from_db()
    assert running.met_at is not None


def test_return_before_arriving_keeps_the_arrival_promise_running(station_north, crew_north):
    order = work_order_create(station=station_north)
    # As repairs opens it when it dispatches the order.
    deadline_open(
        ticket=order.ticket,
        name=Deadline.Name.ARRIVE_BY,
        starts_at=order.created_at,
        due_at=order.arrive_by,
        station_id=order.station_id,
    )
    order = _walk(order, crew_north, ["accept", "depart", "return"])

    arrival = Deadline.objects.get(ticket=order.ticket, name=Deadline.Name.ARRIVE_BY)
    assert arrival.closed_at is None
    assert not Deadline.objects.filter(ticket=order.ticket, name=RESTORE_BY).exists()
