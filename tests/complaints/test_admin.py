"""The admin keeps categories and the calendar, warns about a year without a calendar, and
shows each summary's emails."""

from datetime import date

import time_machine
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from complaints.summaries import complaint_summary_build
from tests.complaints.conftest import at, record
from tests.factories import UserFactory
from tickets.outbox import outbox_send_pending


def superuser():
    return UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)


def test_calendar_pages_warn_about_a_year_without_data(client, db):
    client.force_login(superuser())

    with time_machine.travel(at(2026, 11, 27), tick=False):
        html = client.get(reverse("admin:complaints_calendaryear_changelist")).content.decode()

    assert "no data for 2027" in html
    assert "no data for 2026" not in html


def test_the_warning_names_years_open_complaints_fell_back_in(client, db):
    record(now=at(2026, 12, 30))  # counted into 2027, which has no calendar
    client.force_login(superuser())

    # In 2025 the year ahead is 2026, which has data: 2027 is named for the complaint alone.
    with time_machine.travel(at(2025, 6, 1), tick=False):
        html = client.get(reverse("admin:complaints_complaint_changelist")).content.decode()

    assert "no data for 2027" in html
    assert "no data for 2026" not in html


def test_categories_and_the_calendar_are_editable_in_admin(client, db):
    client.force_login(superuser())

    categories = client.get(reverse("admin:complaints_category_changelist"))
    year = client.get(reverse("admin:complaints_calendaryear_change", args=[_year_2026_pk()]))

    assert categories.status_code == 200
    assert "Service attitude" in categories.content.decode()
    assert year.status_code == 200
    assert "2026-10-10" in year.content.decode()


def _year_2026_pk() -> int:
    from complaints.models import CalendarYear

    return CalendarYear.objects.get(year=2026).pk


def test_a_summary_shows_its_emails_from_the_outbox(client, db, settings, monkeypatch):
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example", "ceo@utility.example"]
    summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=at(2026, 11, 23))
    failed = {"ceo@utility.example"}
    real_send = EmailMultiAlternatives.send

    def send(self, fail_silently=False):
        if set(self.to) & failed:
            raise OSError("mailbox full")
        return real_send(self, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    outbox_send_pending(now=at(2026, 11, 23))
    client.force_login(superuser())

    html = client.get(reverse("admin:complaints_complaintsummary_change", args=[summary.pk]))

    text = html.content.decode()
    assert "board@utility.example" in text
    assert "ceo@utility.example" in text
    assert "mailbox full" in text  # the failed one, with its error
    assert text.count("<td>1</td>") == 2  # one attempt each
