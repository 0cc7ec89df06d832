"""When each of the demo's tickets comes in and when each of its steps is taken.

Dates follow the clock: every time is in the last DEMO_DAYS days, by now, with the
back office and the callbacks in office hours.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from demo.data.cases import CASES, Case, step_action
from demo.data.grid import PremisePlan
from demo.data.week import (
    ARRIVAL_SHARE,
    COMPLAINT_STEP_MINUTES,
    DEMO_DAYS,
    LATE_MINUTES,
    OFFICE_HOURS,
    STEP_MINUTES,
    WORK_ORDER_STEP_MINUTES,
)
from demo.outages import NoticePlan
from repairs import deadlines
from tickets.models import Kind


def ticket_schedule(rng: random.Random, case: Case, now: datetime) -> list[datetime]:
    """Creation time and one time per action: in the past week, in order."""
    if case.answered_on_call:
        # Recorded and closed on the call: nothing follows.
        created = _today_call(rng, case, now) if case.today else past_call(rng, now)
        return [created.replace(microsecond=0)]
    minutes = STEP_MINUTES[case.kind]
    steps = [timedelta(minutes=rng.uniform(*minutes[action])) for action in case.path]
    if case.hours_ago is not None:
        created = now - timedelta(hours=rng.uniform(*case.hours_ago))
        times = _recent(rng, created, steps, now)
    elif not case.path or case.path[-1] in ("start", "reopen", "transfer", "take"):
        # Still being worked on: the next step is due soon, not days ago.
        next_action = "resolve" if case.path else "start"
        busy = sum(steps, timedelta())
        window = min(
            timedelta(days=DEMO_DAYS) - busy, 2 * timedelta(minutes=minutes[next_action][1])
        )
        created = now - busy - timedelta(minutes=rng.uniform(5, window.total_seconds() / 60))
        times = _recent(rng, created, steps, now)
    else:
        created = past_call(rng, now)
        times = _follow(rng, created, steps)
        times = _before(times, now)
    return [t.replace(microsecond=0) for t in times]


def complaint_schedule(rng: random.Random, case: Case, now: datetime) -> list[datetime]:
    """Creation time and one time per step, the steps in office hours: at the case's hours
    before now, else on a past day."""
    steps = [
        timedelta(minutes=rng.uniform(*COMPLAINT_STEP_MINUTES[step_action(step)]))
        for step in case.path
    ]
    if case.hours_ago is not None:
        created = now - timedelta(hours=rng.uniform(*case.hours_ago))
        times = _recent(rng, created, steps, now)
    else:
        created = past_call(rng, now)
        times = _before(_follow(rng, created, steps), now)
        if times[0] < now - timedelta(days=DEMO_DAYS):
            # Too many nights in between to fit the week: the steps ran into the evenings.
            times = _before(_follow(rng, created, steps, office_hours=False), now)
    return [t.replace(microsecond=0) for t in times]


def past_call(rng: random.Random, now: datetime) -> datetime:
    """A call in the daytime or evening of one of the past days."""
    day = timezone.localtime(now) - timedelta(days=rng.randint(1, DEMO_DAYS - 1))
    return day.replace(hour=rng.randint(7, 21), minute=rng.randint(0, 59), second=0)


def _today_call(rng: random.Random, case: Case, now: datetime) -> datetime:
    """A call earlier today, from 07:00 where the day is that old: the console's list of
    today's calls is not empty, whatever the hour the demo is seeded (but in the first
    minutes of a day, when they come in the two minutes before now).

    Today's cases take turns, each in its own share of the time, so that no two are
    recorded in one second.
    """
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    earliest = min(
        midnight + min(timedelta(hours=7), (now - midnight) / 2), now - timedelta(minutes=2)
    )
    today = [c for c in CASES if c.today]
    share = (today.index(case) + rng.uniform(0.2, 0.8)) / len(today)
    return earliest + (now - earliest) * share


def _before(times: list[datetime], now: datetime) -> list[datetime]:
    """The same history a day earlier, as often as it takes to have happened by now."""
    while times[-1] > now:
        times = [t - timedelta(days=1) for t in times]
    return times


def repair_schedule(
    rng: random.Random,
    case: Case,
    premise: PremisePlan,
    now: datetime,
    notice: NoticePlan | None,
) -> list[datetime]:
    """The call, its work order's steps, then the callbacks, the cancel or the close on the call.

    The crew arrives within a share of the allowed minutes, or after arrive_by for a
    late case; arrive_by is what repair_create will set (DESIGN §3.2).
    """
    allowed = arrival_allowed(case, premise, now)
    if notice is not None:
        # Called while the outage is on: the agent reads the notice out.
        earliest = max(notice.starts_at, now - timedelta(minutes=60))
        created = earliest + (now - timedelta(minutes=10) - earliest) * rng.random()
    elif case.due_in is not None and not case.path:
        # Still in the station queue: arrive_by is due_in minutes from now.
        created = now + timedelta(minutes=case.due_in) - allowed
    else:
        created = past_call(rng, now)
    times = [created]
    for action in case.order_path:
        if action == "arrive":
            if case.late:
                minutes = allowed / timedelta(minutes=1) + rng.uniform(*LATE_MINUTES)
            else:
                minutes = allowed / timedelta(minutes=1) * rng.uniform(*ARRIVAL_SHARE)
            at = max(created + timedelta(minutes=minutes), times[-1] + timedelta(minutes=3))
        else:
            at = times[-1] + timedelta(minutes=rng.uniform(*WORK_ORDER_STEP_MINUTES[action]))
        times.append(at)
    for action in case.path:
        if case.answered_on_call:
            at = times[-1] + timedelta(
                minutes=rng.uniform(*STEP_MINUTES[Kind.CONSULTATION][action])
            )
        else:
            span = STEP_MINUTES[Kind.REPAIR][step_action(action)]
            at = times[-1] + timedelta(minutes=rng.uniform(*span))
            if step_action(action) == "callback":
                at = _office_hours(at, rng)  # callbacks wait for the day
        times.append(at)
    if case.due_in is not None and case.path:
        # Reopened by its last callback, and back in the station queue: the new work
        # order's arrive_by is due_in minutes from now. The reopen is a plain dispatch.
        plain = deadlines.arrive_by(
            now, premise.area_type, important=premise.important, emergency=False
        )
        reopened = now + timedelta(minutes=case.due_in) - (plain - now)
        times = [*_before(times, reopened)[:-1], reopened]
    elif case.due_in is None and notice is None:
        times = _before(times, now)
    return [t.replace(microsecond=0) for t in times]


def arrival_allowed(case: Case, premise: PremisePlan, now: datetime) -> timedelta:
    """Minutes the crew has to be on site: the hazards make it an emergency (§3.1 rule 1)."""
    emergency = bool(case.answers and case.answers.hazards)
    arrive_by = deadlines.arrive_by(
        now, premise.area_type, important=premise.important, emergency=emergency
    )
    return arrive_by - now


def _recent(
    rng: random.Random, created: datetime, steps: list[timedelta], now: datetime
) -> list[datetime]:
    """The steps from a recent creation, by now."""
    times = _follow(rng, created, steps)
    if times[-1] > now:
        # Office hours would push the last step into the future: it happened late instead.
        times = _follow(rng, created, steps, office_hours=False)
    return times


def _follow(
    rng: random.Random, created: datetime, steps: list[timedelta], *, office_hours: bool = True
) -> list[datetime]:
    """The steps' times from the creation: back-office work and callbacks wait for the day."""
    times = [created]
    for step in steps:
        at = times[-1] + step
        if office_hours:
            at = _office_hours(at, rng)
        times.append(at)
    return times


def _office_hours(at: datetime, rng: random.Random) -> datetime:
    local = timezone.localtime(at)
    if local.hour < OFFICE_HOURS[0]:
        return local.replace(hour=OFFICE_HOURS[0], minute=rng.randint(0, 59))
    if local.hour >= OFFICE_HOURS[1]:
        next_day = local + timedelta(days=1)
        return next_day.replace(hour=OFFICE_HOURS[0], minute=rng.randint(0, 59))
    return local
