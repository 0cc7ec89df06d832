"""scan_deadlines: one pass of the deadline watch (DESIGN §3.6, §5.1); safe at any time."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tickets.escalation import deadlines_scan


class Command(BaseCommand):
    help = "Record every escalation step that is due now (safe to run any number of times)."

    def handle(self, *args, **options):
        recorded = deadlines_scan(now=timezone.now())
        self.stdout.write(f"Escalation steps recorded: {recorded}.")
