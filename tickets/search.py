"""Ticket search (DESIGN §3.9): what the search text can mean, and the tickets it finds, best
match first. The ticket list page, GET /api/v1/tickets/?q= and the console all search here.

A ticket is found by its number (whole, or its end of six characters or more), the caller's
phone in any dialled form (grid.phones: the caller's number on the ticket, or a phone of its
customer), its customer's name, part of its premise's address, or a fragment of its
description. Chinese has no spaces between words, so every fragment of two characters or
more counts.

On PostgreSQL each key is an index lookup (migrations grid 0003 and tickets 0019):

- a number, whole or its end: the unique index, and a btree on reverse(number);
- three characters or more of a name, address or description: icontains,
  `UPPER(col) LIKE UPPER('%…%')`, through a pg_trgm GIN index on UPPER(col);
- two characters: pg_trgm takes three, so without help it would read the whole table; the
  column's two-character pieces are indexed instead (gridline_bigrams), which hold a
  two-character fragment exactly;
- names and addresses are looked up in their own tables (customers, premises), tickets
  then by customer or premise;
- each key brings at most its newest LIMIT tickets within the reader's scope and filters,
  in a query of its own (see _newest), so a word in every third description costs no more
  than a rare one.

On SQLite (the embedded set-up) the same keys are one plain icontains filter.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length, Reverse
from django.db.models.lookups import StartsWith

from grid.models import Customer, CustomerPhone, Premise
from grid.phones import normalise_phone
from tickets.models import Ticket

# A search lists at most its best 200 tickets, four pages: it is for finding a ticket, and
# another word or a filter narrows it. Each key brings its newest 201, so that a list can
# say "more than"; a common word then costs a few thousand rows read, never a sort of all.
CAP = 200
LIMIT = CAP + 1
# A shorter end of a number matches a good share of a year's numbers ("0001").
NUMBER_END_MIN_LENGTH = 6
# One character matches half the county; two are a Chinese word.
FRAGMENT_MIN_LENGTH = 2
# Customers (or premises) whose name (or address) holds the fragment that the search looks
# at, the closest first: one that matches more is a name or a place too common to search by
# alone ("王", "人民").
BEST_LIMIT = 500
# A description key with LIMIT matches among this many newest tickets is common: read
# newest first, it ends within them. One with fewer is rare (about LIMIT / WINDOW of the
# tickets at most, two in a hundred) and is read through its index. See _newest.
WINDOW = 10_000
# created_at as no index has it, so that PostgreSQL sorts what the index found.
_UNINDEXED_CREATED = ExpressionWrapper(
    F("created_at") + Value(timedelta(0)), output_field=DateTimeField()
)
# What part of a ticket number may look like: its letter, date, dash and serial.
_NUMBER_PART = re.compile(r"[A-Z0-9-]*[0-9][A-Z0-9-]*")
_WHOLE_NUMBER = re.compile(r"[A-Z][0-9]{8}-[0-9]{6}")


class Rank:
    """How well a ticket matches, best first; newest first within each."""

    NUMBER = 0
    PHONE = 1
    NAME = 2  # the customer's whole name
    NUMBER_END = 3
    NAME_PART = 4
    ADDRESS = 5
    DESCRIPTION = 6


@dataclass(frozen=True)
class SearchText:
    """The search box's text, read every way it can be meant."""

    text: str  # spaces squeezed
    number: str  # upper-cased, when the text may be (part of) a ticket number; else ""
    phone: str  # the phone as stored (grid.phones) when the text is one; else ""

    @property
    def fragment(self) -> str:
        """The text as a fragment of a name, address or description: "" when too short, or
        when it is a whole ticket number or phone, which is what it means then."""
        if self.phone or _WHOLE_NUMBER.fullmatch(self.number):
            return ""
        return self.text if len(self.text) >= FRAGMENT_MIN_LENGTH else ""


def search_parse(raw: str) -> SearchText:
    text = " ".join(raw.split())
    number = text.upper().replace(" ", "")
    if not _NUMBER_PART.fullmatch(number):
        number = ""
    try:
        phone = normalise_phone(text)
    except ValueError:
        phone = ""
    return SearchText(text=text, number=number, phone=phone)


class HasBigram(Func):
    """The field holds the two characters, whatever their case: looked up in the index of
    its two-character pieces (PostgreSQL only). A ticket's description has its pieces stored
    beside it (tickets 0019); a name or an address has an expression index (grid 0003)."""

    output_field = BooleanField()
    # (table, column): the stored column of the column's pieces.
    STORED = {("tickets_ticket", "description"): "description_bigrams"}

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        field, piece = self.get_source_expressions()
        piece_sql, piece_params = compiler.compile(piece)
        stored = self.STORED.get((field.target.model._meta.db_table, field.target.column))
        if stored:
            table = compiler.quote_name_unless_alias(field.alias)
            pieces_sql, pieces_params = f"{table}.{connection.ops.quote_name(stored)}", ()
        else:
            field_sql, pieces_params = compiler.compile(field)
            pieces_sql = f"gridline_bigrams({field_sql})"
        return f"{pieces_sql} @> ARRAY[UPPER({piece_sql})]", (*pieces_params, *piece_params)


def text_contains(field: str, fragment: str, *, vendor: str) -> Q:
    """`field` contains `fragment`, whatever the case, in the form the database indexes."""
    if vendor == "postgresql" and len(fragment) == 2:
        return Q(HasBigram(F(field), Value(fragment)))
    return Q(**{f"{field}__icontains": fragment})


@dataclass(frozen=True)
class Key:
    """One way the text finds tickets: its rank and its condition."""

    rank: int
    condition: Q
    # PostgreSQL, a fragment of the description: whether it is common (see _newest).
    common: bool | None = None


