"""Plans the demo from the tables in demo/data.py (DESIGN.md §5.1).

One seeded random generator makes the data: the same premises, customers, callers, calls
and outage notices on every run; only the dates follow the clock. Nothing here writes to
the database: the seed_demo command replays the plans, in time order, through the apps'
services.
"""

import csv
import io
import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.utils import timezone

from accounts.models import Role, User
from demo.data import (
    AREA_CODE,
    ARRIVAL_SHARE,
    CALL_MINUTES,
    CALLBACK_NOTES,
    CALLBACK_RESULTS,
    CALLS_WITHOUT_TICKET,
    CASES,
    CLOSE_NOTES,
    COMPLAINT_STEP_MINUTES,
    CONSOLE_AGENT,
    CONTACT_NOTES,
    CREWS,
    DEMO_DAYS,
    GIVEN_NAMES,
    INSTITUTIONS,
    LATE_MINUTES,
    LIFE_SUPPORT_HOMES,
    MOBILE_PREFIXES,
    NATURAL_VILLAGES,
    NOTICE_REASONS,
    OFFICE_HOURS,
    QUIET_CALL_MINUTES,
    RECORDED_SHARE,
    SHOP_WORDS,
    SHOPS,
    STAFF,
    START_NOTES,
    STATIONS,
    STEP_MINUTES,
    SURNAMES,
    TEA_WORDS,
    WITHHELD_SHARE,
    WORK_ORDER_STEP_MINUTES,
    Case,
    Place,
    PremisePlan,
    StationPlan,
)
from grid.importer import REQUIRED_COLUMNS
from grid.models import AreaType
from repairs import deadlines
from repairs.models import OutageNotice
from tickets.models import Channel, Kind

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
class NoticePlan:
    """One outage notice, as a station's dispatcher fills in the form."""

    kind: str
    station_code: str  # whose dispatcher publishes it
    feeder_codes: list[str]
    transformer_codes: list[str]
    published_at: datetime
    starts_at: datetime
    ends_at: datetime
    reason: str

    def form_data(self) -> dict[str, Any]:
        """The fields notice_input_parse reads."""
        return {
            "kind": self.kind,
            "feeder_codes": self.feeder_codes,
            "transformer_codes": self.transformer_codes,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "reason": self.reason,
        }


@dataclass
class OutagePlan:
    """The week's outages: the callers' cluster on one transformer, and the notices."""

    cluster_transformer: str
    notices: list[NoticePlan]

    def notice(self, kind: str) -> NoticePlan:
        return next(n for n in self.notices if n.kind == kind)

    def covers(self, premise: PremisePlan) -> bool:
        """A call from here would be answered by an outage, not sent to a crew."""
        if premise.transformer_code == self.cluster_transformer:
            return True
        return any(
            premise.feeder_code in n.feeder_codes or premise.transformer_code in n.transformer_codes
            for n in self.notices
            if n.kind != OutageNotice.Kind.PLANNED  # next week's: no call falls inside it
        )


