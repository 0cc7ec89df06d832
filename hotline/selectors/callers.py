"""Finding the caller: the console's search box and GET /api/v1/customers/."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from grid.models import Customer, CustomerPhone, Premise
from hotline.lookup import phone_for_call, query_parse
from hotline.selectors.card import open_deadlines_prefetch
from tickets.models import OPEN_STATUSES, Ticket

SEARCH_LIMIT = 10


class MatchedBy:
    PHONE = "phone"
    ACCOUNT = "account"
    METER = "meter"
    ADDRESS = "address"


@dataclass
class CallerMatch:
    """One customer the search box found, how, and which of their premises matched."""

    customer: Customer
    matched_by: str
    exact: bool
    premise_ids: set[int] = field(default_factory=set)

    @property
    def premises(self) -> list[Premise]:
        """The matching premises first, then the others."""
        return sorted(self.customer.premises.all(), key=lambda p: p.pk not in self.premise_ids)


@dataclass
class _Hit:
    """How the search found a customer, before the customer is loaded."""

    matched_by: str
    exact: bool
    premise_ids: set[int] = field(default_factory=set)


def caller_search(*, text: str, limit: int = SEARCH_LIMIT) -> list[CallerMatch]:
    """Customers by phone (any dialled form), account number, meter number or part of an
    address; exact matches first. At most five queries for the matches, three to load them."""
    query = query_parse(text)
    if not query.text:
        return []
    hits: dict[int, _Hit] = {}

    def add(customer_id: int, how: str, exact: bool, premise_id: int | None = None) -> None:
        hit = hits.get(customer_id)
        if hit is None:
            hit = hits[customer_id] = _Hit(matched_by=how, exact=exact)
        elif exact and not hit.exact:
            hit.matched_by, hit.exact = how, True
        if premise_id is not None:
            hit.premise_ids.add(premise_id)

    prefix = query.is_prefix_long_enough
    cased = list(dict.fromkeys([query.text, query.text.upper()]))
    if query.phone or (prefix and query.phone_start):
        # Only the start of a number typed: nothing is an exact match.
        exact = Q(number=query.phone) if query.phone else Q(pk__in=[])
        condition = exact
        if prefix and query.phone_start:
            condition |= Q(number__startswith=query.phone_start)
        phone_rows = (
            CustomerPhone.objects.filter(condition)
            .annotate(exact=_exact(exact))
            .order_by("-exact", "number")
            .values_list("customer_id", "exact")[:limit]
        )
        for customer_id, exact in phone_rows:
            add(customer_id, MatchedBy.PHONE, bool(exact))
    condition = Q(account_no__in=cased)
    if prefix:
        condition |= _starts_with("account_no", cased)
    account_rows = (
        Customer.objects.filter(condition)
        .annotate(exact=_exact(Q(account_no__in=cased)))
        .order_by("-exact", "account_no")
        .values_list("pk", "exact")[:limit]
    )
    for customer_id, exact in account_rows:
        add(customer_id, MatchedBy.ACCOUNT, bool(exact))
    condition = Q(meter_no__in=cased)
    if prefix:
        condition |= _starts_with("meter_no", cased)
    meter_rows = (
        Premise.objects.filter(condition)
        .annotate(exact=_exact(Q(meter_no__in=cased)))
        .order_by("-exact", "meter_no")
        .values_list("customer_id", "pk", "exact")[:limit]
    )
    for customer_id, premise_id, exact in meter_rows:
        add(customer_id, MatchedBy.METER, bool(exact), premise_id)
    if query.may_be_address:
        address_rows = (
            Premise.objects.filter(address__icontains=query.text)
            .order_by("address", "pk")
            .values_list("customer_id", "pk")[: limit * 3]
        )
        for customer_id, premise_id in address_rows:
            add(customer_id, MatchedBy.ADDRESS, False, premise_id)
    if not hits:
        return []

    customers = _customers_with_premises(Customer.objects.filter(pk__in=list(hits)))
    found = [
        CallerMatch(
            customer=customer,
            matched_by=hits[customer.pk].matched_by,
            exact=hits[customer.pk].exact,
            premise_ids=hits[customer.pk].premise_ids,
        )
        for customer in customers
    ]
    rank = {MatchedBy.PHONE: 0, MatchedBy.ACCOUNT: 1, MatchedBy.METER: 2, MatchedBy.ADDRESS: 3}
    found.sort(key=lambda m: (not m.exact, rank[m.matched_by], m.customer.name, m.customer.pk))
    return found[:limit]


def _exact(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _starts_with(name: str, values: list[str]) -> Q:
    condition = Q()
    for value in values:
        condition |= Q(**{f"{name}__startswith": value})
    return condition


def _customers_with_premises(qs: QuerySet[Customer]) -> list[Customer]:
    return list(
        qs.annotate(
            open_ticket_count=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES))
        ).prefetch_related(
            Prefetch(
                "premises",
                queryset=Premise.objects.select_related("transformer__feeder__station"),
            ),
            "phones",
        )
    )


def customer_list_by_phone(*, phone: str) -> list[Customer]:
    """Customers with this phone, given in any dialled form (a screen pop); usually one."""
    number = phone_for_call(phone)
    if not number:
        return []
    return list(Customer.objects.filter(phones__number=number).distinct().order_by("pk"))


def customer_list_for_api(
    *, phone: str = "", account_no: str = "", meter_no: str = ""
) -> QuerySet[Customer]:
    """GET /api/v1/customers/: customers by one key, with premises and open tickets."""
    qs = Customer.objects.all()
    if phone:
        numbers = CustomerPhone.objects.filter(number=phone_for_call(phone))
        qs = qs.filter(pk__in=numbers.values("customer_id"))
    if account_no:
        qs = qs.filter(account_no=account_no.strip())
    if meter_no:
        qs = qs.filter(
            pk__in=Premise.objects.filter(meter_no=meter_no.strip()).values("customer_id")
        )
    # Two calls, because the stubs type every Prefetch of one call alike.
    return (
        qs.order_by("account_no")
        .prefetch_related(
            Prefetch(
                "premises",
                queryset=Premise.objects.select_related("transformer__feeder__station"),
            ),
            "phones",
        )
        .prefetch_related(
            Prefetch(
                "tickets",
                queryset=Ticket.objects.filter(status__in=OPEN_STATUSES)
                .select_related("station")
                .prefetch_related(open_deadlines_prefetch())
                .order_by("-created_at", "-pk"),
                to_attr="open_tickets",
            ),
        )
    )
