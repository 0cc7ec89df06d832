"""Declaring and dismissing incidents (DESIGN §3.10): a dispatcher's or a supervisor's word
on an outage, ahead of the calls or against them.

Declaring opens an incident on a transformer or a feeder with one work order to its
station, as correlation does when the calls agree: it gathers the reports correlation
would count and, on a feeder, absorbs the transformer incidents. Dismissing says "not an
outage": the incident's work order is withdrawn and its open tickets are triaged again as
single reports, each dispatched with a work order of its own.

Both run under the lock on the device's feeder, as correlation does (repair_create takes
it), so a declaration and a call at the same instant make one incident. This module sits
above correlation and intake, which is why it is not in repairs.services.incidents.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import TransitionNotAllowed
from dispatch.models import OPEN_WORK_ORDER_STATUSES, WorkOrder
from dispatch.services import work_order_create
from grid.models import Feeder, Transformer
from repairs.deadlines import Promise, repair_promise
from repairs.messages import BRIEF_DECLARED, INCIDENT_DECLARED
from repairs.models import ACTIVE_INCIDENT_STATUSES, EtrChange, Incident, Repair
from repairs.selectors import (
    device_promise_facts,
    incident_get_active_for_transformer,
    premise_facts,
)
from repairs.services.correlation import incident_gather, reports_uncorrelated
from repairs.services.incidents import (
    incident_absorb,
    incident_mark_dismissed,
    incident_open,
    incident_parts_create,
    incident_premises_sms,
)
from repairs.services.intake import dispatch_to_station, repair_answers, repair_brief
from repairs.triage import Outcome, decide
from tickets.locks import rows_for_update
from tickets.messages import Text
from tickets.models import OPEN_STATUSES, PRIORITY_ORDER, Deadline, Ticket
from tickets.services import ticket_transition, timeline_record


@transaction.atomic
def incident_declare(
    *,
    feeder: Feeder,
    transformer: Transformer | None,
    actor: User | None,
    etr: datetime | None = None,
    note: str = "",
    notify_premises: bool = False,
    now: datetime | None = None,
) -> Incident:
    """Declare an outage on a transformer (or, with none, on the whole feeder) before anyone
    calls (DESIGN §3.10): an incident with source `declared` and one work order to the
    feeder's station, promised as a dispatch to the device's premises is. It takes in the
    reports correlation would count and, on a feeder, the feeder's transformer incidents.
    With `notify_premises`, every phone of every customer under the device is texted once.

    Raises TransitionNotAllowed (409, `device_code`) when an active incident covers the
    device already: set that one's ETR instead. Nothing is joined silently.
    """
    now = now or timezone.now()
    # Decide under the feeder's lock, as every call on this feeder does.
    Feeder.objects.select_for_update().filter(pk=feeder.pk).exists()
    covering = _active_covering(feeder=feeder, transformer=transformer)
    if covering is not None:
        raise TransitionNotAllowed(
            _("Incident #%(id)s on %(device)s is active already and covers this device.")
            % {"id": covering.pk, "device": covering.device_code},
            field="device_code",
        )
    absorbed = _transformer_incidents(feeder) if transformer is None else []
    if transformer is not None:
        reports = reports_uncorrelated(now=now, ticket__premise__transformer=transformer)
    else:
        reports = reports_uncorrelated(now=now, ticket__premise__transformer__feeder=feeder)
    incident = incident_open(
        level=Incident.Level.FEEDER if transformer is None else Incident.Level.TRANSFORMER,
        feeder=feeder,
        transformer=transformer,
        now=now,
        later_than=max((i.etr for i in absorbed if i.etr), default=None),
        source=Incident.Source.DECLARED,
        note=note,
        declared_by=actor,
        premises_notified=notify_premises,
    )
    if etr is not None:
        # The declarer's estimate replaces the default; the premises texted the
        # declaration were told it.
        incident.etr = etr
        incident.save(update_fields=["etr"])
        EtrChange.objects.create(
            incident=incident, etr=etr, at=now, actor=actor, notified=notify_premises
        )
    incident_parts_create(incident=incident)
    brief = BRIEF_DECLARED(
        feeder=feeder.code, transformer=transformer.code if transformer else None, note=note
    )
    location = _location(feeder, transformer)
    order = _device_work_order(
        incident=incident, location=location, brief=brief, actor=actor, now=now
    )
    report_ids = [ticket_id for ticket_id, _premise in reports]
    order_ids = {
        order.pk,
        *(i.work_order_id for i in absorbed if i.work_order_id),
        *WorkOrder.objects.filter(
            ticket_id__in=report_ids, status__in=OPEN_WORK_ORDER_STATUSES
        ).values_list("pk", flat=True),
    }
    # Work orders before incidents, the order a crew's completion locks them in.
    list(rows_for_update(WorkOrder.objects.filter(pk__in=order_ids)).values_list("pk"))
    for part in absorbed:  # one at a time in pk order, as every transaction locks them
        incident_absorb(incident=part, into=incident, now=now)
    ticket_ids = report_ids + list(
        Repair.objects.filter(incident__in=absorbed).values_list("ticket_id", flat=True)
    )
    incident = incident_gather(
        incident=incident,
        ticket_ids=ticket_ids,
        order_ids=sorted(order_ids),
        location=location,
        brief=brief,
        actor=actor,
        now=now,
    )
    if notify_premises:
        incident_premises_sms(
            incident,
            transformer_ids=None,
            event="declared",
            text=INCIDENT_DECLARED(etr=incident.etr),
            now=now,
        )
    return incident


def _active_covering(*, feeder: Feeder, transformer: Transformer | None) -> Incident | None:
    """The active incident a declaration on this device would duplicate."""
    if transformer is not None:
        return incident_get_active_for_transformer(transformer=transformer)
    return (
        Incident.objects.select_related("feeder", "transformer")
        .filter(level=Incident.Level.FEEDER, feeder=feeder, status__in=ACTIVE_INCIDENT_STATUSES)
        .first()
    )


def _transformer_incidents(feeder: Feeder) -> list[Incident]:
    """The feeder's active transformer incidents, which its feeder incident absorbs."""
    return list(
        Incident.objects.filter(
            feeder=feeder, level=Incident.Level.TRANSFORMER, status__in=ACTIVE_INCIDENT_STATUSES
        ).order_by("pk")
    )