def outage_plan(rng: random.Random, grid: GridPlan, now: datetime) -> OutagePlan:
    """A rural transformer for the cluster; a planned notice next week on a feeder; a
    temporary outage on a transformer and a supply restriction on a feeder, both in force now.

    Each on its own feeder, and none where an institution that calls in the demo takes
    its supply, so that every other call is triaged as its answers say.
    """
    rural = [p for p in grid.households() if p.area_type == AreaType.RURAL]
    cluster = rng.choice(rural)
    taken = {p.feeder_code for p in grid.premises if p.tag == "institution"}
    taken.add(cluster.feeder_code)

    factory = rng.choice(
        [p for p in grid.premises if p.tag == "factory" and p.feeder_code not in taken]
    )
    taken.add(factory.feeder_code)
    outaged = rng.choice([p for p in grid.households() if p.feeder_code not in taken])
    taken.add(outaged.feeder_code)
    feeders = sorted(
        {(p.feeder_code, p.station.code) for p in grid.premises if p.feeder_code not in taken}
    )
    planned_feeder, planned_station = rng.choice(feeders)

    local = timezone.localtime(now)
    hour = local.replace(minute=0, second=0, microsecond=0)
    next_week = (hour + timedelta(days=8)).replace(hour=8)
    # Announced yesterday morning, more than 7 days ahead: in time.
    announced = (hour - timedelta(days=1)).replace(hour=10, minute=rng.randint(0, 59))
    # A hot terminal found a couple of hours ago, switched off within the hour: less than
    # 24 hours' notice, so it is flagged late (DESIGN §3.4).
    switched_off = local.replace(second=0, microsecond=0) - timedelta(minutes=rng.randint(80, 110))
    restricted = hour - timedelta(hours=1)
    notices = [
        NoticePlan(
            kind=OutageNotice.Kind.PLANNED,
            station_code=planned_station,
            feeder_codes=[planned_feeder],
            transformer_codes=[],
            published_at=announced,
            starts_at=next_week,
            ends_at=next_week.replace(hour=18),
            reason=NOTICE_REASONS[OutageNotice.Kind.PLANNED],
        ),
        NoticePlan(
            kind=OutageNotice.Kind.TEMPORARY,
            station_code=outaged.station.code,
            feeder_codes=[],
            transformer_codes=[outaged.transformer_code],
            published_at=switched_off - timedelta(minutes=45),
            starts_at=switched_off,
            ends_at=switched_off + timedelta(hours=4),
            reason=NOTICE_REASONS[OutageNotice.Kind.TEMPORARY],
        ),
        NoticePlan(
            kind=OutageNotice.Kind.RESTRICTION,
            station_code=factory.station.code,
            feeder_codes=[factory.feeder_code],
            transformer_codes=[],
            published_at=restricted - timedelta(hours=3),
            starts_at=restricted,
            ends_at=restricted + timedelta(hours=4),
            reason=NOTICE_REASONS[OutageNotice.Kind.RESTRICTION],
        ),
    ]
    return OutagePlan(cluster_transformer=cluster.transformer_code, notices=notices)


@dataclass
class CallPlan:
    """One call at the console: when it starts and ends, and the moment in it that its
    ticket is recorded (a call that records nothing: its outcome and the agent's note)."""

    at: datetime
    starts_at: datetime
    ends_at: datetime
    agent: str = ""  # the username
    withheld: bool = False  # no number shown: the agent identifies the caller
    phone: str = ""  # a call that records nothing: its number (a ticket's plan has the phone)
    outcome: str = ""
    note: str = ""


@dataclass
class TicketPlan:
    case: Case
    premise: PremisePlan | None
    phone: str
    # Created, then one per action: for a repair, case.order_path's then case.path's.
    times: list[datetime]
    # The agent who records it (or, where it came in on the web, takes its steps), and
    # the call it is recorded on; calls_plan fills both in.
    agent: str = ""
    call: CallPlan | None = None


def ticket_plans(
    rng: random.Random, grid: GridPlan, outages: OutagePlan, now: datetime
) -> list[TicketPlan]:
    """Callers and dates for every case, in the order the calls came in."""
    used: set[str] = set()

    def pick(candidates: list[PremisePlan]) -> PremisePlan:
        """A caller who has not called yet this week, where there is one."""
        fresh = [p for p in candidates if p.meter_no not in used] or candidates
        premise = rng.choice(fresh)
        used.add(premise.meter_no)
        return premise

    # Callers are picked where no outage would answer their call: only the cluster's
    # neighbours and the two callers under a notice are.
    households = [p for p in grid.households() if not outages.covers(p)]
    tagged = [p for p in grid.premises if not outages.covers(p)]
    temporary = outages.notice(OutageNotice.Kind.TEMPORARY)
    restriction = outages.notice(OutageNotice.Kind.RESTRICTION)
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
            premise = pick([p for p in tagged if p.tag == case.caller])
        elif case.caller == "temporary":
            code = temporary.transformer_codes[0]
            premise = pick([p for p in grid.households() if p.transformer_code == code])
        elif case.caller == "restriction":
            code = restriction.feeder_codes[0]
            on_feeder = [p for p in grid.premises if p.feeder_code == code]
            premise = pick([p for p in on_feeder if p.tag == "factory"] or on_feeder)
        elif case.caller:
            premise = next(p for p in grid.premises if p.customer_name == case.caller)
        else:
            premise = pick(households)
        phone = premise.phone if premise else grid.mobile()
        if case.kind == Kind.REPAIR:
            notice = {"temporary": temporary, "restriction": restriction}.get(case.caller)
            times = _repair_schedule(rng, case, premise, now, notice)
        elif case.kind == Kind.COMPLAINT:
            times = _complaint_schedule(rng, case, now)
        else:
            times = _schedule(rng, case, now)
        plans.append(TicketPlan(case, premise, phone, times))
    plans += _outage_cluster(rng, grid, outages.cluster_transformer, cluster, now)
    plans.sort(key=lambda plan: plan.times[0])
    return plans


