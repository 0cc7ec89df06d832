"""What the row builders share: the year being generated, the ids so far, the rows of the
chunk being built, and the ticket being built.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from bench.grid_data import Grid, PremiseRow


@dataclass
class Counters:
    """Ids and per-day numbers shared by both phases, so the second continues the first."""

    ticket: int = 0
    work_order: int = 0
    incident: int = 0
    deadline: int = 0
    numbers: dict[tuple[str, date], int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class Rows:
    """One chunk's rows, table by table, each a tuple in its Table's column order."""

    tickets: list = field(default_factory=list)
    events: list = field(default_factory=list)
    repairs: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    incidents: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    complaints: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)


@dataclass
class NewTicket:
    """One ticket as its kind's builder fills it in; the generator writes its row last."""

    id: int
    number: str
    kind: str
    created: datetime
    agent: int
    description: str
    status: str = "open"
    priority: str = "normal"
    phone: str = ""
    customer: int | None = None
    premise: int | None = None
    station: int | None = None
    department: int | None = None
    urges: int = 0
    updated: datetime | None = None
    resolved: datetime | None = None
    closed: datetime | None = None


class Year:
    """The year's fixed facts (grid, now, settings, causes), and what the phases carry on:
    the counters, and the outages the repairs share.
    """

    def __init__(
        self,
        grid: Grid,
        *,
        as_of: datetime,
        storm_feeders: set[int],
        arrival: dict[str, int],
        restore: dict[str, int],
        fractions: tuple[tuple[str, float], ...],
        causes: list[int | None],
        categories: list[int],
    ) -> None:
        self.grid = grid
        self.as_of = as_of
        self.counters = Counters()
        self.arrival = arrival
        self.restore = restore
        self.fractions = fractions
        self.causes = causes
        # Empty when complaint rows are not generated (see complaints.complaint_table).
        self.categories = categories
        # History may use every premise; the open set keeps off the storm's feeders.
        self.quiet = [p for p in grid.premises if p.feeder_id not in storm_feeders] or grid.premises
        self.by_transformer: dict[int, list[PremiseRow]] = defaultdict(list)
        for p in self.quiet:
            self.by_transformer[p.transformer_id].append(p)
        self.incident_of: dict[tuple[int, int], tuple[int, datetime]] = {}
        self.active: list[tuple[int, int, datetime]] = []  # (incident id, transformer, created)

    def caller(self, t: NewTicket, premise: PremiseRow | None, rng) -> PremiseRow | None:
        """Who called: the premise's customer (a random premise for three calls in four when
        none is given), or else an unknown mobile number."""
        if premise is None and rng.random() < 0.75:
            premise = rng.choice(self.grid.premises)
        if premise is not None:
            t.customer = premise.customer_id
            t.phone = self.grid.phone_of.get(premise.customer_id, "")
        else:
            t.phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
        return premise
