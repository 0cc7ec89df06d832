"""Writes for repairs: a repair call from triage to work order, and incidents (DESIGN §3.1–3.3).

Correlation runs under a lock on the premise's feeder: every incident on a
feeder is decided by one transaction at a time, so two reports arriving at the
same instant can never open two incidents (the partial unique constraints on
Incident are the backstop).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import Role, User
from config.errors import FieldErrors, TransitionNotAllowed
from dispatch.models import OPEN_WORK_ORDER_STATUSES, CauseCode, WorkOrder
from dispatch.services import work_order_create, work_order_merge, work_order_withdraw
from grid.models import CustomerPhone, Feeder, Premise, Transformer
from repairs import deadlines
from repairs.models import (
    ACTIVE_INCIDENT_STATUSES,
    CallbackResult,
    Incident,
    OutageNotice,
    Repair,
)
from repairs.selectors import premise_facts
from repairs.triage import Answers, Decision, Outcome, Scope, decide
from tickets.models import OPEN_STATUSES, Channel, Deadline, Kind, OutboxMessage, Ticket
from tickets.notify import Notice, notify
from tickets.outbox import Message, outbox_enqueue
from tickets.services import (
    deadline_meet,
    deadline_open,
    deadline_open_many,
    ticket_create,
    ticket_holders,
    ticket_resolve_many,
    ticket_transition,
    timeline_record,
    timeline_record_many,
)

# A work order in these states has a crew that took it: its incident is acknowledged.
CREW_HAS_TAKEN = frozenset(
    {WorkOrder.Status.ACCEPTED, WorkOrder.Status.EN_ROUTE, WorkOrder.Status.ON_SITE}
)
# Reports that say more than one premise is out are the ones correlation counts.
CORRELATED_SCOPES = frozenset({Scope.NEIGHBOURS, Scope.AREA})


@dataclass(frozen=True)
class RepairCreated:
    ticket: Ticket
    repair: Repair
    decision: Decision
    work_order: WorkOrder | None
    incident: Incident | None


def repair_create(
    *,
    premise: Premise,
    answers: Answers,
    actor: User | None,
    caller_phone: str = "",
    description: str = "",
    channel: str = Channel.HOTLINE,
    now: datetime | None = None,
) -> RepairCreated:
    """Record a repair call: triage it, then dispatch, attach to an incident, or answer it.

    Dispatching outcomes get a work order at the premise's station and may fold
    into an incident; `known_incident` attaches the ticket to the incident; every
    other outcome is resolved on creation with the reason the caller was given.
    """
    now = now or timezone.now()
    with transaction.atomic():
        transformer = premise.transformer
        # Decide under the feeder's lock, so the facts cannot change underneath.
        Feeder.objects.select_for_update().filter(pk=transformer.feeder_id).exists()
        decision = decide(answers, premise_facts(premise=premise, now=now))
        if decision.incident is not None and not _incident_still_active(decision.incident.id):
            # Restored while we waited for its lock: decide again without it.
            decision = decide(answers, premise_facts(premise=premise, now=now))
        emergency = decision.outcome == Outcome.EMERGENCY_DISPATCH
        ticket = ticket_create(
            kind=Kind.REPAIR,
            actor=actor,
            premise=premise,
            caller_phone=caller_phone,
            channel=channel,
            description=description,
            priority=deadlines.repair_priority(
                outcome=decision.outcome, important=premise.important
            ),
            now=now,
        )
        repair = Repair.objects.create(
            ticket=ticket,
            scope=answers.scope,
            breaker=answers.breaker,
            high_power_load=answers.high_power_load,
            equipment_in_use=answers.equipment_in_use,
            fault_side=answers.fault_side,
            hazards=sorted(answers.hazards),
            outcome=decision.outcome,
            reason=decision.reason,
            likely_cause="overload" if answers.likely_overload else "",
            notice_id=decision.notice.id if decision.notice else None,
            incident_id=decision.incident.id if decision.incident else None,
            arrive_by=(
                deadlines.arrive_by(
                    now, premise.area_type, important=premise.important, emergency=emergency
                )
                if decision.dispatches
                else None
            ),
        )
        timeline_record(
            ticket=ticket,
            kind="triaged",
            actor=actor,
            at=now,
            # The outcome's name; what the caller was told is on the repair panel.
            note=str(decision.outcome.label),
            data={
                "outcome": decision.outcome,
                "notice": repair.notice_id,
                "incident": repair.incident_id,
            },
        )
        work_order = incident = None
        if decision.dispatches:
            ticket = ticket_transition(ticket=ticket, action="start", actor=actor, now=now)
            work_order = work_order_create(
                station=ticket.station,
                ticket=ticket,
                location=premise.address,
                brief=repair_brief(repair),
                hazards=repair.hazards,
                important=premise.important or emergency,
                arrive_by=repair.arrive_by,
                restore_within=deadlines.restore_within(
                    premise.area_type, important=premise.important or emergency
                ),
                actor=actor,
                now=now,
            )
            deadline_open(ticket=ticket, name=Deadline.Name.ARRIVE_BY, starts_at=now,
                          due_at=repair.arrive_by, station_id=ticket.station_id)  # fmt: skip
            # An emergency is a danger at one address: it keeps its own crew.
            if decision.outcome == Outcome.DISPATCH and answers.scope in CORRELATED_SCOPES:
                incident = _correlate(transformer=transformer, actor=actor, now=now)
                if incident is not None:
                    work_order = incident.work_order
        elif decision.outcome == Outcome.KNOWN_INCIDENT:
            incident = repair.incident
            ticket = ticket_transition(
                ticket=ticket,
                action="start",
                actor=actor,
                note=decision.reason,
                data={"incident": incident.pk},
                now=now,
            )
            work_order = incident.work_order
        else:
            ticket = ticket_transition(
                ticket=ticket,
                action="resolve",
                actor=actor,
                note=decision.reason,
                data={"outcome": decision.outcome},
                now=now,
            )
    return RepairCreated(
        ticket=ticket, repair=repair, decision=decision, work_order=work_order, incident=incident
    )


def _incident_still_active(pk: int) -> bool:
    """Lock the incident a call attaches to, so a restore cannot slip between the two."""
    incident = Incident.objects.select_for_update().filter(pk=pk).values("status").first()
    return incident is not None and incident["status"] in ACTIVE_INCIDENT_STATUSES


def repair_brief(repair: Repair) -> str:
    """The triage in one line for the crew: who is out, the breaker, the likely cause."""
    parts = [
        _("Out: %(scope)s") % {"scope": repair.get_scope_display()},
        _("Breaker: %(breaker)s") % {"breaker": repair.get_breaker_display()},
    ]
    if repair.equipment_in_use:
        parts.append(_("Running: %(equipment)s") % {"equipment": repair.equipment_in_use})
    if repair.likely_cause == "overload":
        parts.append(_("Likely overload"))
    return "; ".join(parts)


def _correlate(*, transformer: Transformer, actor: User | None, now: datetime) -> Incident | None:
    """Open a transformer incident when enough of its reports agree, then see whether the
    feeder's incidents make a feeder incident. Returns the incident the new report is in."""
    window = timedelta(minutes=settings.GRIDLINE_INCIDENT_WINDOW_MINUTES)
    reports = list(
        Repair.objects.filter(
            ticket__premise__transformer=transformer,
            ticket__created_at__gte=now - window,
            ticket__status__in=OPEN_STATUSES,
            outcome=Outcome.DISPATCH,
            scope__in=CORRELATED_SCOPES,
            incident__isnull=True,
        ).values_list("ticket_id", "ticket__premise_id")
    )
    if (
        len({premise_id for _ticket, premise_id in reports})
        < settings.GRIDLINE_INCIDENT_MIN_REPORTS
    ):
        return None
    feeder = transformer.feeder
    incident = Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station_id=feeder.station_id,
        feeder=feeder,
        transformer=transformer,
        created_at=now,
    )
    ticket_ids = [ticket_id for ticket_id, _premise in reports]
    location = _("Transformer %(code)s (feeder %(feeder)s)") % {
        "code": transformer.code,
        "feeder": feeder.code,
    }
    _gather(incident=incident, ticket_ids=ticket_ids, location=location, actor=actor, now=now)
    return _correlate_feeder(feeder=feeder, actor=actor, now=now) or incident


