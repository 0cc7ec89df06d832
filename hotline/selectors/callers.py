"""Finding the caller: the console's search box and GET /api/v1/customers/."""

from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db import connections
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length

from config.paging import CappedPaginator
from grid.models import Customer, CustomerPhone, Premise
from hotline.lookup import Query, phone_for_call, query_parse
from hotline.selectors.card import open_deadlines_prefetch
from tickets.models import OPEN_STATUSES, Ticket
from tickets.search import text_contains

SEARCH_LIMIT = 10
# Premises counted for an address: past this many the console says "more than".
ADDRESS_CAP = 1000


class MatchedBy:
    PHONE = "phone"
    ACCOUNT = "account"
    METER = "meter"
    NAME = "name"
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


@dataclass
class CallerResults:
    """What the search box found: the customers, and the page of premises whose address
    matched (None when the text cannot be part of an address)."""

    matches: list[CallerMatch]
    premises: Page | None


def caller_search(*, text: str, limit: int = SEARCH_LIMIT, page: str | int = 1) -> CallerResults:
    """Customers by phone (any dialled form), account number, meter number, name or part of
    an address; exact matches first. Addresses are paged, `limit` premises a page, best
    match first; the other keys are shown on the first page. At most eight queries for the
    matches, three to load them."""
    query = query_parse(text)
    if not query.text:
        return CallerResults(matches=[], premises=None)
    hits: dict[int, _Hit] = {}

    def add(customer_id: int, how: str, exact: bool, premise_id: int | None = None) -> None:
        hit = hits.get(customer_id)
        if hit is None:
            hit = hits[customer_id] = _Hit(matched_by=how, exact=exact)
        elif exact and not hit.exact:
            hit.matched_by, hit.exact = how, True
        if premise_id is not None:
            hit.premise_ids.add(premise_id)

    premises = premise_page_by_address(text=query.text, page=page, per_page=limit)
    if premises is None or premises.number == 1:
        for customer_id, how, exact, premise_id in _key_rows(query, limit):
            add(customer_id, how, exact, premise_id)
    # Address matches keep the page's order: best match first.
    place: dict[int, int] = {}
    for premise in premises or []:
        add(premise.customer_id, MatchedBy.ADDRESS, False, premise.pk)
        place.setdefault(premise.customer_id, len(place))
    if not hits:
        return CallerResults(matches=[], premises=premises)

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
    rank = {
        MatchedBy.PHONE: 0,
        MatchedBy.ACCOUNT: 1,
        MatchedBy.METER: 2,
        MatchedBy.NAME: 3,
        MatchedBy.ADDRESS: 4,
    }
    found.sort(
        key=lambda m: (
            not m.exact,
            rank[m.matched_by],
            place.get(m.customer.pk, 0),
            m.customer.name,
            m.customer.pk,
        )
    )
    by_keys = [m for m in found if m.matched_by != MatchedBy.ADDRESS][:limit]
    by_address = [m for m in found if m.matched_by == MatchedBy.ADDRESS]
    return CallerResults(matches=by_keys + by_address, premises=premises)


def premise_page_by_address(*, text: str, page: str | int, per_page: int) -> Page | None:
    """The premises whose address holds the text, best match first (the whole address, then
    its start, then the shortest), a page of them with their capped count; None when the
    text cannot be part of an address. Two queries."""
    query = query_parse(text)
    if not query.may_be_words:
        return None
    vendor = connections[Premise.objects.db].vendor
    premises = (
        Premise.objects.filter(text_contains("address", query.text, vendor=vendor))
        .annotate(
            closeness=Case(
                When(address__iexact=query.text, then=Value(0)),
                When(address__istartswith=query.text, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("closeness", Length("address"), "address", "pk")
    )
    return CappedPaginator(premises, per_page, cap=ADDRESS_CAP).get_page(page)


def _key_rows(query: Query, limit: int) -> list[tuple[int, str, bool, int | None]]:
    """(customer id, matched by, exact, premise id) for every key but the address."""
    rows: list[tuple[int, str, bool, int | None]] = []
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
        rows += [(c, MatchedBy.PHONE, bool(e), None) for c, e in phone_rows]
    condition = Q(account_no__in=cased)
    if prefix:
        condition |= _starts_with("account_no", cased)
    account_rows = (
        Customer.objects.filter(condition)
        .annotate(exact=_exact(Q(account_no__in=cased)))
        .order_by("-exact", "account_no")
        .values_list("pk", "exact")[:limit]
    )
    rows += [(c, MatchedBy.ACCOUNT, bool(e), None) for c, e in account_rows]
    condition = Q(meter_no__in=cased)
    if prefix:
        condition |= _starts_with("meter_no", cased)
    meter_rows = (
        Premise.objects.filter(condition)
        .annotate(exact=_exact(Q(meter_no__in=cased)))
        .order_by("-exact", "meter_no")
        .values_list("customer_id", "pk", "exact")[:limit]
    )
    rows += [(c, MatchedBy.METER, bool(e), p) for c, p, e in meter_rows]
    if query.may_be_words:
        vendor = connections[Customer.objects.db].vendor
        name_rows = (
            Customer.objects.filter(text_contains("name", query.text, vendor=vendor))
            .annotate(exact=_exact(Q(name=query.text)))
            .order_by("-exact", Length("name"), "name", "pk")
            .values_list("pk", "exact")[:limit]
        )
        rows += [(c, MatchedBy.NAME, bool(e), None) for c, e in name_rows]
    return rows


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