def _schedule(rng: random.Random, case: Case, now: datetime) -> list[datetime]:
    """Creation time and one time per action: in the past week, in order."""
    if case.answered_on_call:
        # Recorded and closed on the call: nothing follows.
        created = _today_call(rng, case, now) if case.today else _past_call(rng, now)
        return [created.replace(microsecond=0)]
    minutes = STEP_MINUTES[case.kind]
    steps = [timedelta(minutes=rng.uniform(*minutes[action])) for action in case.path]
    if case.hours_ago is not None:
        created = now - timedelta(hours=rng.uniform(*case.hours_ago))
        times = _recent(rng, created, steps, now)
    elif not case.path or case.path[-1] in ("start", "reopen"):
        # Still being worked on: the next step is due soon, not days ago.
        next_action = "resolve" if case.path else "start"
        busy = sum(steps, timedelta())
        window = min(
            timedelta(days=DEMO_DAYS) - busy, 2 * timedelta(minutes=minutes[next_action][1])
        )
        created = now - busy - timedelta(minutes=rng.uniform(5, window.total_seconds() / 60))
        times = _recent(rng, created, steps, now)
    else:
        created = _past_call(rng, now)
        times = _follow(rng, created, steps)
        times = _before(times, now)
    return [t.replace(microsecond=0) for t in times]


def _complaint_schedule(rng: random.Random, case: Case, now: datetime) -> list[datetime]:
    """Creation time and one time per step, the steps in office hours: at the case's hours
    before now, else on a past day."""
    steps = [
        timedelta(minutes=rng.uniform(*COMPLAINT_STEP_MINUTES[complaint_action(step)]))
        for step in case.path
    ]
    if case.hours_ago is not None:
        created = now - timedelta(hours=rng.uniform(*case.hours_ago))
        times = _recent(rng, created, steps, now)
    else:
        created = _past_call(rng, now)
        times = _before(_follow(rng, created, steps), now)
        if times[0] < now - timedelta(days=DEMO_DAYS):
            # Too many nights in between to fit the week: the steps ran into the evenings.
            times = _before(_follow(rng, created, steps, office_hours=False), now)
    return [t.replace(microsecond=0) for t in times]


def complaint_action(step: str) -> str:
    """The COMPLAINT_TRANSITIONS action of a complaint case's step: a result is a callback."""
    return "callback" if step in CALLBACK_RESULTS else step


def _past_call(rng: random.Random, now: datetime) -> datetime:
    """A call in the daytime or evening of one of the past days."""
    day = timezone.localtime(now) - timedelta(days=rng.randint(1, DEMO_DAYS - 1))
    return day.replace(hour=rng.randint(7, 21), minute=rng.randint(0, 59), second=0)


def _today_call(rng: random.Random, case: Case, now: datetime) -> datetime:
    """A call earlier today, from 07:00 where the day is that old: the console's list of
    today's calls is not empty, whatever the hour the demo is seeded (but in the first
    minutes of a day, when they come in the two minutes before now).

    Today's cases take turns, each in its own share of the time, so that no two are
    recorded in one second.
    """
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    earliest = min(
        midnight + min(timedelta(hours=7), (now - midnight) / 2), now - timedelta(minutes=2)
    )
    today = [c for c in CASES if c.today]
    share = (today.index(case) + rng.uniform(0.2, 0.8)) / len(today)
    return earliest + (now - earliest) * share


