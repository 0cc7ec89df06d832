"""The agent figures (DESIGN §3.15): calls handled, average handling time, abandoned calls,
repeat calls and callbacks done, per agent and for all agents together (the hotline's team),
over a period, and one agent's by day.

Counted live from the calls and callbacks, in three queries whatever the period: calls
grouped in SQL (on `call_agent_started`, and `call_phone_started` for the repeats),
callbacks grouped in SQL (on `callback_at`), and the agents' names.

- A call is counted on the local day it started (a telephony call: its answer, or its ring
  when nobody answered).
- Handled: opened at the console, or answered on the phone. Handling time: from the start
  (the answer) to the end, over the handled calls that ended.
- Abandoned: rung at the agent, hung up unanswered.
- Repeat within 24 hours (7 days): a handled call whose number had called before, in the 24
  hours (7 days) before it started, whichever agent took that call and whether or not it was
  answered. Calls without a number are never repeats. The first-call-resolution measure is
  the share of handled calls that are not repeats.
- Callbacks done: the callbacks (tickets.Callback) the agent recorded, on the day recorded.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role, User
from dashboards import daily
from dashboards.daily import days_between
from dashboards.tables import Column, Table, minutes
from hotline.models import ABANDONED, HANDLED, Call
from tickets.models import Callback

# Who reads the agent figures: the supervisors who lead the agents, and management.
AGENT_FIGURE_ROLES = (Role.SUPERVISOR, Role.MANAGER)


@dataclass(frozen=True)
class Period:
    first: date
    last: date


def _before(window: timedelta) -> Exists:
    earlier = Call.objects.exclude(caller_phone="").filter(
        caller_phone=OuterRef("caller_phone"),
        started_at__lt=OuterRef("started_at"),
        started_at__gte=OuterRef("started_at") - window,
    )
    return Exists(earlier)


def agent_figures(
    *, period: Period, agent: User | None = None, by_day: bool = False
) -> dict[tuple, Counter]:
    """{(agent_id,) or (agent_id, day): figures} of each agent (or of the one given) in the
    period: handled, handling_seconds and handling_ended (the handled calls that ended),
    abandoned, repeat_24h, repeat_7d, callbacks."""
    start, end = daily.day_start(period.first), daily.day_start(period.last + timedelta(days=1))
    group = ["agent_id", "day"] if by_day else ["agent_id"]
    calls = Call.objects.filter(started_at__gte=start, started_at__lt=end)
    callbacks = Callback.objects.filter(at__gte=start, at__lt=end, actor__isnull=False)
    if agent is not None:
        calls = calls.filter(agent=agent)
        callbacks = callbacks.filter(actor=agent)
    ended = HANDLED & Q(ended_at__isnull=False)
    handling = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    rows = (
        calls.annotate(
            day=TruncDate("started_at", tzinfo=daily.zone()),
            before_24h=_before(timedelta(hours=24)),
            before_7d=_before(timedelta(days=7)),
        )
        .values(*group)
        .annotate(
            handled=Count("pk", filter=HANDLED),
            handling=Sum(handling, filter=ended),
            handling_ended=Count("pk", filter=ended),
            abandoned_calls=Count("pk", filter=ABANDONED),  # not `abandoned`: Call's property
            repeat_24h=Count("pk", filter=HANDLED & Q(before_24h=True)),
            repeat_7d=Count("pk", filter=HANDLED & Q(before_7d=True)),
        )
        .order_by()
    )
    figures: dict[tuple, Counter] = {}
    for row in rows:
        counter = figures.setdefault(tuple(row[g] for g in group), Counter())
        for name in ("handled", "handling_ended", "repeat_24h", "repeat_7d"):
            counter[name] += row[name]
        counter["abandoned"] += row["abandoned_calls"]
        if row["handling"] is not None:
            counter["handling_seconds"] += int(row["handling"].total_seconds())
    done = (
        callbacks.annotate(agent_id=F("actor_id"), day=TruncDate("at", tzinfo=daily.zone()))
        .values(*group)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in done:
        figures.setdefault(tuple(row[g] for g in group), Counter())["callbacks"] += row["n"]
    return figures


def agent_get(*, pk: int) -> User:
    """A console agent (an agent or a supervisor who takes calls); Http404 for anyone else."""
    agent = User.objects.filter(pk=pk, role__in=[Role.AGENT, Role.SUPERVISOR]).first()
    if agent is None:
        raise Http404(_("No such agent."))
    return agent


def _columns(first: Column) -> list[Column]:
    return [
        first,
        Column(_("Calls handled")),
        Column(_("Average handling (min)"), "minutes"),
        Column(_("Abandoned calls")),
        Column(_("Repeat calls within 24 hours")),
        Column(_("Repeat calls within 7 days")),
        Column(_("Callbacks done")),
    ]


def _cells(label: object, c: Counter) -> list:
    return [
        label,
        c["handled"],
        minutes(c["handling_seconds"], c["handling_ended"]),
        c["abandoned"],
        c["repeat_24h"],
        c["repeat_7d"],
        c["callbacks"],
    ]


def agents_table(*, period: Period) -> tuple[Table, list[User]]:
    """Every agent with a call or a callback in the period, by name; the total is all agents
    together. Returns the agents too, for the links to each one's days."""
    figures = {key[0]: c for key, c in agent_figures(period=period).items()}
    agents = sorted(
        User.objects.filter(pk__in=figures), key=lambda user: (user.display_name, user.pk)
    )
    table = Table(
        "agents",
        _("Agent figures in the period"),
        _columns(Column(_("Agent"), "text")),
        [_cells(agent.display_name, figures[agent.pk]) for agent in agents],
        total=_cells(_("All agents"), sum(figures.values(), Counter())),
        empty=_("No calls or callbacks in the period."),
    )
    return table, agents


def agent_days_table(*, period: Period, agent: User) -> Table:
    """One agent's figures day by day over the period, every day listed."""
    figures = {
        key[1]: c for key, c in agent_figures(period=period, agent=agent, by_day=True).items()
    }
    days = days_between(period.first, period.last)
    return Table(
        f"agent-{agent.username}",
        _("%(agent)s by day") % {"agent": agent.display_name},
        _columns(Column(_("Day"), "text")),
        [_cells(day, figures.get(day, Counter())) for day in days],
        total=_cells(_("Total"), sum(figures.values(), Counter())),
    )