def _correlate_feeder(*, feeder: Feeder, actor: User | None, now: datetime) -> Incident | None:
    """Transformer incidents on enough of a feeder's transformers become one feeder incident."""
    window = timedelta(minutes=settings.GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES)
    absorbed = list(
        Incident.objects.filter(
            feeder=feeder,
            level=Incident.Level.TRANSFORMER,
            status__in=ACTIVE_INCIDENT_STATUSES,
            created_at__gte=now - window,
        )
    )
    if len(absorbed) < settings.GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS:
        return None
    incident = Incident.objects.create(
        level=Incident.Level.FEEDER,
        station_id=feeder.station_id,
        feeder=feeder,
        created_at=now,
        etr=max((i.etr for i in absorbed if i.etr), default=None),
    )
    ticket_ids = list(
        Repair.objects.filter(incident__in=absorbed).values_list("ticket_id", flat=True)
    )
    order_ids = [i.work_order_id for i in absorbed if i.work_order_id]
    # Work orders before incidents, the order a crew's completion locks them in.
    list(WorkOrder.objects.select_for_update().filter(pk__in=order_ids).values_list("pk"))
    Incident.objects.filter(pk__in=[i.pk for i in absorbed]).update(
        status=Incident.Status.ABSORBED, absorbed_into=incident, work_order=None
    )
    location = _("Feeder %(code)s") % {"code": feeder.code}
    _gather(
        incident=incident,
        ticket_ids=ticket_ids,
        order_ids=order_ids,
        location=location,
        actor=actor,
        now=now,
    )
    return incident


