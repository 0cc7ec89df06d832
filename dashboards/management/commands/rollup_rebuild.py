from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dashboards.services import rollup_rebuild


class Command(BaseCommand):
    help = (
        "Recount the dashboard's daily rollup from the tickets, work orders and complaints: "
        "every closed day, or every day from --from. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help="first day")

    def handle(self, *args, since: str | None = None, **options):
        try:
            first = date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError(f"--from must be a date like 2026-01-31, not {since!r}.") from None
        done = rollup_rebuild(since=first)
        if done.days == 0:
            self.stdout.write("Nothing to count: no closed day has tickets yet.")
        else:
            self.stdout.write(f"Recounted {done.days} days: {done.first} to {done.last}.")
