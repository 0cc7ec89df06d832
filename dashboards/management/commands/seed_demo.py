"""seed_demo: fill an empty database with a realistic demo (DESIGN.md §5.1).

The demo is a county grid company in Guangdong, 英德市 (Qingyuan): four supply
stations with their feeders and transformers, about 3,000 premises and their
customers, departments, staff of every role with their crews, and about 60
tickets of every kind and status dated over the last seven days.

It lives in dashboards, the top app, because it may import every other app.
Writes go through the apps' services (grid_import, staff_create_or_update,
crew_get_or_create, crew_member_set, ticket_create, ticket_transition), so the
demo exercises the real importer, ticket numbering and timeline. One seeded
random generator makes the data (dashboards/demo.py, from the tables in
dashboards/demo_data.py): every run gives the same stations, people and tickets;
only the tickets' dates follow the clock. It is all one transaction: a failure
part-way leaves the database as it was.

A database that already has a supply station is left alone, so `make run` can
call this every time.
"""

import random
import unicodedata
from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import staff_create_or_update
from dashboards.demo import SEED, Cast, GridPlan, TicketPlan, csv_lines, ticket_plans
from dashboards.demo_data import (
    CREWS,
    DEMO_DAYS,
    DEPARTMENTS,
    PASSWORD,
    STAFF,
    STATIONS,
    PremisePlan,
)
from dispatch.models import Crew
from dispatch.services import crew_get_or_create, crew_member_set
from grid.models import Department, Premise, Station
from grid.services import grid_import
from tickets.models import Channel, Kind, Ticket
from tickets.services import ticket_create, ticket_transition


class Command(BaseCommand):
    help = "Fill an empty database with a demo: a county grid company in Guangdong, in Chinese."

    def handle(self, *args, **options):
        if Station.objects.exists():
            self.stdout.write("The database already has supply stations: already seeded.")
            return
        rng = random.Random(SEED)
        now = timezone.now()
        grid = GridPlan(rng)
        premises = grid.build()
        plans = ticket_plans(rng, grid, now)

        self.stdout.write("Seeding the Gridline demo (英德市, Guangdong)...")
        with transaction.atomic():
            grid_import(
                lines=csv_lines(premises),
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
            departments = self._departments()
            staff = self._staff(departments)
            tickets = self._tickets(plans, staff)
        self._summary(premises, departments, staff, tickets)

    def _departments(self) -> dict[str, Department]:
        departments = {}
        for code, name in DEPARTMENTS:
            departments[code], _ = Department.objects.get_or_create(
                code=code, defaults={"name": name}
            )
        return departments

    def _staff(self, departments: dict[str, Department]) -> dict[str, User]:
        stations = Station.objects.in_bulk(field_name="code")
        crews: dict[str, Crew] = {}
        for code, station_code, name in CREWS:
            crew, created = crew_get_or_create(code=code, station=stations[station_code])
            if created:
                # The service names a new crew after its code; the demo shows a real name.
                crew.name = name
                crew.save(update_fields=["name"])
            crews[code] = crew
        staff = {}
        for plan in STAFF:
            user, _created, _generated = staff_create_or_update(
                username=plan.username,
                role=plan.role,
                password=PASSWORD,
                station=stations.get(plan.station),
                department=departments.get(plan.department),
            )
            # The service has no name parameters; the names are only for display.
            user.last_name, user.first_name = plan.last_name, plan.first_name
            user.save(update_fields=["last_name", "first_name"])
            if plan.crew:
                crew_member_set(user=user, crew=crews[plan.crew])
            staff[plan.username] = user
        return staff

    def _tickets(self, plans: list[TicketPlan], staff: dict[str, User]) -> list[Ticket]:
        rng = random.Random(SEED + 1)
        premises = Premise.objects.select_related(
            "customer", "transformer__feeder__station"
        ).in_bulk([p.premise.meter_no for p in plans if p.premise], field_name="meter_no")
        cast = Cast.from_staff(staff)
        tickets = []
        for plan in plans:
            case = plan.case
            agent = rng.choice(cast.agents)
            ticket = ticket_create(
                kind=case.kind,
                actor=None if case.channel in (Channel.WEB, Channel.APP) else agent,
                premise=premises[plan.premise.meter_no] if plan.premise else None,
                caller_phone=plan.phone,
                channel=case.channel,
                description=case.description,
                priority=case.priority,
                now=plan.times[0],
            )
            station_code = plan.premise.station.code if plan.premise else ""
            crew = None
            if case.caller == "cluster":
                # One outage, one crew: it restores the transformer for every caller.
                crew = cast.crews[station_code][0]
            elif station_code:
                crew = rng.choice(cast.crews[station_code])
            for action, at in zip(case.path, plan.times[1:], strict=True):
                actor, note = cast.step(case, action, agent=agent, crew=crew, rng=rng)
                ticket = ticket_transition(
                    ticket=ticket, action=action, actor=actor, note=note, now=at
                )
            tickets.append(ticket)
        return tickets

    def _summary(
        self,
        premises: list[PremisePlan],
        departments: dict[str, Department],
        staff: dict[str, User],
        tickets: list[Ticket],
    ) -> None:
        important = sum(1 for p in premises if p.important)
        customers = len({p.account_no for p in premises})
        feeders = len({p.feeder_code for p in premises})
        transformers = len({p.transformer_code for p in premises})
        self.stdout.write(
            f"Grid: {len(STATIONS)} supply stations, {feeders} feeders, {transformers} "
            f"transformers, {customers} customers, {len(premises)} premises "
            f"({important} important)."
        )
        self.stdout.write(
            f"Staff: {len(departments)} departments, {len(CREWS)} crews, {len(staff)} users."
        )
        kinds = Counter(t.kind for t in tickets)
        statuses = Counter(t.status for t in tickets)
        self.stdout.write(
            f"Tickets: {len(tickets)} over the last {DEMO_DAYS} days; "
            + ", ".join(f"{kind} {kinds[kind]}" for kind in Kind.values)
            + "; "
            + ", ".join(f"{status} {statuses[status]}" for status in Ticket.Status.values)
            + "."
        )
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        rows = [("username", "role", "station / department", "password")]
        for user in staff.values():
            where = "-"
            if user.station:
                where = f"{user.station.code} {user.station}"
            if user.department:
                where = f"{user.department.code} {user.department}"
            if hasattr(user, "crew_membership"):
                where += f" {user.crew_membership.crew}"
            rows.append((user.username, user.role, where, PASSWORD))
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [_pad(text, width) for text, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each Chinese character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
