"""The caller of a single-premise repair hears how it goes (DESIGN §3.10): an SMS with the
ticket number when a crew has the order, when the crew sets off and when the work is done,
each a setting (on by default). A repair attached to an incident gets the incident's SMS
instead (repairs/services/incidents.py). Registered on dispatch's work-order steps."""

from datetime import datetime

from django.conf import settings

from accounts.models import User
from dispatch.models import WorkOrder
from repairs.messages import REPAIR_CREW_DEPARTED, REPAIR_DISPATCHED, REPAIR_WORK_DONE
from repairs.models import Repair
from tickets.messages import MessageKind
from tickets.models import OutboxMessage
from tickets.outbox import Message, outbox_enqueue

# step → (the event, its message, the setting that turns it off). A crew taking an
# unassigned order itself (accept) is its dispatch as much as an assignment is.
_EVENTS: dict[str, tuple[str, MessageKind, str]] = {
    "assign": ("dispatched", REPAIR_DISPATCHED, "GRIDLINE_REPAIR_SMS_DISPATCHED"),
    "accept": ("dispatched", REPAIR_DISPATCHED, "GRIDLINE_REPAIR_SMS_DISPATCHED"),
    "depart": ("departed", REPAIR_CREW_DEPARTED, "GRIDLINE_REPAIR_SMS_DEPARTED"),
    "complete": ("done", REPAIR_WORK_DONE, "GRIDLINE_REPAIR_SMS_DONE"),
}


def on_work_order_step_sms(
    *, order: WorkOrder, action: str, actor: User | None, note: str, now: datetime
) -> None:
    """Queue the step's SMS to the repair's caller, once per event and work order (a
    reassignment is not a second dispatch; a repair reopened to a new order is)."""
    if action not in _EVENTS or order.ticket_id is None:
        return  # an incident's order serves no one ticket
    event, kind, setting = _EVENTS[action]
    if not getattr(settings, setting):
        return
    repair = (
        Repair.objects.filter(ticket_id=order.ticket_id, incident__isnull=True)
        .select_related("ticket")
        .first()
    )
    if repair is None or not repair.ticket.caller_phone:
        return  # not a repair, attached to an incident, or no number to text
    ticket = repair.ticket
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.SMS,
                recipient=ticket.caller_phone,
                text=kind(number=ticket.number),
                language=settings.GRIDLINE_CUSTOMER_LANGUAGE,
                dedup_key=f"repair:{ticket.pk}:work_order:{order.pk}:{event}",
                ticket_id=ticket.pk,
            )
        ],
        now=now,
    )
