"""Plans the demo's premises and customers from the tables in demo/data/grid.py.

One seeded random generator makes them: the same premises, customers and phones on every
run. Nothing here writes to the database: grid_import loads the rows (demo/seed.py).
"""

import csv
import io
import itertools
import random

from demo.data.grid import (
    AREA_CODE,
    GIVEN_NAMES,
    INSTITUTIONS,
    LIFE_SUPPORT_HOMES,
    MOBILE_PREFIXES,
    NATURAL_VILLAGES,
    SHOP_WORDS,
    SHOPS,
    STATIONS,
    SURNAMES,
    TEA_WORDS,
    Place,
    PremisePlan,
    StationPlan,
)
from grid.importer import REQUIRED_COLUMNS
from grid.models import AreaType


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
