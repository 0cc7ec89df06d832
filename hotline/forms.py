"""The console's forms (each kind's form has its own prefix: they share one page), and the
caller lookup's query (GET /api/v1/customers/)."""

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.access import has_role
from accounts.models import Role, User
from config.forms import StrictDateTimeField, TextChoiceField, TextField
from grid.forms import PhoneField
from grid.models import Customer, Premise
from hotline.models import Article, Call, CallEvent, InboundSms, ServiceRequest
from tickets.models import Kind

TEXT_MAX_LENGTH = 2000


class CallStartForm(forms.Form):
    """Opening a caller: a customer from the search, a phone number, or both."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.all(), required=False)
    phone = PhoneField(label=_("Caller's phone"), required=False, max_length=40)


class CustomerLookupForm(forms.Form):
    """The query of GET /api/v1/customers/: at least one key; given more, all must match."""

    phone = PhoneField(required=False, max_length=40)
    account_no = forms.CharField(
        required=False, max_length=Customer._meta.get_field("account_no").max_length
    )
    meter_no = forms.CharField(
        required=False, max_length=Premise._meta.get_field("meter_no").max_length
    )

    api_help = {
        "phone": _("Any dialled form: spaces, dashes, +86 or 0086 are understood."),
        "account_no": _("The account number, exactly."),
        "meter_no": _("The meter number of one of the customer's premises, exactly."),
    }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not any(data.get(name) for name in self.fields):
            raise forms.ValidationError(_("Give one of phone, account_no or meter_no."))
        return data


class CallFinishForm(forms.Form):
    """Left blank, the reason and outcome come from what the call recorded."""

    reason = forms.ChoiceField(
        label=_("Reason for the call"),
        required=False,
        choices=[("", _("As recorded on the call")), *Call.Reason.choices],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("As recorded on the call")), *Call.Outcome.choices],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class _CallTicketForm(forms.Form):
    """A ticket recorded on a call: the premise, when the caller has any, is one of theirs."""

    premise = forms.TypedChoiceField(label=_("Premise"), required=False, coerce=int)

    def __init__(self, *args, premises: list[Premise], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.premises = {premise.pk: premise for premise in premises}
        if not premises:
            del self.fields["premise"]
            return
        cast(forms.TypedChoiceField, self.fields["premise"]).choices = [
            ("", _("— none in particular —")),
            *((p.pk, f"{p.address} ({p.meter_no})") for p in premises),
        ]
        if len(premises) == 1:
            self.initial.setdefault("premise", premises[0].pk)

    def clean_premise(self) -> Premise | None:
        value = self.cleaned_data.get("premise")
        return self.premises.get(value) if value else None


class ConsultationForm(_CallTicketForm):
    question = forms.CharField(
        label=_("Question"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    article = forms.ModelChoiceField(
        label=_("Knowledge-base article used"),
        queryset=Article.objects.filter(published=True),
        required=False,
        widget=forms.HiddenInput,
    )
    answer = forms.CharField(
        label=_("Answer given"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["question", "article", "answer", "premise"]

    def chosen_articles(self) -> list[Article]:
        """The article picked so far (a form re-shown with errors keeps it), as a list."""
        value = self["article"].value()
        if not value:
            return []
        try:
            return list(Article.objects.filter(pk=int(value), published=True))
        except (TypeError, ValueError):
            return []

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("answer") and not data.get("article") and "article" not in self.errors:
            self.add_error(
                "answer", _("Write the answer given, or choose the article it came from.")
            )
        return data


class ServiceRequestForm(_CallTicketForm):
    request_type = forms.ChoiceField(label=_("Service"), choices=ServiceRequest.Type.choices)
    description = forms.CharField(
        label=_("Details"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["request_type", "premise", "description"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("request_type") == ServiceRequest.Type.RECONNECTION and not data.get("premise"):
            field = "premise" if "premise" in self.fields else "request_type"
            self.add_error(
                field, _("Reconnection is for a premise: choose the one whose supply was cut.")
            )
        return data


class FeedbackForm(_CallTicketForm):
    subject = forms.CharField(max_length=200)
    description = forms.CharField(
        label=_("What the caller said"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["subject", "description", "premise"]

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Kind.PRAISE:
            self.fields["subject"].label = _("Who or what is praised")
        else:
            self.fields["subject"].label = _("Topic")


API_KINDS = (Kind.CONSULTATION, Kind.SERVICE_REQUEST, Kind.OPINION, Kind.PRAISE)


class TicketCreateForm(forms.Form):
    """POST /api/v1/tickets/ (DESIGN §5.2): a consultation, service request, opinion or
    praise recorded without the console, under the same rules as the console's forms."""

    kind = TextChoiceField(choices=[(kind, Kind(kind).label) for kind in API_KINDS], required=True)
    caller_phone = PhoneField(required=False, max_length=40)
    meter_no = TextField(required=False, max_length=32)
    account_no = TextField(required=False, max_length=32)
    description = TextField(max_length=TEXT_MAX_LENGTH)
    request_type = TextChoiceField(choices=ServiceRequest.Type.choices, required=False)
    article = forms.ModelChoiceField(
        queryset=Article.objects.filter(published=True),
        required=False,
        error_messages={"invalid_choice": _("There is no published article with this id.")},
    )
    answer = TextField(required=False, max_length=TEXT_MAX_LENGTH)
    subject = TextField(required=False, max_length=200)

    api_help = {
        "kind": _("A report (举报) is a complaint with is_report: POST /complaints/."),
        "caller_phone": _("Any dialled form: spaces, dashes, +86 or 0086 are understood."),
        "meter_no": _("Attaches the premise, its customer and its station."),
        "account_no": _("Attaches the customer (and their premise, when they have one)."),
        "description": _("The question, the request or what the caller said."),
        "request_type": _("Service requests: reconnection is replied within 24 hours."),
        "article": _("Consultations: the knowledge-base article the answer came from."),
        "answer": _("Consultations: the answer given (or give the article)."),
        "subject": _("Opinions and praise: the topic, or who is praised."),
    }

    def clean_meter_no(self) -> Premise | None:
        meter_no = self.cleaned_data["meter_no"].strip()
        if not meter_no:
            return None
        premise = (
            Premise.objects.select_related("customer", "transformer__feeder__station")
            .filter(meter_no=meter_no)
            .first()
        )
        if premise is None:
            raise forms.ValidationError(_("There is no premise with this meter number."))
        return premise

    def clean_account_no(self) -> Customer | None:
        account_no = self.cleaned_data["account_no"].strip()
        if not account_no:
            return None
        customer = Customer.objects.filter(account_no=account_no).first()
        if customer is None:
            raise forms.ValidationError(_("There is no customer with this account number."))
        return customer

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        answered = data.get("answer") or data.get("article") or "article" in self.errors
        if kind == Kind.CONSULTATION and not answered:
            self.add_error("answer", _("Give the answer, or the article it came from."))
        if kind == Kind.SERVICE_REQUEST:
            if not data.get("request_type") and "request_type" not in self.errors:
                self.add_error("request_type", _("Say which service is requested."))
            elif data.get("request_type") == ServiceRequest.Type.RECONNECTION and not (
                self.premise or "meter_no" in self.errors
            ):
                self.add_error(
                    "meter_no", _("Reconnection is for a premise: give its meter number.")
                )
        return data

    @property
    def premise(self) -> Premise | None:
        """The meter's premise, else the customer's only premise."""
        premise = self.cleaned_data.get("meter_no")
        customer = self.cleaned_data.get("account_no")
        if premise is None and customer is not None:
            premises = list(customer.premises.select_related("transformer__feeder__station")[:2])
            premise = premises[0] if len(premises) == 1 else None
        return premise

    @property
    def customer(self) -> Customer | None:
        customer = self.cleaned_data.get("account_no")
        premise = self.cleaned_data.get("meter_no")
        return customer or (premise.customer if premise is not None else None)


