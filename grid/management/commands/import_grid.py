"""import_grid FILE.csv [--skip-invalid]: load master data (DESIGN.md §5.1)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from grid.importer import GridFileInvalid
from grid.services import ImportRejected, grid_import


class Command(BaseCommand):
    help = "Load stations, feeders, transformers, customers and premises from a UTF-8 CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows and report the bad ones, instead of rejecting the file",
        )

    def handle(self, *args, **options):
        try:
            # Durable: the whole file is one transaction of its own, never part of another.
            with (
                open(options["file"], encoding="utf-8-sig", newline="") as lines,
                transaction.atomic(durable=True),
            ):
                report = grid_import(
                    lines=lines,
                    skip_invalid=options["skip_invalid"],
                    progress=lambda message: self.stderr.write(message),
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{options['file']} is not UTF-8 ({exc.reason}).") from None
        except GridFileInvalid as exc:
            raise CommandError(str(exc)) from None
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(f"Rejected {error}")
            raise CommandError(exc.message) from None

        for error in report.rejected:
            self.stderr.write(f"Skipped {error}")
        for label, counts in (
            ("stations", report.stations),
            ("feeders", report.feeders),
            ("transformers", report.transformers),
            ("customers", report.customers),
            ("premises", report.premises),
        ):
            self.stdout.write(
                f"{label}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged"
            )
        self.stdout.write(f"phones: {report.phones_added} added")
        self.stdout.write(f"rejected: {len(report.rejected)} rows")
        if not report.changed:
            self.stdout.write("Nothing changed: the database already matches the file.")
