"""Form fields for master data that several apps take as input."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import TextField
from grid.phones import normalise_phone


class PhoneField(TextField):
    """A caller's number in any dialled form, cleaned to its stored form (grid/phones.py);
    blank stays blank (an anonymous caller)."""

    def clean(self, value: Any) -> str:
        raw = super().clean(value)
        if not raw:
            return ""
        try:
            return normalise_phone(raw)
        except ValueError:
            raise forms.ValidationError(
                _("%(phone)s is not a phone number."), code="invalid", params={"phone": raw}
            ) from None
