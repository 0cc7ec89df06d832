"""Form fields shared by the pages and the API (cross-app plumbing, no domain)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class TextField(forms.CharField):
    """A CharField that takes only text: a JSON number or list is refused, not turned into
    "42" (DESIGN §5.2: a field takes only its JSON type). Posted forms always send text."""

    default_error_messages = {"not_text": _("Give this as text.")}

    def to_python(self, value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            raise forms.ValidationError(self.error_messages["not_text"], code="not_text")
        return super().to_python(value)
