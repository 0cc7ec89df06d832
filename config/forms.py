"""Form fields shared by the pages and the API (cross-app plumbing, no domain).

DESIGN §5.2: a field takes only its JSON type. A page posts a QueryDict, always text, so
the fields that a page sends differently from a JSON body (a ticked checkbox as "on", a
list of codes as one text input) read the page's form through their widget.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

INVALID_CHOICE = _("“%(value)s” is not a valid choice; expected one of %(choices)s.")

# What an HTML checkbox sends when ticked ("on" unless the template sets a value).
_CHECKBOX_ON = frozenset({"on", "true", "1"})


class TextField(forms.CharField):
    """A CharField that takes only text: a JSON number or list is refused, not turned into
    "42" (DESIGN §5.2: a field takes only its JSON type). Posted forms always send text."""

    default_error_messages = {"not_text": _("Give this as text.")}

    def to_python(self, value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            raise forms.ValidationError(self.error_messages["not_text"], code="not_text")
        return super().to_python(value)


def _invalid_choice(field: forms.ChoiceField, value: object) -> forms.ValidationError:
    # The message names what an API client may send, not only what it sent. Django
    # normalises a field's choices to (value, label) pairs; the stubs allow more.
    pairs = cast("list[tuple[Any, Any]]", field.choices)
    values = [str(choice) for choice, _label in pairs if choice != ""]
    return forms.ValidationError(
        field.error_messages["invalid_choice"],
        code="invalid_choice",
        params={"value": value, "choices": ", ".join(values)},
    )


class TextChoiceField(forms.TypedChoiceField):
    """A choice given as text: a JSON number is refused, not read as "1". Not required,
    a missing or blank answer is `empty_value` (`unknown`, say)."""

    default_error_messages = {"invalid_choice": INVALID_CHOICE}

    def to_python(self, value: Any) -> str:
        if value is not None and not isinstance(value, str):
            raise _invalid_choice(self, value)
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)
        if value not in self.empty_values and not self.valid_value(value):
            raise _invalid_choice(self, value)


class ChoiceListField(forms.MultipleChoiceField):
    """A list of choices: a JSON list of text (a bare string is not a list), or a page's
    ticked checkboxes. Every value that is not a choice is reported, each with its message."""

    default_error_messages = {"invalid_choice": INVALID_CHOICE}

    def to_python(self, value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return list(value)

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)
        errors = [
            _invalid_choice(self, item)
            for item in value
            if not isinstance(item, str) or not self.valid_value(item)
        ]
        if errors:
            raise forms.ValidationError(errors)


class CheckboxInput(forms.CheckboxInput):
    """A page leaves an unticked box out and sends a ticked one as "on"; a JSON body sends
    true or false. Any other value is passed on for the field to refuse."""

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        value = data.get(name)
        if isinstance(data, QueryDict):
            if not value:
                return False
            if isinstance(value, str) and value.lower() in _CHECKBOX_ON:
                return True
        return value


class StrictBooleanField(forms.BooleanField):
    """True or false: JSON true or false, or a page's checkbox; "yes" or 1 is refused, not
    read as true (Django's BooleanField takes any truthy value). Missing is false."""

    widget = CheckboxInput
    default_error_messages = {"not_boolean": _("Must be true or false.")}

    def to_python(self, value: Any) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            raise forms.ValidationError(self.error_messages["not_boolean"], code="not_boolean")
        return value


class CodeListInput(forms.TextInput):
    """On a page, text inputs of codes separated by spaces or commas (one input, or a
    checkbox per code under the same name); in JSON, a list."""

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        if isinstance(data, QueryDict):
            if name not in data:
                return None
            return " ".join(data.getlist(name)).replace(",", " ").split()
        return data.get(name)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return " ".join(value)
        return super().format_value(value)


class CodeListField(forms.Field):
    """A list of codes as text, each once, in the order given; blank codes are dropped.
    A form's clean_<field> looks them up."""

    widget = CodeListInput
    default_error_messages = {"invalid_list": _("Give a list of codes.")}

    def to_python(self, value: Any) -> list[str]:
        if value is None:
            return []
        invalid = forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        if not isinstance(value, list | tuple) or not all(isinstance(c, str) for c in value):
            raise invalid
        codes = [code.strip() for code in value if code.strip()]
        if any("\x00" in code for code in codes):
            raise invalid
        return list(dict.fromkeys(codes))


class StrictDateTimeField(forms.DateTimeField):
    """A date and time as ISO 8601 text (or a datetime, from Python callers): a JSON number
    is refused with the field's message, not a server error. A time without an offset is
    in the current time zone."""

    # Outside these years a time is a typo, and near the ends of Python's range turning it
    # into UTC or local time overflows.
    YEARS = range(2000, 2100)
    default_error_messages = {
        "out_of_range": _("Give a date and time between the years 2000 and 2099."),
    }

    def to_python(self, value: Any) -> datetime | None:
        if value is not None and not isinstance(value, str | datetime):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        moment = super().to_python(value)
        if moment is not None and moment.year not in self.YEARS:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return moment
