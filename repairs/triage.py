"""Fault-repair triage (DESIGN.md §3.1): the caller's answers plus the facts looked up
for the premise decide what happens to a repair call.

Pure rules: no queries. `repairs.services.intake` gathers the facts through selectors,
calls `decide`, and writes; the triage API is selectors + `decide` and saves nothing.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import FieldErrors

# Hazards live with the work order, which carries them to the crew.
from dispatch.models import Hazard

EQUIPMENT_IN_USE_MAX_LENGTH: Final = 200


class Scope(models.TextChoices):
    SELF_ONLY = "self_only", gettext_lazy("Only this premise")
    NEIGHBOURS = "neighbours", gettext_lazy("Neighbours too")
    AREA = "area", gettext_lazy("The whole area")
    UNKNOWN = "unknown", gettext_lazy("Unknown")


class Breaker(models.TextChoices):
    TRIPPED_RESET_OK = "tripped_reset_ok", gettext_lazy("Tripped; reset and power is back")
    TRIPPED_NO_RESET = "tripped_no_reset", gettext_lazy("Tripped; trips again or won't reset")
    NOT_TRIPPED = "not_tripped", gettext_lazy("Not tripped")
    UNKNOWN = "unknown", gettext_lazy("Unknown")


class FaultSide(models.TextChoices):
    CUSTOMER = "customer", gettext_lazy("Customer's side (wiring or appliances past the meter)")
    UTILITY = "utility", gettext_lazy("Utility's side (meter, service line, pole, transformer)")
    UNKNOWN = "unknown", gettext_lazy("Unknown")


class Outcome(models.TextChoices):
    EMERGENCY_DISPATCH = "emergency_dispatch", gettext_lazy("Emergency dispatch")
    PLANNED_OUTAGE = "planned_outage", gettext_lazy("Planned outage")
    SUPPLY_RESTRICTION = "supply_restriction", gettext_lazy("Supply restriction")
    KNOWN_INCIDENT = "known_incident", gettext_lazy("Known incident")
    RESOLVED_ON_CALL = "resolved_on_call", gettext_lazy("Resolved on the call")
    CUSTOMER_SIDE = "customer_side", gettext_lazy("Customer's side")
    DISPATCH = "dispatch", gettext_lazy("Dispatch")


# The outcomes that send a crew; every other outcome is recorded and answered on the call.
DISPATCHING_OUTCOMES: Final = frozenset({Outcome.EMERGENCY_DISPATCH, Outcome.DISPATCH})

_TRIPPED: Final = frozenset({Breaker.TRIPPED_RESET_OK, Breaker.TRIPPED_NO_RESET})


class TriageInputInvalid(FieldErrors):
    """The triage answers failed validation; `errors` holds the messages per field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors, _("The triage answers are not valid."))


@dataclass(frozen=True)
class Answers:
    """What the caller told the agent (DESIGN §3.1); unknown is always an allowed answer."""

    scope: Scope = Scope.UNKNOWN
    breaker: Breaker = Breaker.UNKNOWN
    high_power_load: bool = False
    equipment_in_use: str = ""
    fault_side: FaultSide = FaultSide.UNKNOWN
    hazards: frozenset[str] = frozenset()

    @property
    def likely_overload(self) -> bool:
        """A high-power appliance was running when the breaker tripped."""
        return self.high_power_load and self.breaker in _TRIPPED


@dataclass(frozen=True)
class NoticeFact:
    """An active planned outage or supply restriction covering the premise."""

    id: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    # The notice's feeder and transformer codes as the caller should hear them,
    # e.g. "YD01-F02" or "YD01-F02, YD01-T0315".
    device_codes: str


@dataclass(frozen=True)
class IncidentFact:
    """An active incident (one outage many callers report) covering the premise."""

    id: int
    level: str
    device_code: str
    status: str
    etr: datetime | None = None
    dispatched_at: datetime | None = None


@dataclass(frozen=True)
class Facts:
    """What was looked up for the premise before deciding; None where nothing is active."""

    planned_outage: NoticeFact | None = None
    supply_restriction: NoticeFact | None = None
    incident: IncidentFact | None = None


