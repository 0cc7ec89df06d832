"""The callback queue (回访): resolved repairs and replied complaints, oldest first."""

from django.db.models import QuerySet

from tickets.models import Kind, Ticket

CALLBACK_KINDS = (Kind.REPAIR, Kind.COMPLAINT)


def callback_queue() -> QuerySet[Ticket]:
    """Tickets waiting for their callback: a replied complaint's ticket is resolved too.

    Served by the ticket_kind_status index (kind, status, -created_at).
    """
    return (
        Ticket.objects.filter(kind__in=CALLBACK_KINDS, status=Ticket.Status.RESOLVED)
        .select_related("customer", "premise", "station", "repair", "complaint")
        .order_by("resolved_at", "pk")
    )


def callback_ticket_get(*, number: str) -> Ticket:
    return callback_queue().get(number=number)
