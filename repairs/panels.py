"""The repair panel on the ticket page (the triage, the work order and the incident), and
the incident panel on an incident's work-order page."""

from django.conf import settings

from accounts.models import User
from dispatch.models import WorkOrder
from dispatch.selectors import work_order_photo_list
from repairs.models import Incident, Repair
from repairs.selectors import incident_may_change
from tickets.models import Kind, Ticket
from tickets.panels import Panel


def repair_panel(ticket: Ticket, user: User) -> Panel | None:
    if ticket.kind != Kind.REPAIR:
        return None
    repair = (
        Repair.objects.select_related(
            "notice",
            "incident__feeder",
            "incident__transformer",
            "incident__work_order__crew",
            "nested_of__feeder",
            "nested_of__transformer",
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
    # The ticket's own photos are on the ticket page already: here only the incident order's
    # photos that belong to no one ticket (or to another caller's, taken before the merge).
    photos = work_order_photo_list(user=user, order_ids=[order.pk for order in orders])
    rows = [
        {"order": order, "photos": [p for p in photos[order.pk] if p.ticket_id != ticket.pk]}
        for order in orders
    ]
    return Panel("repairs/_ticket_panel.html", {"repair": repair, "work_orders": rows})


def incident_order_panel(order: WorkOrder, user: User) -> Panel | None:
    """On an incident's work order (the crew's phone page): the incident, its ETR and the
    form to move it."""
    try:
        incident = order.incident  # prefetched by the work-order selectors
    except Incident.DoesNotExist:
        return None
    return Panel(
        "repairs/_incident_order_panel.html",
        {
            "incident": incident,
            "may_set_etr": incident.is_active and incident_may_change(user=user, incident=incident),
            "next": order.get_absolute_url(),
            "notify_minutes": settings.GRIDLINE_ETR_NOTIFY_MINUTES,
        },
    )
