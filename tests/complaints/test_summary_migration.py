"""complaints 0003: the summary deliveries move into the outbox (and back, reversed)."""

from datetime import date, timedelta

import pytest

from complaints.selectors import summary_email_list
from complaints.summaries import complaint_summary_build, complaint_summary_run
from tests.complaints.conftest import at
from tests.migrating import migrate, migrate_to_the_end

BEFORE = [("complaints", "0002_categories_and_calendar")]
BUILT = at(2026, 11, 23, 8, 0)


@pytest.fixture
def before_the_outbox(transactional_db):
    """The database with SummaryDelivery still there; at the end, every migration again."""
    try:
        yield
    finally:
        migrate_to_the_end()


def test_deliveries_move_into_the_outbox_and_a_rebuild_sends_only_the_unsent(
    before_the_outbox, mailoutbox, settings
):
    summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)
    SummaryDelivery = migrate(BEFORE).get_model("complaints", "SummaryDelivery")
    SummaryDelivery.objects.create(
        summary_id=summary.pk,
        recipient="board@utility.example",
        created_at=BUILT,
        sent_at=BUILT + timedelta(minutes=1),
        attempts=1,
    )
    SummaryDelivery.objects.create(
        summary_id=summary.pk,
        recipient="ceo@utility.example",
        created_at=BUILT,
        attempts=2,
        last_error="SMTP down",
    )

    migrate_to_the_end()

    board, ceo = summary_email_list(summary_id=summary.pk)
    assert (board.recipient, board.sent_at, board.attempts) == (
        "board@utility.example",
        BUILT + timedelta(minutes=1),
        1,
    )
    assert (ceo.recipient, ceo.sent_at, ceo.attempts, ceo.last_error) == (
        "ceo@utility.example",
        None,
        2,
        "SMTP down",
    )
    ceo.refresh_from_db()
    assert ceo.subject.startswith("Gridline: Weekly complaint summary, 2026-11-16")
    assert "All complaints: 0" in ceo.body
    assert "By category" in ceo.html_body
    assert ceo.attachments[0][0] == "complaint-summary-weekly-2026-11-16.csv"

    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example", "ceo@utility.example"]
    complaint_summary_run(period="weekly", on=date(2026, 11, 18), now=BUILT)
    assert [m.to for m in mailoutbox] == [["ceo@utility.example"]]


def test_reversed_the_summary_emails_leave_the_outbox_for_deliveries(before_the_outbox, settings):
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["board@utility.example"]
    summary = complaint_summary_build(period="weekly", on=date(2026, 11, 18), now=BUILT)
    (sent,) = summary_email_list(summary_id=summary.pk)  # the commit sent it

    old = migrate(BEFORE)

    deliveries = old.get_model("complaints", "SummaryDelivery").objects.all()
    assert [(d.summary_id, d.recipient, d.sent_at) for d in deliveries] == [
        (summary.pk, "board@utility.example", sent.sent_at)
    ]
    assert not old.get_model("tickets", "OutboxMessage").objects.exists()
