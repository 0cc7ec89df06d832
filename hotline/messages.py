"""Hotline's message kinds (tickets/messages.py): the replies to a customer's SMS (DESIGN
§3.12), written in GRIDLINE_CUSTOMER_LANGUAGE when sent, and the holder's notification of
a text added to their ticket, in the holder's language. Registered at start-up by
HotlineConfig.ready()."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets.messages import choice, local_datetime, message_kind
from tickets.models import Ticket

_WHEN = local_datetime("%m-%d %H:%M")
_STATUS = choice(Ticket.Status)


def _status_reply(values: Mapping[str, Any]) -> str:
    """The sender's open tickets, then each premise with an outage (by its meter's last
    digits), as hotline.sms_inbound stores them."""
    parts = []
    for ticket in values.get("tickets") or []:
        parts.append(
            gettext("%(number)s: %(status)s.")
            % {"number": ticket["number"], "status": _STATUS(ticket["status"])}
        )
    for premise in values.get("outages") or []:
        words = {
            "tail": premise["tail"],
            "ends": _WHEN(premise.get("ends")) if premise.get("ends") else "",
            "etr": _WHEN(premise.get("etr")) if premise.get("etr") else "",
        }
        if premise["status"] == "planned_outage":
            parts.append(gettext("Meter …%(tail)s: planned outage until %(ends)s.") % words)
        elif premise["status"] == "supply_restriction":
            parts.append(gettext("Meter …%(tail)s: supply restriction until %(ends)s.") % words)
        elif words["etr"]:
            parts.append(
                gettext("Meter …%(tail)s: outage under repair, power back by about %(etr)s.")
                % words
            )
        else:
            parts.append(gettext("Meter …%(tail)s: outage under repair.") % words)
    if not parts:
        return gettext("You have no open tickets, and we know of no outage at your premises.")
    return " ".join(parts)


# --- Replies to the customer's SMS.
# tickets: [{number, status}] (the open ones, newest first); outages: [{tail, status
# (planned_outage, supply_restriction, incident), ends, etr (ISO or null)}].
SMS_STATUS = message_kind("sms_status", _status_reply)
# number: the repair recorded.
SMS_REPAIR_CREATED = message_kind(
    "sms_repair_created", _("Your fault report is recorded as %(number)s. Thank you.")
)
SMS_NESTED_OUTAGE = message_kind(
    "sms_nested_outage",
    _("Sorry the power is still off. A crew will come back: repair %(number)s."),
)
SMS_ATTACHED = message_kind(
    "sms_attached", _("Your message has been added to %(number)s. Thank you.")
)
# hotline: the number to call (GRIDLINE_HOTLINE_NUMBER).
SMS_ASK_TO_CALL = message_kind(
    "sms_ask_to_call",
    _("Please call %(hotline)s so that an agent can record the fault at the right address."),
)
SMS_UNKNOWN_SENDER = message_kind(
    "sms_unknown_sender",
    _("We cannot find your number in our records. Please call %(hotline)s."),
)

# --- The ticket's holders: number, text (the customer's words).
SMS_RECEIVED = message_kind("sms_received", _("%(number)s: the customer texted: %(text)s"))

# --- The self-service sign-in (DESIGN §3.12): code, minutes (GRIDLINE_SELF_CODE_MINUTES).
SELF_SIGN_IN_CODE = message_kind(
    "self_sign_in_code",
    _(
        "Your self-service sign-in code is %(code)s, valid for %(minutes)s minutes. "
        "Never tell it to anyone, our staff included."
    ),
)