def _location(feeder: Feeder, transformer: Transformer | None) -> str:
    if transformer is None:
        return _("Feeder %(code)s") % {"code": feeder.code}
    return _("Transformer %(code)s (feeder %(feeder)s)") % {
        "code": transformer.code,
        "feeder": feeder.code,
    }


def _device_work_order(
    *, incident: Incident, location: str, brief: Text, actor: User | None, now: datetime
) -> WorkOrder:
    """One order to the device's station, with the promise of a dispatch to its premises:
    the shortest arrival limit of their area types, urban and flagged if any is important."""
    area_type, important = device_promise_facts(
        feeder=incident.feeder, transformer=incident.transformer
    )
    promise = repair_promise(
        outcome=Outcome.DISPATCH, area_type=area_type, important=important, now=now
    )
    assert promise.arrive_by is not None  # a dispatch has an arrival time
    return work_order_create(
        station=incident.feeder.station,
        location=location,
        brief=brief,
        important=promise.urgent,
        arrive_by=promise.arrive_by,
        restore_within=promise.restore_within,
        actor=actor,
        now=now,
    )


@transaction.atomic
def incident_dismiss(
    *, incident: Incident, reason: str, actor: User | None, now: datetime | None = None
) -> Incident:
    """ "Not an outage" (DESIGN §3.10): the incident is dismissed, its work order withdrawn,
    and each attached open ticket triaged again as a single report with today's facts: a
    dispatch gets a work order of its own (with its own arrival promise), any other outcome
    is answered as on the call. Every ticket's timeline records `incident_dismissed`.

    Raises TransitionNotAllowed when the incident is no longer active.
    """
    now = now or timezone.now()
    # The feeder first: correlation and the calls decide about its incidents under it.
    Feeder.objects.select_for_update().filter(pk=incident.feeder_id).exists()
    incident = incident_mark_dismissed(incident=incident, reason=reason, actor=actor, now=now)
    tickets = rows_for_update(
        Ticket.objects.filter(repair__incident=incident, status__in=OPEN_STATUSES)
    ).select_related("repair", "premise", "station")
    for ticket in tickets:
        _triage_again(ticket=ticket, incident=incident, reason=reason, actor=actor, now=now)
    return incident


