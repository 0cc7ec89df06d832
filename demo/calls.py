"""Plans the demo's calls at the console: the agent and the call of every ticket, and the
calls that record nothing.

Nothing here writes to the database: the replay starts and finishes the calls
(demo/replay.py).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Role
from demo.data.staff import CONSOLE_AGENT, STAFF
from demo.data.week import (
    CALL_MINUTES,
    CALLS_WITHOUT_TICKET,
    QUIET_CALL_MINUTES,
    RECORDED_SHARE,
    WITHHELD_SHARE,
)
from demo.grid import GridPlan
from demo.schedule import past_call
from demo.tickets import TicketPlan
from tickets.models import Channel


@dataclass
class CallPlan:
    """One call at the console: when it starts and ends, and the moment in it that its
    ticket is recorded (a call that records nothing: its outcome and the agent's note)."""

    at: datetime
    starts_at: datetime
    ends_at: datetime
    agent: str = ""  # the username
    withheld: bool = False  # no number shown: the agent identifies the caller
    phone: str = ""  # a call that records nothing: its number (a ticket's plan has the phone)
    outcome: str = ""
    note: str = ""


def calls_plan(
    rng: random.Random, grid: GridPlan, plans: list[TicketPlan], now: datetime
) -> list[CallPlan]:
    """The agent and the call of every ticket plan; returns the calls that record nothing.

    A call to the hotline records its ticket part-way through. A complaint passed on by
    the 12398 or 12345 platform is recorded by an agent off the phone; one from the web by
    nobody, though an agent contacts and calls back its customer. Today's cases go to
    CONSOLE_AGENT. An agent takes one call at a time: where two of one agent's calls would
    overlap, the first ends as the second starts, as the console finishes an open call when
    the next one comes in.

    Replay the plans and the returned calls in the order of their `at` (stably, the plans
    first): two calls that meet at one second then end and start in the right order.
    """
    agents = [staff.username for staff in STAFF if staff.role == Role.AGENT]
    work: list[tuple[CallPlan, TicketPlan | None]] = []
    for plan in plans:
        case = plan.case
        if case.channel == Channel.HOTLINE:
            plan.call = _call(rng, plan.times[0], CALL_MINUTES[case.kind], now, today=case.today)
            plan.call.withheld = plan.premise is not None and rng.random() < WITHHELD_SHARE
            work.append((plan.call, plan))
        elif case.channel in (Channel.REGULATOR_12398, Channel.GOVERNMENT_12345):
            # Recorded off the phone, though never in the middle of the agent's own call.
            at = plan.times[0]
            work.append((CallPlan(at=at, starts_at=at, ends_at=at), plan))
        else:
            plan.agent = rng.choice(agents)
    quiet = []
    for outcome, note in CALLS_WITHOUT_TICKET:
        call = _call(rng, past_call(rng, now), QUIET_CALL_MINUTES, now, today=False)
        call.phone, call.outcome, call.note = grid.mobile(), outcome, note
        quiet.append(call)
        work.append((call, None))
    last: dict[str, CallPlan] = {}
    for call, recorded in sorted(work, key=lambda item: item[0].at):
        free = [
            agent for agent in agents if agent not in last or last[agent].ends_at < call.starts_at
        ]
        if recorded is not None and recorded.case.today:
            agent = CONSOLE_AGENT
        elif free:
            agent = rng.choice(free)
        else:
            # Every agent is on a call: the one whose caller was served first ends theirs.
            agent = min(agents, key=lambda name: last[name].at)
        previous = last.get(agent)
        if previous is not None and previous.ends_at >= call.starts_at:
            # This call starts a second after the last one's ticket at the earliest, so the
            # console never counts one ticket on two calls.
            call.starts_at = min(max(call.starts_at, previous.at + timedelta(seconds=1)), call.at)
            previous.ends_at = max(previous.at, min(previous.ends_at, call.starts_at))
        call.agent = agent
        last[agent] = call
        if recorded is not None:
            recorded.agent = agent
    return quiet


def _call(
    rng: random.Random, at: datetime, minutes: tuple[int, int], now: datetime, *, today: bool
) -> CallPlan:
    """A call around the moment its ticket is recorded; one of today's starts after midnight."""
    length = timedelta(minutes=rng.uniform(*minutes))
    starts_at = at - length * rng.uniform(*RECORDED_SHARE)
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if today and at >= midnight:
        starts_at = max(starts_at, midnight)
    ends_at = max(at, min(starts_at + length, now))
    return CallPlan(
        at=at,
        starts_at=starts_at.replace(microsecond=0),
        ends_at=ends_at.replace(microsecond=0),
    )
