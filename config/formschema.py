"""The API's request schema, derived from the Django form that validates the body.

Every endpoint's input is one form, shared with the page that takes the same input; the
OpenAPI schema must say what that form accepts, not what a second, hand-written
serializer claims. `form_serializer` builds that description from the form's own fields
(required, choices, lengths), so the two cannot drift apart. A form may add an `api_help`
mapping of field name to text for what an API client needs and a page does not show
("the code of an active category").
"""

from functools import cache
from typing import Any, cast

from django import forms
from rest_framework import serializers

from config.forms import CodeListField


@cache
def form_serializer(form_class: type[forms.BaseForm]) -> type[serializers.Serializer]:
    """A serializer class describing the form's fields, for drf-spectacular only."""
    api_help: dict[str, str] = getattr(form_class, "api_help", {})
    fields = {
        name: _schema_field(field, help_text=str(api_help.get(name) or field.label or ""))
        for name, field in form_class.base_fields.items()  # type: ignore[attr-defined]
    }
    name = form_class.__name__.removesuffix("Form") + "Input"
    return type(name, (serializers.Serializer,), fields)


def _schema_field(field: forms.Field, *, help_text: str) -> serializers.Field:
    common: dict[str, Any] = {"required": field.required}
    if help_text:
        common["help_text"] = help_text
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(default=False, **{**common, "required": False})
    if isinstance(field, forms.ModelChoiceField):
        # The API names the object by its code (the form's to_field_name).
        return serializers.CharField(allow_blank=not field.required, **common)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(child=serializers.ChoiceField(_choices(field)), **common)
    if isinstance(field, forms.TypedChoiceField) and not field.required:
        # A missing answer is the field's empty value (`unknown`), when that is a choice.
        choices = _choices(field)
        if field.empty_value in {value for value, _label in choices}:
            common["default"] = field.empty_value
        return serializers.ChoiceField(choices, **common)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(_choices(field), **common)
    if isinstance(field, CodeListField):
        return serializers.ListField(child=serializers.CharField(), **common)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(field, forms.FileField):
        return serializers.FileField(**common)
    if isinstance(field, forms.FloatField):
        limits = {"min_value": field.min_value, "max_value": field.max_value}
        return serializers.FloatField(**_given(limits), **common)
    if isinstance(field, forms.IntegerField):
        limits = {"min_value": field.min_value, "max_value": field.max_value}
        return serializers.IntegerField(**_given(limits), **common)
    if isinstance(field, forms.CharField):
        lengths = {"max_length": field.max_length, "min_length": field.min_length}
        return serializers.CharField(allow_blank=not field.required, **_given(lengths), **common)
    raise TypeError(f"No schema for form field {type(field).__name__}: add it here.")


def _given(limits: dict[str, int | None]) -> dict[str, Any]:
    return {name: value for name, value in limits.items() if value is not None}


def _choices(field: forms.ChoiceField) -> list[tuple[Any, str]]:
    # Django normalises a field's choices to (value, label) pairs; the stubs allow more.
    pairs = cast("list[tuple[Any, Any]]", field.choices)
    return [(value, str(label)) for value, label in pairs if value != ""]
