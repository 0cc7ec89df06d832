"""The telephony's call events (DESIGN §3.15): a ring, an answer and a hang-up per call.

Each (call_id, event) is applied once and kept as a CallEvent, whose call answers a repeat.
Events may come in any order and do no harm: a hang-up before any answer leaves the call
abandoned, and an answer or a ring after the hang-up changes nothing.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from hotline import selectors, services
from hotline.models import Call, CallEvent

Event = CallEvent.Event


def telephony_event_record(
    *,
    event: str,
    call_id: str,
    caller_phone: str,
    agent: User,
    at: datetime,
    recording_url: str = "",
    now: datetime | None = None,
) -> CallEvent:
    """Apply one event of a telephony call, once: a repeat returns the first one's record
    and writes nothing. `agent` is a console agent (the form found them)."""
    try:
        return _record(event, call_id, caller_phone, agent, at, recording_url, now)
    except IntegrityError:
        # The same call's first events for two agents at once (a ring at one, an answer by
        # another) both created its row: the one that lost finds it now.
        return _record(event, call_id, caller_phone, agent, at, recording_url, now)


def _record(
    event: str,
    call_id: str,
    caller_phone: str,
    agent: User,
    at: datetime,
    recording_url: str,
    now: datetime | None,
) -> CallEvent:
    with transaction.atomic():
        # The agent's events take turns, as the console's starts do: a repeat sent at once
        # waits here, then finds the first one's record.
        User.objects.select_for_update().filter(pk=agent.pk).exists()
        done = CallEvent.objects.filter(call_id=call_id, event=event).first()
        if done is not None:
            return done
        call = Call.objects.select_for_update().filter(call_id=call_id).first()
        # A ring makes the call; any event that finds none makes it the same way first.
        applied = call is None
        if call is None:
            call = _ring(call_id, caller_phone, agent, at)
        if event == Event.ANSWER:
            applied = call.ringing
            if applied:
                call = services.call_answer(call=call, agent=agent, now=at)
        elif event == Event.HANGUP:
            applied = call.ended_at is None or bool(recording_url and not call.recording_url)
            call = _hang_up(call, at, recording_url)
        return CallEvent.objects.create(
            call_id=call_id,
            event=event,
            at=at,
            caller_phone=caller_phone,
            agent=agent,
            recording_url=recording_url,
            call_record=call,
            applied=applied,
            received_at=now or timezone.now(),
        )


def _ring(call_id: str, caller_phone: str, agent: User, at: datetime) -> Call:
    """A ringing call, on the caller's customer when the number names exactly one."""
    customers = selectors.customer_list_by_phone(phone=caller_phone) if caller_phone else []
    return Call.objects.create(
        call_id=call_id,
        agent=agent,
        caller_phone=caller_phone,
        customer=customers[0] if len(customers) == 1 else None,
        rang_at=at,
        started_at=at,
    )


def _hang_up(call: Call, at: datetime, recording_url: str) -> Call:
    """End the call where it still goes on (an answered one with what it recorded, as
    Finish would; a ringing one abandoned), and keep the recording."""
    if call.is_open:
        call = services.call_finish(call=call, reason="", outcome="", now=max(at, call.started_at))
    elif call.ringing:
        call.ended_at = max(at, call.started_at)
        call.save(update_fields=["ended_at"])
    if recording_url and not call.recording_url:
        call.recording_url = recording_url
        call.save(update_fields=["recording_url"])
    return call
