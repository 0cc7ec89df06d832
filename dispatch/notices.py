"""Who the bell tells about a work-order step (DESIGN §3.10): the crew that gains an order,
the crew that loses it (reassigned away, taken back, cancelled) and the station's dispatchers
when a crew hands one back. Written in the step's transaction; each step reaches each person
once (tickets.notify dedups by event and user); the one who acted is not told."""

from datetime import datetime

from accounts.models import Role, User
from dispatch.messages import (
    CREW_ORDER_ASSIGNED,
    CREW_ORDER_CANCELLED,
    CREW_ORDER_REASSIGNED,
    CREW_ORDER_TAKEN_BACK,
    STATION_ORDER_RETURNED,
)
from dispatch.models import Crew, WorkOrder
from tickets.messages import Text
from tickets.notify import Notice, notify


def work_order_notify(
    *,
    order: WorkOrder,
    action: str,
    actor: User | None,
    former_crew: Crew | None,
    note: str,
    now: datetime,
) -> None:
    """Tell whoever the step concerns; `former_crew` is the crew the order had before it."""
    place = {"id": order.pk, "location": order.location}
    # One step happens once: the order's pk, the step and its moment name the event.
    event = f"work_order:{order.pk}:{action}:{now.isoformat()}"
    notices: list[Notice] = []
    if action == "assign":
        assert order.crew is not None  # the assign step sets the crew
        notices += _to_crew(order.crew, CREW_ORDER_ASSIGNED(**place), order, event)
        if former_crew is not None and former_crew.pk != order.crew_id:
            text = CREW_ORDER_REASSIGNED(**place, crew=order.crew.name)
            notices += _to_crew(former_crew, text, order, event)
    elif action == "return" and former_crew is not None:
        if actor is not None and actor.role == Role.CREW:
            text = STATION_ORDER_RETURNED(**place, crew=former_crew.name, reason=note)
            notices += [
                Notice(user=user, ticket_id=order.ticket_id, key=event, text=text)
                for user in _station_dispatchers(order)
            ]
        else:
            text = CREW_ORDER_TAKEN_BACK(**place, reason=note)
            notices += _to_crew(former_crew, text, order, event)
    elif action == "cancel" and former_crew is not None:
        notices += _to_crew(former_crew, CREW_ORDER_CANCELLED(**place, reason=note), order, event)
    notify([n for n in notices if actor is None or n.user != actor], now=now)


def _to_crew(crew: Crew, text: Text, order: WorkOrder, event: str) -> list[Notice]:
    members = User.objects.filter(crew_membership__crew=crew, is_active=True)
    return [Notice(user=user, ticket_id=order.ticket_id, key=event, text=text) for user in members]


def _station_dispatchers(order: WorkOrder) -> list[User]:
    return list(
        User.objects.filter(is_active=True, role=Role.DISPATCHER, station_id=order.station_id)
    )
