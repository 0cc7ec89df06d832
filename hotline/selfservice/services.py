"""What a signed-in customer records on the self-service pages (DESIGN §3.12): each is the
agents' own service, with the channel `web` and the customer's sign-in phone."""

from datetime import datetime

from grid.models import Customer, Premise
from hotline.selfservice.signin import customer_sign_in_phone
from repairs.services.intake import RepairCreated, repair_create
from repairs.triage import Answers
from tickets.models import Channel


def self_fault_report(
    *,
    customer: Customer,
    premise: Premise,
    answers: Answers,
    description: str,
    now: datetime | None = None,
) -> RepairCreated:
    """A repair reported by the customer: the triage, correlation and deadlines of an agent's
    report (repairs.services.intake), with no staff actor and the channel `web`."""
    if premise.customer_id != customer.pk:
        raise ValueError("a customer reports faults only at their own premises")
    return repair_create(
        premise=premise,
        answers=answers,
        actor=None,
        caller_phone=customer_sign_in_phone(customer=customer) or "",
        description=description,
        channel=Channel.WEB,
        now=now,
    )
