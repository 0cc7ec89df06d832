"""The one callback service (tickets/callbacks.py): what it records for every kind, what it
refuses, and the follow-ups the kinds register (DESIGN §3.5)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from complaints.services import complaint_judge
from config.errors import FieldErrors, TransitionNotAllowed
from repairs.services.intake import repair_create
from repairs.triage import Answers, Breaker, Scope
from tests.complaints.conftest import PATH_TO, record, walk
from tests.conftest import requires_postgres
from tests.factories import PremiseFactory, ticket_create
from tests.hotline.test_race import together
from tickets.callbacks import (
    NOTE_MAX_LENGTH,
    callback_followup_for,
    callback_followups,
    callback_kinds,
    callback_record,
)
from tickets.forms import CallbackForm
from tickets.models import Callback, Kind, Ticket, TimelineEvent
from tickets.services import ticket_transition


@pytest.fixture
def resolved_repair(station_north) -> Ticket:
    premise = PremiseFactory.create(transformer__feeder__station=station_north)
    answers = Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_RESET_OK)
    return repair_create(premise=premise, answers=answers, actor=None).ticket


def snapshot(ticket: Ticket) -> tuple:
    """Everything a refused callback must leave as it was."""
    return (
        Ticket.objects.filter(pk=ticket.pk).values().get(),
        list(TimelineEvent.objects.filter(ticket=ticket).values_list("pk", flat=True)),
        Callback.objects.filter(ticket=ticket).count(),
    )


def test_repairs_and_complaints_register_their_follow_ups():
    assert sorted(callback_kinds()) == [Kind.COMPLAINT, Kind.REPAIR]
    assert callback_followup_for(Kind.REPAIR).kind == Kind.REPAIR
    assert callback_followup_for(Kind.CONSULTATION) is None


def test_a_callback_is_one_row_and_one_event_with_the_count(agent, resolved_repair):
    callback = callback_record(
        ticket=resolved_repair, result="unreachable", note=" No answer. ", actor=agent
    )

    assert (callback.ticket_id, callback.result, callback.note, callback.actor) == (
        resolved_repair.pk,
        "unreachable",
        "No answer.",
        agent,
    )
    event = TimelineEvent.objects.get(ticket=resolved_repair, kind="callback")
    assert (event.actor, event.at, event.note) == (agent, callback.at, "No answer.")
    assert event.data == {"result": "unreachable", "unreachable_count": 1}
    assert Ticket.objects.get(pk=resolved_repair.pk).unreachable_count == 1


@pytest.mark.parametrize(
    ("result", "note", "error"),
    [
        ("delighted", "", FieldErrors),
        ("unsatisfied", "", FieldErrors),  # a repair's station needs the reason
    ],
    ids=["unknown-result", "unsatisfied-without-reason"],
)
def test_a_refused_input_writes_nothing(agent, resolved_repair, result, note, error):
    before = snapshot(resolved_repair)

    with pytest.raises(error):
        callback_record(ticket=resolved_repair, result=result, note=note, actor=agent)

    assert snapshot(resolved_repair) == before


def test_a_note_over_the_limit_is_refused_whole_never_cut(agent, resolved_repair):
    before = snapshot(resolved_repair)

    with pytest.raises(FieldErrors) as refused:
        callback_record(
            ticket=resolved_repair,
            result="satisfied",
            note="x" * (NOTE_MAX_LENGTH + 1),
            actor=agent,
        )

    assert refused.value.errors == {
        "note": [f"Keep the note to {NOTE_MAX_LENGTH} characters; it has {NOTE_MAX_LENGTH + 1}."]
    }
    assert snapshot(resolved_repair) == before


def test_a_note_at_the_limit_is_kept_whole(agent, resolved_repair):
    note = "x" * NOTE_MAX_LENGTH

    callback = callback_record(ticket=resolved_repair, result="satisfied", note=note, actor=agent)

    assert Callback.objects.get(pk=callback.pk).note == note
    assert TimelineEvent.objects.get(ticket=resolved_repair, kind="callback").note == note


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"result": "satisfied", "note": "Happy now."}, {}),
        ({"result": "satisfied"}, {}),
        ({}, {"result": ["Choose the callback's result."]}),
        (
            {"result": "satisfied", "note": "x" * (NOTE_MAX_LENGTH + 1)},
            {
                "note": [
                    f"Keep the note to {NOTE_MAX_LENGTH} characters; it has {NOTE_MAX_LENGTH + 1}."
                ]
            },
        ),
        ({"result": "satisfied", "note": 42}, {"note": ["Give this as text."]}),
    ],
    ids=["result-and-note", "no-note", "no-result", "note-too-long", "note-not-text"],
)
def test_the_callback_form_refuses_what_the_service_would(data, errors):
    form = CallbackForm(data=data)

    assert form.is_valid() is (not errors)
    assert form.errors == errors


def test_a_ticket_not_waiting_for_its_callback_is_refused_and_nothing_written(agent):
    ticket = ticket_create(kind="repair")  # open: nobody has resolved it
    before = snapshot(ticket)

    with pytest.raises(TransitionNotAllowed):
        callback_record(ticket=ticket, result="unreachable", note="", actor=agent)

    assert snapshot(ticket) == before
    assert Ticket.objects.get(pk=ticket.pk).unreachable_count == 0


def test_a_kind_without_a_follow_up_takes_no_callback(agent):
    ticket = ticket_create(kind="consultation")
    ticket = ticket_transition(ticket=ticket, action="resolve", actor=agent)
    before = snapshot(ticket)

    with pytest.raises(TransitionNotAllowed) as refused:
        callback_record(ticket=ticket, result="satisfied", note="", actor=agent)

    assert refused.value.field == "action"
    assert snapshot(ticket) == before


class OpinionCallbacks:
    """A follow-up for a kind that has none: it only closes the ticket."""

    kind = Kind.OPINION

    def check(self, *, result, note):
        pass

    def waiting(self, ticket):
        return ticket.status == Ticket.Status.RESOLVED

    def prepare(self, **kwargs):
        return {"extra": "opinion"}

    def __call__(self, *, callback, event, unreachable_count, actor, now):
        ticket_transition(ticket=callback.ticket, action="close", actor=actor, now=now)


@pytest.fixture
def opinion_callbacks():
    followup = callback_followups.register(OpinionCallbacks())
    yield followup
    callback_followups.unregister(followup)


def test_a_kind_takes_callbacks_once_its_follow_up_is_registered(agent, opinion_callbacks):
    ticket = ticket_create(kind="opinion")
    ticket = ticket_transition(ticket=ticket, action="resolve", actor=agent)

    callback_record(ticket=ticket, result="basically_satisfied", note="", actor=agent)

    assert Kind.OPINION in callback_kinds()
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CLOSED
    event = TimelineEvent.objects.get(ticket=ticket, kind="callback")
    assert event.data == {
        "extra": "opinion",
        "result": "basically_satisfied",
        "unreachable_count": 0,
    }


def test_two_follow_ups_for_one_kind_are_a_configuration_error(opinion_callbacks):
    second = callback_followups.register(OpinionCallbacks())
    try:
        with pytest.raises(ImproperlyConfigured):
            callback_followup_for(Kind.OPINION)
    finally:
        callback_followups.unregister(second)


# --- At the same moment (PostgreSQL: the ticket's row lock decides) ---------------------------


@pytest.fixture
def complaint_people(agent, supervisor, handler, department) -> dict:
    return {
        "contact": agent,
        "judge": supervisor,
        "rectify": handler,
        "reply": handler,
        "callback": agent,
        "department": department,
    }


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_unreachable_tries_at_once_are_both_counted(agent, supervisor, resolved_repair):
    errors = together(
        lambda: callback_record(ticket=resolved_repair, result="unreachable", note="", actor=agent),
        lambda: callback_record(
            ticket=resolved_repair, result="unreachable", note="", actor=supervisor
        ),
    )

    assert errors == []
    assert Ticket.objects.get(pk=resolved_repair.pk).unreachable_count == 2
    counts = TimelineEvent.objects.filter(ticket=resolved_repair, kind="callback")
    assert sorted(e.data["unreachable_count"] for e in counts) == [1, 2]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_calling_back_one_complaint_at_once_close_it_once(
    agent, supervisor, complaint_people
):
    complaint = walk(record(), PATH_TO["replied"], people=complaint_people)

    errors = together(
        lambda: callback_record(ticket=complaint.ticket, result="satisfied", note="", actor=agent),
        lambda: callback_record(
            ticket=complaint.ticket, result="satisfied", note="", actor=supervisor
        ),
    )

    assert [type(error) for error in errors] == [TransitionNotAllowed]
    assert Callback.objects.filter(ticket_id=complaint.pk).count() == 1
    assert TimelineEvent.objects.filter(ticket_id=complaint.pk, kind="close").count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_callback_and_a_stale_step_on_one_complaint_at_once_do_not_deadlock(
    agent, supervisor, department, complaint_people
):
    """The callback locks the ticket, then the complaint; a complaint step locks the complaint,
    then the ticket: the step is refused before it reaches for the ticket."""
    for _ in range(5):
        complaint = walk(record(), PATH_TO["replied"], people=complaint_people)

        errors = together(
            lambda c=complaint: callback_record(
                ticket=c.ticket, result="satisfied", note="", actor=agent
            ),
            lambda c=complaint: complaint_judge(
                complaint=c, validity="valid", reason="Again.", department=department,
                actor=supervisor,
            ),
        )  # fmt: skip

        assert [type(error) for error in errors] == [TransitionNotAllowed]
        assert Ticket.objects.get(pk=complaint.pk).status == Ticket.Status.CLOSED
