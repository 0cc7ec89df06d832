"""Summaries to management (DESIGN §3.5) against a hand-built week: the numbers, the change
against the week before, missed deadlines, repeated issues, the CSV, the email, and
idempotency (one summary per period, each email sent once, through the outbox)."""

import csv
import io
import threading
from datetime import date, timedelta

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from complaints import summary_format, tasks
from complaints.models import ComplaintSummary
from complaints.selectors import summary_email_list
from complaints.summaries import (
    complaint_summary_build,
    complaint_summary_run,
    last_complete_bounds,
    period_bounds,
)
from tests.complaints.conftest import PATH_TO, at, record, walk
from tests.conftest import requires_postgres
from tests.factories import PremiseFactory, UserFactory
from tickets.models import Deadline, OutboxMessage
from tickets.outbox import outbox_send_pending

BUILT = at(2026, 11, 23, 8, 0)  # Monday 08:00: the week of Nov 16–22 has just ended
PHONE = "13900000001"


@pytest.fixture
def week(db, people, other_department, station_north, station_south, settings):
    """Five complaints in the week of Mon Nov 16 – Sun Nov 22, three the week before.

    Current week:
      c1 Mon 16 hotline service_attitude, Chen Wei at N01, judged valid to MKT;
         reply_by Fri 20 23:59:59 not kept                          → missed (reply_by)
      c2 Tue 17 web service_attitude, Chen Wei again, partially valid to MKT
      c3 Wed 18 12345 billing_metering, phone only, never contacted  → missed (contact_by)
      c4 Thu 19 hotline other, report and major, the same phone, not contacted → missed
      c5 Sun 22 23:30 app power_quality at S01, not valid to OPS
      (and one on Mon 23 00:10, which belongs to the next week)
    Previous week:
      p1 Tue 10 hotline service_attitude, valid to MKT, closed in time
      p2 Wed 11 hotline billing_metering, valid to MKT, replied Wed 18 after reply_by Tue 17
         → missed in the current week (kept late)
      p3 Fri 13 12398 billing_metering, first contact two hours late → missed last week
    """
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example"]
    chen = PremiseFactory(transformer__feeder__station=station_north, customer__name="Chen Wei")
    south = PremiseFactory(transformer__feeder__station=station_south, customer__name="Wu Fang")
    ops = {**people, "department": other_department}
    valid = people
    partly = {**people}

    c1 = record(channel="hotline", account_no=chen.customer.account_no, now=at(2026, 11, 16, 9))
    walk(c1, PATH_TO["judged"], people=valid, now=at(2026, 11, 16, 10))
    c2 = record(channel="web", account_no=chen.customer.account_no, now=at(2026, 11, 17, 10))
    c2 = walk(c2, ["contact"], people=partly, now=at(2026, 11, 17, 11))
    from complaints.services import complaint_judge

    complaint_judge(complaint=c2, validity="partially_valid", reason="Half right.",
                    department=people["department"], actor=people["judge"],
                    now=at(2026, 11, 17, 12))  # fmt: skip
    c3 = record(channel="government_12345", category_code="billing_metering", caller_phone=PHONE,
                now=at(2026, 11, 18, 11))  # fmt: skip
    c4 = record(channel="hotline", category_code="other", caller_phone=PHONE, is_report=True,
                major=True, major_reason="Reporter threatens the press",
                now=at(2026, 11, 19, 12))  # fmt: skip
    c5 = record(channel="app", category_code="power_quality", meter_no=south.meter_no,
                now=at(2026, 11, 22, 23, 30))  # fmt: skip
    c5 = walk(c5, ["contact"], people=ops, now=at(2026, 11, 22, 23, 40))
    complaint_judge(complaint=c5, validity="not_valid", reason="Voltage within limits.",
                    department=other_department, actor=people["judge"],
                    now=at(2026, 11, 22, 23, 50))  # fmt: skip
    record(channel="hotline", now=at(2026, 11, 23, 0, 10))

    p1 = record(channel="hotline", now=at(2026, 11, 10, 9))
    walk(p1, PATH_TO["closed"], people=people, now=at(2026, 11, 10, 10))
    p2 = record(channel="hotline", category_code="billing_metering", now=at(2026, 11, 11, 9))
    p2 = walk(p2, ["contact"], people=people, now=at(2026, 11, 11, 10))
    p2 = walk(p2, ["judge", "rectify"], people=people, now=at(2026, 11, 12, 10))
    walk(p2, ["reply"], people=people, now=at(2026, 11, 18, 10))
    p3 = record(channel="regulator_12398", category_code="billing_metering",
                now=at(2026, 11, 13, 10))  # fmt: skip
    walk(p3, ["contact"], people=people, now=at(2026, 11, 14, 12))
    # What the week queued besides the summary (c4's major-complaint email) went out then.
    outbox_send_pending(now=BUILT)
    mail.outbox.clear()
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5, "p1": p1, "p2": p2, "p3": p3}


