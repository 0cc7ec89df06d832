import pytest

from config.errors import TransitionNotAllowed
from tests.factories import ticket_create
from tickets.models import TICKET_TRANSITIONS, Ticket, TimelineEvent
from tickets.services import ticket_transition

S = Ticket.Status
# The path that reaches each status through the table, from a new (open) ticket.
PATH_TO: dict[str, list[str]] = {
    S.OPEN: [],
    S.IN_PROGRESS: ["start"],
    S.RESOLVED: ["resolve"],
    S.CLOSED: ["resolve", "close"],
    S.CANCELLED: ["cancel"],
}


def ticket_in(status: str, actor=None) -> Ticket:
    ticket = ticket_create()
    for action in PATH_TO[status]:
        ticket = ticket_transition(ticket=ticket, action=action, actor=actor)
    return ticket


CASES = [
    (status, action, status in t.sources)
    for status in S.values
    for action, t in TICKET_TRANSITIONS.items()
]


@pytest.mark.parametrize(
    ("status", "action", "allowed"), CASES, ids=[f"{s}-{a}" for s, a, _ in CASES]
)
def test_transition_table_is_enforced(db, agent, status, action, allowed):
    ticket = ticket_in(status)
    events_before = TimelineEvent.objects.filter(ticket=ticket).count()

    if allowed:
        ticket = ticket_transition(ticket=ticket, action=action, actor=agent, note="why")
        event = TimelineEvent.objects.filter(ticket=ticket).last()
        assert ticket.status == TICKET_TRANSITIONS[action].target
        assert (event.kind, event.old_status, event.new_status) == (
            action,
            status,
            ticket.status,
        )
        assert event.actor == agent
        assert event.note == "why"
    else:
        with pytest.raises(TransitionNotAllowed):
            ticket_transition(ticket=ticket, action=action, actor=agent)
        ticket.refresh_from_db()
        assert ticket.status == status
        assert TimelineEvent.objects.filter(ticket=ticket).count() == events_before


def test_allowed_actions_follow_the_table(db):
    ticket = ticket_in(S.RESOLVED)

    assert ticket.allowed_actions() == ["close", "reopen"]


def test_transition_acts_on_the_stored_state_not_a_stale_copy(db, agent):
    stale = ticket_create()
    ticket_transition(ticket=stale, action="cancel", actor=agent)

    with pytest.raises(TransitionNotAllowed):
        ticket_transition(ticket=stale, action="resolve", actor=agent)

    stale.refresh_from_db()
    assert stale.status == S.CANCELLED


def test_resolving_and_closing_stamp_the_time(db):
    ticket = ticket_in(S.CLOSED)

    assert ticket.resolved_at is not None
    assert ticket.closed_at >= ticket.resolved_at


def test_unknown_action_is_refused(db):
    ticket = ticket_create()

    with pytest.raises(TransitionNotAllowed):
        ticket_transition(ticket=ticket, action="explode", actor=None)
