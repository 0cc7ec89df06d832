"""What the agent reads out to a repair caller (DESIGN §3.1, §3.2, §3.10, §3.16): one place
writes it, for the triage wizard's live outcome, the page after recording and the console's
outage banners.

Pure: no queries. The script is built from what was decided and promised (the outcome, the
hazards, the crew's arrival time, the notice's window, the incident's stage and ETR, the
ticket number), never from `Decision.reason`, which is the agent's own note and may name a
device: a device code never reaches the caller. `spoken` writes it in the customer language
(a setting) and, when the agent reads another language, once more in the agent's, for the
meaning.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise as LazyText
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.models import Hazard
from repairs.triage import Decision, IncidentFact, NoticeFact, Outcome

# What a caller with a danger is told to do first, in the order of the Hazard choices.
SAFETY_ADVICE: Final[dict[str, LazyText]] = {
    Hazard.WIRE_DOWN: gettext_lazy(
        "Keep away from the fallen wire and keep others away; do not touch it."
    ),
    Hazard.FIRE_SMOKE: gettext_lazy(
        "Keep away from the fire or smoke, and leave the building and call 119 if it spreads; "
        "do not pour water on anything electrical."
    ),
    Hazard.ELECTRIC_SHOCK: gettext_lazy(
        "Do not touch anyone who may still be touching the electricity; "
        "call 120 if someone is hurt."
    ),
    Hazard.FLOODING: gettext_lazy(
        "Keep out of the water and do not touch any switch, socket or appliance that is wet."
    ),
    Hazard.OTHER_DANGER: gettext_lazy("Keep yourself and others well away from the danger."),
}

# A sentence ending in a full-width stop (Chinese, Japanese) is followed with no space.
_FULL_WIDTH_STOPS: Final = ("。", "！", "？", "：", "；")


@dataclass(frozen=True)
class Spoken:
    """A script in the customer language, and its meaning in the agent's when that differs."""

    lines: tuple[str, ...]
    # The customer language as an HTML lang attribute, e.g. "zh-Hans".
    lang: str
    meaning: tuple[str, ...] = ()
    meaning_lang: str = ""

    @property
    def text(self) -> str:
        return _join(self.lines)

    @property
    def meaning_text(self) -> str:
        return _join(self.meaning)

    def __bool__(self) -> bool:
        return bool(self.lines)


def spoken(write: Callable[[], Sequence[str]]) -> Spoken:
    """`write` run in the customer language, and again in the active (agent's) language when
    that is another one."""
    customer = settings.GRIDLINE_CUSTOMER_LANGUAGE
    agent = translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(customer):
        lines = tuple(write())
    if agent.lower() == customer.lower():
        return Spoken(lines=lines, lang=html_lang(customer))
    return Spoken(
        lines=lines, lang=html_lang(customer), meaning=tuple(write()), meaning_lang=html_lang(agent)
    )


def html_lang(code: str) -> str:
    """Django's language code as HTML writes it: "zh-hans" is "zh-Hans"."""
    return translation.to_locale(code).replace("_", "-")


def repair_script(
    *,
    outcome: str,
    now: datetime,
    hazards: Iterable[str] = (),
    arrive_by: datetime | None = None,
    notice: NoticeFact | None = None,
    incident: IncidentFact | None = None,
    ticket_number: str = "",
) -> list[str]:
    """The sentences to read out for one triage outcome, in the active language: the safety
    advice for each danger first, then the ticket number once recorded, then what happens."""
    lines = [str(SAFETY_ADVICE[hazard]) for hazard in Hazard if hazard in set(hazards)]
    if ticket_number:
        lines.append(_("Your repair number is %(number)s.") % {"number": ticket_number})
    if outcome == Outcome.EMERGENCY_DISPATCH:
        if arrive_by is None:
            lines.append(_("An emergency crew is being sent at once."))
        else:
            lines.append(
                _("An emergency crew is being sent and will be with you by %(time)s.")
                % {"time": _clock(arrive_by, now=now)}
            )
    elif outcome in (Outcome.PLANNED_OUTAGE, Outcome.SUPPLY_RESTRICTION) and notice is not None:
        lines.append(notice_script(notice, now=now))
    elif outcome == Outcome.KNOWN_INCIDENT and incident is not None:
        lines.extend(incident_script(incident, now=now))
    elif outcome == Outcome.RESOLVED_ON_CALL:
        lines.append(_("Power is back now that the breaker is reset."))
        lines.append(_("If it trips again, please call us again."))
    elif outcome == Outcome.CUSTOMER_SIDE:
        lines.append(
            _(
                "The fault seems to be in your own wiring or appliances, past the meter: "
                "please call a qualified electrician or the appliance dealer."
            )
        )
    elif arrive_by is not None:
        lines.append(
            _("A crew will be with you by %(time)s.") % {"time": _clock(arrive_by, now=now)}
        )
    else:
        lines.append(_("A crew will be sent to you."))
    return lines


