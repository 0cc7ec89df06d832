"""The network, customers and staff of the benchmark: bench/import_grid's CSV, loaded by COPY."""

import csv
import random
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.bulk import Table, reset_sequences
from bench.import_grid import write_csv

PASSWORD = "bench-password"
AGENTS = 30
SUPERVISORS = 3
MANAGERS = 2
CREWS_PER_STATION = 3
MEMBERS_PER_CREW = 2
DEPARTMENTS = [
    ("MKT", "营销部"),
    ("OPS", "运检部"),
    ("MTR", "计量中心"),
    ("SVC", "客户服务中心"),
    ("DEV", "发展策划部"),
]


@dataclass(frozen=True)
class PremiseRow:
    id: int
    meter_no: str
    address: str
    area_type: str
    important: bool
    transformer_id: int
    feeder_id: int
    station_id: int
    customer_id: int


@dataclass
class Grid:
    """What the ticket generator and the scenarios draw from."""

    station_ids: list[int] = field(default_factory=list)
    station_codes: dict[int, str] = field(default_factory=dict)
    feeder_codes: dict[int, str] = field(default_factory=dict)
    transformer_codes: dict[int, str] = field(default_factory=dict)
    premises: list[PremiseRow] = field(default_factory=list)
    phone_of: dict[int, str] = field(default_factory=dict)  # customer id -> first phone
    department_ids: list[int] = field(default_factory=list)
    # Staff: user ids by role, crews by station, and each crew's members.
    agents: list[int] = field(default_factory=list)
    supervisors: list[int] = field(default_factory=list)
    dispatcher_of: dict[int, int] = field(default_factory=dict)  # station id -> user id
    crews_of: dict[int, list[int]] = field(default_factory=dict)  # station id -> crew ids
    members_of: dict[int, list[int]] = field(default_factory=dict)  # crew id -> user ids
    tokens: dict[int, str] = field(default_factory=dict)  # user id -> API token
    integration: int | None = None  # the IVR's machine account

    def premises_by_feeder(self) -> dict[int, list[PremiseRow]]:
        grouped: dict[int, list[PremiseRow]] = {}
        for premise in self.premises:
            grouped.setdefault(premise.feeder_id, []).append(premise)
        return grouped


def load_grid(premises: int, rng: random.Random) -> Grid:
    """Generate the CSV with bench/import_grid's generator and COPY it into the grid tables."""
    from grid.models import Customer, CustomerPhone, Feeder, Premise, Station, Transformer
    from grid.phones import normalise_phone

    grid = Grid()
    with tempfile.TemporaryDirectory(prefix="gridline-bench-") as tmp:
        path = Path(tmp) / "grid.csv"
        write_csv(path, premises, rng)
        with path.open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))

    stations: dict[str, int] = {}
    feeders: dict[str, tuple[int, int]] = {}
    transformers: dict[str, tuple[int, int, int]] = {}
    customers: dict[str, int] = {}
    station_rows, feeder_rows, transformer_rows, customer_rows = [], [], [], []
    phone_rows: list[tuple] = []
    phones_seen: set[tuple[int, str]] = set()
    premise_rows: list[tuple] = []
    for row in rows:
        code = row["station_code"]
        if code not in stations:
            stations[code] = len(stations) + 1
            station_rows.append((stations[code], code, row["station_name"]))
            grid.station_ids.append(stations[code])
            grid.station_codes[stations[code]] = code
        station_id = stations[code]
        code = row["feeder_code"]
        if code not in feeders:
            feeders[code] = (len(feeders) + 1, station_id)
            feeder_rows.append((feeders[code][0], code, station_id))
            grid.feeder_codes[feeders[code][0]] = code
        feeder_id = feeders[code][0]
        code = row["transformer_code"]
        if code not in transformers:
            transformers[code] = (len(transformers) + 1, feeder_id, station_id)
            transformer_rows.append((transformers[code][0], code, feeder_id))
            grid.transformer_codes[transformers[code][0]] = code
        transformer_id = transformers[code][0]
        account = row["account_no"]
        if account not in customers:
            customers[account] = len(customers) + 1
            customer_rows.append((customers[account], account, row["customer_name"]))
        customer_id = customers[account]
        phone = normalise_phone(row["phone"])
        if (customer_id, phone) not in phones_seen:
            phones_seen.add((customer_id, phone))
            phone_rows.append((customer_id, phone))
            grid.phone_of.setdefault(customer_id, phone)
        premise = PremiseRow(
            id=len(premise_rows) + 1,
            meter_no=row["meter_no"],
            address=row["address"],
            area_type=row["area_type"],
            important=row["important"] == "true",
            transformer_id=transformer_id,
            feeder_id=feeder_id,
            station_id=station_id,
            customer_id=customer_id,
        )
        premise_rows.append(
            (
                premise.id,
                premise.meter_no,
                premise.address,
                premise.area_type,
                premise.important,
                transformer_id,
                customer_id,
            )
        )
        grid.premises.append(premise)

    Table(Station, ["id", "code", "name"]).copy(station_rows)
    Table(Feeder, ["id", "code", "station_id"]).copy(feeder_rows)
    Table(Transformer, ["id", "code", "feeder_id"]).copy(transformer_rows)
    Table(Customer, ["id", "account_no", "name"]).copy(customer_rows)
    Table(CustomerPhone, ["customer_id", "number"]).copy(phone_rows)
    Table(
        Premise,
        ["id", "meter_no", "address", "area_type", "important", "transformer_id", "customer_id"],
    ).copy(premise_rows)
    reset_sequences(Station, Feeder, Transformer, Customer, Premise)
    return grid