class TelephonyEventForm(forms.Form):
    """POST /api/v1/cti/events/ (DESIGN §3.15): one event of a telephony call."""

    event = TextChoiceField(choices=CallEvent.Event.choices, required=True)
    call_id = TextField(max_length=CallEvent._meta.get_field("call_id").max_length)
    caller = PhoneField(required=False, max_length=40)
    agent = TextField(max_length=150)
    at = StrictDateTimeField()
    recording_url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    api_help = {
        "event": _("ring pops the caller in the console; answer starts the call; hangup ends it."),
        "call_id": _("The telephony's id of the call: each event of a call is applied once."),
        "caller": _("The caller's number in any dialled form; blank when withheld."),
        "agent": _("The agent's username or telephone extension."),
        "at": _("When it happened (ISO 8601)."),
        "recording_url": _("hangup only: the call's recording, an http or https URL."),
    }

    def clean_agent(self) -> User:
        name = self.cleaned_data["agent"].strip()
        found = [
            user
            for user in User.objects.filter(Q(username=name) | Q(extension=name), is_active=True)
            if has_role(user, Role.AGENT, Role.SUPERVISOR)
        ]
        if not name or len(found) != 1:
            raise forms.ValidationError(
                _("No agent has the username or extension “%(agent)s”."), params={"agent": name}
            )
        return found[0]

    def clean_recording_url(self) -> str:
        url = self.cleaned_data["recording_url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Give the recording as an http or https URL."))
        return url

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("recording_url") and data.get("event") != CallEvent.Event.HANGUP:
            self.add_error("recording_url", _("Only a hangup carries the recording."))
        return data


class InboundSmsForm(forms.Form):
    """POST /api/v1/sms/inbound/ (DESIGN §3.12): one SMS the gateway delivers. `from` is a
    Python keyword: that field is added by name below the class."""

    message_id = TextField(max_length=InboundSms._meta.get_field("message_id").max_length)
    text = TextField(max_length=TEXT_MAX_LENGTH)
    at = StrictDateTimeField()

    api_help = {
        "message_id": _("The gateway's id of the message: each message is handled once."),
        "from": _("The sender's number in any dialled form."),
        "text": _("What the customer wrote: a keyword (状态, 停电, 仍停电…) or any text."),
        "at": _("When the customer sent it (ISO 8601)."),
    }


InboundSmsForm.base_fields = {
    "message_id": InboundSmsForm.base_fields["message_id"],
    "from": PhoneField(max_length=40),
    "text": InboundSmsForm.base_fields["text"],
    "at": InboundSmsForm.base_fields["at"],
}
