"""The deadline watch (DESIGN §3.6): warnings at 80%, overdue at 100%, management at 150%.

Each open deadline carries the time its next step is due. One pass of the scan
claims the due rows in batches with SELECT ... FOR UPDATE SKIP LOCKED, records
each step with an insert that a unique (deadline, step) pair turns into a no-op
when the step exists, and writes the timeline event and the notifications in
the same transaction. Any number of workers, retries or restarts give each
step exactly once. Time is passed in; nothing here reads the clock.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from accounts.models import Role, User
from tickets.messages import MessageKind
from tickets.models import Deadline, DeadlineStep, TimelineEvent
from tickets.notify import (
    DEADLINE_MANAGEMENT,
    DEADLINE_OVERDUE,
    DEADLINE_WARNING,
    Notice,
    notify,
)

Step = DeadlineStep.Step
LADDER = (Step.WARNING, Step.OVERDUE, Step.MANAGEMENT)
# Keyed by str: Deadline.next_step and DeadlineStep.step hold the plain value.
EVENT_KIND: dict[str, str] = {
    Step.WARNING: "sla_warning",
    Step.OVERDUE: "sla_overdue",
    Step.MANAGEMENT: "sla_escalated",
}
# Who is told of the steps past the warning (the warning goes to the deadline's holder).
STEP_ROLE: dict[str, str] = {Step.OVERDUE: Role.SUPERVISOR, Step.MANAGEMENT: Role.MANAGER}
# What each step tells them (tickets/notify.py), written in each reader's language.
STEP_MESSAGE: dict[str, MessageKind] = {
    Step.WARNING: DEADLINE_WARNING,
    Step.OVERDUE: DEADLINE_OVERDUE,
    Step.MANAGEMENT: DEADLINE_MANAGEMENT,
}
BATCH = 500


def step_at(step: str, *, starts_at: datetime, due_at: datetime) -> datetime:
    """When a step falls due: its fraction of the time allowed, counted from the start."""
    fractions: dict[str, float] = {
        Step.WARNING: settings.GRIDLINE_ESCALATION_WARNING_FRACTION,
        Step.OVERDUE: settings.GRIDLINE_ESCALATION_OVERDUE_FRACTION,
        Step.MANAGEMENT: settings.GRIDLINE_ESCALATION_MANAGEMENT_FRACTION,
    }
    return starts_at + (due_at - starts_at) * fractions[step]


def first_step(*, starts_at: datetime, due_at: datetime) -> tuple[str, datetime]:
    return Step.WARNING, step_at(Step.WARNING, starts_at=starts_at, due_at=due_at)


def deadlines_scan(*, now: datetime, batch: int = BATCH) -> int:
    """Record every step due by `now`; returns how many steps were recorded."""
    recorded = 0
    while True:
        with transaction.atomic():
            claimed = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("ticket")
                .filter(closed_at__isnull=True, next_step_at__lte=now)
                .order_by("next_step_at")[:batch]
            )
            if claimed:
                recorded += _escalate(claimed, now=now)
        if len(claimed) < batch:
            return recorded


@dataclass(frozen=True)
class _Due:
    deadline: Deadline
    step: str
    at: datetime


def _escalate(claimed: list[Deadline], *, now: datetime) -> int:
    """Steps, events and notifications for one claimed batch, in a fixed number of queries."""
    due: list[_Due] = []
    for deadline in claimed:
        # A scan that was down catches up: every step already due, in order. (_advance sets
        # and clears next_step and next_step_at together.)
        while (
            deadline.next_step
            and deadline.next_step_at is not None
            and deadline.next_step_at <= now
        ):
            due.append(_Due(deadline, deadline.next_step, deadline.next_step_at))
            _advance(deadline)
    new = _insert_steps(due, now=now)
    fresh = [d for d in due if (d.deadline.pk, d.step) in new]
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            ticket_id=d.deadline.ticket_id,
            kind=EVENT_KIND[d.step],
            at=now,
            data={
                "deadline": d.deadline.name,
                "due_at": d.deadline.due_at.isoformat(),
                "step": d.step,
            },
        )
        for d in fresh
    )
    _notify(fresh, now=now)
    Deadline.objects.bulk_update(claimed, ["next_step", "next_step_at"])
    return len(fresh)


def _advance(deadline: Deadline) -> None:
    following = LADDER.index(deadline.next_step) + 1
    if following == len(LADDER):
        deadline.next_step, deadline.next_step_at = "", None
    else:
        step = LADDER[following]
        deadline.next_step = step
        deadline.next_step_at = step_at(step, starts_at=deadline.starts_at, due_at=deadline.due_at)


def _insert_steps(due: list[_Due], *, now: datetime) -> set[tuple[int, str]]:
    """Insert the steps; the unique pair skips any already there. Returns the new ones."""
    if not due:
        return set()
    table = DeadlineStep._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s)"] * len(due))
    params = [value for d in due for value in (d.deadline.pk, d.step, now)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (deadline_id, step, at) VALUES {placeholders} "
            "ON CONFLICT (deadline_id, step) DO NOTHING RETURNING deadline_id, step",
            params,
        )
        return {(deadline_id, step) for deadline_id, step in cursor.fetchall()}


def _notify(fresh: list[_Due], *, now: datetime) -> None:
    """Warnings to the holder (station dispatchers or department handlers), overdue to the
    supervisors, management steps to the managers and the management addresses."""
    if not fresh:
        return
    stations = {d.deadline.station_id for d in fresh if d.step == Step.WARNING} - {None}
    departments = {d.deadline.department_id for d in fresh if d.step == Step.WARNING} - {None}
    roles = {STEP_ROLE[d.step] for d in fresh if d.step in STEP_ROLE}
    staff = list(
        User.objects.filter(is_active=True).filter(
            _q_role(Role.DISPATCHER, station_id__in=stations)
            | _q_role(Role.HANDLER, department_id__in=departments)
            | _q_roles(roles)
        )
    )
    notices = []
    for d in fresh:
        deadline = d.deadline
        text = STEP_MESSAGE[d.step](
            number=deadline.ticket.number, deadline=deadline.name, due=deadline.due_at
        )
        recipients = [u for u in staff if _concerns(u, d)]
        for user in recipients:
            notices.append(
                Notice(
                    user=user,
                    ticket_id=deadline.ticket_id,
                    text=text,
                    key=f"deadline:{deadline.pk}:{d.step}",
                )
            )
        if d.step == Step.MANAGEMENT:
            notices += [
                Notice(
                    email=address,
                    ticket_id=deadline.ticket_id,
                    text=text,
                    key=f"deadline:{deadline.pk}:{d.step}",
                )
                for address in settings.GRIDLINE_MANAGEMENT_EMAILS
            ]
    notify(notices, now=now)


def _q_role(role: str, **filters) -> Q:
    """Users of the role matching the filter; nobody when the filter's set is empty."""
    values = next(iter(filters.values()))
    return Q(role=role, **filters) if values else Q(pk__in=[])


def _q_roles(roles: set[str]) -> Q:
    return Q(role__in=roles) if roles else Q(pk__in=[])


def _concerns(user: User, d: _Due) -> bool:
    if d.step == Step.WARNING:
        deadline = d.deadline
        if user.role == Role.DISPATCHER:
            return deadline.station_id is not None and user.station_id == deadline.station_id
        return (
            user.role == Role.HANDLER
            and deadline.department_id is not None
            and user.department_id == deadline.department_id
        )
    return user.role == STEP_ROLE[d.step]
