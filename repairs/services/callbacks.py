"""The callback (回访) after a resolved repair: close it, count the unreachable, or reopen
it to the station that held it."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import FieldErrors, TransitionNotAllowed
from repairs.deadlines import repair_promise
from repairs.models import CallbackResult, Repair
from repairs.services.intake import dispatch_to_station
from repairs.triage import Outcome
from tickets.models import Ticket
from tickets.notify import Notice, notify
from tickets.services import ticket_holders, ticket_transition, timeline_record


def repair_callback_record(
    *,
    repair: Repair,
    result: str,
    actor: User | None,
    note: str = "",
    now: datetime | None = None,
) -> Repair:
    """The follow-up call after a resolved repair.

    Satisfied or basically satisfied closes the ticket; unsatisfied reopens it to its
    station with the customer's reason and a new work order; unreachable is counted,
    and the GRIDLINE_CALLBACK_UNREACHABLE_LIMIT-th closes the ticket as unreachable.
    Raises FieldErrors for a bad result or a missing reason, TransitionNotAllowed when
    the ticket is not waiting for its callback; nothing is written then.
    """
    now = now or timezone.now()
    if result not in CallbackResult.values:
        raise FieldErrors({"result": [_("Choose the callback's result.")]})
    note = (note or "").strip()[:2000]
    if result == CallbackResult.UNSATISFIED and not note:
        raise FieldErrors({"note": [_("Say what the customer is unhappy with.")]})
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=repair.ticket_id)
        if ticket.status != Ticket.Status.RESOLVED:
            raise TransitionNotAllowed(
                _("Ticket %(number)s is %(status)s: it is not waiting for a callback.")
                % {"number": ticket.number, "status": ticket.get_status_display()},
                field="action",
            )
        repair = Repair.objects.select_related("ticket__premise").get(pk=repair.pk)
        repair.callback_result = result
        repair.callback_at = now
        if result == CallbackResult.UNREACHABLE:
            repair.unreachable_count += 1
        repair.save(update_fields=["callback_result", "callback_at", "unreachable_count"])
        timeline_record(
            ticket=ticket,
            kind="callback",
            actor=actor,
            at=now,
            note=note,
            data={"result": result, "unreachable_count": repair.unreachable_count},
        )
        limit = settings.GRIDLINE_CALLBACK_UNREACHABLE_LIMIT
        if result in (CallbackResult.SATISFIED, CallbackResult.BASICALLY_SATISFIED):
            ticket_transition(ticket=ticket, action="close", actor=actor, now=now)
        elif result == CallbackResult.UNREACHABLE and repair.unreachable_count >= limit:
            ticket_transition(
                ticket=ticket,
                action="close",
                actor=actor,
                note=_("Closed after %(n)d unreachable callbacks.") % {"n": limit},
                now=now,
            )
        elif result == CallbackResult.UNSATISFIED:
            _reopen_to_station(repair=repair, ticket=ticket, note=note, actor=actor, now=now)
    return repair


def _reopen_to_station(
    *, repair: Repair, ticket: Ticket, note: str, actor: User | None, now: datetime
) -> None:
    """Back to the station that held it: a new work order with a fresh arrival promise."""
    ticket = ticket_transition(ticket=ticket, action="reopen", actor=actor, note=note, now=now)
    notify(
        [
            Notice(
                user=holder,
                ticket_id=ticket.pk,
                key=f"callback-reopen:{ticket.pk}:{now:%s}",
                text=_("%(number)s reopened after the callback: %(reason)s")
                % {"number": ticket.number, "reason": note},
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
        brief=_("Callback: the customer is not satisfied: %(reason)s") % {"reason": note},
        hazards=repair.hazards,
        actor=actor,
        now=now,
    )