def load_staff(grid: Grid) -> None:
    """Departments, agents, supervisors, managers, a dispatcher per station, crews with members;
    an API token for each agent and dispatcher. One password hash for everyone (hashing is slow)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from dispatch.models import Crew, CrewMember
    from grid.models import Department

    departments = Department.objects.bulk_create(
        [Department(code=code, name=name) for code, name in DEPARTMENTS]
    )
    grid.department_ids = [d.pk for d in departments]
    password = make_password(PASSWORD)
    now = timezone.now()

    def user(username: str, role: str, **extra) -> User:
        return User(
            username=username,
            role=role,
            password=password,
            date_joined=now,
            email=f"{username}@bench.invalid",
            **extra,
        )

    users = [user(f"agent{n:03d}", Role.AGENT) for n in range(1, AGENTS + 1)]
    users += [user(f"supervisor{n}", Role.SUPERVISOR) for n in range(1, SUPERVISORS + 1)]
    users += [user(f"manager{n}", Role.MANAGER) for n in range(1, MANAGERS + 1)]
    users += [user("ivr", Role.INTEGRATION)]
    users += [
        user(f"dispatcher_{grid.station_codes[s].lower()}", Role.DISPATCHER, station_id=s)
        for s in grid.station_ids
    ]
    crews = Crew.objects.bulk_create(
        [
            Crew(code=f"{grid.station_codes[s]}-C{n}", name=f"抢修{n}班", station_id=s)
            for s in grid.station_ids
            for n in range(1, CREWS_PER_STATION + 1)
        ]
    )
    crew_users = [
        (crew, user(f"crew_{crew.code.lower()}_{m}", Role.CREW, station_id=crew.station_id))
        for crew in crews
        for m in range(1, MEMBERS_PER_CREW + 1)
    ]
    created = User.objects.bulk_create(users + [u for _crew, u in crew_users])
    CrewMember.objects.bulk_create([CrewMember(user=u, crew=c) for c, u in crew_users])
    for u in created:
        if u.role == Role.AGENT:
            grid.agents.append(u.pk)
        elif u.role == Role.SUPERVISOR:
            grid.supervisors.append(u.pk)
        elif u.role == Role.DISPATCHER and u.station_id is not None:  # each has its station
            grid.dispatcher_of[u.station_id] = u.pk
        elif u.role == Role.INTEGRATION:
            grid.integration = u.pk
    for crew in crews:
        grid.crews_of.setdefault(crew.station_id, []).append(crew.pk)
    for crew, u in crew_users:
        grid.members_of.setdefault(crew.pk, []).append(u.pk)
    holders = [*grid.agents, *grid.supervisors, *grid.dispatcher_of.values()]
    if grid.integration is not None:
        holders.append(grid.integration)
    tokens = [Token(key=secrets.token_hex(20), user_id=pk) for pk in holders]
    Token.objects.bulk_create(tokens)
    grid.tokens = {t.user_id: t.key for t in tokens}