def _before(times: list[datetime], now: datetime) -> list[datetime]:
    """The same history a day earlier, as often as it takes to have happened by now."""
    while times[-1] > now:
        times = [t - timedelta(days=1) for t in times]
    return times


def _repair_schedule(
    rng: random.Random,
    case: Case,
    premise: PremisePlan,
    now: datetime,
    notice: NoticePlan | None,
) -> list[datetime]:
    """The call, its work order's steps, then the ticket's own actions.

    The crew arrives within a share of the allowed minutes, or after arrive_by for a
    late case; arrive_by is what repair_create will set (DESIGN §3.2).
    """
    allowed = _arrival_allowed(case, premise, now)
    if notice is not None:
        # Called while the outage is on: the agent reads the notice out.
        earliest = max(notice.starts_at, now - timedelta(minutes=60))
        created = earliest + (now - timedelta(minutes=10) - earliest) * rng.random()
    elif case.due_in is not None:
        # Still in the station queue: arrive_by is due_in minutes from now.
        created = now + timedelta(minutes=case.due_in) - allowed
    else:
        created = _past_call(rng, now)
    times = [created]
    for action in case.order_path:
        if action == "arrive":
            if case.late:
                minutes = allowed / timedelta(minutes=1) + rng.uniform(*LATE_MINUTES)
            else:
                minutes = allowed / timedelta(minutes=1) * rng.uniform(*ARRIVAL_SHARE)
            at = max(created + timedelta(minutes=minutes), times[-1] + timedelta(minutes=3))
        else:
            at = times[-1] + timedelta(minutes=rng.uniform(*WORK_ORDER_STEP_MINUTES[action]))
        times.append(at)
    for action in case.path:
        if case.answered_on_call:
            at = times[-1] + timedelta(
                minutes=rng.uniform(*STEP_MINUTES[Kind.CONSULTATION][action])
            )
        else:
            at = times[-1] + timedelta(minutes=rng.uniform(*STEP_MINUTES[Kind.REPAIR][action]))
            if action in ("close", "reopen"):
                at = _office_hours(at, rng)  # callbacks wait for the day
        times.append(at)
    if case.due_in is None and notice is None:
        times = _before(times, now)
    return [t.replace(microsecond=0) for t in times]


def _arrival_allowed(case: Case, premise: PremisePlan, now: datetime) -> timedelta:
    """Minutes the crew has to be on site: the hazards make it an emergency (§3.1 rule 1)."""
    emergency = bool(case.answers and case.answers.hazards)
    arrive_by = deadlines.arrive_by(
        now, premise.area_type, important=premise.important, emergency=emergency
    )
    return arrive_by - now


def _recent(
    rng: random.Random, created: datetime, steps: list[timedelta], now: datetime
) -> list[datetime]:
    """The steps from a recent creation, by now."""
    times = _follow(rng, created, steps)
    if times[-1] > now:
        # Office hours would push the last step into the future: it happened late instead.
        times = _follow(rng, created, steps, office_hours=False)
    return times


def _follow(
    rng: random.Random, created: datetime, steps: list[timedelta], *, office_hours: bool = True
) -> list[datetime]:
    """The steps' times from the creation: back-office work and callbacks wait for the day."""
    times = [created]
    for step in steps:
        at = times[-1] + step
        if office_hours:
            at = _office_hours(at, rng)
        times.append(at)
    return times


def _office_hours(at: datetime, rng: random.Random) -> datetime:
    local = timezone.localtime(at)
    if local.hour < OFFICE_HOURS[0]:
        return local.replace(hour=OFFICE_HOURS[0], minute=rng.randint(0, 59))
    if local.hour >= OFFICE_HOURS[1]:
        next_day = local + timedelta(days=1)
        return next_day.replace(hour=OFFICE_HOURS[0], minute=rng.randint(0, 59))
    return local


