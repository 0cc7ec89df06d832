"""An error report (the 500 email) never carries a customer's phone number."""

import sys

from django.test import RequestFactory
from django.views.debug import ExceptionReporter

CANARY = "139" + "8765" + "0123"  # built, so the source lines in the report never show it


def test_error_reports_hide_phones_in_post_data_and_local_variables(settings):
    request = RequestFactory().post("/repairs/new/", {"caller_phone": CANARY, "meter_no": "M1"})

    def failing(caller_phone):
        raise RuntimeError("boom")

    try:
        failing(CANARY)
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info())
        text = report.get_traceback_text()
        html = report.get_traceback_html()
    assert CANARY not in text
    assert CANARY not in html
    assert "M1" in text  # the rest of the report is still there
