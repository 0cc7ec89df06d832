"""A complaint whose ticket is cancelled as a duplicate of another (tickets.handling,
DESIGN §3.9): the complaint closes with it."""

from datetime import datetime

from accounts.models import User
from complaints.models import Complaint
from tickets.locks import row_for_update
from tickets.models import Kind, Ticket


def complaint_close_as_duplicate(
    *, ticket: Ticket, actor: User, reason: str, now: datetime
) -> None:
    """Closed as a duplicate, off the queue, with no deadline to run against. The ticket's
    cancel is the transition (checked on its own table after this, in the same
    transaction): a complaint is cancelled only as a duplicate, and only while open."""
    if ticket.kind != Kind.COMPLAINT:
        return
    # Locked before the ticket, as the complaint's own steps lock it.
    complaint = row_for_update(Complaint.objects, ticket.pk)
    if complaint.status == Complaint.Status.CLOSED:
        return  # the ticket is closed too: its cancel refuses
    complaint.status = Complaint.Status.CLOSED
    complaint.closed_as = Complaint.Closure.DUPLICATE
    complaint.due_at = None
    complaint.save(update_fields=["status", "closed_as", "due_at"])
