"""The station queue's filters, and the input of each work-order step (pages and API alike)."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import StrictDateTimeField, TextChoiceField, TextField
from dispatch.models import OPEN_WORK_ORDER_STATUSES, CauseCode, Crew, WorkOrder
from grid.models import Station
from tickets.attachments import PhotoFacts
from tickets.forms import AttachmentForm
from tickets.models import Attachment

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def open_status_choices() -> list[tuple[str, "StrOrPromise"]]:
    """The open statuses in the table's own order, for the status filter."""
    return [(v, label) for v, label in WorkOrder.Status.choices if v in OPEN_WORK_ORDER_STATUSES]


class QueueFilterForm(forms.Form):
    """GET filters of the queue; a value that does not validate is ignored, not an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    station = forms.ModelChoiceField(
        label=_("Supply station"),
        required=False,
        queryset=Station.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All stations"),
    )

    def __init__(self, *args, all_stations: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All open")),
            *open_status_choices(),
        ]
        # A dispatcher's queue is its own station: the selector scopes it, no select needed.
        if not all_stations:
            del self.fields["station"]

    def value(self, name: str) -> Any:
        """The cleaned value, or None when it is missing or did not validate."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or None


# --- Step inputs, shared by the pages and the API ------------------------------------------

TEXT_MAX_LENGTH = 2000


class _StepForm(forms.Form):
    """A step's input for one work order: checks its shape; the services check the state."""

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order


def _text(message: "StrOrPromise") -> TextField:
    return TextField(
        max_length=TEXT_MAX_LENGTH,
        error_messages={
            "required": message,
            # Formatted by the length validator when it runs: in the reader's language.
            "max_length": _("Keep it under %(limit_value)d characters."),
        },
    )


class AssignForm(_StepForm):
    """An on-duty crew of the order's station, by its code."""

    crew = TextField(error_messages={"required": _("Choose a crew.")})
    api_help = {"crew": _("Code of an on-duty crew of the station.")}

    def clean_crew(self) -> Crew:
        code = self.cleaned_data["crew"]
        crew = Crew.objects.filter(code=code, station_id=self.order.station_id).first()
        if crew is None:
            raise forms.ValidationError(
                _("There is no crew %(code)s at this station."), params={"code": code}
            )
        if not crew.on_duty:
            raise forms.ValidationError(_("Crew %(name)s is off duty."), params={"name": crew.name})
        return crew


class CompleteForm(_StepForm):
    """The cause, from the active cause codes, and what the crew did."""

    cause = TextField(error_messages={"required": _("Choose the cause.")})
    actions = _text(_("Say what was done."))
    api_help = {"cause": _("Code of an active cause."), "actions": _("What the crew did on site.")}

    def clean_cause(self) -> CauseCode:
        code = self.cleaned_data["cause"]
        cause = CauseCode.objects.filter(code=code, active=True).first()
        if cause is None:
            raise forms.ValidationError(_("Unknown cause %(code)s."), params={"code": code})
        return cause


class ReasonForm(_StepForm):
    reason = _text(_("Give the reason."))
    api_help = {"reason": _("Why the order goes back to the queue, or is called off.")}


class NoInputForm(_StepForm):
    """Accept, depart, arrive: the step is the whole input."""


STEP_FORMS: dict[str, type[_StepForm]] = {
    "assign": AssignForm,
    "accept": NoInputForm,
    "depart": NoInputForm,
    "arrive": NoInputForm,
    "complete": CompleteForm,
    "return": ReasonForm,
    "cancel": ReasonForm,
}


# --- A crew's photo (DESIGN §3.14) ------------------------------------------------------------

# Six decimals of a degree: about 10 cm, finer than any phone's position.
_DEGREE = Decimal("0.000001")


class PhotoForm(AttachmentForm):
    """A photo of the work: its stage, when it was taken and, where the phone allowed, where."""

    stage = TextChoiceField(
        label=_("Stage"),
        choices=Attachment.Stage.choices,
        error_messages={"required": _("Say whether the photo is from before or after the work.")},
    )
    taken_at = StrictDateTimeField(label=_("Taken at"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    api_help = {
        **AttachmentForm.api_help,
        "stage": _("before, after or other."),
        "taken_at": _("When the photo was taken (ISO 8601); the upload time when missing."),
        "lat": _("Where it was taken, in degrees (WGS 84), with lon; both or neither."),
        "lon": _("Where it was taken, in degrees (WGS 84), with lat; both or neither."),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lon" if data.get("lon") is None else "lat",
                           _("Give both the latitude and the longitude, or neither."))  # fmt: skip
        return data

    def facts(self) -> PhotoFacts:
        data = self.cleaned_data
        return PhotoFacts(
            stage=data["stage"],
            taken_at=data.get("taken_at"),
            latitude=_degrees(data.get("lat")),
            longitude=_degrees(data.get("lon")),
        )


def _degrees(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(_DEGREE)
