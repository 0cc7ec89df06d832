"""The shared form fields take only their JSON type (DESIGN §5.2), read a page's posted form
as a browser sends it, and describe themselves in the API schema. No database."""

from datetime import UTC, datetime

import pytest
from django import forms
from django.http import QueryDict
from rest_framework import serializers

from config.forms import (
    ChoiceListField,
    CodeListField,
    StrictBooleanField,
    StrictDateTimeField,
    TextChoiceField,
)
from config.formschema import form_serializer

COLOURS = [("red", "Red"), ("green", "Green"), ("unknown", "Unknown")]


class SampleForm(forms.Form):
    flag = StrictBooleanField(required=False)
    colour = TextChoiceField(choices=COLOURS, empty_value="unknown", required=False)
    colours = ChoiceListField(choices=COLOURS, required=False)
    codes = CodeListField(required=False)
    at = StrictDateTimeField(required=False)


def posted(query: str) -> QueryDict:
    return QueryDict(query)


def clean(data) -> SampleForm:
    form = SampleForm(data=data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({}, False, id="json-missing"),
        pytest.param({"flag": None}, False, id="json-null"),
        pytest.param({"flag": True}, True, id="json-true"),
        pytest.param({"flag": False}, False, id="json-false"),
        pytest.param(posted(""), False, id="page-unticked"),
        pytest.param(posted("flag=on"), True, id="page-ticked"),
    ],
)
def test_a_boolean_is_json_true_or_false_or_a_pages_checkbox(data, expected):
    assert clean(data).cleaned_data["flag"] is expected


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"flag": "on"}, id="json-on"),
        pytest.param({"flag": "true"}, id="json-text"),
        pytest.param({"flag": 1}, id="json-number"),
        pytest.param(posted("flag=maybe"), id="page-other-value"),
    ],
)
def test_a_boolean_of_another_type_is_refused(data):
    assert clean(data).errors == {"flag": ["Must be true or false."]}


def test_a_choice_given_as_a_number_is_refused_naming_the_choices():
    assert clean({"colour": 1}).errors == {
        "colour": ["“1” is not a valid choice; expected one of red, green, unknown."]
    }


def test_a_missing_choice_is_the_empty_value():
    assert clean({}).cleaned_data["colour"] == "unknown"


def test_a_list_of_choices_reports_every_bad_item():
    assert clean({"colours": ["red", "blue", 7]}).errors == {
        "colours": [
            "“blue” is not a valid choice; expected one of red, green, unknown.",
            "“7” is not a valid choice; expected one of red, green, unknown.",
        ]
    }


def test_a_bare_string_is_not_a_list_of_choices():
    assert list(clean({"colours": "red"}).errors) == ["colours"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({"codes": ["F1", " F2 ", "F1", ""]}, ["F1", "F2"], id="json-list"),
        pytest.param(posted("codes=F1,+F2+F1"), ["F1", "F2"], id="page-text"),
        pytest.param({}, [], id="missing"),
    ],
)
def test_codes_are_a_json_list_or_a_pages_text_each_once(data, expected):
    assert clean(data).cleaned_data["codes"] == expected


@pytest.mark.parametrize("codes", ["F1 F2", [1, 2], {"F1": True}, ["F1\x00"]])
def test_codes_of_another_type_are_refused(codes):
    assert clean({"codes": codes}).errors == {"codes": ["Give a list of codes."]}


def test_a_datetime_is_iso_text_and_a_number_is_refused():
    assert clean({"at": "2026-12-08T08:00:00+08:00"}).cleaned_data["at"] == datetime(
        2026, 12, 8, 0, 0, tzinfo=UTC
    )
    assert list(clean({"at": 1765152000}).errors) == ["at"]


def test_the_schema_describes_the_new_fields():
    fields = form_serializer(SampleForm)().fields

    assert isinstance(fields["flag"], serializers.BooleanField)
    assert fields["colour"].default == "unknown"
    assert isinstance(fields["colours"], serializers.ListField)
    assert isinstance(fields["codes"], serializers.ListField)
    assert isinstance(fields["codes"].child, serializers.CharField)
    assert isinstance(fields["at"], serializers.DateTimeField)
