"""The complaint panel on the ticket page: where the complaint stands and a link to it."""

from accounts.models import User
from complaints.models import Complaint
from tickets.models import Kind, Ticket
from tickets.panels import Panel


def complaint_panel(ticket: Ticket, user: User) -> Panel | None:
    if ticket.kind != Kind.COMPLAINT:
        return None
    complaint = Complaint.objects.select_related("category").filter(ticket=ticket).first()
    if complaint is None:
        return None
    complaint.ticket = ticket
    return Panel("complaints/_ticket_panel.html", {"complaint": complaint})
