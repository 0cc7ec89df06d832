"""Recording a repair call (DESIGN §3.1–3.2): decide first, then write, in one direction.

The triage outcome and the repair's promise (priority, arrival, restoration) are settled
before anything is written; then come the ticket, the repair, its timeline, the work order
with its arrival deadline, and correlation into an incident.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from dispatch.models import WorkOrder
from dispatch.services import work_order_create
from grid.models import Feeder, Premise
from repairs.deadlines import Promise, repair_promise
from repairs.messages import BRIEF_REPAIR
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident, IncidentPart, Repair
from repairs.selectors import premise_facts
from repairs.services.correlation import CORRELATED_SCOPES, incident_correlate
from repairs.triage import Answers, Breaker, Decision, FaultSide, Outcome, Scope, decide
from tickets.messages import Text
from tickets.models import Channel, Deadline, Kind, Ticket
from tickets.services import deadline_open, ticket_create, ticket_transition, timeline_record


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
        if decision.incident is not None and not _incident_still_covers(
            decision.incident.id, transformer_id=transformer.pk
        ):
            # Restored (or its part here) while we waited for its lock: decide again.
            decision = decide(answers, premise_facts(premise=premise, now=now))
        promise = repair_promise(
            outcome=decision.outcome,
            area_type=premise.area_type,
            important=premise.important,
            now=now,
        )
        ticket = ticket_create(
            kind=Kind.REPAIR,
            actor=actor,
            premise=premise,
            caller_phone=caller_phone,
            channel=channel,
            description=description,
            priority=promise.priority,
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
            arrive_by=promise.arrive_by,
            nested_of_id=decision.nested_of.id if decision.nested_of else None,
        )
        triaged = {
            "outcome": decision.outcome,
            "notice": repair.notice_id,
            "incident": repair.incident_id,
        }
        if repair.nested_of_id is not None:
            triaged["nested_of"] = repair.nested_of_id
        timeline_record(
            ticket=ticket,
            kind="triaged",
            actor=actor,
            at=now,
            # The outcome's name; what the caller was told is on the repair panel.
            note=str(decision.outcome.label),
            data=triaged,
        )
        work_order = incident = None
        if decision.dispatches:
            ticket = ticket_transition(ticket=ticket, action="start", actor=actor, now=now)
            work_order = dispatch_to_station(
                ticket=ticket,
                premise=premise,
                promise=promise,
                brief=repair_brief(repair),
                hazards=repair.hazards,
                actor=actor,
                now=now,
            )
            # An emergency is a danger at one address: it keeps its own crew.
            if decision.outcome == Outcome.DISPATCH and answers.scope in CORRELATED_SCOPES:
                incident = incident_correlate(transformer=transformer, actor=actor, now=now)
                if incident is not None:
                    work_order = incident.work_order
        elif decision.outcome == Outcome.KNOWN_INCIDENT:
            incident = repair.incident
            assert incident is not None  # a known incident outcome names its incident
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


def _incident_still_covers(pk: int, *, transformer_id: int) -> bool:
    """Lock the incident a call attaches to, so a restore cannot slip between the two; it
    must still be active, and not restored under the caller's transformer (§3.10)."""
    incident = Incident.objects.select_for_update().filter(pk=pk).values("status").first()
    if incident is None or incident["status"] not in ACTIVE_INCIDENT_STATUSES:
        return False
    return not IncidentPart.objects.filter(
        incident_id=pk, transformer_id=transformer_id, restored_at__isnull=False
    ).exists()


def dispatch_to_station(
    *,
    ticket: Ticket,
    premise: Premise,
    promise: Promise,
    brief: str | Text,
    hazards: list[str],
    actor: User | None,
    now: datetime,
) -> WorkOrder:
    """A work order in the queue of the ticket's station and the ticket's arrival deadline,
    both held to the one promise. Call inside a transaction, with a dispatching promise."""
    if promise.arrive_by is None:
        raise ValueError("Only a dispatching promise sends a crew.")
    assert ticket.station is not None  # a ticket with a premise has the premise's station
    order = work_order_create(
        station=ticket.station,
        ticket=ticket,
        location=premise.address,
        brief=brief,
        hazards=hazards,
        important=promise.urgent,
        arrive_by=promise.arrive_by,
        restore_within=promise.restore_within,
        actor=actor,
        now=now,
    )
    deadline_open(
        ticket=ticket,
        name=Deadline.Name.ARRIVE_BY,
        starts_at=now,
        due_at=promise.arrive_by,
        station_id=ticket.station_id,
    )
    return order


def repair_answers(repair: Repair) -> Answers:
    """What the caller answered, as recorded: the input to triage it again."""
    return Answers(
        scope=Scope(repair.scope),
        breaker=Breaker(repair.breaker),
        high_power_load=repair.high_power_load,
        equipment_in_use=repair.equipment_in_use,
        fault_side=FaultSide(repair.fault_side),
        hazards=frozenset(repair.hazards),
    )


def repair_brief(repair: Repair) -> Text:
    """The triage for the crew (who is out, the breaker, the likely cause), written in the
    crew's language when they read it (repairs.messages.BRIEF_REPAIR)."""
    return BRIEF_REPAIR(
        scope=repair.scope,
        breaker=repair.breaker,
        equipment=repair.equipment_in_use,
        overload=repair.likely_cause == "overload",
    )