def _triage_again(
    *, ticket: Ticket, incident: Incident, reason: str, actor: User | None, now: datetime
) -> None:
    """One ticket of a dismissed incident, decided again on its own. It keeps its link to the
    dismissed incident (its history, and correlation never counts it again)."""
    repair = ticket.repair
    premise = ticket.premise
    assert premise is not None  # a repair is recorded for a premise
    decision = decide(repair_answers(repair), premise_facts(premise=premise, now=now))
    timeline_record(
        ticket=ticket,
        kind="incident_dismissed",
        actor=actor,
        at=now,
        note=reason,
        data={"incident": incident.pk, "outcome": decision.outcome},
    )
    promise = repair_promise(
        outcome=decision.outcome, area_type=premise.area_type, important=premise.important, now=now
    )
    repair.outcome = decision.outcome
    repair.reason = decision.reason
    repair.nested_of_id = decision.nested_of.id if decision.nested_of else None
    changed = ["outcome", "reason", "nested_of", "arrive_by"]
    if decision.dispatches:
        order = _dispatch_alone(ticket=ticket, repair=repair, promise=promise, actor=actor, now=now)
        repair.arrive_by = order.arrive_by
    elif decision.outcome == Outcome.KNOWN_INCIDENT and decision.incident is not None:
        # Another incident covers it now: it joins that one, as a new call would.
        repair.incident_id = decision.incident.id
        changed.append("incident")
        timeline_record(
            ticket=ticket,
            kind="incident_attached",
            actor=actor,
            at=now,
            note=decision.reason,
            data={"incident": decision.incident.id},
        )
    else:
        ticket_transition(
            ticket=ticket,
            action="resolve",
            actor=actor,
            note=decision.reason,
            data={"outcome": decision.outcome},
            now=now,
        )
    repair.save(update_fields=changed)


def _dispatch_alone(
    *, ticket: Ticket, repair: Repair, promise: Promise, actor: User | None, now: datetime
) -> WorkOrder:
    """A work order of the ticket's own. A report that was dispatched before it merged into
    the incident keeps the arrival promise it was given; one that attached to the incident
    is promised a crew from now."""
    premise = ticket.premise
    assert premise is not None  # a repair is recorded for a premise
    assert ticket.station is not None  # and held by the premise's station
    if PRIORITY_ORDER.index(promise.priority) < PRIORITY_ORDER.index(ticket.priority):
        ticket.priority = promise.priority
        ticket.updated_at = now
        ticket.save(update_fields=["priority", "updated_at"])
    promised = Deadline.objects.filter(
        ticket=ticket, name=Deadline.Name.ARRIVE_BY, closed_at__isnull=True
    ).first()
    if promised is None:
        return dispatch_to_station(
            ticket=ticket,
            premise=premise,
            promise=promise,
            brief=repair_brief(repair),
            hazards=repair.hazards,
            actor=actor,
            now=now,
        )
    return work_order_create(
        station=ticket.station,
        ticket=ticket,
        location=premise.address,
        brief=repair_brief(repair),
        hazards=repair.hazards,
        important=promise.urgent,
        arrive_by=promised.due_at,
        restore_within=promise.restore_within,
        actor=actor,
        now=now,
    )
