"""The callback (回访, DESIGN §3.5): the call that asks a customer whether they are satisfied,
one service for every kind that takes one.

tickets records the callback: a Callback row, the `callback` event and the count of
unreachable tries. What the result leads to belongs to the kind's own app, which tickets
cannot import, so each such app registers one CallbackFollowup in `callback_followups` in
its AppConfig.ready (repairs, complaints). A kind without one takes no callback.
"""

from datetime import datetime
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from config.errors import FieldErrors, TransitionNotAllowed
from config.hooks import Hooks
from tickets.locks import row_for_update
from tickets.models import Callback, CallbackResult, Ticket, TimelineEvent
from tickets.services import timeline_record

NOTE_MAX_LENGTH = 2000
# The placeholders are those of Django's length validator, so tickets/forms.py says the same.
NOTE_TOO_LONG = gettext_lazy("Keep the note to %(limit_value)d characters; it has %(show_value)d.")


class CallbackFollowup(Protocol):
    """One kind's part in its callbacks. Everything but check() runs inside the callback's
    transaction, under the ticket's lock; whatever raises leaves nothing written."""

    @property
    def kind(self) -> str:
        """The tickets.Kind it serves."""

    def check(self, *, result: str, note: str) -> None:
        """Raise FieldErrors for an input the kind refuses."""

    def waiting(self, ticket: Ticket) -> bool:
        """The locked ticket is waiting for its callback."""

    def prepare(
        self,
        *,
        ticket: Ticket,
        result: str,
        unreachable_count: int,
        actor: User | None,
        now: datetime,
    ) -> dict[str, Any]:
        """Before the event: write the kind's own record of the result; return the keys
        the `callback` event adds."""

    def __call__(
        self,
        *,
        callback: Callback,
        event: TimelineEvent,
        unreachable_count: int,
        actor: User | None,
        now: datetime,
    ) -> None:
        """After the event: what the result leads to (the ticket closed, reopened, …)."""


callback_followups: Hooks[CallbackFollowup] = Hooks("callback follow-ups")


def callback_followup_for(kind: str) -> CallbackFollowup | None:
    """The follow-up registered for the kind, or None when the kind takes no callback."""
    found = [followup for followup in callback_followups if followup.kind == kind]
    if len(found) > 1:
        raise ImproperlyConfigured(f"{len(found)} callback follow-ups for the kind {kind}")
    return found[0] if found else None


def callback_kinds() -> list[str]:
    """The kinds that take a callback: those with a follow-up registered."""
    return [followup.kind for followup in callback_followups]


def callback_record(
    *,
    ticket: Ticket,
    result: str,
    note: str,
    actor: User | None,
    now: datetime | None = None,
) -> Callback:
    """One callback of a ticket waiting for it: the row, the `callback` event, and what its
    kind's follow-up does with the result, in one transaction (DESIGN §3.5).

    Raises FieldErrors (the result, a note over NOTE_MAX_LENGTH, what the kind asks of the
    note), NotPermitted, or TransitionNotAllowed (a kind without a follow-up, a ticket not
    waiting), having written nothing.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if result not in CallbackResult.values:
        errors["result"] = [_("Choose the callback's result.")]
    if len(note) > NOTE_MAX_LENGTH:
        # Refused, never cut: what the customer said is kept whole or not at all.
        errors["note"] = [NOTE_TOO_LONG % {"limit_value": NOTE_MAX_LENGTH, "show_value": len(note)}]
    if errors:
        raise FieldErrors(errors)
    followup = callback_followup_for(ticket.kind)
    if followup is None:
        raise TransitionNotAllowed(
            _("Ticket %(number)s is a %(kind)s: it takes no callback.")
            % {"number": ticket.number, "kind": ticket.get_kind_display()},
            field="action",
        )
    followup.check(result=result, note=note)
    with transaction.atomic():
        ticket = row_for_update(Ticket.objects, ticket.pk)
        if not followup.waiting(ticket):
            raise TransitionNotAllowed(
                _("Ticket %(number)s is %(status)s: it is not waiting for a callback.")
                % {"number": ticket.number, "status": ticket.get_status_display()},
                field="action",
            )
        if result == CallbackResult.UNREACHABLE:
            ticket.unreachable_count += 1
            ticket.save(update_fields=["unreachable_count"])
        count = ticket.unreachable_count
        data = followup.prepare(
            ticket=ticket, result=result, unreachable_count=count, actor=actor, now=now
        )
        callback = Callback.objects.create(
            ticket=ticket, result=result, note=note, actor=actor, at=now
        )
        event = timeline_record(
            ticket=ticket,
            kind="callback",
            actor=actor,
            at=now,
            note=note,
            data={**data, "result": result, "unreachable_count": count},
        )
        followup(callback=callback, event=event, unreachable_count=count, actor=actor, now=now)
    return callback


def callback_count_restart(*, ticket: Ticket) -> None:
    """The unreachable tries count from nought again (a complaint's reply); call it inside
    the transaction that holds the ticket's lock."""
    ticket.unreachable_count = 0
    ticket.save(update_fields=["unreachable_count"])
