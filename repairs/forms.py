"""The repairs' input, shared by the pages and the API: the triage answers and the repair
call (the wizard, POST /api/v1/repairs/triage/ and /repairs/), the outage notice (its page
and POST /api/v1/outage-notices/), and an incident's declaration, dismissal, restoration
(whole or in parts) and ETR (their pages and /api/v1/incidents/).

A form checks the shape of the input (types, choices, codes that exist, the phone), every
bad field at once; the services decide what the state allows. The triage rules themselves
are in repairs/triage.py.
"""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from config.errors import FieldErrors
from config.forms import (
    ChoiceListField,
    CodeListField,
    StrictBooleanField,
    StrictDateTimeField,
    TextChoiceField,
    TextField,
)
from dispatch.models import CauseCode
from grid.forms import PhoneField
from grid.models import Feeder, Premise, Transformer
from grid.selectors import premise_get_by_meter
from repairs.models import Incident, OutageNotice
from repairs.services.notices import NoticeInput
from repairs.triage import (
    EQUIPMENT_IN_USE_MAX_LENGTH,
    Answers,
    Breaker,
    FaultSide,
    Hazard,
    Scope,
)

DESCRIPTION_MAX_LENGTH = 2000


class _Form(forms.Form):
    def values(self) -> dict[str, Any]:
        """What the page shows in each input: as typed when posted, else the initial value."""
        values = {}
        for name in self.fields:
            value = self[name].value()
            values[name] = "" if value is None else value
        return values


def error_list(form: forms.BaseForm) -> list[tuple[str, list[str]]]:
    """The form's errors as (field label, messages), in the order of its questions."""
    return [
        (str(form.fields[name].label) if name in form.fields else "", [str(m) for m in messages])
        for name, messages in form.errors.items()
    ]


# --- Triage and the repair call (DESIGN §3.1) ----------------------------------------------


def _answer(label: Any, choices: type[Scope | Breaker | FaultSide]) -> TextChoiceField:
    # Unknown is always an allowed answer, and a missing or blank one is unknown.
    return TextChoiceField(
        label=label,
        choices=choices.choices,
        coerce=choices,
        empty_value=choices.UNKNOWN,
        required=False,
    )


class TriageForm(_Form):
    """The premise by its meter number and the caller's answers, in the wizard's order."""

    meter_no = TextField(
        label=_("Meter number"),
        error_messages={
            "required": _("Give the meter number of the premise without power."),
            "not_text": _("Give the meter number of the premise without power."),
        },
    )
    hazards = ChoiceListField(
        label=_("Any danger?"),
        choices=Hazard.choices,
        required=False,
        error_messages={"invalid_list": _("Must be a list of hazards.")},
    )
    scope = _answer(_("Who is without power?"), Scope)
    breaker = _answer(_("Terminal-box breaker"), Breaker)
    equipment_in_use = TextField(
        label=_("What was running"), max_length=EQUIPMENT_IN_USE_MAX_LENGTH, required=False
    )
    high_power_load = StrictBooleanField(label=_("High-power appliance"), required=False)
    fault_side = _answer(_("Which side of the meter"), FaultSide)

    def clean_meter_no(self) -> Premise:
        meter_no = self.cleaned_data["meter_no"]
        premise = premise_get_by_meter(meter_no=meter_no)
        if premise is None:
            raise forms.ValidationError(
                _("No premise has meter number %(meter)s."), params={"meter": meter_no}
            )
        return premise

    def clean_hazards(self) -> frozenset[str]:
        return frozenset(Hazard(value) for value in self.cleaned_data["hazards"])

    @property
    def premise(self) -> Premise:
        return self.cleaned_data["meter_no"]

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            scope=data["scope"],
            breaker=data["breaker"],
            high_power_load=data["high_power_load"],
            equipment_in_use=data["equipment_in_use"],
            fault_side=data["fault_side"],
            hazards=data["hazards"],
        )


class RepairForm(TriageForm):
    """A repair call: the triage input, the caller's phone and the description."""

    caller_phone = PhoneField(
        label=_("Caller's phone"),
        required=False,
        error_messages={"not_text": _("Give the caller's phone as text.")},
    )
    description = TextField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        error_messages={"not_text": _("Give the description as text.")},
    )


def repair_form_initial(*, meter_no: str = "", caller_phone: str = "") -> dict[str, Any]:
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


# --- Outage notices (DESIGN §3.4) ----------------------------------------------------------

NOTICE_REASON_MAX_LENGTH = 255


