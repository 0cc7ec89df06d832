"""Plans the demo from the tables in dashboards/demo_data.py (DESIGN.md §5.1).

One seeded random generator makes the data: the same premises, customers and callers on
every run; only the tickets' dates follow the clock. Nothing here writes to the database:
the seed_demo command passes the plans to the apps' services.
"""

import csv
import io
import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Role, User
from dashboards.demo_data import (
    ANSWERED,
    AREA_CODE,
    CASES,
    CLOSE_NOTES,
    CLUSTER_RESOLUTION,
    CREWS,
    DEMO_DAYS,
    GIVEN_NAMES,
    INSTITUTIONS,
    LIFE_SUPPORT_HOMES,
    MOBILE_PREFIXES,
    NATURAL_VILLAGES,
    OFFICE_HOURS,
    SHOP_WORDS,
    SHOPS,
    STAFF,
    START_NOTES,
    STATIONS,
    STEP_MINUTES,
    SURNAMES,
    TEA_WORDS,
    Case,
    Place,
    PremisePlan,
    StationPlan,
)
from grid.importer import REQUIRED_COLUMNS
from grid.models import AreaType
from tickets.models import Kind

SEED = 2026


class GridPlan:
    """Builds the demo's premises and customers, row by row, from the seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.premises: list[PremisePlan] = []
        self._phones: set[str] = set()
        self._addresses: set[str] = set()
        towns = {station.code: station.town for station in STATIONS}
        for code, _name, _area, addresses in INSTITUTIONS:
            for address in addresses:
                # A household never gets an institution's street number.
                self._addresses.add(towns[code] + address.partition("号")[0] + "号")
        self._accounts = itertools.count(100001)
        self._meters = itertools.count(1)

    def build(self) -> list[PremisePlan]:
        for station in STATIONS:
            transformers = self._network(station)
            households: list[PremisePlan] = []
            for feeder_code, transformer_code, place in transformers:
                low, high = station.premises_per_transformer
                for _ in range(self.rng.randint(low, high)):
                    premise = self._premise(
                        station, feeder_code, transformer_code, place, households
                    )
                    if premise.tag == "":
                        households.append(premise)
            self._institutions(station, transformers)
        for premise in self.rng.sample(self.households(), LIFE_SUPPORT_HOMES):
            premise.important = True
            premise.tag = "life_support"
        return self.premises

    def households(self) -> list[PremisePlan]:
        return [p for p in self.premises if p.tag == ""]

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def _network(self, station: StationPlan) -> list[tuple[str, str, Place]]:
        """Feeders of the station and their transformers, each serving one place."""
        rng = self.rng
        urban_places = [Place(AreaType.URBAN, road=road) for road in station.roads]
        urban_places += [Place(AreaType.URBAN, estate=estate) for estate in station.estates]
        villages = list(itertools.product(station.villages, NATURAL_VILLAGES))
        rng.shuffle(urban_places)
        rng.shuffle(villages)
        areas = list(station.area_weights)
        weights = list(station.area_weights.values())
        transformers = []
        for feeder_no in range(1, rng.randint(3, 5) + 1):
            feeder_code = f"{station.code}-F{feeder_no:02d}"
            for transformer_no in range(1, rng.randint(4, 8) + 1):
                area_type = rng.choices(areas, weights)[0]
                if area_type == AreaType.URBAN:
                    # A town has fewer streets than transformers: long roads get several.
                    if urban_places:
                        place = urban_places.pop()
                    else:
                        place = Place(AreaType.URBAN, road=rng.choice(station.roads))
                else:
                    committee, village = villages.pop()
                    place = Place(area_type, village=f"{committee}村委会{village}村")
                transformers.append((feeder_code, f"{feeder_code}-T{transformer_no:02d}", place))
        return transformers

    def _premise(
        self,
        station: StationPlan,
        feeder_code: str,
        transformer_code: str,
        place: Place,
        households: list[PremisePlan],
    ) -> PremisePlan:
        rng = self.rng
        where = {
            "station": station,
            "feeder_code": feeder_code,
            "transformer_code": transformer_code,
            "area_type": place.area_type,
            "address": self._address(station, place),
        }
        if households and rng.random() < 0.04:
            # Some owners have a second house or a shop on the station's patch:
            # one account, one or two phones.
            owner = rng.choice(households)
            phone = owner.phone if rng.random() < 0.6 else self.mobile()
            return self._add(
                **where, account_no=owner.account_no, customer_name=owner.customer_name, phone=phone
            )
        tag = ""
        if place.road and rng.random() < 0.08:
            tag = "business"
            name = f"{station.short}{rng.choice(SHOP_WORDS)}{rng.choice(SHOPS)}"
        elif place.village and rng.random() < 0.02:
            tag = "factory"
            name = f"{station.short}{rng.choice(TEA_WORDS)}茶叶加工厂"
        else:
            name = rng.choices(list(SURNAMES), list(SURNAMES.values()))[0]
            name += rng.choice(GIVEN_NAMES)
        return self._add(
            **where, account_no=self._account_no(), customer_name=name, phone=self.mobile(), tag=tag
        )

    def _institutions(
        self, station: StationPlan, transformers: list[tuple[str, str, Place]]
    ) -> None:
        for station_code, name, area_type, addresses in INSTITUTIONS:
            if station_code != station.code:
                continue
            suitable = [t for t in transformers if t[2].area_type == area_type] or transformers
            account_no = self._account_no()
            phone = f"{AREA_CODE}{self.rng.randint(2100000, 2899999)}"
            for address in addresses:
                feeder_code, transformer_code, place = self.rng.choice(suitable)
                self._add(
                    station=station,
                    feeder_code=feeder_code,
                    transformer_code=transformer_code,
                    area_type=place.area_type,
                    address=station.town + address,
                    account_no=account_no,
                    customer_name=name,
                    phone=phone,
                    important=True,
                    tag="institution",
                )

    def _address(self, station: StationPlan, place: Place) -> str:
        rng = self.rng
        while True:
            if place.estate:
                building, floor, flat = rng.randint(1, 12), rng.randint(2, 18), rng.randint(1, 6)
                address = f"{station.town}{place.estate}{building}栋{floor}{flat:02d}房"
            elif place.road:
                address = f"{station.town}{place.road}{rng.randint(1, 320)}号"
            else:
                address = f"{station.town}{place.village}{rng.randint(1, 150)}号"
            if address not in self._addresses:
                self._addresses.add(address)
                return address

    def _account_no(self) -> str:
        return f"0318{next(self._accounts):06d}"

    def _add(self, **fields) -> PremisePlan:
        premise = PremisePlan(**fields, meter_no=f"44180{next(self._meters):07d}")
        self.premises.append(premise)
        return premise


def csv_lines(premises: list[PremisePlan]) -> list[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # The importer's own columns, plus `important`: one row per premise.
    writer.writerow([*REQUIRED_COLUMNS, "important"])
    writer.writerows(p.csv_row() for p in premises)
    return buffer.getvalue().splitlines()


@dataclass
class TicketPlan:
    case: Case
    premise: PremisePlan | None
    phone: str
    times: list[datetime]  # created, then one per action of case.path


def ticket_plans(rng: random.Random, grid: GridPlan, now: datetime) -> list[TicketPlan]:
    """Callers and dates for every case, in the order the calls came in."""
    used: set[str] = set()

    def pick(candidates: list[PremisePlan]) -> PremisePlan:
        """A caller who has not called yet this week, where there is one."""
        fresh = [p for p in candidates if p.meter_no not in used] or candidates
        premise = rng.choice(fresh)
        used.add(premise.meter_no)
        return premise

    households = grid.households()
    plans = []
    cluster = [c for c in CASES if c.caller == "cluster"]
    for case in CASES:
        if case.caller == "cluster":
            continue
        if case.caller == "none":
            premise = None
        elif case.caller in {s.code for s in STATIONS}:
            premise = pick([p for p in households if p.station.code == case.caller])
        elif case.caller in AreaType.values:
            premise = pick([p for p in households if p.area_type == case.caller])
        elif case.caller in ("life_support", "business", "factory"):
            premise = pick([p for p in grid.premises if p.tag == case.caller])
        elif case.caller:
            premise = next(p for p in grid.premises if p.customer_name == case.caller)
        else:
            premise = pick(households)
        phone = premise.phone if premise else grid.mobile()
        plans.append(TicketPlan(case, premise, phone, _schedule(rng, case, now)))
    plans += _outage_cluster(rng, grid, cluster, now)
    plans.sort(key=lambda plan: plan.times[0])
    return plans


def _schedule(rng: random.Random, case: Case, now: datetime) -> list[datetime]:
    """Creation time and one time per action: in the past week, in order."""
    # Answered on the call: the resolve and close follow within minutes, whatever the kind.
    minutes = STEP_MINUTES[Kind.CONSULTATION] if case.path == ANSWERED else STEP_MINUTES[case.kind]
    steps = [timedelta(minutes=rng.uniform(*minutes[action])) for action in case.path]
    if not case.path or case.path[-1] in ("start", "reopen"):
        # Still being worked on: the next step is due soon, not days ago.
        next_action = "resolve" if case.path else "start"
        busy = sum(steps, timedelta())
        window = min(
            timedelta(days=DEMO_DAYS) - busy, 2 * timedelta(minutes=minutes[next_action][1])
        )
        created = now - busy - timedelta(minutes=rng.uniform(5, window.total_seconds() / 60))
        times = _follow(rng, case, created, steps)
        if times[-1] > now:
            # Office hours would push the last step into the future: it happened late instead.
            times = _follow(rng, case, created, steps, office_hours=False)
    else:
        # Done: the call came in the daytime or evening on one of the past days.
        day = timezone.localtime(now) - timedelta(days=rng.randint(1, DEMO_DAYS - 1))
        created = day.replace(hour=rng.randint(7, 21), minute=rng.randint(0, 59), second=0)
        times = _follow(rng, case, created, steps)
        while times[-1] > now:
            times = [t - timedelta(days=1) for t in times]
    return [t.replace(microsecond=0) for t in times]


def _follow(
    rng: random.Random,
    case: Case,
    created: datetime,
    steps: list[timedelta],
    *,
    office_hours: bool = True,
) -> list[datetime]:
    times = [created]
    for action, step in zip(case.path, steps, strict=True):
        at = times[-1] + step
        if office_hours and _in_office_hours(case, action):
            at = _office_hours(at, rng)
        times.append(at)
    return times


def _in_office_hours(case: Case, action: str) -> bool:
    """Back-office work and callbacks wait for the day; repairs and answers on the call do not."""
    if case.path == ANSWERED:
        return False
    return case.kind not in (Kind.REPAIR, Kind.CONSULTATION) or action in ("close", "reopen")


def _office_hours(at: datetime, rng: random.Random) -> datetime:
    local = timezone.localtime(at)
    if local.hour < OFFICE_HOURS[0]:
        return local.replace(hour=OFFICE_HOURS[0], minute=rng.randint(0, 59))
    if local.hour >= OFFICE_HOURS[1]:
        next_day = local + timedelta(days=1)
        return next_day.replace(hour=OFFICE_HOURS[0], minute=rng.randint(0, 59))
    return local


def _outage_cluster(
    rng: random.Random, grid: GridPlan, cases: list[Case], now: datetime
) -> list[TicketPlan]:
    """Neighbours on one rural transformer calling about one outage, one evening this week."""
    rural = [p for p in grid.households() if p.area_type == AreaType.RURAL]
    transformer_code = rng.choice(rural).transformer_code
    callers = rng.sample([p for p in rural if p.transformer_code == transformer_code], len(cases))
    evening = timezone.localtime(now).replace(hour=19, minute=40, second=0, microsecond=0)
    first_call = evening - timedelta(days=3)
    restored = first_call + timedelta(hours=2, minutes=35)
    plans = []
    for offset, (case, premise) in enumerate(zip(cases, callers, strict=True)):
        created = first_call + timedelta(minutes=7 * offset + rng.randint(0, 4))
        started = created + timedelta(minutes=rng.randint(3, 8))
        closed = restored + timedelta(hours=14, minutes=rng.randint(0, 90))
        plans.append(TicketPlan(case, premise, premise.phone, [created, started, restored, closed]))
    return plans


@dataclass
class Cast:
    """Who does what to the demo's tickets."""

    agents: list[User]
    supervisor: User
    handler: User
    dispatchers: dict[str, User]  # by station code
    crews: dict[str, list[tuple[User, str]]]  # by station code: (crew user, crew name)

    @classmethod
    def from_staff(cls, staff: dict[str, User]) -> "Cast":
        crew_names = {code: name for code, _station, name in CREWS}
        cast = cls(
            agents=[staff["agent1"], staff["agent2"]],
            supervisor=staff["supervisor1"],
            handler=staff["handler1"],
            dispatchers={},
            crews={},
        )
        for plan in STAFF:
            if plan.role == Role.DISPATCHER:
                cast.dispatchers[plan.station] = staff[plan.username]
            elif plan.role == Role.CREW:
                member = (staff[plan.username], crew_names[plan.crew])
                cast.crews.setdefault(plan.station, []).append(member)
        return cast

    def step(
        self,
        case: Case,
        action: str,
        *,
        agent: User,
        crew: tuple[User, str] | None,
        rng: random.Random,
    ) -> tuple[User, str]:
        """Who takes one action on the case's ticket, and the note on the timeline."""
        if action == "close":
            if case.path == ANSWERED:
                return agent, "通话中已答复，客户无异议"
            return agent, rng.choice(CLOSE_NOTES)
        if action in ("cancel", "reopen"):
            return agent, case.followup
        if case.kind == Kind.CONSULTATION:
            return agent, case.followup if action == "start" else case.resolution
        if case.kind == Kind.REPAIR and case.path == ANSWERED:
            return agent, case.resolution
        if case.kind == Kind.REPAIR:
            crew_user, crew_name = crew
            if action == "start":
                return self.dispatchers[crew_user.station.code], f"派{crew_name}处理"
            return crew_user, case.resolution or CLUSTER_RESOLUTION
        if case.kind == Kind.PRAISE:
            return self.supervisor, START_NOTES[
                Kind.PRAISE
            ] if action == "start" else case.resolution
        if action == "start":
            if case.kind == Kind.SERVICE_REQUEST:
                return self.handler, START_NOTES[case.kind]
            return self.supervisor, START_NOTES[case.kind]
        return self.handler, case.resolution
