"""Repairs' message kinds (tickets/messages.py): the customers' SMS about outage notices and
incidents (to the callers, and to every premise under a declared one), the station's
notification of a repair reopened after its callback, and the briefs the crews read. Each
stores its values and is written in its reader's language when sent or shown: an SMS in
GRIDLINE_CUSTOMER_LANGUAGE, the rest in the staff member's (DESIGN §3.16). Registered at
start-up by RepairsConfig.ready()."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from repairs.models import OutageNotice
from repairs.triage import Breaker, Scope
from tickets.messages import choice, local_datetime, message_kind

# --- SMS to the customers under an outage notice: kind (OutageNotice.Kind), starts, ends
# (ISO), reason (as the notice's author wrote it).
_NOTICE_FORMATS = {
    "kind": choice(OutageNotice.Kind),
    "starts": local_datetime("%m-%d %H:%M"),
    "ends": local_datetime("%m-%d %H:%M"),
}
NOTICE_PUBLISHED = message_kind(
    "notice_published",
    _("%(kind)s from %(starts)s to %(ends)s (%(reason)s)."),
    formats=_NOTICE_FORMATS,
)
NOTICE_CHANGED = message_kind(
    "notice_changed",
    _("Changed: %(kind)s now from %(starts)s to %(ends)s (%(reason)s)."),
    formats=_NOTICE_FORMATS,
)
NOTICE_REMINDER = message_kind(
    "notice_reminder",
    _("Reminder: %(kind)s from %(starts)s to %(ends)s (%(reason)s)."),
    formats=_NOTICE_FORMATS,
)
NOTICE_CANCELLED = message_kind(
    "notice_cancelled",
    _("Cancelled: the %(kind)s from %(starts)s to %(ends)s will not take place."),
    formats=_NOTICE_FORMATS,
)

# --- SMS to the callers attached to an incident.
INCIDENT_ACKNOWLEDGED = message_kind(
    "incident_acknowledged", _("A repair crew has taken on the outage you reported.")
)
INCIDENT_ETR = message_kind(
    "incident_etr",
    _("Estimated restoration of the outage you reported: %(etr)s."),
    formats={"etr": local_datetime("%m-%d %H:%M")},
)
INCIDENT_RESTORED = message_kind(
    "incident_restored", _("Power is restored. Thank you for your patience.")
)


def _declared_text(values: Mapping[str, Any]) -> str:
    if values.get("etr"):
        return gettext(
            "A power outage on your supply is known: a repair crew is being sent. "
            "Estimated restoration: %(etr)s."
        ) % {"etr": values["etr"]}
    return gettext("A power outage on your supply is known: a repair crew is being sent.")


# --- SMS to every premise under a declared incident's device (DESIGN §3.10): etr (ISO, or
# none yet).
INCIDENT_DECLARED = message_kind(
    "incident_declared", _declared_text, formats={"etr": local_datetime("%m-%d %H:%M")}
)

# --- The station's holders: number, reason (the customer's words).
REPAIR_REOPENED = message_kind(
    "repair_reopened", _("%(number)s reopened after the callback: %(reason)s")
)


# --- Work-order briefs, what the crew reads.
def _repair_brief(values: Mapping[str, Any]) -> str:
    """The triage in one line: who is out, the breaker, what was running, the likely cause."""
    parts = [
        gettext("Out: %(scope)s") % values,
        gettext("Breaker: %(breaker)s") % values,
    ]
    if values.get("equipment"):
        parts.append(gettext("Running: %(equipment)s") % values)
    if values.get("overload") is True:
        parts.append(gettext("Likely overload"))
    return "; ".join(parts)


# scope (triage.Scope), breaker (triage.Breaker), equipment (as the caller said it), overload.
BRIEF_REPAIR = message_kind(
    "brief_repair",
    _repair_brief,
    formats={"scope": choice(Scope), "breaker": choice(Breaker)},
)
# reason: what the customer is unhappy with.
BRIEF_CALLBACK = message_kind(
    "brief_callback", _("Callback: the customer is not satisfied: %(reason)s")
)


def _device(values: Mapping[str, Any]) -> str:
    if values.get("transformer"):
        return gettext("Transformer %(code)s (feeder %(feeder)s)") % {
            "code": values["transformer"],
            "feeder": values["feeder"],
        }
    return gettext("Feeder %(code)s") % {"code": values["feeder"]}


def _merged_brief(values: Mapping[str, Any]) -> str:
    return gettext("%(count)d reports of an outage on %(device)s.") % {
        "count": values["count"],
        "device": _device(values),
    }


# count, feeder (code), transformer (code; none for a feeder incident).
BRIEF_MERGED = message_kind("brief_merged", _merged_brief)


# --- SMS to the caller of a single-premise repair (DESIGN §3.10): number (the ticket's).
REPAIR_DISPATCHED = message_kind(
    "repair_dispatched",
    _("Your repair %(number)s has been passed to a repair crew."),
)
REPAIR_CREW_DEPARTED = message_kind(
    "repair_crew_departed",
    _("Repair %(number)s: the crew is on its way to you."),
)
REPAIR_WORK_DONE = message_kind(
    "repair_work_done",
    _("Repair %(number)s: the work is done. If the power is still off, please call us again."),
)


def _declared_brief(values: Mapping[str, Any]) -> str:
    if values.get("note"):
        return gettext("Outage declared on %(device)s: %(note)s") % {
            "device": _device(values),
            "note": values["note"],
        }
    return gettext("Outage declared on %(device)s.") % {"device": _device(values)}


# feeder (code), transformer (code; none for a feeder incident), note (as the dispatcher
# wrote it).
BRIEF_DECLARED = message_kind("brief_declared", _declared_brief)
