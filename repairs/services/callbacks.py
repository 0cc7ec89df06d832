"""What a repair's callback (回访) leads to: close it, or reopen it to the station that held
it; tickets.callbacks records the callback and calls this (registered in RepairsConfig)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import FieldErrors
from repairs.deadlines import repair_promise
from repairs.messages import BRIEF_CALLBACK, REPAIR_REOPENED
from repairs.models import Repair
from repairs.services.intake import dispatch_to_station
from repairs.triage import Outcome
from tickets.models import Callback, CallbackResult, Kind, Ticket, TimelineEvent
from tickets.notify import Notice, notify
from tickets.services import ticket_holders, ticket_transition

CONTENT = (CallbackResult.SATISFIED, CallbackResult.BASICALLY_SATISFIED)


class RepairCallbacks:
    """A resolved repair waits for its callback. Satisfied or basically satisfied closes it;
    unsatisfied reopens it to its station with the customer's reason and a new work order;
    the GRIDLINE_CALLBACK_UNREACHABLE_LIMIT-th unreachable closes it."""

    kind = Kind.REPAIR

    def check(self, *, result: str, note: str) -> None:
        """The station needs the customer's reason to go back."""
        if result == CallbackResult.UNSATISFIED and not note:
            raise FieldErrors({"note": [_("Say what the customer is unhappy with.")]})

    def waiting(self, ticket: Ticket) -> bool:
        return ticket.status == Ticket.Status.RESOLVED

    def prepare(
        self,
        *,
        ticket: Ticket,
        result: str,
        unreachable_count: int,
        actor: User | None,
        now: datetime,
    ) -> dict[str, Any]:
        """A repair keeps nothing of its own about a callback."""
        return {}

    def __call__(
        self,
        *,
        callback: Callback,
        event: TimelineEvent,
        unreachable_count: int,
        actor: User | None,
        now: datetime,
    ) -> None:
        ticket, result = callback.ticket, callback.result
        limit = settings.GRIDLINE_CALLBACK_UNREACHABLE_LIMIT
        if result in CONTENT:
            ticket_transition(ticket=ticket, action="close", actor=actor, now=now)
        elif result == CallbackResult.UNREACHABLE and unreachable_count >= limit:
            ticket_transition(
                ticket=ticket,
                action="close",
                actor=actor,
                note=_("Closed after %(n)d unreachable callbacks.") % {"n": limit},
                now=now,
            )
        elif result == CallbackResult.UNSATISFIED:
            _reopen_to_station(ticket=ticket, note=callback.note, actor=actor, now=now)


repair_callbacks = RepairCallbacks()


def _reopen_to_station(*, ticket: Ticket, note: str, actor: User | None, now: datetime) -> None:
    """Back to the station that held it: a new work order with a fresh arrival promise."""
    ticket = ticket_transition(ticket=ticket, action="reopen", actor=actor, note=note, now=now)
    notify(
        [
            Notice(
                user=holder,
                ticket_id=ticket.pk,
                key=f"callback-reopen:{ticket.pk}:{now:%s}",
                text=REPAIR_REOPENED(number=ticket.number, reason=note),
            )
            for holder in ticket_holders(ticket)
        ],
        now=now,
    )
    premise = ticket.premise
    if premise is None or ticket.station_id is None:
        return
    # The customer is unhappy with the work, whatever the call was triaged as: a plain
    # dispatch, which an important premise still raises to the urban limits.
    promise = repair_promise(
        outcome=Outcome.DISPATCH,
        area_type=premise.area_type,
        important=premise.important,
        now=now,
    )
    dispatch_to_station(
        ticket=ticket,
        premise=premise,
        promise=promise,
        brief=BRIEF_CALLBACK(reason=note),
        hazards=Repair.objects.values_list("hazards", flat=True).get(pk=ticket.pk),
        actor=actor,
        now=now,
    )