def decision_script(
    decision: Decision,
    *,
    hazards: Iterable[str],
    arrive_by: datetime | None,
    now: datetime,
    ticket_number: str = "",
) -> list[str]:
    """`repair_script` for what `repairs.triage.decide` said."""
    return repair_script(
        outcome=decision.outcome,
        hazards=hazards,
        arrive_by=arrive_by,
        notice=decision.notice,
        incident=decision.incident,
        ticket_number=ticket_number,
        now=now,
    )


def notice_script(notice: NoticeFact, *, now: datetime) -> str:
    """A planned outage, temporary outage or supply restriction: its window and reason, with
    the date wherever it is not today (an upcoming notice is told with its day)."""
    params = {
        "starts": _clock(notice.starts_at, now=now),
        "ends": _clock(notice.ends_at, now=notice.starts_at),
        "reason": notice.reason.strip().rstrip("。."),
    }
    if notice.kind == "restriction":
        if params["reason"]:
            text = _(
                "Supply in your area is restricted from %(starts)s until %(ends)s: %(reason)s."
            )
        else:
            text = _("Supply in your area is restricted from %(starts)s until %(ends)s.")
    elif notice.kind == "temporary":
        if params["reason"]:
            text = _(
                "There is a temporary power cut in your area from %(starts)s until %(ends)s: "
                "%(reason)s."
            )
        else:
            text = _("There is a temporary power cut in your area from %(starts)s until %(ends)s.")
    elif params["reason"]:
        text = _(
            "There is planned maintenance in your area from %(starts)s until %(ends)s: %(reason)s."
        )
    else:
        text = _("There is planned maintenance in your area from %(starts)s until %(ends)s.")
    return text % params


def incident_script(incident: IncidentFact, *, now: datetime) -> list[str]:
    """A known outage: where its crew is (DESIGN §3.10) and when power is expected back."""
    if incident.stage == "on_site":
        crew = _("We know about the power cut in your area: the repair crew is on site.")
    elif incident.stage == "en_route":
        crew = _("We know about the power cut in your area: the repair crew is on its way.")
    elif incident.dispatched_at is not None:
        crew = _(
            "We know about the power cut in your area: a repair crew was sent at %(dispatched)s."
        ) % {"dispatched": _clock(incident.dispatched_at, now=now)}
    else:
        crew = _("We know about the power cut in your area and are sending a repair crew.")
    if incident.etr is None:
        return [crew, _("There is no restoration time yet.")]
    return [crew, _("Power is expected back by %(etr)s.") % {"etr": _clock(incident.etr, now=now)}]


def _clock(moment: datetime, *, now: datetime) -> str:
    """HH:MM in local time, with the date when it falls on another day than `now`."""
    local = timezone.localtime(moment)
    if local.date() != timezone.localtime(now).date():
        return local.strftime("%Y-%m-%d %H:%M")
    return local.strftime("%H:%M")


def _join(lines: Sequence[str]) -> str:
    text = ""
    for line in lines:
        if text and not text.endswith(_FULL_WIDTH_STOPS):
            text += " "
        text += line
    return text