@dataclass(frozen=True)
class Decision:
    """The outcome, what the agent tells the caller, and the notice or incident behind it."""

    outcome: Outcome
    reason: str
    notice: NoticeFact | None = None
    incident: IncidentFact | None = None

    @property
    def dispatches(self) -> bool:
        return self.outcome in DISPATCHING_OUTCOMES


def decide(answers: Answers, facts: Facts) -> Decision:
    """DESIGN §3.1: first match wins; unknown answers fall through to dispatch."""
    if answers.hazards:
        return Decision(
            outcome=Outcome.EMERGENCY_DISPATCH,
            reason=_("Danger reported (%(hazards)s): dispatch at once and keep people away.")
            % {"hazards": _hazard_labels(answers.hazards)},
        )
    if facts.planned_outage is not None:
        return Decision(
            outcome=Outcome.PLANNED_OUTAGE,
            reason=_planned_outage_reason(facts.planned_outage),
            notice=facts.planned_outage,
        )
    if facts.supply_restriction is not None:
        notice = facts.supply_restriction
        return Decision(
            outcome=Outcome.SUPPLY_RESTRICTION,
            reason=_("Supply restriction on %(devices)s from %(starts)s until %(ends)s: %(reason)s")
            % _notice_params(notice),
            notice=notice,
        )
    if facts.incident is not None:
        return Decision(
            outcome=Outcome.KNOWN_INCIDENT,
            reason=_incident_reason(facts.incident),
            incident=facts.incident,
        )
    if answers.scope == Scope.SELF_ONLY:
        if answers.breaker == Breaker.TRIPPED_RESET_OK:
            return Decision(
                outcome=Outcome.RESOLVED_ON_CALL,
                reason=_("Power came back when the breaker was reset: no crew is needed."),
            )
        if answers.fault_side == FaultSide.CUSTOMER:
            return Decision(
                outcome=Outcome.CUSTOMER_SIDE,
                reason=_(
                    "The fault is past the meter, in the customer's own wiring or appliances: "
                    "advise a qualified electrician or the appliance dealer."
                ),
            )
        if answers.breaker == Breaker.TRIPPED_NO_RESET and answers.fault_side != FaultSide.UTILITY:
            return Decision(
                outcome=Outcome.CUSTOMER_SIDE,
                reason=_(
                    "The breaker in the customer's terminal box will not stay on, so the fault "
                    "is most likely in the customer's own wiring or appliances: advise a "
                    "qualified electrician or the appliance dealer."
                ),
            )
    return Decision(
        outcome=Outcome.DISPATCH,
        reason=_("No known outage covers this premise: send a crew from its supply station."),
    )


def parse_answers(data: object) -> Answers:
    """Validate raw answers from an API body or a form; raises TriageInputInvalid.

    Keys other than the answers (meter_no, caller_phone, ...) are ignored. A missing
    or null answer is `unknown`, no hazards, no high-power load, no equipment text.
    """
    if not isinstance(data, Mapping):
        raise TriageInputInvalid({"detail": [_("Expected an object with the triage answers.")]})
    errors: dict[str, list[str]] = {}

    scope = _parse_choice(data, "scope", Scope, errors)
    breaker = _parse_choice(data, "breaker", Breaker, errors)
    fault_side = _parse_choice(data, "fault_side", FaultSide, errors)

    high_power_load = data.get("high_power_load")
    if high_power_load is None:
        high_power_load = False
    elif not isinstance(high_power_load, bool):
        errors["high_power_load"] = [_("Must be true or false.")]

    equipment_in_use = data.get("equipment_in_use")
    if equipment_in_use is None:
        equipment_in_use = ""
    elif not isinstance(equipment_in_use, str):
        errors["equipment_in_use"] = [_("Must be text.")]
    else:
        equipment_in_use = equipment_in_use.strip()
        if "\x00" in equipment_in_use:
            errors["equipment_in_use"] = [_("Must be text.")]
        elif len(equipment_in_use) > EQUIPMENT_IN_USE_MAX_LENGTH:
            errors["equipment_in_use"] = [
                _("At most %(limit)s characters.") % {"limit": EQUIPMENT_IN_USE_MAX_LENGTH}
            ]

    hazards = _parse_hazards(data.get("hazards"), errors)

    # A choice is None only when its error is recorded.
    if errors or scope is None or breaker is None or fault_side is None:
        raise TriageInputInvalid(errors)
    return Answers(
        scope=scope,
        breaker=breaker,
        high_power_load=high_power_load,
        equipment_in_use=equipment_in_use,
        fault_side=fault_side,
        hazards=hazards,
    )


