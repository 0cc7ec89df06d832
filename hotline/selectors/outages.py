"""The IVR's outage lookup (DESIGN §3.12): before a call reaches an agent, is there a notice
or an incident on the caller's premises, and does the caller have an open ticket?

The answer names no one and no address: a premise is its meter number's last 4 digits.
Five queries whatever the customer's size: the premises, their notices, their incidents
(with the crew's order), and the open tickets.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from grid.models import CustomerPhone, Premise
from hotline.lookup import phone_for_call
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident, OutageNotice
from tickets.models import OPEN_STATUSES, Ticket

# A customer with more premises than this is a company: the IVR hands it to an agent.
PREMISE_LIMIT = 20
OPEN_TICKET_LIMIT = 10
METER_TAIL = 4


@dataclass(frozen=True)
class PremiseOutage:
    meter_tail: str
    status: str  # none, planned_outage, supply_restriction, incident
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    etr: datetime | None = None
    stage: str | None = None


@dataclass(frozen=True)
class OutageLookup:
    premises: list[PremiseOutage]
    open_tickets: list[Ticket]


def outage_lookup(
    *, phone: str = "", account_no: str = "", meter_no: str = "", now: datetime
) -> OutageLookup:
    """What the IVR tells the caller of these keys (all given must match)."""
    premises_qs = Premise.objects.all()
    if phone:
        owners = CustomerPhone.objects.filter(number=phone_for_call(phone))
        premises_qs = premises_qs.filter(customer_id__in=owners.values("customer_id"))
    if account_no:
        premises_qs = premises_qs.filter(customer__account_no=account_no.strip())
    if meter_no:
        premises_qs = premises_qs.filter(meter_no=meter_no.strip())
    premises = list(premises_qs.select_related("transformer").order_by("meter_no")[:PREMISE_LIMIT])
    if not premises:
        return OutageLookup(premises=[], open_tickets=[])
    tickets = (
        Ticket.objects.filter(
            Q(premise__in=[p.pk for p in premises])
            | Q(customer_id__in={p.customer_id for p in premises}),
            status__in=OPEN_STATUSES,
        )
        .only("number", "kind", "status", "created_at")
        .order_by("-created_at", "-pk")[:OPEN_TICKET_LIMIT]
    )
    return OutageLookup(
        premises=premise_outages(premises=premises, now=now), open_tickets=list(tickets)
    )


def premise_outages(*, premises: list[Premise], now: datetime) -> list[PremiseOutage]:
    """Each premise's outage now, in the order given (the premises with their transformer
    loaded): three queries, the notices, their devices and the incidents."""
    if not premises:
        return []
    transformer_ids = {p.transformer_id for p in premises}
    feeder_ids = {p.transformer.feeder_id for p in premises}
    notices = _notices(transformer_ids, feeder_ids, now)
    incidents = list(
        Incident.objects.filter(status__in=ACTIVE_INCIDENT_STATUSES)
        .filter(
            Q(level=Incident.Level.FEEDER, feeder_id__in=feeder_ids)
            | Q(level=Incident.Level.TRANSFORMER, transformer_id__in=transformer_ids)
        )
        .select_related("work_order")
        .order_by("level", "pk")  # a feeder incident, the wider, before a transformer's
    )
    return [_premise_outage(p, notices, incidents) for p in premises]


def _notices(
    transformer_ids: set[int], feeder_ids: set[int], now: datetime
) -> list[tuple[OutageNotice, set[int], set[int]]]:
    """Notices in force now on these devices, each with its transformers and feeders."""
    through_t = OutageNotice.transformers.through.objects
    through_f = OutageNotice.feeders.through.objects
    notices = (
        OutageNotice.objects.filter(
            Q(pk__in=through_t.filter(transformer_id__in=transformer_ids).values("outagenotice_id"))
            | Q(pk__in=through_f.filter(feeder_id__in=feeder_ids).values("outagenotice_id")),
            cancelled_at__isnull=True,
            starts_at__lte=now,
            ends_at__gt=now,
        )
        .prefetch_related("feeders", "transformers")
        .order_by("ends_at", "pk")
    )
    return [
        (n, {t.pk for t in n.transformers.all()}, {f.pk for f in n.feeders.all()}) for n in notices
    ]


def _premise_outage(
    premise: Premise,
    notices: list[tuple[OutageNotice, set[int], set[int]]],
    incidents: list[Incident],
) -> PremiseOutage:
    """In the order triage weighs them (repairs/triage.py): a planned or temporary outage,
    a supply restriction, then an incident."""
    tail = premise.meter_no[-METER_TAIL:]
    feeder_id = premise.transformer.feeder_id
    covering = [
        n for n, transformers, feeders in notices
        if premise.transformer_id in transformers or feeder_id in feeders
    ]  # fmt: skip
    for kind, status in (
        (lambda n: n.kind != OutageNotice.Kind.RESTRICTION, "planned_outage"),
        (lambda n: n.kind == OutageNotice.Kind.RESTRICTION, "supply_restriction"),
    ):
        notice = next((n for n in covering if kind(n)), None)
        if notice is not None:
            return PremiseOutage(
                meter_tail=tail, status=status, starts_at=notice.starts_at, ends_at=notice.ends_at
            )
    incident = next(
        (
            i
            for i in incidents
            if (i.level == Incident.Level.FEEDER and i.feeder_id == feeder_id)
            or i.transformer_id == premise.transformer_id
        ),
        None,
    )
    if incident is not None:
        return PremiseOutage(
            meter_tail=tail, status="incident", etr=incident.etr, stage=incident.stage
        )
    return PremiseOutage(meter_tail=tail, status="none")
