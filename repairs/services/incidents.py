"""Writes for incidents (DESIGN §3.3, §3.10): open, acknowledge, ETR, restore (whole or a
feeder incident's transformers one at a time), absorb, their SMS. Declaring and dismissing
are in repairs.services.declarations, which sits above correlation and intake.

Every status change goes through `_apply_transition` and INCIDENT_TRANSITIONS. Where a
work order is locked too, it is locked first: a crew's completion locks its order, then
the incident, and any other order would deadlock against it.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import GridlineError, TransitionNotAllowed
from config.transitions import transition_check
from dispatch.models import CauseCode, WorkOrder
from dispatch.services import work_order_withdraw
from grid.models import CustomerPhone, Feeder, Premise, Transformer
from repairs import deadlines
from repairs.messages import INCIDENT_ACKNOWLEDGED, INCIDENT_ETR, INCIDENT_RESTORED
from repairs.models import (
    ACTIVE_INCIDENT_STATUSES,
    INCIDENT_TRANSITIONS,
    EtrChange,
    Incident,
    IncidentPart,
)
from tickets.locks import row_for_update, rows_for_update
from tickets.messages import Text
from tickets.models import OPEN_STATUSES, Deadline, OutboxMessage, Ticket
from tickets.outbox import Message, outbox_enqueue
from tickets.services import (
    deadline_meet,
    deadline_open_many,
    ticket_resolve_many,
    timeline_record_many,
)


def _apply_transition(
    *, incident: Incident, action: str, now: datetime, fields: Mapping[str, Any] | None = None
) -> Incident:
    """Lock, guard, mutate and stamp one INCIDENT_TRANSITIONS action, with the extra
    `fields` the step writes. Call inside a transaction; raises TransitionNotAllowed."""
    # Re-read under the row lock: the caller's copy may be stale, and a crew, a
    # dispatcher and correlation may all act on this incident at the same moment.
    incident = row_for_update(Incident.objects, incident.pk)
    locked = incident
    transition = transition_check(
        INCIDENT_TRANSITIONS,
        action=action,
        status=incident.status,
        refusal=lambda: _refusal(locked, action),
    )
    incident.status = transition.target
    changed = ["status"]
    if transition.stamp:
        setattr(incident, transition.stamp, now)
        changed.append(transition.stamp)
    for name, value in (fields or {}).items():
        setattr(incident, name, value)
        changed.append(name)
    incident.save(update_fields=changed)
    return incident


def _refusal(incident: Incident, action: str) -> str:
    if action == "restore":
        return _("Incident %(id)s is %(status)s: it cannot be restored.") % {
            "id": incident.pk,
            "status": incident.get_status_display(),
        }
    if action == "dismiss":
        return _("Incident %(id)s is %(status)s: it cannot be dismissed.") % {
            "id": incident.pk,
            "status": incident.get_status_display(),
        }
    return _("Incident %(id)s is no longer active.") % {"id": incident.pk}


def incident_parts_create(*, incident: Incident) -> None:
    """A feeder incident gets a part per transformer of its feeder, each restored on its own
    (DESIGN §3.10); a transformer incident has none. Call inside the creating transaction."""
    if incident.level != Incident.Level.FEEDER:
        return
    transformer_ids = Transformer.objects.filter(feeder_id=incident.feeder_id).order_by("code")
    IncidentPart.objects.bulk_create(
        IncidentPart(incident=incident, transformer_id=pk)
        for pk in transformer_ids.values_list("pk", flat=True)
    )


def incident_attached_ticket_ids(incident: Incident) -> list[int]:
    return list(
        Ticket.objects.filter(repair__incident=incident, status__in=OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )


@transaction.atomic
def incident_restore(
    *,
    incident: Incident,
    cause: CauseCode,
    note: str,
    actor: User | None,
    now: datetime | None = None,
) -> Incident:
    """Power is back: the incident is restored and every attached ticket resolved with its cause.

    An open work order of the incident is cancelled (its crew's job is done).
    Raises TransitionNotAllowed when the incident is no longer active.
    """
    now = now or timezone.now()
    # Its work order first, then the incident: the order a crew's completion locks them in.
    if incident.work_order_id is not None:
        rows_for_update(WorkOrder.objects.filter(pk=incident.work_order_id)).exists()
    incident = _apply_transition(
        incident=incident, action="restore", now=now, fields={"cause": cause, "cause_note": note}
    )
    text = f"{cause.label}: {note}" if note else cause.label
    # A feeder incident's parts not restored on their own come back with it.
    unrestored = IncidentPart.objects.filter(incident=incident, restored_at__isnull=True)
    transformer_ids = list(unrestored.values_list("transformer_id", flat=True))
    unrestored.update(restored_at=now, restored_by=actor, cause=cause, cause_note=note)
    _incident_sms(incident, event="restored", now=now)
    if incident.premises_notified:
        incident_premises_sms(
            incident,
            transformer_ids=transformer_ids if incident.level == Incident.Level.FEEDER else None,
            event="restored",
            text=INCIDENT_RESTORED(),
            now=now,
        )
    deadline_meet(
        ticket_ids=incident_attached_ticket_ids(incident), name=Deadline.Name.RESTORE_BY, at=now
    )
    ticket_resolve_many(
        tickets=Ticket.objects.filter(repair__incident=incident),
        actor=actor,
        note=_("Power restored (incident #%(id)s). %(cause)s") % {"id": incident.pk, "cause": text},
        data={"incident": incident.pk, "cause": cause.code},
        now=now,
    )
    if incident.work_order is not None:
        work_order_withdraw(
            order=incident.work_order,
            actor=actor,
            note=_("Incident #%(id)s restored.") % {"id": incident.pk},
            now=now,
        )
    return incident


def incident_restore_from_form(
    *, incident: Incident, data: Mapping[str, Any], actor: User | None
) -> Incident:
    """IncidentRestoreForm's cleaned data, for the page and the API alike: the transformers
    it names restored (incident_restore_parts), or with none the whole incident."""
    if data["transformer_codes"]:
        return incident_restore_parts(
            incident=incident,
            transformers=data["transformer_codes"],
            cause=data["cause"],
            note=data["note"],
            actor=actor,
        )
    return incident_restore(incident=incident, cause=data["cause"], note=data["note"], actor=actor)


@transaction.atomic
def incident_restore_parts(
    *,
    incident: Incident,
    transformers: list[Transformer],
    cause: CauseCode,
    note: str,
    actor: User | None,
    now: datetime | None = None,
) -> Incident:
    """Power is back under some transformers of a feeder incident (DESIGN §3.10 partial
    restoration): their parts are restored and only the attached tickets under them resolved
    with the cause; their callers are texted. The incident stays active, with its work order,
    until its last part is restored: then it is restored whole (incident_restore).

    Raises GridlineError (400, `transformer_codes`) for a transformer incident or a
    transformer not on the feeder, TransitionNotAllowed (409) when the incident is no longer
    active or a part named is restored already.
    """
    now = now or timezone.now()
    if incident.work_order_id is not None:
        rows_for_update(WorkOrder.objects.filter(pk=incident.work_order_id)).exists()
    incident = row_for_update(Incident.objects, incident.pk)
    if not incident.is_active:
        raise TransitionNotAllowed(_refusal(incident, "restore"), field="action")
    if incident.level != Incident.Level.FEEDER:
        raise GridlineError(
            _("A transformer incident is restored whole: name no transformers."),
            field="transformer_codes",
        )
    parts = {
        part.transformer_id: part
        for part in rows_for_update(IncidentPart.objects.filter(incident=incident))
    }
    strangers = [t.code for t in transformers if t.pk not in parts]
    if strangers:
        raise GridlineError(
            _("Not on feeder %(feeder)s: %(codes)s.")
            % {"feeder": incident.feeder.code, "codes": ", ".join(strangers)},
            field="transformer_codes",
        )
    done = [t.code for t in transformers if parts[t.pk].restored_at is not None]
    if done:
        raise TransitionNotAllowed(
            _("Restored already: %(codes)s.") % {"codes": ", ".join(done)},
            field="transformer_codes",
        )
    chosen = {t.pk for t in transformers}
    if all(part.restored_at is not None or pk in chosen for pk, part in parts.items()):
        return incident_restore(incident=incident, cause=cause, note=note, actor=actor, now=now)
    IncidentPart.objects.filter(incident=incident, transformer_id__in=chosen).update(
        restored_at=now, restored_by=actor, cause=cause, cause_note=note
    )
    tickets = Ticket.objects.filter(repair__incident=incident, premise__transformer_id__in=chosen)
    codes = sorted(t.code for t in transformers)
    for transformer in transformers:
        event = f"restored:{transformer.code}"
        _incident_sms(incident, event=event, now=now, transformer_ids=[transformer.pk])
        if incident.premises_notified:
            incident_premises_sms(
                incident,
                transformer_ids=[transformer.pk],
                event=event,
                text=INCIDENT_RESTORED(),
                now=now,
            )
    deadline_meet(
        ticket_ids=list(tickets.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True)),
        name=Deadline.Name.RESTORE_BY,
        at=now,
    )
    text = f"{cause.label}: {note}" if note else cause.label
    ticket_resolve_many(
        tickets=tickets,
        actor=actor,
        note=_("Power restored on %(transformers)s (incident #%(id)s). %(cause)s")
        % {"transformers": ", ".join(codes), "id": incident.pk, "cause": text},
        data={"incident": incident.pk, "cause": cause.code, "transformers": codes},
        now=now,
    )
    return incident


def incident_mark_dismissed(
    *, incident: Incident, reason: str, actor: User | None, now: datetime
) -> Incident:
    """The incident is dismissed ("not an outage", DESIGN §3.10) and its work order withdrawn;
    its tickets are the caller's to triage again (repairs.services.declarations). Call inside
    a transaction; raises TransitionNotAllowed when the incident is no longer active."""
    # Its work order first, then the incident: the order a crew's completion locks them in.
    if incident.work_order_id is not None:
        rows_for_update(WorkOrder.objects.filter(pk=incident.work_order_id)).exists()
    incident = _apply_transition(
        incident=incident, action="dismiss", now=now, fields={"dismiss_reason": reason}
    )
    if incident.work_order is not None:
        work_order_withdraw(
            order=incident.work_order,
            actor=actor,
            note=_("Incident #%(id)s dismissed: %(reason)s")
            % {"id": incident.pk, "reason": reason},
            now=now,
        )
    return incident


@transaction.atomic
def incident_acknowledge(
    *, incident: Incident, actor: User | None, now: datetime | None = None
) -> Incident:
    """A crew has taken the incident's work order; its callers are told once (safe to repeat)."""
    now = now or timezone.now()
    current = row_for_update(Incident.objects, incident.pk)
    if "acknowledge" not in current.allowed_actions():
        # Taken already (a merge around an accepted order, then that crew's next step),
        # or over: there is nothing new to tell anyone.
        return current
    incident = _apply_transition(incident=current, action="acknowledge", now=now)
    _incident_sms(incident, event="acknowledged", now=now)
    timeline_record_many(
        ticket_ids=incident_attached_ticket_ids(incident),
        kind="incident_acknowledged",
        actor=actor,
        at=now,
        data={"incident": incident.pk},
    )
    return incident


def incident_absorb(*, incident: Incident, into: Incident, now: datetime) -> Incident:
    """The transformer incident becomes part of a feeder incident, which takes over its
    work order. Call inside a transaction with that order locked; raises TransitionNotAllowed."""
    return _apply_transition(
        incident=incident,
        action="absorb",
        now=now,
        fields={"absorbed_into": into, "work_order": None},
    )


def incident_open(
    *,
    level: str,
    feeder: Feeder,
    transformer: Transformer | None = None,
    now: datetime,
    later_than: datetime | None = None,
    **fields: Any,
) -> Incident:
    """A new incident on the device, with the default ETR of DESIGN §3.10 in its history
    (or `later_than`, an estimate its callers already have, when that is later).

    Call inside the transaction that holds the feeder's lock (the partial unique
    constraints on Incident are the backstop)."""
    under = Premise.objects.filter(transformer__feeder=feeder)
    if transformer is not None:
        under = Premise.objects.filter(transformer=transformer)
    area_types = under.values_list("area_type", flat=True).distinct().order_by()
    etr = deadlines.incident_default_etr(now, area_types)
    if later_than is not None:
        etr = max(etr, later_than)
    incident = Incident.objects.create(
        level=level,
        station_id=feeder.station_id,
        feeder=feeder,
        transformer=transformer,
        created_at=now,
        etr=etr,
        **fields,
    )
    EtrChange.objects.create(incident=incident, etr=etr, at=now, is_default=True)
    return incident


@transaction.atomic
def incident_etr_set(
    *, incident: Incident, etr: datetime, actor: User | None, now: datetime | None = None
) -> Incident:
    """The crew or dispatcher's estimate of when power is back (DESIGN §3.10).

    The history keeps every estimate; the callers are texted the first one a person sets
    and then any that moves GRIDLINE_ETR_NOTIFY_MINUTES or more from the one they were told,
    so that a crew nudging the time by ten minutes does not text a whole feeder each time.
    """
    now = now or timezone.now()
    incident = row_for_update(Incident.objects, incident.pk)
    if incident.status not in ACTIVE_INCIDENT_STATUSES:
        raise TransitionNotAllowed(
            _("Incident %(id)s is no longer active.") % {"id": incident.pk}, field="etr"
        )
    told = (
        incident.etr_changes.filter(notified=True)
        .order_by("-at", "-pk")
        .values_list("etr", flat=True)
        .first()
    )
    threshold = timedelta(minutes=settings.GRIDLINE_ETR_NOTIFY_MINUTES)
    notify = told is None or abs(etr - told) >= threshold
    incident.etr = etr
    incident.save(update_fields=["etr"])
    change = EtrChange.objects.create(
        incident=incident, etr=etr, at=now, actor=actor, notified=notify
    )
    if notify:
        _incident_sms(incident, event=f"etr:{change.pk}", now=now)
        if incident.source != Incident.Source.CALLS:
            # Declared and grid-event incidents were made known to every premise under
            # the device: each hears the estimate too (once per phone: the same key).
            incident_premises_sms(
                incident,
                transformer_ids=None,
                event=f"etr:{change.pk}",
                text=INCIDENT_ETR(etr=etr),
                now=now,
            )
    timeline_record_many(
        ticket_ids=incident_attached_ticket_ids(incident),
        kind="etr_changed",
        actor=actor,
        at=now,
        note=timezone.localtime(etr).strftime("%Y-%m-%d %H:%M"),
        data={"incident": incident.pk, "etr": etr.isoformat(), "texted": notify},
    )
    return incident


def _incident_sms(
    incident: Incident, *, event: str, now: datetime, transformer_ids: list[int] | None = None
) -> None:
    """Tell every caller attached to the incident (DESIGN §3.3), once per event and phone;
    with `transformer_ids`, only the callers under those transformers (a part restored)."""
    phones = (
        Ticket.objects.filter(repair__incident=incident, status__in=OPEN_STATUSES)
        .exclude(caller_phone="")
        .values_list("pk", "caller_phone")
    )
    if transformer_ids is not None:
        phones = phones.filter(premise__transformer_id__in=transformer_ids)
    if event.startswith("restored"):
        text = INCIDENT_RESTORED()
    elif event == "acknowledged":
        text = INCIDENT_ACKNOWLEDGED()
    else:
        text = INCIDENT_ETR(etr=incident.etr)
    seen: dict[str, int] = {}
    for ticket_id, phone in phones:
        seen.setdefault(phone, ticket_id)
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.SMS,
                recipient=phone,
                text=text,
                language=settings.GRIDLINE_CUSTOMER_LANGUAGE,
                dedup_key=f"incident:{incident.pk}:{event}:{phone}",
                ticket_id=ticket_id,
            )
            for phone, ticket_id in seen.items()
        ],
        now=now,
    )


