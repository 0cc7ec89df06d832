"""complaint_summary: build (or rebuild) a period's complaint summary and send it (DESIGN §5.1)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from complaints.models import ComplaintSummary
from complaints.selectors import summary_email_list
from complaints.summaries import complaint_summary_run


class Command(BaseCommand):
    help = (
        "Build the weekly or monthly complaint summary for the period containing --date "
        "(default: the last complete period), store it and email it to management. "
        "Running it again rebuilds the same summary and sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, choices=ComplaintSummary.Period.values)
        parser.add_argument("--date", help="YYYY-MM-DD: a day of the period to summarise.")

    def handle(self, *args, **options):
        period, raw = options["period"], options["date"]
        on = None
        if raw:
            try:
                on = date.fromisoformat(raw)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {raw!r}.") from None
        run = complaint_summary_run(period=period, on=on)
        summary = run.summary
        total = summary.data["totals"]["complaints"]
        emails = list(summary_email_list(summary_id=summary.pk))
        sent = sum(email.sent_at is not None for email in emails)
        waiting = len(emails) - sent
        self.stdout.write(
            f"{summary.period} summary {summary.starts_on}..{summary.ends_on}: "
            f"{total['count']} complaints (previous period {total['previous']}). "
            f"Emails sent now: {run.sent}; sent in all: {sent}; waiting: {waiting}."
        )