def number(complaint) -> str:
    return complaint.ticket.number


def rows(data, dimension) -> dict[str, tuple[int, int]]:
    return {r["key"]: (r["count"], r["previous"]) for r in data["breakdowns"][dimension]}


def emails(summary) -> list[tuple[str, bool]]:
    """(recipient, sent) for each of the summary's emails in the outbox."""
    return [(m.recipient, m.sent_at is not None) for m in summary_email_list(summary_id=summary.pk)]


def smtp_down_once(monkeypatch) -> None:
    """The mail server refuses the first email, then takes every one."""
    calls = {"n": 0}
    real_send = EmailMultiAlternatives.send

    def flaky(self, fail_silently=False):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("SMTP down")
        return real_send(self, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)


# --- Periods ----------------------------------------------------------------------------------


def test_period_bounds():
    assert period_bounds("weekly", date(2026, 11, 18)) == (date(2026, 11, 16), date(2026, 11, 22))
    assert period_bounds("weekly", date(2026, 11, 16)) == (date(2026, 11, 16), date(2026, 11, 22))
    assert period_bounds("monthly", date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert last_complete_bounds("weekly", date(2026, 11, 23)) == (
        date(2026, 11, 16),
        date(2026, 11, 22),
    )
    assert last_complete_bounds("monthly", date(2027, 1, 1)) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
    )


# --- The numbers ------------------------------------------------------------------------------


def test_weekly_numbers_match_the_hand_built_week(week, people):
    data = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT).data

    assert (data["starts_on"], data["ends_on"]) == ("2026-11-16", "2026-11-22")
    assert data["previous"] == {"starts_on": "2026-11-09", "ends_on": "2026-11-15"}
    assert data["totals"] == {
        "complaints": {"count": 5, "previous": 3},
        "reports": {"count": 1, "previous": 0},
        "major": {"count": 1, "previous": 0},
        "overdue": {"count": 4, "previous": 1},
    }
    category = rows(data, "category")
    assert category["service_attitude"] == (2, 1)
    assert category["billing_metering"] == (1, 2)
    assert category["power_quality"] == (1, 0)
    assert category["other"] == (1, 0)
    assert category["grid_construction"] == (0, 0)  # every active category has a row
    assert rows(data, "channel") == {
        "hotline": (2, 2),
        "web": (1, 0),
        "app": (1, 0),
        "regulator_12398": (0, 1),
        "government_12345": (1, 0),
        "other": (0, 0),
    }
    assert rows(data, "validity") == {
        "valid": (1, 2),
        "partially_valid": (1, 0),
        "not_valid": (1, 0),
        "": (2, 1),
    }
    assert rows(data, "department") == {"MKT": (2, 2), "OPS": (1, 0), "": (2, 1)}
    assert rows(data, "station") == {"N01": (2, 0), "S01": (1, 0), "": (2, 3)}
    # Most complaints first.
    assert [r["key"] for r in data["breakdowns"]["category"]][:1] == ["service_attitude"]


def test_missed_deadlines_are_the_ones_due_in_the_week_and_not_kept(week):
    data = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT).data

    missed = {(o["number"], o["deadline"], o["met_at"] is None) for o in data["overdue"]}
    assert missed == {
        (number(week["p2"]), "reply_by", False),  # kept, but a day late
        (number(week["c1"]), "reply_by", True),
        (number(week["c3"]), "contact_by", True),
        (number(week["c4"]), "contact_by", True),
    }
    # In due order.
    assert next(o["number"] for o in data["overdue"]) == number(week["p2"])


