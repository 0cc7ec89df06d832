"""Calls: the agent's own, what each recorded or urged, the premises a call may name."""

from datetime import datetime, timedelta

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.models import Role, User
from grid.models import Premise
from hotline.models import HANDLED, OPEN, RINGING, Call, CallTicket
from tickets.models import OPEN_STATUSES, Kind, Ticket, TimelineEvent


def call_get_for_agent(*, agent: User, pk: int) -> Call:
    """One of the agent's own calls; Http404 for anyone else's, and for one still ringing
    (nothing is recorded on a call nobody answered)."""
    call = (
        Call.objects.filter(pk=pk, agent=agent)
        .exclude(RINGING)
        .select_related("customer")
        .prefetch_related(call_tickets_prefetch())
        .first()
    )
    if call is None:
        raise Http404(_("No such call."))
    return call


def call_get_open(*, agent: User) -> Call | None:
    return Call.objects.filter(OPEN, agent=agent).select_related("customer").first()


def call_list_today(*, agent: User, now: datetime) -> list[Call]:
    """The agent's own calls since local midnight that they handled, latest first, with
    their tickets (a ring waiting or abandoned was never the agent's call)."""
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = Call.objects.filter(
        HANDLED, agent=agent, started_at__gte=midnight, started_at__lt=midnight + timedelta(days=1)
    )
    return list(
        today.select_related("customer")
        .prefetch_related(call_tickets_prefetch())
        .order_by("-started_at", "-pk")
    )


def call_tickets_prefetch() -> Prefetch:
    return Prefetch("call_tickets", queryset=CallTicket.objects.select_related("ticket"))


def call_links_implied(*, call: Call, until: datetime) -> list[tuple[int, str, datetime]]:
    """(ticket id, action, at) for what the call's agent recorded or urged while it was open,
    through any page: the repair wizard, the ticket page, the complaint form."""
    end = until if call.ended_at is None else min(until, call.ended_at)
    created = Ticket.objects.filter(
        created_by_id=call.agent_id, created_at__gte=call.started_at, created_at__lte=end
    ).values_list("pk", "created_at")
    urged = TimelineEvent.objects.filter(
        kind="urged", actor_id=call.agent_id, at__gte=call.started_at, at__lte=end
    ).values_list("ticket_id", "at")
    return [(pk, CallTicket.Action.CREATED, at) for pk, at in created] + [
        (pk, CallTicket.Action.URGED, at) for pk, at in urged
    ]


def call_ticket_list(*, call: Call, now: datetime) -> list[CallTicket]:
    """The tickets the call has recorded or urged so far, in order: its links, and while it
    is open the ones its agent made through other pages (unsaved links until it ends)."""
    links = {(link.ticket_id, link.action): link for link in call.call_tickets.all()}
    if call.is_open:
        missing = [row for row in call_links_implied(call=call, until=now) if row[:2] not in links]
        if missing:
            tickets = Ticket.objects.in_bulk([pk for pk, _action, _at in missing])
            for pk, action, at in missing:
                links[(pk, action)] = CallTicket(
                    call=call, ticket=tickets[pk], action=action, at=at
                )
    return sorted(links.values(), key=lambda link: (link.at, link.ticket_id))


def premise_list_for_call(*, call: Call) -> list[Premise]:
    """The calling customer's premises, the ones a ticket on the call may name."""
    if call.customer_id is None:
        return []
    return list(Premise.objects.filter(customer_id=call.customer_id).order_by("address", "pk"))


def premise_get_for_call(*, call: Call, pk: int | str) -> Premise:
    """One of the calling customer's premises (the forms offer no others)."""
    if call.customer_id is None:
        raise Http404(_("No such premise."))
    try:
        return Premise.objects.select_related("transformer__feeder__station", "customer").get(
            pk=pk, customer_id=call.customer_id
        )
    except (Premise.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such premise.")) from None


def repair_get_open_for_premise(*, premise: Premise) -> Ticket | None:
    """An open repair ticket on the premise: a new report of it is an urge (DESIGN §3.7)."""
    return (
        Ticket.objects.filter(kind=Kind.REPAIR, premise=premise, status__in=OPEN_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )


def call_get_for_user(*, user: User, pk: int | str) -> Call:
    """A call with its tickets: an agent's own, any for a supervisor; Http404 otherwise."""
    calls = Call.objects.select_related("agent").prefetch_related(call_tickets_prefetch())
    if not has_role(user, Role.SUPERVISOR):
        calls = calls.filter(agent=user)
    try:
        return calls.get(pk=pk)
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such call.")) from None


def call_list_for_ticket(*, number: str) -> list[Call]:
    """Every call that recorded or urged the ticket, in the order they started (DESIGN
    §3.15: the recording shows on every ticket the call touched). One query; the ticket is
    one the caller already found in the reader's scope."""
    linked = CallTicket.objects.filter(ticket__number=number).values("call")
    return list(Call.objects.filter(pk__in=linked).order_by("started_at", "pk"))


def call_unended_state(*, agent: User) -> str:
    """What the agent's console pop shows, as a short token that changes with it: the
    agent's calls not ended, each ringing or open. One query on the call_unended index: the
    console asks every second."""
    rows = Call.objects.filter(agent=agent, ended_at__isnull=True).values_list(
        "pk", "answered_at", "call_id"
    )
    return " ".join(
        f"{pk}{'r' if call_id and answered_at is None else 'o'}"
        for pk, answered_at, call_id in sorted(rows)
    )


def call_list_popped(*, agent: User) -> list[Call]:
    """The telephony's calls the console pops for the agent: the rings waiting, oldest first,
    then the call answered and going on."""
    calls = Call.objects.filter(
        RINGING | (OPEN & Q(call_id__isnull=False)), agent=agent
    ).select_related("customer")
    return sorted(calls, key=lambda call: (not call.ringing, call.started_at, call.pk))
