"""Input for recording a complaint and for each step, shared by the pages and the API; the
callback's is the one every kind shares (tickets/forms.py).

A form only checks the shape of the input (required, choices, codes that exist, phone
format); the services decide what the state allows and who may act.
"""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.models import Category, Complaint
from complaints.services import TEXT_MAX_LENGTH
from config.forms import StrictBooleanField, TextField
from grid.forms import PhoneField
from grid.models import Department, Station
from tickets.forms import CallbackForm
from tickets.models import Channel


class _Form(forms.Form):
    """Labels without a colon, as every other page here writes them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _text(label, *, required: bool = True, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return TextField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class ComplaintForm(_Form):
    """POST /api/v1/complaints/ and the agent's form: only what the complaint is, its channel
    and category are needed; everything else is recorded when the caller gives it."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(active=True),
        to_field_name="code",
        empty_label=None,
        error_messages={"invalid_choice": _("There is no active category with this code.")},
    )
    description = _text(_("What the customer complains about"), rows=5)
    # Blank: a report may come without a number.
    caller_phone = PhoneField(label=_("Caller's phone"), required=False, max_length=32)
    account_no = TextField(label=_("Account number"), required=False, max_length=32)
    meter_no = TextField(label=_("Meter number"), required=False, max_length=32)
    # Strict: "major": "no" must not become a major complaint emailed to management.
    is_report = StrictBooleanField(label=_("This is a report (举报)"), required=False)
    major = StrictBooleanField(
        label=_("Major complaint: injury, media attention or many customers"), required=False
    )
    major_reason = TextField(label=_("Why it is major"), required=False, max_length=255)

    api_help = {
        "caller_phone": _("Digits; may be blank (an anonymous report)."),
        "account_no": _(
            "Attaches the customer when one has it; an unknown number is kept as given."
        ),
        "meter_no": _("Attaches the premise and its station."),
        "category": _("Code of an active complaint category."),
    }

    def clean_account_no(self) -> str:
        return self.cleaned_data["account_no"].strip()

    def clean_meter_no(self) -> str:
        return self.cleaned_data["meter_no"].strip()


class ContactForm(_Form):
    note = _text(_("What the customer was told"))


class JudgeForm(_Form):
    validity = forms.ChoiceField(
        label=_("Validity"), choices=Complaint.Validity.choices, widget=forms.RadioSelect
    )
    reason = _text(_("Reason"))
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=Department.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Choose a department"),
        error_messages={"invalid_choice": _("There is no department with this code.")},
    )
    station = forms.ModelChoiceField(
        label=_("Supply station at fault"),
        queryset=Station.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("There is no supply station with this code.")},
    )
    major = StrictBooleanField(
        label=_("Major complaint: injury, media attention or many customers"), required=False
    )
    major_reason = TextField(label=_("Why it is major"), required=False, max_length=255)

    api_help = {
        "department": _("Code of the responsible department."),
        "station": _("Code of the supply station at fault."),
    }


class RectifyForm(_Form):
    # What the department found behind the complaint; "Cause" alone reads as a fault cause.
    cause = _text(pgettext_lazy("complaint", "Cause"))
    rectification = _text(_("Rectification"))


class ReplyForm(_Form):
    text = _text(_("The reply, as the customer was given it"), rows=5)


STEP_FORMS: dict[str, type[forms.Form]] = {
    "contact": ContactForm,
    "judge": JudgeForm,
    "rectify": RectifyForm,
    "reply": ReplyForm,
    "callback": CallbackForm,
}


class QueueFilterForm(_Form):
    """GET filters of the queue; a value that does not validate is ignored, not an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.all(),
        to_field_name="code",
        empty_label=_("All categories"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All open")),
            *Complaint.Status.choices,
            ("all", _("All, closed too")),
        ]
        cast(forms.ChoiceField, self.fields["channel"]).choices = [
            ("", _("All channels")),
            *Channel.choices,
        ]

    def value(self, name: str) -> Any:
        """The cleaned value, or None when it is missing or did not validate."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or None
