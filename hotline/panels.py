"""The calls panel on the ticket page: every call that recorded or urged the ticket, with
its recording (DESIGN §3.15)."""

from accounts.access import sees_phones
from accounts.models import User
from config.formatting import duration_text
from hotline import selectors
from tickets.models import Ticket
from tickets.panels import Panel


def calls_panel(ticket: Ticket, user: User) -> Panel | None:
    """None for a ticket no call touched. The recordings (the caller's voice and number)
    only for the roles that see phone numbers in full."""
    calls = selectors.call_list_for_ticket(number=ticket.number)
    if not calls:
        return None
    rows = []
    for call in calls:
        seconds = call.duration_seconds  # None while it goes on, and when abandoned
        rows.append({"call": call, "duration": "" if seconds is None else duration_text(seconds)})
    return Panel("hotline/_ticket_calls.html", {"calls": rows, "recordings": sees_phones(user)})