def test_repeated_issues(week):
    data = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT).data

    repeated = [(r["kind"], r.get("category", ""), r.get("station", ""), r.get("customer", ""),
                 r["count"], r["numbers"]) for r in data["repeated"]]  # fmt: skip
    c1, c2, c3, c4 = (number(week[k]) for k in ("c1", "c2", "c3", "c4"))
    assert repeated == [
        ("category_station", "Service attitude", "North station", "", 2, [c1, c2]),
        ("customer", "", "", "Chen Wei", 2, [c1, c2]),
        ("customer", "", "", "139****0001", 2, [c3, c4]),  # by phone, masked
    ]


def test_report_labels_and_changes(week):
    summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)

    report = summary_format.summary_report(summary)

    total = report.totals["complaints"]
    assert (total.count, total.previous, total.change, total.change_text) == (5, 3, 2, "+2 (+67%)")
    by_validity = {row.key: row.label for row in report.breakdowns["validity"]}
    assert by_validity[""] == "Not judged yet"
    assert by_validity["partially_valid"] == "Partially valid"
    billing = next(r for r in report.breakdowns["category"] if r.key == "billing_metering")
    assert billing.change_text == "−1 (−50%)"
    other = next(r for r in report.breakdowns["category"] if r.key == "other")
    assert other.change_text == "+1 (new)"
    assert report.title == "Weekly complaint summary, 2026-11-16 – 2026-11-22"


def test_monthly_summary_compares_with_the_month_before(week):
    data = complaint_summary_build(period="monthly", on=date(2026, 11, 30), now=BUILT).data

    assert (data["starts_on"], data["ends_on"]) == ("2026-11-01", "2026-11-30")
    assert data["totals"]["complaints"] == {"count": 9, "previous": 0}


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_holds_the_numbers_the_missed_deadlines_and_the_repeats(week):
    summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)

    text = summary_format.summary_csv(summary)

    assert text.startswith("\ufeff")  # Excel reads the Chinese names as UTF-8
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0] == ["Complaint summary", "weekly", "2026-11-16", "2026-11-22"]
    assert lines[2] == ["Breakdown", "Code", "Name", "This period", "Previous period", "Change"]
    assert ["Totals", "complaints", "All complaints", "5", "3", "2"] in lines
    assert ["Totals", "overdue", "Complaints with a missed deadline", "4", "1", "3"] in lines
    assert ["By category", "billing_metering", "Billing and metering", "1", "2", "-1"] in lines
    assert ["By responsible department", "MKT", "Marketing", "2", "2", "0"] in lines
    assert ["By validity", "", "Not judged yet", "2", "1", "1"] in lines
    assert ["By channel", "government_12345", "City government (12345)", "1", "0", "1"] in lines
    overdue = [line for line in lines if line and line[0] == number(week["c3"])]
    assert overdue == [[number(week["c3"]), "Billing and metering", "",
                        str(Deadline.Name.CONTACT_BY.label), "2026-11-19 11:00", ""]]  # fmt: skip
    assert ["Same customer", "", "", "139****0001", "2",
            f"{number(week['c3'])} {number(week['c4'])}"] in lines  # fmt: skip


def test_the_csv_speaks_the_readers_language_with_no_codes_outside_the_code_column(week):
    summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)

    with translation.override("zh-hans"):
        text = summary_format.summary_csv(summary)

    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert ["合计", "complaints", "全部投诉", "5", "3", "2"] in lines
    # The number rows: a block title, a code, a name, this period, the previous, the change.
    titles = {line[0] for line in lines if len(line) == 6 and line[3].isdigit()}
    assert titles == {"合计", "按分类", "按责任部门", "按供电所", "按定性", "按渠道"}


def test_a_count_the_previous_period_did_not_have_reads_new_in_chinese(week):
    summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)

    with translation.override("zh-hans"):
        report = summary_format.summary_report(summary)
        other = next(r for r in report.breakdowns["category"] if r.key == "other")

        assert other.change_text == "+1（新增）"


# --- Building, sending, once -------------------------------------------------------------------