_Choice = TypeVar("_Choice", Scope, Breaker, FaultSide)


def _parse_choice(
    data: Mapping[str, Any], name: str, enum: type[_Choice], errors: dict[str, list[str]]
) -> _Choice | None:
    """The answer to one question: missing or blank is unknown; None (and an error) if bad."""
    value = data.get(name)
    if value is None or value == "":
        return enum.UNKNOWN
    if isinstance(value, str) and value in enum.values:
        return enum(value)
    errors[name] = [_not_a_choice(value, enum.values)]
    return None


def _parse_hazards(value: object, errors: dict[str, list[str]]) -> frozenset[str]:
    if value is None:
        return frozenset()
    # A bare string is not a list: "wire_down" must arrive as ["wire_down"].
    if not isinstance(value, list | tuple):
        errors["hazards"] = [_("Must be a list of hazards.")]
        return frozenset()
    hazards = set()
    messages = []
    for item in value:
        if isinstance(item, str) and item in Hazard.values:
            hazards.add(Hazard(item))
        else:
            messages.append(_not_a_choice(item, Hazard.values))
    if messages:
        errors["hazards"] = messages
    return frozenset(hazards)


def _not_a_choice(value: object, choices: list[str]) -> str:
    return _("“%(value)s” is not a valid choice; expected one of %(choices)s.") % {
        "value": value,
        "choices": ", ".join(choices),
    }


def _hazard_labels(hazards: frozenset[str]) -> str:
    # In the order of the Hazard choices, so the same answers always read the same.
    return ", ".join(str(hazard.label) for hazard in Hazard if hazard in hazards)


def _planned_outage_reason(notice: NoticeFact) -> str:
    if notice.kind == "temporary":
        text = _("Temporary outage on %(devices)s from %(starts)s until %(ends)s: %(reason)s")
    else:
        text = _("Planned maintenance on %(devices)s from %(starts)s until %(ends)s: %(reason)s")
    return text % _notice_params(notice)


def _notice_params(notice: NoticeFact) -> dict[str, str]:
    return {
        "devices": notice.device_codes,
        "starts": _clock(notice.starts_at),
        "ends": _clock(notice.ends_at, same_day_as=notice.starts_at),
        "reason": notice.reason,
    }


def _incident_reason(incident: IncidentFact) -> str:
    params = {"device": incident.device_code}
    if incident.dispatched_at is not None:
        params["dispatched"] = _clock(incident.dispatched_at)
    if incident.etr is not None:
        params["etr"] = _clock(incident.etr, same_day_as=incident.dispatched_at)

    if incident.dispatched_at is not None and incident.etr is not None:
        text = _(
            "Known outage on %(device)s: a crew was dispatched at %(dispatched)s; "
            "estimated restoration %(etr)s."
        )
    elif incident.dispatched_at is not None:
        text = _(
            "Known outage on %(device)s: a crew was dispatched at %(dispatched)s; "
            "no restoration estimate yet."
        )
    elif incident.etr is not None:
        text = _("Known outage on %(device)s, being handled; estimated restoration %(etr)s.")
    else:
        text = _("Known outage on %(device)s, being handled; no restoration estimate yet.")
    return text % params


def _clock(moment: datetime, *, same_day_as: datetime | None = None) -> str:
    """HH:MM in local time; with the date as well when it falls on another day than
    `same_day_as`, so a window that runs past midnight is not misread."""
    local = timezone.localtime(moment)
    if same_day_as is not None and local.date() != timezone.localtime(same_day_as).date():
        return local.strftime("%Y-%m-%d %H:%M")
    return local.strftime("%H:%M")