def _outage_cluster(
    rng: random.Random,
    grid: GridPlan,
    transformer_code: str,
    cases: list[Case],
    now: datetime,
) -> list[TicketPlan]:
    """Neighbours on one rural transformer calling about one outage, one evening this week.

    Three calls within the correlation window make the incident (DESIGN §3.3); the
    dispatcher has assigned the first caller's order before the third call, so that order
    is the one kept for the incident, and its crew's steps are the incident's. A fourth
    neighbour calls later and is told about the incident. Restoring the incident resolves
    all four tickets; the callbacks close them the next morning.
    """
    rural = [p for p in grid.households() if p.transformer_code == transformer_code]
    callers = rng.sample(rural, len(cases))
    evening = timezone.localtime(now).replace(hour=19, minute=40, second=0, microsecond=0)
    first_call = evening - timedelta(days=3)
    calls = [first_call + timedelta(minutes=7 * n + rng.randint(0, 4)) for n in range(3)]
    calls.append(first_call + timedelta(minutes=rng.randint(45, 55)))
    assigned = calls[0] + timedelta(minutes=rng.randint(3, 6))
    accepted = calls[2] + timedelta(minutes=rng.randint(2, 5))
    departed = accepted + timedelta(minutes=rng.randint(3, 6))
    allowed = _arrival_allowed(cases[0], callers[0], now)
    arrived = calls[0] + allowed * rng.uniform(*ARRIVAL_SHARE)
    restored = first_call + timedelta(hours=2, minutes=35)
    walk = {
        "assign": assigned,
        "accept": accepted,
        "depart": departed,
        "arrive": max(arrived, departed + timedelta(minutes=10)),
        "complete": restored,
    }
    plans = []
    for case, premise, created in zip(cases, callers, calls, strict=True):
        times = [created, *(walk[action] for action in case.order_path)]
        times += [restored + timedelta(hours=14, minutes=rng.randint(0, 90)) for _ in case.path]
        plans.append(
            TicketPlan(case, premise, premise.phone, [t.replace(microsecond=0) for t in times])
        )
    return plans


def calls_plan(
    rng: random.Random, grid: GridPlan, plans: list[TicketPlan], now: datetime
) -> list[CallPlan]:
    """The agent and the call of every ticket plan; returns the calls that record nothing.

    A call to the hotline records its ticket part-way through. A complaint passed on by
    the 12398 or 12345 platform is recorded by an agent off the phone; one from the web by
    nobody, though an agent contacts and calls back its customer. Today's cases go to
    CONSOLE_AGENT. An agent takes one call at a time: where two of one agent's calls would
    overlap, the first ends as the second starts, as the console finishes an open call when
    the next one comes in.

    Replay the plans and the returned calls in the order of their `at` (stably, the plans
    first): two calls that meet at one second then end and start in the right order.
    """
    agents = [staff.username for staff in STAFF if staff.role == Role.AGENT]
    work: list[tuple[CallPlan, TicketPlan | None]] = []
    for plan in plans:
        case = plan.case
        if case.channel == Channel.HOTLINE:
            plan.call = _call(rng, plan.times[0], CALL_MINUTES[case.kind], now, today=case.today)
            plan.call.withheld = plan.premise is not None and rng.random() < WITHHELD_SHARE
            work.append((plan.call, plan))
        elif case.channel in (Channel.REGULATOR_12398, Channel.GOVERNMENT_12345):
            # Recorded off the phone, though never in the middle of the agent's own call.
            at = plan.times[0]
            work.append((CallPlan(at=at, starts_at=at, ends_at=at), plan))
        else:
            plan.agent = rng.choice(agents)
    quiet = []
    for outcome, note in CALLS_WITHOUT_TICKET:
        call = _call(rng, _past_call(rng, now), QUIET_CALL_MINUTES, now, today=False)
        call.phone, call.outcome, call.note = grid.mobile(), outcome, note
        quiet.append(call)
        work.append((call, None))
    last: dict[str, CallPlan] = {}
    for call, plan in sorted(work, key=lambda item: item[0].at):
        free = [
            agent for agent in agents if agent not in last or last[agent].ends_at < call.starts_at
        ]
        if plan is not None and plan.case.today:
            agent = CONSOLE_AGENT
        elif free:
            agent = rng.choice(free)
        else:
            # Every agent is on a call: the one whose caller was served first ends theirs.
            agent = min(agents, key=lambda name: last[name].at)
        previous = last.get(agent)
        if previous is not None and previous.ends_at >= call.starts_at:
            # This call starts a second after the last one's ticket at the earliest, so the
            # console never counts one ticket on two calls.
            call.starts_at = min(max(call.starts_at, previous.at + timedelta(seconds=1)), call.at)
            previous.ends_at = max(previous.at, min(previous.ends_at, call.starts_at))
        call.agent = agent
        last[agent] = call
        if plan is not None:
            plan.agent = agent
    return quiet


