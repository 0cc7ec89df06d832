"""tickets 0012: the past callbacks become tickets.Callback rows (from the timeline), the counts
of unreachable tries move to the ticket, and the way back gives each repair and complaint
its last result and its count again."""

from datetime import timedelta

import pytest

from repairs.services.intake import repair_create
from repairs.triage import Answers
from tests.complaints.conftest import PATH_TO, at, record, walk
from tests.factories import PremiseFactory
from tests.migrating import migrate, migrate_to_the_end
from tickets.callbacks import callback_record
from tickets.models import Callback, Ticket

BEFORE = [
    ("tickets", "0011_callbacks"),
    ("repairs", "0004_repair_callback"),
    ("complaints", "0003_summary_emails_in_the_outbox"),
]
NOW = at(2026, 11, 2, 10, 0)


@pytest.fixture
def before_the_move(transactional_db):
    """At the end, every migration again, whatever the test left."""
    try:
        yield
    finally:
        migrate_to_the_end()


@pytest.fixture
def people(agent, supervisor, handler, department) -> dict:
    return {
        "contact": agent,
        "judge": supervisor,
        "rectify": handler,
        "reply": handler,
        "callback": agent,
        "department": department,
    }


def minutes(n: int):
    return NOW + timedelta(minutes=n)


def test_callbacks_move_to_rows_and_back_and_every_count_stays(
    before_the_move, people, agent, settings
):
    settings.GRIDLINE_CALLBACK_UNREACHABLE_LIMIT = 3
    answers = Answers(scope="self_only", breaker="tripped_reset_ok")
    repair = repair_create(premise=PremiseFactory(), answers=answers, actor=None, now=NOW).ticket
    for n in (1, 2):
        callback_record(ticket=repair, result="unreachable", note="", actor=agent, now=minutes(n))
    reopened = walk(record(now=NOW), PATH_TO["replied"], people=people, now=NOW)
    for n, result, note in [(3, "unreachable", ""), (4, "unsatisfied", "Still rude.")]:
        callback_record(
            ticket=reopened.ticket, result=result, note=note, actor=agent, now=minutes(n)
        )
    walk(reopened, ["rectify", "reply"], people=people, now=minutes(5))
    callback_record(
        ticket=reopened.ticket, result="unreachable", note="", actor=agent, now=minutes(6)
    )
    uncalled = walk(record(now=NOW), PATH_TO["replied"], people=people, now=NOW)
    rows = list(
        Callback.objects.order_by("pk").values_list("ticket_id", "result", "note", "actor_id", "at")
    )
    assert len(rows) == 5

    old = migrate(BEFORE)

    Repair = old.get_model("repairs", "Repair")
    Complaint = old.get_model("complaints", "Complaint")
    assert Repair.objects.filter(pk=repair.pk).values_list(
        "callback_result", "callback_at", "unreachable_count"
    ).get() == ("unreachable", minutes(2), 2)
    # A complaint counts its misses since the reply, and keeps its last result.
    assert Complaint.objects.filter(pk=reopened.pk).values_list(
        "callback_result", "callback_at", "unreachable_count"
    ).get() == ("unreachable", minutes(6), 1)
    assert not old.get_model("tickets", "Callback").objects.exists()
    # A last result with no event (written outside the services) is kept as one row.
    Complaint.objects.filter(pk=uncalled.pk).update(
        callback_result="satisfied", callback_at=minutes(7)
    )

    migrate_to_the_end()

    assert list(
        Callback.objects.order_by("pk").values_list("ticket_id", "result", "note", "actor_id", "at")
    ) == [*rows, (uncalled.pk, "satisfied", "", None, minutes(7))]
    counts = dict(Ticket.objects.values_list("pk", "unreachable_count"))
    assert (counts[repair.pk], counts[reopened.pk], counts[uncalled.pk]) == (2, 1, 0)
    # The counts go on where they stood: the repair's third miss closes it.
    callback_record(ticket=repair, result="unreachable", note="", actor=agent, now=minutes(8))
    assert Ticket.objects.get(pk=repair.pk).status == Ticket.Status.CLOSED
