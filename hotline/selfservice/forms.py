"""The self-service pages' input (DESIGN §3.12): the sign-in, the fault report (the triage
questions of repairs.forms in a customer's words), the complaint, the opinion and the rating."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.forms import TextField

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
