"""A step form's messages are in the reader's language, decided when it validates, not
in whichever language was active when the module was imported."""

from django.utils import translation

from dispatch.forms import TEXT_MAX_LENGTH, ReasonForm
from tests.factories import work_order_create


def test_a_too_long_reason_is_refused_in_the_readers_language(station_north):
    data = {"reason": "x" * (TEXT_MAX_LENGTH + 1)}
    order = work_order_create(station=station_north)

    with translation.override("en"):
        english = ReasonForm(data=data, order=order).errors["reason"][0]
    with translation.override("zh-hans"):
        chinese = ReasonForm(data=data, order=order).errors["reason"][0]

    assert english == f"Keep it under {TEXT_MAX_LENGTH} characters."
    assert str(TEXT_MAX_LENGTH) in chinese
    assert chinese != english
