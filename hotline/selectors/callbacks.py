"""The callback queue (回访): tickets of every kind that takes a callback, resolved and
waiting for it, oldest first."""

from django.db.models import QuerySet

from tickets.callbacks import callback_kinds
from tickets.models import Ticket


def callback_queue() -> QuerySet[Ticket]:
    """Resolved tickets of the kinds with a callback follow-up (a replied complaint's ticket
    is resolved too); each kind's follow-up still decides under the lock.

    Served by the ticket_kind_status index (kind, status, -created_at).
    """
    return (
        Ticket.objects.filter(kind__in=callback_kinds(), status=Ticket.Status.RESOLVED)
        .select_related("customer", "premise", "station")
        .order_by("resolved_at", "pk")
    )


def callback_ticket_get(*, number: str) -> Ticket:
    return callback_queue().get(number=number)
