"""The self-service pages' input (DESIGN §3.12): the sign-in, the fault report (the triage
questions of repairs.forms in a customer's words), the complaint, the opinion and the rating."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.forms import TextField
from grid.models import Premise
from repairs.forms import RepairForm
from repairs.triage import Breaker, FaultSide, Scope

ACCOUNT_NO_MAX_LENGTH = 32
# Longer than any code: what is typed beyond the digits is refused as a wrong code.
CODE_MAX_LENGTH = 12


class AccountForm(forms.Form):
    """The first step of the sign-in: the account number on the electricity bill."""

    account_no = TextField(
        label=_("Account number"),
        max_length=ACCOUNT_NO_MAX_LENGTH,
        help_text=_("It is printed on your electricity bill."),
        error_messages={"required": _("Give your account number.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_no"].widget.attrs.update(
            {"autocomplete": "username", "inputmode": "numeric", "autofocus": True}
        )


class CodeForm(forms.Form):
    """The second step: the code from the SMS."""

    code = TextField(
        label=_("Code from the SMS"),
        max_length=CODE_MAX_LENGTH,
        error_messages={"required": _("Give the code from the SMS.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        digits = settings.GRIDLINE_SELF_CODE_DIGITS
        self.fields["code"].widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "maxlength": str(digits),
                "autofocus": True,
            }
        )


# --- A fault report (DESIGN §3.1 in a customer's words) ---------------------------------------


def _choice(field: forms.Field) -> forms.ChoiceField:
    return cast("forms.ChoiceField", field)


class FaultForm(RepairForm):
    """The triage questions of repairs.forms, asked of the customer about one of their own
    premises; the same rules, correlation and deadlines as an agent's report follow."""

    def __init__(self, *args: Any, premises: list[Premise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.premises = {p.meter_no: p for p in premises}
        # The customer's phone is the one they signed in with, not a question.
        del self.fields["caller_phone"]
        fields = self.fields
        fields["meter_no"] = forms.ChoiceField(
            label=_("Where is the power off?"),
            choices=[(p.meter_no, p.address) for p in premises],
            error_messages={"required": _("Choose the address.")},
        )
        if len(premises) == 1:
            fields["meter_no"].initial = premises[0].meter_no
        fields["hazards"].label = _("Is there any danger? Tick each one you see.")
        fields["hazards"].widget = forms.CheckboxSelectMultiple(
            choices=cast("Any", _choice(fields["hazards"]).choices)
        )
        fields["scope"].label = _("Who else has no power?")
        _choice(fields["scope"]).choices = [
            (Scope.SELF_ONLY, _("Only my home")),
            (Scope.NEIGHBOURS, _("My neighbours too")),
            (Scope.AREA, _("The whole street or area")),
            (Scope.UNKNOWN, _("I don't know")),
        ]
        fields["breaker"].label = _("The switch in your meter box (the breaker)")
        _choice(fields["breaker"]).choices = [
            (Breaker.TRIPPED_RESET_OK, _("It was down; I pushed it up and the power is back")),
            (Breaker.TRIPPED_NO_RESET, _("It is down and will not stay up")),
            (Breaker.NOT_TRIPPED, _("It is up, as usual")),
            (Breaker.UNKNOWN, _("I don't know")),
        ]
        fields["fault_side"].label = _("Where do you think the fault is?")
        _choice(fields["fault_side"]).choices = [
            (FaultSide.CUSTOMER, _("Inside my home (wiring, sockets, an appliance)")),
            (FaultSide.UTILITY, _("Outside (the meter, the line, a pole)")),
            (FaultSide.UNKNOWN, _("I don't know")),
        ]
        fields["high_power_load"].label = _(
            "A big appliance was on (heater, oven, air conditioner)"
        )
        fields["equipment_in_use"].label = _("What was switched on when the power went?")
        fields["description"].label = _("Anything else we should know?")
        fields["description"].widget = forms.Textarea(attrs={"rows": 3})
        for name in ("scope", "breaker", "fault_side"):
            fields[name].widget = forms.RadioSelect(
                choices=cast("Any", _choice(fields[name]).choices)
            )
            fields[name].initial = "unknown"

    def clean_meter_no(self) -> Premise:
        premise = self.premises.get(self.cleaned_data["meter_no"])
        if premise is None:
            raise forms.ValidationError(_("Choose the address."))
        return premise
