"""The customer card: open tickets first, recent calls, and the outage banner."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from config.countdown import Countdown
from grid.models import Customer, Premise
from hotline.models import Call
from hotline.selectors.calls import call_tickets_prefetch
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident, IncidentPart, OutageNotice
from repairs.scripts import Spoken, incident_script, notice_script, spoken
from repairs.triage import IncidentFact, NoticeFact
from tickets.models import OPEN_STATUSES, Deadline, Kind, Ticket

OPEN_TICKETS_LIMIT = 30
RECENT_TICKETS_LIMIT = 8
RECENT_CALLS_LIMIT = 5


@dataclass
class Banner:
    """An outage notice or incident covering one of the caller's premises, and what to say."""

    kind: str  # "notice" or "incident"
    title: str
    # What to read out (repairs.scripts), in the customer language.
    script: Spoken
    active: bool
    premises: list[Premise]
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    # For an incident banner: its ETR, the crew's stage and the link to its page.
    incident: Incident | None = None


@dataclass
class OpenTicket:
    """An open ticket on the card with its next deadline (the earliest open one)."""

    ticket: Ticket
    next_deadline: Deadline | None
    overdue: bool  # the next deadline has passed
    # The next deadline's clock, which the console's view sets for the page.
    countdown: Countdown | None = None


@dataclass(frozen=True)
class CardPremise:
    """One of the caller's premises, with its open repair ticket if it has one."""

    premise: Premise
    open_repair: Ticket | None


@dataclass
class CustomerCard:
    """Everything the console shows about a caller, open tickets first."""

    customer: Customer | None
    caller_phone: str
    premises: list[Premise]
    premise_repairs: list[CardPremise]
    open_tickets: list[OpenTicket]
    more_open_tickets: bool
    recent_tickets: list[Ticket]
    recent_calls: list[Call]
    banners: list[Banner]


def customer_card_get(
    *, customer: Customer | None, caller_phone: str, now: datetime, exclude_call_id=None
) -> CustomerCard:
    """The card for a customer, or for an unregistered caller by their phone number:
    at most ten queries for any number of tickets and calls."""
    premises: list[Premise] = []
    if customer is not None:
        customer = (
            Customer.objects.filter(pk=customer.pk).prefetch_related(
                Prefetch(
                    "premises",
                    queryset=Premise.objects.select_related("transformer__feeder__station"),
                ),
                "phones",
            )
        ).get()
        premises = list(customer.premises.all())
        phones = [p.number for p in customer.phones.all()]
        mine = Q(customer=customer) | Q(customer__isnull=True, caller_phone__in=phones)
        calls = Call.objects.filter(customer=customer)
    elif caller_phone:
        mine = Q(customer__isnull=True, caller_phone=caller_phone)
        calls = Call.objects.filter(customer__isnull=True, caller_phone=caller_phone)
    else:
        # A caller with no number and no record: nothing to show but the call itself.
        mine = Q(pk__in=[])
        calls = Call.objects.none()

    tickets = Ticket.objects.filter(mine).select_related("premise").order_by("-created_at", "-pk")
    open_tickets = []
    for ticket in tickets.filter(status__in=OPEN_STATUSES).prefetch_related(
        open_deadlines_prefetch()
    )[: OPEN_TICKETS_LIMIT + 1]:
        next_deadline = ticket.open_deadlines[0] if ticket.open_deadlines else None
        overdue = next_deadline is not None and next_deadline.due_at <= now
        open_tickets.append(OpenTicket(ticket, next_deadline, overdue))
    recent = list(tickets.exclude(status__in=OPEN_STATUSES)[:RECENT_TICKETS_LIMIT])

    open_repair = {
        o.ticket.premise_id: o.ticket for o in open_tickets if o.ticket.kind == Kind.REPAIR
    }
    premise_repairs = [CardPremise(p, open_repair.get(p.pk)) for p in premises]

    if exclude_call_id is not None:
        calls = calls.exclude(pk=exclude_call_id)
    recent_calls = list(
        calls.select_related("agent")
        .prefetch_related(call_tickets_prefetch())
        .order_by("-started_at", "-pk")[:RECENT_CALLS_LIMIT]
    )
    return CustomerCard(
        customer=customer,
        caller_phone=caller_phone,
        premises=premises,
        premise_repairs=premise_repairs,
        open_tickets=open_tickets[:OPEN_TICKETS_LIMIT],
        more_open_tickets=len(open_tickets) > OPEN_TICKETS_LIMIT,
        recent_tickets=recent,
        recent_calls=recent_calls,
        banners=banner_list_for_premises(premises=premises, now=now),
    )


