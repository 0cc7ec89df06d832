"""The repair panel on the ticket page: the triage, the work order and the incident."""

from dispatch.models import WorkOrder
from repairs.models import Repair
from tickets.models import Kind, Ticket
from tickets.panels import Panel


def repair_panel(ticket: Ticket) -> Panel | None:
    if ticket.kind != Kind.REPAIR:
        return None
    repair = (
        Repair.objects.select_related(
            "notice", "incident__feeder", "incident__transformer", "incident__work_order__crew"
        )
        .filter(ticket=ticket)
        .first()
    )
    if repair is None:
        return None
    orders = list(
        WorkOrder.objects.filter(ticket=ticket).select_related("crew", "cause").order_by("pk")
    )
    incident = repair.incident
    if incident is not None and incident.work_order is not None:
        orders.append(incident.work_order)
    return Panel("repairs/_ticket_panel.html", {"repair": repair, "work_orders": orders})