def test_run_twice_keeps_one_summary_and_sends_each_email_once(week, manager, mailoutbox):
    manager.email = "manager@utility.example"
    manager.save(update_fields=["email"])

    first = complaint_summary_run(period="weekly", now=BUILT)
    record(channel="web", now=at(2026, 11, 20, 9))  # arrives in the data between the runs
    second = complaint_summary_run(period="weekly", now=BUILT)

    assert ComplaintSummary.objects.count() == 1
    assert first.summary.pk == second.summary.pk
    assert (first.sent, second.sent) == (2, 0)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "board@utility.example",
        "manager@utility.example",
    ]
    second.summary.refresh_from_db()
    assert second.summary.data["totals"]["complaints"]["count"] == 6  # rebuilt in place
    assert emails(second.summary) == [
        ("board@utility.example", True),
        ("manager@utility.example", True),
    ]


def test_building_queues_one_email_per_recipient_that_the_commit_sends(
    week, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)
        assert emails(summary) == [("board@utility.example", False)]  # queued in the transaction
        assert mailoutbox == []

    assert emails(summary) == [("board@utility.example", True)]
    assert [m.to for m in mailoutbox] == [["board@utility.example"]]


def test_a_summary_rolled_back_queues_no_email(db, settings):
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example"]

    def build_then_fail():
        with transaction.atomic():
            complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        build_then_fail()

    assert (ComplaintSummary.objects.count(), OutboxMessage.objects.count()) == (0, 0)


def test_a_recipient_added_later_gets_it_once(week, mailoutbox, settings):
    complaint_summary_run(period="weekly", now=BUILT)
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example", "ceo@utility.example"]

    complaint_summary_run(period="weekly", now=BUILT)
    complaint_summary_run(period="weekly", now=BUILT)

    assert [m.to[0] for m in mailoutbox] == ["board@utility.example", "ceo@utility.example"]


def test_a_failed_send_is_retried_after_the_backoff_and_then_sent_once(
    week, mailoutbox, monkeypatch
):
    smtp_down_once(monkeypatch)

    run = complaint_summary_run(period="weekly", now=BUILT)

    assert run.sent == 0
    (message,) = summary_email_list(summary_id=run.summary.pk)
    assert (message.sent_at, message.attempts, message.last_error) == (None, 1, "SMTP down")
    assert message.retry_at == BUILT + timedelta(minutes=1)
    assert complaint_summary_run(period="weekly", now=BUILT + timedelta(seconds=59)).sent == 0
    assert complaint_summary_run(period="weekly", now=BUILT + timedelta(minutes=1)).sent == 1
    assert complaint_summary_run(period="weekly", now=BUILT + timedelta(minutes=2)).sent == 0
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (2, "")


def test_an_email_still_waiting_goes_out_with_the_numbers_rebuilt(week, mailoutbox, monkeypatch):
    smtp_down_once(monkeypatch)
    complaint_summary_run(period="weekly", now=BUILT)
    record(channel="web", now=at(2026, 11, 20, 9))

    complaint_summary_run(period="weekly", now=BUILT + timedelta(minutes=5))

    (message,) = mailoutbox
    assert "6 complaints" in message.subject
    assert "All complaints: 6 (previous 3" in message.body
    assert "All complaints,6,3,3" in message.attachments[0].content