def _gather(
    *,
    incident: Incident,
    ticket_ids: list[int],
    location: str,
    actor: User | None,
    now: datetime,
    order_ids: list[int] | None = None,
) -> None:
    """Attach the reports to the incident and fold their work orders into one."""
    if order_ids is None:
        order_ids = list(
            WorkOrder.objects.filter(
                ticket_id__in=ticket_ids, status__in=OPEN_WORK_ORDER_STATUSES
            ).values_list("pk", flat=True)
        )
    note = _("Merged into incident #%(id)s on %(device)s.") % {
        "id": incident.pk,
        "device": location,
    }
    brief = _("%(count)d reports of an outage on %(device)s.") % {
        "count": len(ticket_ids),
        "device": location,
    }
    order = work_order_merge(
        order_ids=order_ids, location=location, brief=brief, actor=actor, note=note, now=now
    )
    if order is not None:
        incident.work_order = order
        incident.save(update_fields=["work_order"])
    Repair.objects.filter(ticket_id__in=ticket_ids).update(incident=incident)
    timeline_record_many(
        ticket_ids=ticket_ids,
        kind="incident_attached",
        actor=actor,
        at=now,
        note=note,
        data={"incident": incident.pk, "work_order": order.pk if order else None},
    )
    if order is not None and order.status in CREW_HAS_TAKEN:
        # The kept order's crew accepted it before the merge: it will not accept again.
        incident_acknowledge(incident=incident, actor=actor, now=now)


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
        WorkOrder.objects.select_for_update().filter(pk=incident.work_order_id).exists()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status not in ACTIVE_INCIDENT_STATUSES:
        raise TransitionNotAllowed(
            _("Incident %(id)s is %(status)s: it cannot be restored.")
            % {"id": incident.pk, "status": incident.get_status_display()},
            field="action",
        )
    incident.status = Incident.Status.RESTORED
    incident.restored_at = now
    incident.cause = cause
    incident.cause_note = note
    incident.save(update_fields=["status", "restored_at", "cause", "cause_note"])
    text = f"{cause.label}: {note}" if note else cause.label
    _incident_sms(incident, event="restored", now=now)
    deadline_meet(ticket_ids=incident_attached_ticket_ids(incident), name=Deadline.Name.RESTORE_BY,
                  at=now)  # fmt: skip
    ticket_resolve_many(
        tickets=Ticket.objects.filter(repair__incident=incident),
        actor=actor,
        note=_("Power restored (incident #%(id)s). %(cause)s") % {"id": incident.pk, "cause": text},
        data={"incident": incident.pk, "cause": cause.code},
        now=now,
    )
    if incident.work_order_id is not None:
        work_order_withdraw(
            order=incident.work_order,
            actor=actor,
            note=_("Incident #%(id)s restored.") % {"id": incident.pk},
            now=now,
        )
    return incident


@transaction.atomic
def incident_acknowledge(
    *, incident: Incident, actor: User | None, now: datetime | None = None
) -> Incident:
    """A crew has taken the incident's work order; callers may be told (idempotent)."""
    now = now or timezone.now()
    updated = Incident.objects.filter(pk=incident.pk, status=Incident.Status.DETECTED).update(
        status=Incident.Status.ACKNOWLEDGED, acknowledged_at=now
    )
    incident.refresh_from_db()
    if updated:
        _incident_sms(incident, event="acknowledged", now=now)
        timeline_record_many(
            ticket_ids=incident_attached_ticket_ids(incident),
            kind="incident_acknowledged",
            actor=actor,
            at=now,
            data={"incident": incident.pk},
        )
    return incident


