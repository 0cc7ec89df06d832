"""seed_demo: fill an empty database with a realistic demo (DESIGN.md §5.1).

The work is demo.seed.demo_seed (its docstring tells what the demo holds); this prints.
"""

from django.core.management.base import BaseCommand

from demo.seed import demo_seed
from demo.summary import demo_logins, demo_summary


class Command(BaseCommand):
    help = "Fill an empty database with a demo: a county grid company in Guangdong, in Chinese."

    def handle(self, *args, **options):
        seeded = demo_seed(progress=self.stdout.write)
        if seeded is None:
            self.stdout.write("The database already has supply stations: already seeded.")
            return
        for line in demo_summary(seeded):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        for line in demo_logins(seeded.staff):
            self.stdout.write(line)
