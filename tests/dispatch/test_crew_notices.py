"""The bell follows the work order (DESIGN §3.10): the crew hears of an order assigned to it,
reassigned away, taken back or cancelled; the station's dispatchers of an order a crew
returns. Each step reaches each person once, and never the one who took it."""

from django.utils import timezone

from accounts.models import Role
from dispatch.notices import work_order_notify
from dispatch.services import crew_member_set, work_orders_follow_cancel
from tests.dispatch.steps import take_step
from tests.factories import CrewFactory, UserFactory, work_order_create
from tickets.models import Notification


def crew_with_members(station, *names):
    crew = CrewFactory(station=station)
    for name in names:
        crew_member_set(user=UserFactory(username=name, role=Role.CREW, station=station), crew=crew)
    return crew


def notices(username):
    return list(Notification.objects.filter(user__username=username).values_list("kind", flat=True))


def test_assign_tells_every_member_of_the_crew_once(station_north, dispatcher_north):
    crew = crew_with_members(station_north, "ann", "bob")
    order = work_order_create(station=station_north)

    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})

    assert notices("ann") == ["crew_order_assigned"]
    assert notices("bob") == ["crew_order_assigned"]
    assert notices("dispatcher_north") == []
    note = Notification.objects.get(user__username="ann")
    assert note.ticket_id == order.ticket_id
    assert note.params == {"id": order.pk, "location": order.location}
    assert f"Work order {order.pk} is assigned to your crew" in note.message


def test_reassign_tells_the_crew_that_lost_the_order_and_the_one_that_got_it(
    station_north, dispatcher_north
):
    first = crew_with_members(station_north, "ann")
    second = crew_with_members(station_north, "cat")
    order = work_order_create(station=station_north)
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": first.code})

    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": second.code})

    assert notices("ann") == ["crew_order_reassigned", "crew_order_assigned"]
    assert notices("cat") == ["crew_order_assigned"]
    lost = Notification.objects.get(user__username="ann", kind="crew_order_reassigned")
    assert lost.params["crew"] == second.name


def test_cancel_tells_the_crew_that_had_the_order(station_north, dispatcher_north):
    crew = crew_with_members(station_north, "ann")
    order = work_order_create(station=station_north)
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})

    take_step(order=order, action="cancel", actor=dispatcher_north, data={"reason": "Duplicate"})

    assert notices("ann") == ["crew_order_cancelled", "crew_order_assigned"]
    assert Notification.objects.get(kind="crew_order_cancelled").params["reason"] == "Duplicate"


def test_cancelling_an_order_no_crew_has_tells_nobody(station_north, dispatcher_north):
    crew_with_members(station_north, "ann")
    order = work_order_create(station=station_north)

    work_orders_follow_cancel(
        ticket=order.ticket, actor=dispatcher_north, reason="Duplicate", now=timezone.now()
    )

    assert Notification.objects.count() == 0


def test_a_crew_returning_an_order_tells_the_station_dispatchers_not_other_stations(
    station_north, station_south, dispatcher_north, dispatcher_south, crew_north
):
    other_north = UserFactory(username="dispatcher_2", role=Role.DISPATCHER, station=station_north)
    order = work_order_create(station=station_north)
    take_step(order=order, action="accept", actor=crew_north)

    take_step(order=order, action="return", actor=crew_north, data={"reason": "Needs a truck"})

    assert notices("dispatcher_north") == ["station_order_returned"]
    assert notices(other_north.username) == ["station_order_returned"]
    assert notices("dispatcher_south") == []
    assert notices("crew_north") == []
    note = Notification.objects.filter(kind="station_order_returned").first()
    assert note.params["reason"] == "Needs a truck"
    assert note.params["crew"] == crew_north.crew_membership.crew.name


def test_a_dispatcher_taking_an_order_back_tells_the_crew(station_north, dispatcher_north):
    crew = crew_with_members(station_north, "ann")
    order = work_order_create(station=station_north)
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})

    take_step(order=order, action="return", actor=dispatcher_north, data={"reason": "Storm"})

    assert notices("ann") == ["crew_order_taken_back", "crew_order_assigned"]
    assert notices("dispatcher_north") == []


def test_the_same_step_told_twice_reaches_each_person_once(station_north, dispatcher_north):
    crew = crew_with_members(station_north, "ann", "bob")
    order = work_order_create(station=station_north)
    data = {"crew": crew.code}
    order = take_step(order=order, action="assign", actor=dispatcher_north, data=data)

    # A retry of the same step (the same moment): the dedup key holds it to one each.
    work_order_notify(
        order=order,
        action="assign",
        actor=dispatcher_north,
        former_crew=None,
        note="",
        now=order.assigned_at,
    )

    assert Notification.objects.filter(kind="crew_order_assigned").count() == 2
    assert notices("ann") == ["crew_order_assigned"]


def test_the_crew_steps_on_its_own_order_notify_nobody(station_north, crew_north):
    order = work_order_create(station=station_north)

    for action in ("accept", "depart", "arrive"):
        order = take_step(order=order, action=action, actor=crew_north)

    assert Notification.objects.count() == 0