class OutageNoticeForm(_Form):
    """A notice to publish or change: its devices exist, a dispatcher's are in their own
    station, and its window ends after it starts and is not over yet."""

    kind = TextChoiceField(
        label=_("Kind"),
        choices=OutageNotice.Kind.choices,
        error_messages={
            "required": _("Choose planned, temporary or restriction."),
            "invalid_choice": _("Choose planned, temporary or restriction."),
        },
    )
    feeder_codes = CodeListField(label=_("Feeders"), required=False)
    transformer_codes = CodeListField(label=_("Transformers"), required=False)
    starts_at = StrictDateTimeField(
        label=_("Starts"),
        error_messages={"invalid": _("Give a date and time, e.g. 2026-12-01T08:00+08:00.")},
    )
    ends_at = StrictDateTimeField(
        label=_("Ends"),
        error_messages={"invalid": _("Give a date and time, e.g. 2026-12-01T08:00+08:00.")},
    )
    reason = TextField(
        label=_("Reason (the customers read it)"),
        max_length=NOTICE_REASON_MAX_LENGTH,
        error_messages={
            "required": _("Give the reason the customers will read."),
            "not_text": _("Give the reason the customers will read."),
            "max_length": _("Keep the reason under 255 characters."),
        },
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        now: datetime | None = None,
        notice: OutageNotice | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.now = now or timezone.now()
        # The notice being changed: its start may lie further back than a new one's.
        self.notice = notice

    def clean_feeder_codes(self) -> list[Feeder]:
        return _devices(Feeder, self.cleaned_data["feeder_codes"], related="station")

    def clean_transformer_codes(self) -> list[Transformer]:
        codes = self.cleaned_data["transformer_codes"]
        return _devices(Transformer, codes, related="feeder__station")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        feeders = data.get("feeder_codes")
        transformers = data.get("transformer_codes")
        # Judged only when both lists are valid: an unknown code is its own error.
        if feeders is not None and transformers is not None:
            if not feeders and not transformers:
                self.add_error("feeder_codes", _("Name at least one feeder or transformer."))
            elif self.user.role == Role.DISPATCHER and not self.user.is_superuser:
                foreign = [f.code for f in feeders if f.station_id != self.user.station_id] + [
                    t.code for t in transformers if t.feeder.station_id != self.user.station_id
                ]
                if foreign:
                    self.add_error(
                        "feeder_codes",
                        _("Not in your station: %(codes)s.") % {"codes": ", ".join(foreign)},
                    )
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at:
            self._check_start(starts_at)
        if starts_at and ends_at:
            if ends_at <= starts_at:
                self.add_error("ends_at", _("The end must come after the start."))
            elif ends_at <= self.now:
                self.add_error("ends_at", _("This window is already over."))
            elif ends_at - starts_at > timedelta(days=settings.GRIDLINE_NOTICE_MAX_DAYS):
                self.add_error(
                    "ends_at",
                    _("A notice lasts at most %(days)d days.")
                    % {"days": settings.GRIDLINE_NOTICE_MAX_DAYS},
                )
        return data

    def _check_start(self, starts_at: datetime) -> None:
        unchanged = self.notice is not None and starts_at == self.notice.starts_at
        past = settings.GRIDLINE_NOTICE_MAX_PAST_DAYS
        ahead = settings.GRIDLINE_NOTICE_MAX_AHEAD_DAYS
        if starts_at < self.now - timedelta(days=past) and not unchanged:
            self.add_error(
                "starts_at",
                _("A notice starts at most %(days)d days ago.") % {"days": past},
            )
        elif starts_at > self.now + timedelta(days=ahead):
            self.add_error(
                "starts_at",
                _("A notice starts at most %(days)d days ahead.") % {"days": ahead},
            )

    def notice_input(self) -> NoticeInput:
        """The notice to publish or change; FieldErrors naming every bad field otherwise."""
        if not self.is_valid():
            raise FieldErrors.from_form(self)
        data = self.cleaned_data
        return NoticeInput(
            kind=data["kind"],
            feeders=data["feeder_codes"],
            transformers=data["transformer_codes"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
        )


def _devices(model: type[Feeder] | type[Transformer], codes: list[str], *, related: str) -> list:
    """The devices in the order of their codes; every unknown code named at once."""
    devices = model.objects.select_related(related).filter(code__in=codes)
    found = {device.code: device for device in devices}
    missing = [code for code in codes if code not in found]
    if missing:
        raise forms.ValidationError(_("Unknown: %(codes)s."), params={"codes": ", ".join(missing)})
    return [found[code] for code in codes]


def notice_form_initial(notice: OutageNotice) -> dict[str, Any]:
    """The notice as its page shows it to change it, in local time."""

    def local(moment: datetime) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")

    return {
        "kind": notice.kind,
        "feeder_codes": [f.code for f in notice.feeders.all()],
        "transformer_codes": [t.code for t in notice.transformers.all()],
        "starts_at": local(notice.starts_at),
        "ends_at": local(notice.ends_at),
        "reason": notice.reason,
    }


# --- Incidents (DESIGN §3.3, §3.10) ---------------------------------------------------------------

RESTORE_NOTE_MAX_LENGTH = 2000


class IncidentRestoreForm(_Form):
    """Power is back: the cause, from the active cause codes, and a note; for a feeder
    incident restored in parts, the transformers whose power is back (DESIGN §3.10).

    Without an `incident` the transformers are not judged (the service judges them again
    under its lock either way)."""

    cause = TextField(label=_("Cause"), error_messages={"required": _("Choose the cause.")})
    note = TextField(label=_("Note"), max_length=RESTORE_NOTE_MAX_LENGTH, required=False)
    transformer_codes = CodeListField(label=_("Transformers restored"), required=False)

    api_help = {
        "cause": _("Code of an active cause."),
        "transformer_codes": _(
            "A feeder incident's transformers whose power is back (partial restoration); "
            "empty or missing: the whole incident."
        ),
    }

    def __init__(self, *args: Any, incident: Incident | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incident = incident

    def clean_cause(self) -> CauseCode:
        code = self.cleaned_data["cause"]
        cause = CauseCode.objects.filter(code=code, active=True).first()
        if cause is None:
            raise forms.ValidationError(_("Unknown cause %(code)s."), params={"code": code})
        return cause

    def clean_transformer_codes(self) -> list[Transformer]:
        codes = self.cleaned_data["transformer_codes"]
        if not codes or self.incident is None:
            return []
        if self.incident.level != Incident.Level.FEEDER:
            raise forms.ValidationError(
                _("A transformer incident is restored whole: name no transformers.")
            )
        found = {
            t.code: t
            for t in Transformer.objects.filter(code__in=codes, feeder_id=self.incident.feeder_id)
        }
        strangers = [code for code in codes if code not in found]
        if strangers:
            raise forms.ValidationError(
                _("Not on feeder %(feeder)s: %(codes)s."),
                params={"feeder": self.incident.feeder.code, "codes": ", ".join(strangers)},
            )
        return [found[code] for code in codes]


def _etr_check(etr: datetime, *, now: datetime) -> None:
    """Ahead of now, and not absurdly far (every caller is texted it)."""
    days = settings.GRIDLINE_ETR_MAX_DAYS
    if etr <= now:
        raise forms.ValidationError(_("The estimated restoration must lie in the future."))
    if etr > now + timedelta(days=days):
        raise forms.ValidationError(
            _("The estimated restoration lies at most %(days)d days ahead."),
            params={"days": days},
        )


class IncidentEtrForm(forms.Form):
    """The estimated restoration time: ahead of now, and not absurdly far (every caller is
    texted it)."""

    etr = StrictDateTimeField(label=_("Estimated restoration"))

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def clean_etr(self) -> datetime:
        etr = self.cleaned_data["etr"]
        _etr_check(etr, now=self.now)
        return etr


INCIDENT_NOTE_MAX_LENGTH = 2000
DISMISS_REASON_MAX_LENGTH = 500


class IncidentDeclareForm(_Form):
    """An outage declared before anyone calls (DESIGN §3.10): a transformer or a feeder that
    exists (a dispatcher's in their own station), an optional ETR and note for the crew,
    and whether to text every premise under it."""

    level = TextChoiceField(
        label=_("Level"),
        choices=Incident.Level.choices,
        error_messages={
            "required": _("Choose transformer or feeder."),
            "invalid_choice": _("Choose transformer or feeder."),
        },
    )
    device_code = TextField(
        label=_("Transformer or feeder code"),
        max_length=64,
        error_messages={
            "required": _("Give the code of the transformer or feeder."),
            "not_text": _("Give the code of the transformer or feeder."),
        },
    )
    etr = StrictDateTimeField(label=_("Estimated restoration"), required=False)
    note = TextField(
        label=_("Note for the crew"), max_length=INCIDENT_NOTE_MAX_LENGTH, required=False
    )
    notify_premises = StrictBooleanField(label=_("Text every premise under it"), required=False)

    api_help = {
        "device_code": _("A transformer's code for level transformer, a feeder's for feeder."),
        "notify_premises": _(
            "true: every phone of every customer under the device gets one SMS now."
        ),
    }

    def __init__(self, *args: Any, user: User, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.now = now or timezone.now()
        self.feeder: Feeder | None = None
        self.transformer: Transformer | None = None

    def clean_etr(self) -> datetime | None:
        etr = self.cleaned_data["etr"]
        if etr is not None:
            _etr_check(etr, now=self.now)
        return etr

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level, code = data.get("level"), data.get("device_code")
        if not level or not code:
            return data
        if level == Incident.Level.TRANSFORMER:
            transformer = (
                Transformer.objects.select_related("feeder__station").filter(code=code).first()
            )
            feeder = transformer.feeder if transformer else None
            unknown = _("No transformer has code %(code)s.")
        else:
            transformer = None
            feeder = Feeder.objects.select_related("station").filter(code=code).first()
            unknown = _("No feeder has code %(code)s.")
        if feeder is None:
            self.add_error("device_code", unknown % {"code": code})
        elif (
            self.user.role == Role.DISPATCHER
            and not self.user.is_superuser
            and feeder.station_id != self.user.station_id
        ):
            self.add_error("device_code", _("Not in your station: %(codes)s.") % {"codes": code})
        else:
            self.feeder, self.transformer = feeder, transformer
        return data


class IncidentDismissForm(_Form):
    """ "Not an outage": why, for the callers' timelines."""

    reason = TextField(
        label=_("Why it is not an outage"),
        max_length=DISMISS_REASON_MAX_LENGTH,
        error_messages={
            "required": _("Say why it is not an outage."),
            "not_text": _("Say why it is not an outage."),
        },
    )
