"""A year of a 95598 centre's tickets, as the services would have left them, loaded by COPY.

Mostly consultations, then repairs (more in summer and on storm days), service requests,
complaints, opinions and praise; calls follow the hours of the day. The open tickets are the
most recent of the kinds that stay open (repairs, complaints, service requests, opinions),
each with its one open deadline, its escalation steps so far, and, for repairs, its open work
order (some folded into active incidents). Closed tickets carry their whole timeline, met
deadlines, completed work orders and restored incidents.

The parts: shares.py (how the year is made up), year.py (what the builders share),
generator.py (the phases and chunks), repairs.py, complaints.py and other_kinds.py (each
kind's rows), timeline.py (events and deadlines, for every kind).
"""

from bench.ticket_data.generator import TicketGenerator

__all__ = ["TicketGenerator"]
