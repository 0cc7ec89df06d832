"""create_staff USERNAME --role ROLE [--password P] [--station CODE] [--crew CODE]
[--department CODE] [--language CODE] [--extension EXT] (DESIGN.md §5.1).

Lives in dispatch, the lowest app that knows every kind of membership
(stations and departments from grid, crews from dispatch).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role
from accounts.services import staff_create_or_update
from config.errors import GridlineError
from dispatch.models import Crew
from dispatch.services import crew_get_or_create, crew_member_set
from grid.models import Department, Station


class Command(BaseCommand):
    help = "Create (or update) a staff account with its role and station, crew or department."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password")
        parser.add_argument("--station", help="supply station code (dispatcher, crew)")
        parser.add_argument("--crew", help="crew code (crew); created on --station if missing")
        parser.add_argument("--department", help="department code (handler); created if missing")
        parser.add_argument(
            "--language",
            help="what the user reads pages, notifications and emails in (en, zh-hans); "
            "unchanged when not given",
        )
        parser.add_argument(
            "--extension",
            help="the agent's telephone extension, as the telephony names the agent; "
            "unchanged when not given",
        )

    def handle(self, *args, **options):
        role = options["role"]
        try:
            with transaction.atomic():
                station = self._station(options["station"])
                crew = None
                if role == Role.CREW:
                    crew, station = self._crew(options["crew"], station)
                department = None
                if options["department"]:
                    department, _ = Department.objects.get_or_create(
                        code=options["department"], defaults={"name": options["department"]}
                    )
                user, created, generated = staff_create_or_update(
                    username=options["username"],
                    role=role,
                    password=options["password"],
                    station=station,
                    department=department,
                    language=options["language"],
                    extension=options["extension"],
                )
                if crew is not None:
                    crew_member_set(user=user, crew=crew)
        except GridlineError as exc:
            raise CommandError(exc.message) from None

        verb = "Created" if created else "Updated"
        where = ", ".join(
            f"{label} {value}"
            for label, value in (
                ("station", station.code if station else None),
                ("crew", crew.code if crew else None),
                ("department", department.code if department else None),
            )
            if value
        )
        self.stdout.write(f"{verb} {role} {user.username}" + (f" ({where})" if where else ""))
        if generated:
            self.stdout.write(f"Password: {generated}")

    def _station(self, code: str | None) -> Station | None:
        if not code:
            return None
        try:
            return Station.objects.get(code=code)
        except Station.DoesNotExist:
            raise CommandError(
                f"Unknown station {code!r}: import the grid first (import_grid)."
            ) from None

    def _crew(self, code: str | None, station: Station | None) -> tuple[Crew, Station]:
        if not code:
            raise CommandError("A crew member needs --crew CODE.")
        existing = Crew.objects.select_related("station").filter(code=code).first()
        if existing is not None:
            if station is not None and existing.station_id != station.pk:
                raise CommandError(
                    f"Crew {code} belongs to station {existing.station.code}, not {station.code}."
                )
            return existing, existing.station
        if station is None:
            raise CommandError(f"Crew {code} does not exist yet: give --station to create it.")
        crew, _ = crew_get_or_create(code=code, station=station)
        return crew, station
