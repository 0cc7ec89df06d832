"""Dispatch's message kinds (tickets/messages.py): what the bell tells a crew about the orders
it gains and loses, and a station's dispatchers about the orders crews hand back. Each stores
its values and is written in the reader's language when shown (DESIGN §3.16). Registered at
start-up by DispatchConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from tickets.messages import message_kind

# To the crew (DESIGN §3.10): id (the order's), location, and as each says.
CREW_ORDER_ASSIGNED = message_kind(
    "crew_order_assigned", _("Work order %(id)s is assigned to your crew: %(location)s.")
)
# crew: the name of the crew that has it now.
CREW_ORDER_REASSIGNED = message_kind(
    "crew_order_reassigned",
    _("Work order %(id)s (%(location)s) was reassigned to %(crew)s: it has left your list."),
)
# reason: as the dispatcher typed it.
CREW_ORDER_TAKEN_BACK = message_kind(
    "crew_order_taken_back",
    _("Work order %(id)s (%(location)s) was taken back by the station: %(reason)s"),
)
CREW_ORDER_CANCELLED = message_kind(
    "crew_order_cancelled", _("Work order %(id)s (%(location)s) was cancelled: %(reason)s")
)
# To the station's dispatchers: crew (its name), reason (as the crew typed it).
STATION_ORDER_RETURNED = message_kind(
    "station_order_returned",
    _("%(crew)s returned work order %(id)s (%(location)s): %(reason)s"),
)