def test_the_email_is_html_with_the_csv_attached(week, mailoutbox):
    complaint_summary_run(period="weekly", now=BUILT)

    (message,) = mailoutbox
    assert message.to == ["board@utility.example"]
    assert message.subject == (
        "Gridline: Weekly complaint summary, 2026-11-16 – 2026-11-22: 5 complaints (+2 (+67%))"
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "By category" in html
    assert "Service attitude" in html
    assert "Most repeated issues" in html
    assert "Chen Wei" in html
    assert "All complaints: 5 (previous 3, +2 (+67%))" in message.body
    name, content, kind = message.attachments[0]
    assert (name, kind) == ("complaint-summary-weekly-2026-11-16.csv", "text/csv")
    assert "All complaints,5,3,2" in content


def test_each_recipient_reads_the_email_in_their_language(week, mailoutbox):
    UserFactory(role="manager", email="Zhou@Utility.example", language="zh-hans")
    UserFactory(role="manager", email="ng@utility.example", language="en")

    summary = complaint_summary_run(period="weekly", now=BUILT).summary

    # A report is written when it is queued, once per language (DESIGN §3.16).
    chinese = summary_format.summary_email(summary, language="zh-hans")
    english = summary_format.summary_email(summary, language="en")
    assert chinese.subject != english.subject
    got = {m.to[0]: (m.subject, m.body, m.attachments[0][1]) for m in mailoutbox}
    assert got == {
        "board@utility.example": (english.subject, english.text, english.csv.content),
        "ng@utility.example": (english.subject, english.text, english.csv.content),
        "zhou@utility.example": (chinese.subject, chinese.text, chinese.csv.content),
    }


def test_the_command_builds_and_rebuilds_the_period_of_the_date(week, mailoutbox):
    out = io.StringIO()

    call_command("complaint_summary", "--period", "weekly", "--date", "2026-11-18", stdout=out)
    call_command("complaint_summary", "--period", "weekly", "--date", "2026-11-20", stdout=out)

    assert ComplaintSummary.objects.get().starts_on == date(2026, 11, 16)
    assert len(mailoutbox) == 1
    assert "weekly summary 2026-11-16..2026-11-22" in out.getvalue()
    assert "Emails sent now: 0; sent in all: 1; waiting: 0." in out.getvalue()


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("complaint_summary", "--period", "weekly", "--date", "18/11/2026")


def test_beat_runs_the_tasks_on_monday_and_the_first_at_eight():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    weekly = schedule["complaint_summary_weekly"]
    monthly = schedule["complaint_summary_monthly"]

    assert weekly["task"] == "complaints.tasks.complaint_summary_weekly"
    assert weekly["schedule"] == crontab(minute=0, hour=8, day_of_week=1)
    assert monthly["task"] == "complaints.tasks.complaint_summary_monthly"
    assert monthly["schedule"] == crontab(minute=0, hour=8, day_of_month=1)


def test_the_weekly_task_summarises_the_week_just_ended(week, mailoutbox):
    with time_machine.travel(BUILT, tick=False):
        tasks.complaint_summary_weekly.delay()
        tasks.complaint_summary_monthly.delay()

    stored = set(ComplaintSummary.objects.values_list("period", "starts_on"))
    assert stored == {("weekly", date(2026, 11, 16)), ("monthly", date(2026, 10, 1))}
    assert len(mailoutbox) == 2


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_keep_one_summary_and_send_each_email_once(settings, mailoutbox):
    settings.GRIDLINE_MANAGEMENT_EMAILS = [f"board{n}@utility.example" for n in range(6)]
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            complaint_summary_run(period="weekly", now=BUILT)
        except Exception as exc:  # the assertion below names it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert ComplaintSummary.objects.count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == settings.GRIDLINE_MANAGEMENT_EMAILS
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


# --- Pages --------------------------------------------------------------------------------------


def test_the_summary_page_has_charts_tables_and_the_csv_link(client, week, manager):
    summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)
    client.force_login(manager)

    html = client.get(summary.get_absolute_url()).content.decode()

    assert html.count("<canvas data-chart=") == 5
    assert 'id="chart-category"' in html
    assert "vendor/chartjs/chart.umd.js" in html
    assert reverse("complaints:summary_csv", kwargs={"pk": summary.pk}) in html
    assert number(week["c3"]) in html  # a missed deadline, linked
    assert "+2 (+67%)" in html
    assert "Emailed to: board@utility.example (waiting)" in html


def test_the_summary_page_shows_which_emails_went_out(client, week, manager):
    summary = complaint_summary_run(period="weekly", now=BUILT).summary
    client.force_login(manager)

    html = client.get(summary.get_absolute_url()).content.decode()

    assert "Emailed to: board@utility.example ✓" in html


def test_csv_download(client, week, supervisor):
    summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)
    client.force_login(supervisor)

    response = client.get(reverse("complaints:summary_csv", kwargs={"pk": summary.pk}))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "complaint-summary-weekly-2026-11-16.csv" in response["Content-Disposition"]
    assert "All complaints,5,3,2" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("role", ["agent", "handler"])
def test_summaries_are_for_supervisors_and_managers(client, db, role, request):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("complaints:summaries")).status_code == 403


def test_summary_list_query_count_does_not_grow(client, db, manager, django_assert_max_num_queries):
    client.force_login(manager)
    mondays = [date.fromordinal(date(2026, 6, 1).toordinal() + 7 * n) for n in range(12)]
    for size in (2, 12):
        for monday in mondays[:size]:
            complaint_summary_build(period="weekly", on=monday)
        with django_assert_max_num_queries(5):
            html = client.get(reverse("complaints:summaries")).content.decode()
        assert html.count('class="summary-row"') == size
