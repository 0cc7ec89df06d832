"""What a signed-in customer reads on the self-service pages (DESIGN §3.12): their own
premises with any outage on them, and their own tickets with the crew's stage and the ETR.

Unlike the IVR's lookup (hotline/selectors/outages.py, whose rules it shares), the customer
sees their own addresses here: the page is theirs alone. A fixed number of queries: the
premises, the notices and their devices, the incidents, the tickets' count, the page of
tickets with their repair and incident, and the tickets' work orders.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from dispatch.models import WorkOrder
from grid.models import Customer, Premise
from hotline.selectors.outages import PREMISE_LIMIT, PremiseOutage, premise_outages
from repairs.models import ACTIVE_INCIDENT_STATUSES, Stage, order_stage
from tickets.models import Kind, Ticket

TICKETS_PER_PAGE = 10


@dataclass(frozen=True)
class PremiseView:
    premise: Premise
    outage: PremiseOutage

    @property
    def stage_label(self) -> str:
        return str(Stage(self.outage.stage).label) if self.outage.stage else ""


@dataclass(frozen=True)
class TicketView:
    ticket: Ticket
    stage: Stage | None  # repairs only: where the crew is
    etr: datetime | None  # an incident's estimated restoration
    arrive_by: datetime | None  # a dispatched repair's promised arrival, until the crew is there
    can_rate: bool  # a resolved repair waiting for its callback: the customer may rate it


@dataclass(frozen=True)
class CustomerOverview:
    customer: Customer
    premises: list[PremiseView]
    tickets: list[TicketView]
    page: Page


def customer_premises(*, customer: Customer) -> list[Premise]:
    """The customer's premises with their address, by meter number."""
    return list(
        Premise.objects.filter(customer=customer)
        .select_related("transformer")
        .order_by("meter_no")[:PREMISE_LIMIT]
    )


def customer_tickets(*, customer: Customer) -> "QuerySet[Ticket]":
    """Every ticket of the customer's, or of one of their premises, newest first."""
    return Ticket.objects.filter(Q(customer=customer) | Q(premise__customer=customer)).order_by(
        "-created_at", "-pk"
    )


def customer_ticket_get(*, customer: Customer, number: str) -> Ticket | None:
    """One of the customer's own tickets, or None (another's is as good as none)."""
    return (
        customer_tickets(customer=customer).select_related("repair").filter(number=number).first()
    )


def customer_overview(*, customer: Customer, now: datetime, page: str | None) -> CustomerOverview:
    """The customer's home page: each premise's outage and one page of their tickets."""
    premises = customer_premises(customer=customer)
    outages = premise_outages(premises=premises, now=now)
    tickets = customer_tickets(customer=customer).select_related(
        "repair__incident__work_order"
    ).prefetch_related(
        Prefetch("work_orders", queryset=WorkOrder.objects.order_by("-pk"), to_attr="orders")
    )  # fmt: skip
    current = Paginator(tickets, TICKETS_PER_PAGE).get_page(page)
    return CustomerOverview(
        customer=customer,
        premises=[PremiseView(p, o) for p, o in zip(premises, outages, strict=True)],
        tickets=[_ticket_view(t) for t in current.object_list],
        page=current,
    )


def _ticket_view(ticket: Ticket) -> TicketView:
    if ticket.kind != Kind.REPAIR:
        return TicketView(ticket=ticket, stage=None, etr=None, arrive_by=None, can_rate=False)
    repair = getattr(ticket, "repair", None)
    incident = repair.incident if repair is not None else None
    orders = getattr(ticket, "orders", [])
    etr = None
    stage: Stage | None = None  # no crew was ever sent (answered on the call, a notice)
    if incident is not None and incident.status in ACTIVE_INCIDENT_STATUSES:
        stage, etr = incident.stage, incident.etr
    elif incident is not None or orders:
        stage = order_stage(incident.work_order if incident is not None else orders[0])
        if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
            stage = Stage.RESTORED
    waiting_for_crew = stage in (Stage.REPORTED, Stage.CREW_ASSIGNED, Stage.EN_ROUTE)
    arrive_by = repair.arrive_by if repair is not None and waiting_for_crew else None
    return TicketView(
        ticket=ticket,
        stage=stage,
        etr=etr,
        arrive_by=arrive_by,
        can_rate=ticket.status == Ticket.Status.RESOLVED,
    )