def incident_premises_sms(
    incident: Incident,
    *,
    transformer_ids: list[int] | None,
    event: str,
    text: Text,
    now: datetime,
) -> None:
    """Tell every customer with a premise under the incident's device (or under the given
    transformers of it), once per event and phone. The key is the one the callers' SMS of
    the same event takes, so a caller who is also a customer there hears it once."""
    if transformer_ids is not None:
        premises = Premise.objects.filter(transformer_id__in=transformer_ids)
    elif incident.level == Incident.Level.FEEDER:
        premises = Premise.objects.filter(transformer__feeder_id=incident.feeder_id)
    else:
        assert incident.transformer_id is not None  # transformer_incident_has_transformer
        premises = Premise.objects.filter(transformer_id=incident.transformer_id)
    phones = (
        CustomerPhone.objects.filter(customer__premises__in=premises)
        .values_list("number", flat=True)
        .distinct()
        .order_by("number")
    )
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.SMS,
                recipient=phone,
                text=text,
                language=settings.GRIDLINE_CUSTOMER_LANGUAGE,
                dedup_key=f"incident:{incident.pk}:{event}:{phone}",
            )
            for phone in phones
        ],
        now=now,
    )


def on_work_order_transitioned(
    *, order: WorkOrder, action: str, actor: User | None, note: str, now: datetime
) -> None:
    """The incident follows its work order: accepted → acknowledged, on site → its callers'
    arrival promise met and restoration promise started, completed → restored."""
    if action not in ("accept", "arrive", "complete"):
        return
    incident = Incident.objects.filter(
        work_order=order, status__in=ACTIVE_INCIDENT_STATUSES
    ).first()
    if incident is None:
        return
    if action == "accept":
        incident_acknowledge(incident=incident, actor=actor, now=now)
    elif action == "arrive":
        callers = incident_attached_ticket_ids(incident)
        assert order.restore_by is not None  # set by the arrive step itself
        deadline_meet(ticket_ids=callers, name=Deadline.Name.ARRIVE_BY, at=now)
        deadline_open_many(
            ticket_ids=callers,
            name=Deadline.Name.RESTORE_BY,
            starts_at=now,
            due_at=order.restore_by,
            station_id=order.station_id,
        )
    else:
        assert order.cause is not None  # the complete step records the cause
        incident_restore(
            incident=incident, cause=order.cause, note=order.actions, actor=actor, now=now
        )
