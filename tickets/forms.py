"""Input for the ticket steps every kind shares, for the pages and the API alike."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.access import ticket_scope
from accounts.models import User
from config.forms import TextField
from grid.models import Department, Station
from tickets import evidence
from tickets.callbacks import NOTE_MAX_LENGTH, NOTE_TOO_LONG
from tickets.models import CallbackResult, Ticket

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

URGE_NOTE_MAX_LENGTH = 500
# A reason or a reply, as typed: refused when longer, never cut.
HANDLING_TEXT_MAX_LENGTH = 2000


class UrgeForm(forms.Form):
    """A repeat call (DESIGN §3.7): what the caller said, if anything."""

    note = TextField(
        label=_("What the caller said"), required=False, max_length=URGE_NOTE_MAX_LENGTH
    )


class CallbackForm(forms.Form):
    """A callback's result and what the customer said (DESIGN §3.5): the one input of the
    console's callback queue, the complaint page and POST /complaints/{number}/callback/."""

    result = forms.ChoiceField(
        label=_("Result"),
        choices=CallbackResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the callback's result.")},
    )
    note = TextField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels without a colon, as the complaint page that shows this form writes them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EvidenceFileField(forms.FileField):
    """One uploaded file, checked by its content (tickets/evidence.py): the cleaned value is
    the evidence.CheckedFile to keep. A file over the size limit is refused before it is
    read."""

    default_error_messages = {
        "required": _("Choose a file."),
        "empty": _("The file is empty."),
    }

    def clean(self, data: Any, initial: Any = None) -> evidence.CheckedFile | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        if upload.size is not None and upload.size > settings.GRIDLINE_ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(evidence.too_large_text(), code="too_large")
        upload.seek(0)
        try:
            return evidence.check(upload.read(), name=upload.name or "")
        except evidence.EvidenceRefused as exc:
            raise forms.ValidationError(str(exc), code="refused") from None


class AttachmentForm(forms.Form):
    """A file for a ticket: an image (JPEG, PNG, WebP) or a PDF, at most 10 MiB (DESIGN §3.14)."""

    file = EvidenceFileField(label=_("File"))
    api_help = {
        "file": _(
            "A JPEG, PNG or WebP image or a PDF, checked by its content; at most "
            "GRIDLINE_ATTACHMENT_MAX_BYTES (10,485,760) bytes."
        )
    }


# --- The handling steps (DESIGN §3.9, tickets/handling.py) ----------------------------------


class _StepForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels without a colon, as the ticket page writes them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _text(label: "StrOrPromise", required_message: "StrOrPromise", rows: int = 2) -> TextField:
    return TextField(
        label=label,
        max_length=HANDLING_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message},
    )


class TicketTransferForm(_StepForm):
    """转派: one station or one department, by its code, and why."""

    station = forms.ModelChoiceField(
        label=_("To a supply station"),
        queryset=Station.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Choose a station"),
        error_messages={"invalid_choice": _("There is no supply station with this code.")},
    )
    department = forms.ModelChoiceField(
        label=_("To a department"),
        queryset=Department.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Choose a department"),
        error_messages={"invalid_choice": _("There is no department with this code.")},
    )
    reason = _text(_("Why it goes there"), _("Say why the ticket goes there."))

    api_help = {
        "station": _("Code of the supply station; give this or department, not both."),
        "department": _("Code of the department; give this or station, not both."),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("station", "department") if data.get(name) is not None]
        if not given and not {"station", "department"} & set(self.errors):
            self.add_error("station", _("Choose a supply station or a department."))
        elif len(given) == 2:
            self.add_error("department", _("Choose a station or a department, not both."))
        return data


class TicketReplyForm(_StepForm):
    text = _text(_("The reply, as the customer was given it"), _("Write the reply."), rows=4)


class TicketReturnForm(_StepForm):
    """退单: why the ticket is not the holder's."""

    reason = _text(_("Why it is not yours"), _("Say why the ticket is not yours."))


class TicketCancelForm(_StepForm):
    """Cancel with a reason; as a duplicate, the number of the open ticket it repeats, which
    must be one the user may read."""

    reason = _text(_("Why it is cancelled"), _("Say why the ticket is cancelled."))
    duplicate_of = TextField(
        label=_("Duplicate of (the ticket's number)"), required=False, max_length=20
    )

    api_help = {"duplicate_of": _("The number of the open ticket of the same kind it repeats.")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_duplicate_of(self) -> Ticket | None:
        number = self.cleaned_data["duplicate_of"].strip().upper()
        if not number:
            return None
        try:
            return ticket_scope(Ticket.objects.all(), self.user).get(number=number)
        except Ticket.DoesNotExist:
            raise forms.ValidationError(
                _("There is no ticket %(number)s that you may read."),
                code="unknown",
                params={"number": number},
            ) from None


HANDLING_FORMS: dict[str, type[forms.Form]] = {
    "transfer": TicketTransferForm,
    "reply": TicketReplyForm,
    "return": TicketReturnForm,
    "cancel": TicketCancelForm,
}


def handling_form(step: str, *, user: User, data: Any = None, **kwargs: Any) -> forms.Form | None:
    """The step's form, bound when `data` is given; taking a ticket has no input (None)."""
    if step == "take":
        return None
    if step == "cancel":
        kwargs["user"] = user
    return HANDLING_FORMS[step](data, **kwargs)