def _call(
    rng: random.Random, at: datetime, minutes: tuple[int, int], now: datetime, *, today: bool
) -> CallPlan:
    """A call around the moment its ticket is recorded; one of today's starts after midnight."""
    length = timedelta(minutes=rng.uniform(*minutes))
    starts_at = at - length * rng.uniform(*RECORDED_SHARE)
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if today and at >= midnight:
        starts_at = max(starts_at, midnight)
    ends_at = max(at, min(starts_at + length, now))
    return CallPlan(
        at=at,
        starts_at=starts_at.replace(microsecond=0),
        ends_at=ends_at.replace(microsecond=0),
    )


class CrewCast(NamedTuple):
    """A crew of the demo and the member who takes its steps."""

    user: User
    code: str
    name: str


@dataclass
class Cast:
    """Who does what to the demo's tickets and work orders."""

    agents: dict[str, User]  # by username
    supervisor: User
    handler: User  # the back office of service requests and opinions
    handlers: dict[str, User]  # by department code: who rectifies and replies to complaints
    dispatchers: dict[str, User]  # by station code
    crews: dict[str, list[CrewCast]]  # by station code

    @classmethod
    def from_staff(cls, staff: dict[str, User]) -> "Cast":
        crew_names = {code: name for code, _station, name in CREWS}
        cast = cls(
            agents={},
            supervisor=staff["supervisor1"],
            handler=staff["handler1"],
            handlers={},
            dispatchers={},
            crews={},
        )
        for plan in STAFF:
            if plan.role == Role.AGENT:
                cast.agents[plan.username] = staff[plan.username]
            elif plan.role == Role.HANDLER:
                cast.handlers[plan.department] = staff[plan.username]
            elif plan.role == Role.DISPATCHER:
                cast.dispatchers[plan.station] = staff[plan.username]
            elif plan.role == Role.CREW:
                member = CrewCast(staff[plan.username], plan.crew, crew_names[plan.crew])
                cast.crews.setdefault(plan.station, []).append(member)
        return cast

    def step(self, case: Case, action: str, *, agent: User, rng: random.Random) -> tuple[User, str]:
        """Who takes one action on a repair's, a service request's or an opinion's ticket,
        and the note on the timeline."""
        if action == "close":
            if case.answered_on_call:
                return agent, "通话中已答复，客户无异议"
            return agent, rng.choice(CLOSE_NOTES)
        if action in ("cancel", "reopen"):
            return agent, case.followup
        if action == "start":
            if case.kind == Kind.SERVICE_REQUEST:
                return self.handler, START_NOTES[case.kind]
            return self.supervisor, START_NOTES[case.kind]
        return self.handler, case.resolution

    def complaint_step(
        self, case: Case, step: str, *, agent: User, rng: random.Random
    ) -> tuple[User, str]:
        """Who takes one step of a complaint case (DESIGN §5.2), and the note of a contact or
        a callback: the agent talks to the customer, the supervisor judges, the responsible
        department's handler rectifies and replies."""
        action = complaint_action(step)
        if action == "contact":
            return agent, rng.choice(CONTACT_NOTES)
        if action == "callback":
            return agent, CALLBACK_NOTES.get(step, case.followup)
        if action == "judge":
            return self.supervisor, ""
        return self.handlers[case.complaint.department], ""

    def order_step(
        self, case: Case, action: str, *, station_code: str, crew: CrewCast
    ) -> tuple[User, dict[str, str]]:
        """Who takes one step of a repair's work order, and its inputs for work_order_act."""
        dispatcher = self.dispatchers[station_code]
        if action == "assign":
            return dispatcher, {"crew": crew.code}
        if action == "cancel":
            return dispatcher, {"reason": case.followup}
        if action == "complete":
            return crew.user, {"cause": case.cause, "actions": case.resolution}
        return crew.user, {}