@transaction.atomic
def incident_etr_set(
    *, incident: Incident, etr: datetime, actor: User | None, now: datetime | None = None
) -> Incident:
    """The crew or dispatcher's estimate of when power is back; every attached caller hears it."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status not in ACTIVE_INCIDENT_STATUSES:
        raise TransitionNotAllowed(
            _("Incident %(id)s is no longer active.") % {"id": incident.pk}, field="etr"
        )
    incident.etr = etr
    incident.save(update_fields=["etr"])
    _incident_sms(incident, event=f"etr:{etr.timestamp():.0f}", now=now)
    timeline_record_many(
        ticket_ids=incident_attached_ticket_ids(incident),
        kind="incident_etr",
        actor=actor,
        at=now,
        note=timezone.localtime(etr).strftime("%Y-%m-%d %H:%M"),
        data={"incident": incident.pk, "etr": etr.isoformat()},
    )
    return incident


def _incident_sms(incident: Incident, *, event: str, now: datetime) -> None:
    """Tell every caller attached to the incident (DESIGN §3.3), once per event and phone."""
    phones = (
        Ticket.objects.filter(repair__incident=incident, status__in=OPEN_STATUSES)
        .exclude(caller_phone="")
        .values_list("pk", "caller_phone")
    )
    with translation.override(settings.GRIDLINE_CUSTOMER_LANGUAGE):
        etr = timezone.localtime(incident.etr).strftime("%m-%d %H:%M") if incident.etr else ""
        if event == "restored":
            body = _("Power is restored. Thank you for your patience.")
        elif event == "acknowledged":
            body = _("A repair crew has taken on the outage you reported.")
        else:
            body = _("Estimated restoration of the outage you reported: %(etr)s.") % {"etr": etr}
    seen: dict[str, int] = {}
    for ticket_id, phone in phones:
        seen.setdefault(phone, ticket_id)
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.SMS,
                recipient=phone,
                body=body,
                dedup_key=f"incident:{incident.pk}:{event}:{phone}",
                ticket_id=ticket_id,
            )
            for phone, ticket_id in seen.items()
        ],
        now=now,
    )


def on_work_order_transitioned(*, order: WorkOrder, action: str, actor, note: str, now) -> None:
    """The incident follows its work order: accepted → acknowledged, on site → its callers'
    arrival promise met and restoration promise started, completed → restored."""
    if action not in ("accept", "arrive", "complete"):
        return
    incident = Incident.objects.filter(
        Q(work_order=order), status__in=ACTIVE_INCIDENT_STATUSES
    ).first()
    if incident is None:
        return
    if action == "accept":
        incident_acknowledge(incident=incident, actor=actor, now=now)
    elif action == "arrive":
        callers = incident_attached_ticket_ids(incident)
        deadline_meet(ticket_ids=callers, name=Deadline.Name.ARRIVE_BY, at=now)
        deadline_open_many(ticket_ids=callers, name=Deadline.Name.RESTORE_BY, starts_at=now,
                           due_at=order.restore_by, station_id=order.station_id)  # fmt: skip
    else:
        incident_restore(
            incident=incident, cause=order.cause, note=order.actions, actor=actor, now=now
        )


# --- Outage notices (DESIGN §3.4) -------------------------------------------------------


@dataclass(frozen=True)
class NoticeInput:
    kind: str
    feeders: list[Feeder]
    transformers: list[Transformer]
    starts_at: datetime
    ends_at: datetime
    reason: str


def notice_is_late(*, kind: str, starts_at: datetime, published_at: datetime) -> bool:
    """Published with less notice than the rules ask: 7 days planned, 24 hours temporary."""
    if kind == OutageNotice.Kind.PLANNED:
        required = timedelta(days=settings.GRIDLINE_PLANNED_NOTICE_DAYS)
    elif kind == OutageNotice.Kind.TEMPORARY:
        required = timedelta(hours=settings.GRIDLINE_TEMPORARY_NOTICE_HOURS)
    else:
        return False  # a restriction follows the grid's shortage: no notice period applies
    return starts_at - published_at < required


def notice_input_parse(data: Mapping[str, Any], *, user: User, now: datetime) -> NoticeInput:
    """Validate a notice from the API or the page; NoticeInputInvalid names every bad field."""
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind not in OutageNotice.Kind.values:
        errors["kind"] = [_("Choose planned, temporary or restriction.")]
    feeders = _devices(Feeder, data.get("feeder_codes"), "feeder_codes", errors)
    transformers = _devices(Transformer, data.get("transformer_codes"), "transformer_codes", errors)
    if not errors.get("feeder_codes") and not errors.get("transformer_codes"):
        if not feeders and not transformers:
            errors["feeder_codes"] = [_("Name at least one feeder or transformer.")]
        elif user.role == Role.DISPATCHER and not user.is_superuser:
            foreign = [f.code for f in feeders if f.station_id != user.station_id] + [
                t.code for t in transformers if t.feeder.station_id != user.station_id
            ]
            if foreign:
                errors["feeder_codes"] = [
                    _("Not in your station: %(codes)s.") % {"codes": ", ".join(foreign)}
                ]
    starts_at = _moment(data.get("starts_at"), "starts_at", errors)
    ends_at = _moment(data.get("ends_at"), "ends_at", errors)
    if starts_at and ends_at:
        if ends_at <= starts_at:
            errors["ends_at"] = [_("The end must come after the start.")]
        elif ends_at <= now:
            errors["ends_at"] = [_("This window is already over.")]
    reason = data.get("reason")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or "\x00" in reason:
        errors["reason"] = [_("Give the reason the customers will read.")]
    elif len(reason) > 255:
        errors["reason"] = [_("Keep the reason under 255 characters.")]
    if errors:
        raise FieldErrors(errors)
    return NoticeInput(kind, feeders, transformers, starts_at, ends_at, reason)


def _devices(model, codes: Any, field: str, errors: dict[str, list[str]]) -> list:
    if codes in (None, ""):
        return []
    if isinstance(codes, str):
        codes = [c for c in codes.replace(",", " ").split() if c]
    if not isinstance(codes, list | tuple) or not all(isinstance(c, str) for c in codes):
        errors[field] = [_("Give a list of codes.")]
        return []
    codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if any("\x00" in c for c in codes):
        errors[field] = [_("Give a list of codes.")]
        return []
    found = {d.code: d for d in model.objects.select_related(*_DEVICE_RELATED[model]).filter(
        code__in=codes)}  # fmt: skip
    missing = [c for c in codes if c not in found]
    if missing:
        errors[field] = [_("Unknown: %(codes)s.") % {"codes": ", ".join(missing)}]
    return [found[c] for c in codes if c in found]


_DEVICE_RELATED = {Feeder: ("station",), Transformer: ("feeder__station",)}


def _moment(value: Any, field: str, errors: dict[str, list[str]]) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        moment = parse_datetime(value.strip())
        if moment is None:
            errors[field] = [_("Give a date and time, e.g. 2026-12-01T08:00+08:00.")]
            return None
    else:
        errors[field] = [_("This field is required.")]
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _notice_station(data: NoticeInput) -> int | None:
    stations = {f.station_id for f in data.feeders} | {
        t.feeder.station_id for t in data.transformers
    }
    return stations.pop() if len(stations) == 1 else None


@transaction.atomic
def notice_publish(
    *, data: NoticeInput, actor: User | None, now: datetime | None = None
) -> OutageNotice:
    """Publish a notice: flagged late if short of the notice period; affected customers get an SMS.

    A notice that starts within the reminder period counts its publication SMS as the reminder.
    """
    now = now or timezone.now()
    notice = OutageNotice.objects.create(
        kind=data.kind,
        reason=data.reason,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        published_at=now,
        published_by=actor,
        updated_at=now,
        station_id=_notice_station(data),
        late_notice=notice_is_late(kind=data.kind, starts_at=data.starts_at, published_at=now),
        reminder_sent_at=now if _reminder_due(data.starts_at, now) else None,
    )
    notice.feeders.set(data.feeders)
    notice.transformers.set(data.transformers)
    _notice_sms(notice, event="published", now=now)
    return notice


@transaction.atomic
def notice_update(
    *, notice: OutageNotice, data: NoticeInput, actor: User | None, now: datetime | None = None
) -> OutageNotice:
    """Change a notice that has not ended; customers get the new window. A moved start is
    judged for lateness afresh, from now."""
    now = now or timezone.now()
    notice = OutageNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.cancelled_at is not None or notice.ends_at <= now:
        raise TransitionNotAllowed(
            _("This notice is cancelled or over: publish a new one."), field="action"
        )
    if data.starts_at != notice.starts_at:
        notice.late_notice = notice_is_late(
            kind=data.kind, starts_at=data.starts_at, published_at=now
        )
        notice.reminder_sent_at = now if _reminder_due(data.starts_at, now) else None
    notice.kind = data.kind
    notice.reason = data.reason
    notice.starts_at = data.starts_at
    notice.ends_at = data.ends_at
    notice.station_id = _notice_station(data)
    notice.updated_at = now
    notice.save()
    notice.feeders.set(data.feeders)
    notice.transformers.set(data.transformers)
    _notice_sms(notice, event=f"changed:{now.timestamp():.0f}", now=now)
    return notice


@transaction.atomic
def notice_cancel(
    *, notice: OutageNotice, actor: User | None, now: datetime | None = None
) -> OutageNotice:
    """Withdraw a notice; customers are told the outage will not happen."""
    now = now or timezone.now()
    notice = OutageNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.cancelled_at is not None:
        raise TransitionNotAllowed(_("This notice is already cancelled."), field="action")
    notice.cancelled_at = now
    notice.updated_at = now
    notice.save(update_fields=["cancelled_at", "updated_at"])
    _notice_sms(notice, event="cancelled", now=now)
    return notice


def notice_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the customers of notices starting within the reminder period (once each)."""
    now = now or timezone.now()
    due = OutageNotice.objects.filter(
        cancelled_at__isnull=True,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(minutes=settings.GRIDLINE_NOTICE_REMINDER_MINUTES),
    )
    reminded = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Compare-and-set: a second worker's update matches nothing.
            if OutageNotice.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                _notice_sms(OutageNotice.objects.get(pk=pk), event="reminder", now=now)
                reminded += 1
    return reminded