def ticket_search(tickets: QuerySet[Ticket], *, text: str, limit: int = LIMIT) -> QuerySet[Ticket]:
    """The tickets of `tickets` (already scoped and filtered) that `text` finds, best match
    first (Rank), newest first within a rank; each key brings at most `limit`. At most
    three queries here (the customers and premises the text names and, on PostgreSQL,
    whether it is a common word), then two to page through: the count and the page,
    whatever the data's size."""
    search = search_parse(text)
    vendor = connections[tickets.db].vendor
    keys = _keys(search, vendor=vendor)
    if not keys:
        return tickets.none()
    if vendor == "postgresql":
        # Each key's newest `limit`; a ticket found by two keys is one row.
        first, *others = [_newest(tickets, key, limit=limit) for key in keys]
        found = tickets.filter(pk__in=first.union(*others, all=True) if others else first)
    else:
        anything = Q()
        for key in keys:
            anything |= key.condition
        found = tickets.filter(anything)
    # The description is the last rank: the default, never worked out per row.
    ranks = [When(k.condition, then=Value(k.rank)) for k in keys if k.rank < Rank.DESCRIPTION]
    if not ranks:  # found by the description alone
        found = found.annotate(search_rank=Value(Rank.DESCRIPTION))
        return found.order_by("-created_at", "-pk")
    rank = Case(*ranks, default=Value(Rank.DESCRIPTION), output_field=IntegerField())
    return found.annotate(search_rank=rank).order_by("search_rank", "-created_at", "-pk")


def _newest(tickets: QuerySet[Ticket], key: Key, *, limit: int) -> QuerySet:
    """A key's newest `limit` tickets.

    A common word of the descriptions is fastest read newest first until `limit` match, a
    rare one through its index and then sorted. The planner's guess of which a word is can
    be wrong by far (a word no ticket holds, read newest first, is a read of the whole
    table), so the newest tickets decide (_common_in_descriptions), and a rare word is
    sorted by an expression no index has, which leaves the planner only its index.
    """
    matching = tickets.filter(key.condition)
    if key.common is False:
        return matching.order_by(_UNINDEXED_CREATED.desc(), "-pk").values("pk")[:limit]
    return matching.order_by("-created_at", "-pk").values("pk")[:limit]


def _keys(search: SearchText, *, vendor: str) -> list[Key]:
    """Each way the text finds tickets, with its rank, best first. Names and addresses are
    looked up here, one query each, so that the tickets' query names the customers and
    premises it wants (the planner then knows how many tickets that is)."""
    keys: list[Key] = []
    if _WHOLE_NUMBER.fullmatch(search.number):
        keys.append(Key(Rank.NUMBER, Q(number=search.number)))
    if search.phone:
        phones = CustomerPhone.objects.filter(number=search.phone).values("customer_id")
        keys.append(Key(Rank.PHONE, Q(caller_phone=search.phone)))
        keys.append(Key(Rank.PHONE, Q(customer_id__in=phones)))
    fragment = search.fragment
    if len(search.number) >= NUMBER_END_MIN_LENGTH:
        keys.append(Key(Rank.NUMBER_END, _number_ends_with(search.number, vendor=vendor)))
    if not fragment:
        return sorted(keys, key=lambda k: k.rank)
    customers = _best(Customer.objects, "name", fragment, vendor=vendor)
    premises = _best(Premise.objects, "address", fragment, vendor=vendor)
    whole = [pk for pk, name in customers if name == fragment]
    if whole:
        keys.append(Key(Rank.NAME, Q(customer_id__in=whole)))
    if customers:
        keys.append(Key(Rank.NAME_PART, Q(customer_id__in=[pk for pk, _name in customers])))
    if premises:
        keys.append(Key(Rank.ADDRESS, Q(premise_id__in=[pk for pk, _address in premises])))
    common = _common_in_descriptions(fragment) if vendor == "postgresql" else None
    description = text_contains("description", fragment, vendor=vendor)
    keys.append(Key(Rank.DESCRIPTION, description, common=common))
    return sorted(keys, key=lambda k: k.rank)


def _best(objects, field: str, fragment: str, *, vendor: str) -> list[tuple[int, str]]:
    """(pk, text) of the customers or premises whose `field` holds the fragment, the closest
    first (the shortest text), at most BEST_LIMIT of them."""
    rows = objects.filter(text_contains(field, fragment, vendor=vendor))
    rows = rows.order_by(Length(field), "pk").values_list("pk", field)
    return list(rows[:BEST_LIMIT])


def _number_ends_with(end: str, *, vendor: str) -> Q:
    if vendor == "postgresql":
        # The btree on reverse(number) of tickets 0019: the end is the start of it reversed.
        return Q(StartsWith(Reverse("number"), Value(end[::-1])))
    return Q(number__endswith=end)


def _common_in_descriptions(fragment: str) -> bool:
    """Whether LIMIT of the newest WINDOW tickets' descriptions hold the fragment: one
    query, whose inner LIMIT keeps the planner from reading anything but those rows."""
    if len(fragment) == 2:
        column, test, value = "description_bigrams", "@> ARRAY[UPPER(%s)]", fragment
    else:
        column, test = "UPPER(description)", "LIKE UPPER(%s)"
        value = f"%{connection.ops.prep_for_like_query(fragment)}%"
    sql = (
        f"SELECT count(*) FROM (SELECT {column} AS text FROM tickets_ticket"
        f" ORDER BY created_at DESC LIMIT %s) AS newest WHERE newest.text {test}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (WINDOW, value))
        (count,) = cursor.fetchone()
    return count >= LIMIT
