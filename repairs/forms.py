"""The triage wizard's form data: the browser's QueryDict in the shape the API parsers take.

Validation is not repeated here: `repairs.inputs.repair_input_parse` (and the
`parse_answers` it calls) is the one place that decides what is a valid answer,
for the API and the browser alike.
"""

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairs.models import OutageNotice
from repairs.triage import Breaker, FaultSide, Scope

# What an HTML checkbox sends when ticked ("on" unless the template sets a value).
_CHECKBOX_ON = frozenset({"on", "true", "1"})

# Labels for the error list in the outcome panel, keyed like the parsers' errors.
FIELD_LABELS = {
    "meter_no": _("Meter number"),
    "hazards": _("Any danger?"),
    "scope": _("Who is without power?"),
    "breaker": _("Terminal-box breaker"),
    "equipment_in_use": _("What was running"),
    "high_power_load": _("High-power appliance"),
    "fault_side": _("Which side of the meter"),
    "caller_phone": _("Caller's phone"),
    "description": _("Description"),
}


def repair_form_initial(*, meter_no: str = "", caller_phone: str = "") -> dict:
    """A blank wizard: unknown is selected wherever unknown is an answer."""
    return {
        "meter_no": meter_no,
        "hazards": [],
        "scope": Scope.UNKNOWN,
        "breaker": Breaker.UNKNOWN,
        "equipment_in_use": "",
        "high_power_load": False,
        "fault_side": FaultSide.UNKNOWN,
        "caller_phone": caller_phone,
        "description": "",
    }


def repair_form_data(post: QueryDict) -> dict:
    """The posted wizard as the dict `repair_input_parse` accepts.

    hazards is a list and high_power_load a bool there; a checkbox value other than
    the ones a browser sends is passed on as it is, so the parser reports it.
    """
    # Text is stripped, as a Django form field would (a phone of spaces is no phone).
    data: dict[str, object] = {name: post.get(name, "").strip() for name in FIELD_LABELS}
    data["hazards"] = post.getlist("hazards")
    high_power_load = post.get("high_power_load", "")
    if high_power_load == "":
        data["high_power_load"] = False
    elif high_power_load.lower() in _CHECKBOX_ON:
        data["high_power_load"] = True
    else:
        data["high_power_load"] = high_power_load
    return data


def error_list(errors: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """The parsers' errors as (field label, messages), in the wizard's question order."""
    order = list(FIELD_LABELS)
    ranked = sorted(errors, key=lambda name: order.index(name) if name in order else len(order))
    return [(str(FIELD_LABELS.get(name, "")), errors[name]) for name in ranked]


# --- Outage notice form -------------------------------------------------------------------


def notice_form_data(post: QueryDict) -> dict[str, str]:
    """The notice page's fields as notice_input_parse reads them (codes as typed)."""
    fields = ("kind", "feeder_codes", "transformer_codes", "starts_at", "ends_at", "reason")
    return {name: post.get(name, "").strip() for name in fields}


def notice_form_initial(notice: OutageNotice) -> dict[str, str]:
    def local(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")

    return {
        "kind": notice.kind,
        "feeder_codes": " ".join(f.code for f in notice.feeders.all()),
        "transformer_codes": " ".join(t.code for t in notice.transformers.all()),
        "starts_at": local(notice.starts_at),
        "ends_at": local(notice.ends_at),
        "reason": notice.reason,
    }