# Spelled out, so that mypy knows the attribute the prefetch fills.
OpenDeadlinesPrefetch: TypeAlias = (
    'Prefetch[Literal["deadlines"], QuerySet[Deadline], Literal["open_deadlines"]]'
)


def open_deadlines_prefetch() -> OpenDeadlinesPrefetch:
    """Each ticket's open deadlines, earliest first, as `ticket.open_deadlines`."""
    return Prefetch(
        "deadlines",
        queryset=Deadline.objects.filter(closed_at__isnull=True).order_by("due_at", "pk"),
        to_attr="open_deadlines",
    )


def banner_list_for_premises(*, premises: list[Premise], now: datetime) -> list[Banner]:
    """Active and upcoming notices and active incidents on the premises' transformers or
    feeders, active first, in four queries whatever the number of premises (the fourth, a
    feeder incident's restored parts, only when there are incidents)."""
    if not premises:
        return []
    transformer_ids = {p.transformer_id for p in premises}
    feeder_ids = {p.transformer.feeder_id for p in premises}
    through_t = OutageNotice.transformers.through.objects
    through_f = OutageNotice.feeders.through.objects
    notices = (
        OutageNotice.objects.filter(
            Q(pk__in=through_t.filter(transformer_id__in=transformer_ids).values("outagenotice_id"))
            | Q(pk__in=through_f.filter(feeder_id__in=feeder_ids).values("outagenotice_id")),
            cancelled_at__isnull=True,
            ends_at__gt=now,
        )
        .prefetch_related("feeders", "transformers")
        .order_by("starts_at", "pk")
    )
    incidents = (
        Incident.objects.filter(status__in=ACTIVE_INCIDENT_STATUSES)
        .filter(
            Q(level=Incident.Level.FEEDER, feeder_id__in=feeder_ids)
            | Q(level=Incident.Level.TRANSFORMER, transformer_id__in=transformer_ids)
        )
        .select_related("feeder", "transformer", "work_order")
        # A feeder incident's transformers restored on their own no longer cover their
        # premises (DESIGN §3.10).
        .prefetch_related(
            Prefetch(
                "parts",
                queryset=IncidentPart.objects.filter(restored_at__isnull=False),
                to_attr="restored_parts",
            )
        )
        .order_by("pk")
    )
    banners = []
    for incident in incidents:
        if incident.level == Incident.Level.FEEDER:
            restored = {part.transformer_id for part in incident.restored_parts}
            covered = [
                p
                for p in premises
                if p.transformer.feeder_id == incident.feeder_id
                and p.transformer_id not in restored
            ]
            if not covered:
                continue
        else:
            covered = [p for p in premises if p.transformer_id == incident.transformer_id]
        banners.append(
            Banner(
                kind="incident",
                title=_("Outage being repaired: incident #%(id)s on %(device)s")
                % {"id": incident.pk, "device": incident.device_code},
                script=_incident_script(incident, now=now),
                active=True,
                premises=covered,
                incident=incident,
            )
        )
    for notice in notices:
        feeders = {f.pk for f in notice.feeders.all()}
        transformers = {t.pk for t in notice.transformers.all()}
        covered = [
            p
            for p in premises
            if p.transformer_id in transformers or p.transformer.feeder_id in feeders
        ]
        active = notice.starts_at <= now
        banners.append(
            Banner(
                kind="notice",
                title=(_("Now: %(kind)s") if active else _("Upcoming: %(kind)s"))
                % {"kind": notice.get_kind_display()},
                script=_notice_script(notice, now=now),
                active=active,
                premises=covered,
                starts_at=notice.starts_at,
                ends_at=notice.ends_at,
            )
        )
    banners.sort(key=lambda b: not b.active)
    return banners


def _incident_script(incident: Incident, *, now: datetime) -> Spoken:
    # The same words the triage wizard gives for a call under this incident (DESIGN §3.1 rule 4).
    fact = IncidentFact(
        id=incident.pk,
        level=incident.level,
        device_code=incident.device_code,
        status=incident.status,
        etr=incident.etr,
        dispatched_at=incident.work_order.assigned_at if incident.work_order else None,
        stage=incident.stage,
    )
    return spoken(lambda: incident_script(fact, now=now))


def _notice_script(notice: OutageNotice, *, now: datetime) -> Spoken:
    # The triage wizard's sentence, with the date wherever it is not today.
    fact = NoticeFact(
        id=notice.pk,
        kind=notice.kind,
        starts_at=notice.starts_at,
        ends_at=notice.ends_at,
        reason=notice.reason,
        device_codes="",  # never read out
    )
    return spoken(lambda: [notice_script(fact, now=now)])
