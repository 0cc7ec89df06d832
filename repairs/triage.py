"""Fault-repair triage (DESIGN.md §3.1): the caller's answers plus the facts looked up
for the premise decide what happens to a repair call.

Pure rules: no queries. The answers arrive through repairs.forms.TriageForm (the wizard
and the API alike); `repairs.services.intake` gathers the facts through selectors, calls
`decide`, and writes; the triage API is selectors + `decide` and saves nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    # Where its crew is (repairs.models.Stage): what the caller is told.
    stage: str = "reported"
    # When power came back at the premise: the incident's restoration, or that of the
    # premise's transformer in a feeder incident restored in parts.
    restored_at: datetime | None = None


@dataclass(frozen=True)
class Facts:
    """What was looked up for the premise before deciding; None where nothing is active."""

    planned_outage: NoticeFact | None = None
    supply_restriction: NoticeFact | None = None
    incident: IncidentFact | None = None
    # An incident restored at the premise within GRIDLINE_NESTED_OUTAGE_HOURS (§3.10).
    restored_incident: IncidentFact | None = None


@dataclass(frozen=True)
class Decision:
    """The outcome, what the agent tells the caller, and the notice or incident behind it."""

    outcome: Outcome
    reason: str
    notice: NoticeFact | None = None
    incident: IncidentFact | None = None
    # A dispatch that is a nested outage: power off again after this incident's restoration.
    nested_of: IncidentFact | None = None

    @property
    def dispatches(self) -> bool:
        return self.outcome in DISPATCHING_OUTCOMES


def decide(answers: Answers, facts: Facts) -> Decision:
    """DESIGN §3.1: first match wins; unknown answers fall through to dispatch.

    A nested outage (DESIGN §3.10) is no rule of its own in that order: when an incident
    was restored at the premise in the last hours, a dispatch (rule 7, or an emergency) is
    linked to it (`nested_of`). Every earlier rule still comes first: a notice or a new
    incident explains the outage, and a breaker reset or a fault past the meter needs no crew.
    """
    if answers.hazards:
        return Decision(
            outcome=Outcome.EMERGENCY_DISPATCH,
            reason=_("Danger reported (%(hazards)s): dispatch at once and keep people away.")
            % {"hazards": _hazard_labels(answers.hazards)},
            nested_of=facts.restored_incident,
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
    if facts.restored_incident is not None:
        return Decision(
            outcome=Outcome.DISPATCH,
            reason=_nested_reason(facts.restored_incident),
            nested_of=facts.restored_incident,
        )
    return Decision(
        outcome=Outcome.DISPATCH,
        reason=_("No known outage covers this premise: send a crew from its supply station."),
    )


def _nested_reason(incident: IncidentFact) -> str:
    params = {"id": incident.id, "device": incident.device_code}
    if incident.restored_at is None:  # a fact made by hand: say what is known
        text = _(
            "Power is off again after incident #%(id)s on %(device)s was restored: "
            "a nested outage; send a crew from its supply station."
        )
    else:
        params["restored"] = _clock(incident.restored_at)
        text = _(
            "Power is off again after incident #%(id)s on %(device)s was restored at "
            "%(restored)s: a nested outage; send a crew from its supply station."
        )
    return text % params


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
    """The agent's note; what the caller hears is repairs/scripts.py's."""
    params = {
        "device": incident.device_code,
        "id": incident.id,
        "stage": _STAGE_NOTES.get(incident.stage, incident.stage),
        "etr": _clock(incident.etr, same_day_as=incident.dispatched_at) if incident.etr else "—",
    }
    return _("Known outage on %(device)s (incident #%(id)s): %(stage)s; ETR %(etr)s.") % params


_STAGE_NOTES: Final = {
    "reported": gettext_lazy("no crew yet"),
    "crew_assigned": gettext_lazy("crew assigned"),
    "en_route": gettext_lazy("crew on the way"),
    "on_site": gettext_lazy("crew on site"),
    "restored": gettext_lazy("restored"),
}


def _clock(moment: datetime, *, same_day_as: datetime | None = None) -> str:
    """HH:MM in local time; with the date as well when it falls on another day than
    `same_day_as`, so a window that runs past midnight is not misread."""
    local = timezone.localtime(moment)
    if same_day_as is not None and local.date() != timezone.localtime(same_day_as).date():
        return local.strftime("%Y-%m-%d %H:%M")
    return local.strftime("%H:%M")