def _reminder_due(starts_at: datetime, now: datetime) -> bool:
    return starts_at - now <= timedelta(minutes=settings.GRIDLINE_NOTICE_REMINDER_MINUTES)


def notice_recipient_phones(notice: OutageNotice) -> list[str]:
    """Every phone of every customer with a premise under the notice's devices, once each."""
    premises = Premise.objects.filter(
        Q(transformer__in=notice.transformers.all())
        | Q(transformer__feeder__in=notice.feeders.all())
    )
    return list(
        CustomerPhone.objects.filter(customer__premises__in=premises)
        .values_list("number", flat=True)
        .distinct()
        .order_by("number")
    )


def _notice_sms(notice: OutageNotice, *, event: str, now: datetime) -> None:
    with translation.override(settings.GRIDLINE_CUSTOMER_LANGUAGE):
        params = {
            "kind": notice.get_kind_display(),
            "starts": timezone.localtime(notice.starts_at).strftime("%m-%d %H:%M"),
            "ends": timezone.localtime(notice.ends_at).strftime("%m-%d %H:%M"),
            "reason": notice.reason,
        }
        if event == "cancelled":
            text = _("Cancelled: the %(kind)s from %(starts)s to %(ends)s will not take place.")
        elif event == "reminder":
            text = _("Reminder: %(kind)s from %(starts)s to %(ends)s (%(reason)s).")
        elif event.startswith("changed"):
            text = _("Changed: %(kind)s now from %(starts)s to %(ends)s (%(reason)s).")
        else:
            text = _("%(kind)s from %(starts)s to %(ends)s (%(reason)s).")
        body = text % params
    outbox_enqueue(
        [
            Message(
                channel=OutboxMessage.Channel.SMS,
                recipient=phone,
                body=body,
                dedup_key=f"notice:{notice.pk}:{event}:{phone}",
            )
            for phone in notice_recipient_phones(notice)
        ],
        now=now,
    )


# --- Callbacks (回访) after a repair ------------------------------------------------------


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
    arrive_by = deadlines.arrive_by(
        now, premise.area_type, important=premise.important, emergency=False
    )
    work_order_create(
        station=ticket.station,
        ticket=ticket,
        location=premise.address,
        brief=_("Callback: the customer is not satisfied: %(reason)s") % {"reason": note},
        hazards=repair.hazards,
        important=premise.important,
        arrive_by=arrive_by,
        restore_within=deadlines.restore_within(premise.area_type, important=premise.important),
        actor=actor,
        now=now,
    )
    deadline_open(ticket=ticket, name=Deadline.Name.ARRIVE_BY, starts_at=now, due_at=arrive_by,
                  station_id=ticket.station_id)  # fmt: skip
