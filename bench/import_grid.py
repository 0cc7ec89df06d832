"""Benchmark import_grid: a realistic CSV of N premises, imported into an empty database, then
imported again (which must change nothing).

    createdb -h 127.0.0.1 -U postgres gridline_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridline_bench DJANGO_SECRET_KEY=bench \\
        .venv/bin/python -m bench.import_grid --rows 200000

It migrates and then FLUSHES the whole database, so it refuses to run unless the database
name contains "bench".
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

COLUMNS = [
    "station_code",
    "station_name",
    "feeder_code",
    "transformer_code",
    "area_type",
    "account_no",
    "customer_name",
    "phone",
    "address",
    "meter_no",
    "important",
]
STATIONS = 50
FEEDERS_PER_STATION = 10
PREMISES_PER_TRANSFORMER = 50
SECOND_PREMISE_SHARE = 0.08  # customers with a second premise (a shop, a farm building)
IMPORTANT_SHARE = 0.005

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅文辉建国志红春燕海波"
_TOWNS = ["城关", "石桥", "东湖", "西山", "南岭", "北塘", "青龙", "白沙", "柳江", "新安"]
_ROADS = ["人民", "解放", "建设", "中山", "和平", "新华", "胜利", "光明", "文化", "朝阳"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="premises in the file")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--keep", type=Path, help="also copy the generated CSV here")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from grid.models import Customer, CustomerPhone, Feeder, Premise, Station, Transformer

    name = str(settings.DATABASES["default"]["NAME"])
    if "bench" not in name:
        say(f"Refusing to flush database {name!r}: point DATABASE_URL at a *bench* database.")
        return 2
    say(f"Database: {connection.vendor} {name}")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    with tempfile.TemporaryDirectory(prefix="gridline-bench-") as tmp:
        path = Path(tmp) / "grid.csv"
        started = time.perf_counter()
        write_csv(path, args.rows, random.Random(args.seed))
        size = path.stat().st_size / 1_000_000
        say(f"Generated {args.rows:,} rows ({size:.1f} MB) in {time.perf_counter() - started:.1f}s")
        if args.keep:
            args.keep.write_bytes(path.read_bytes())

        first, _ = timed_import(call_command, path, "first import")
        counts = {m.__name__: m.objects.count() for m in (Station, Feeder, Transformer)}
        counts |= {m.__name__: m.objects.count() for m in (Customer, CustomerPhone, Premise)}
        say("Stored: " + ", ".join(f"{n} {c:,}" for n, c in counts.items()))
        second, second_out = timed_import(call_command, path, "re-import")

    say("")
    say(f"rows:         {args.rows:,}")
    say(f"first import: {first:7.1f}s  ({args.rows / first:,.0f} rows/s)")
    say(f"re-import:    {second:7.1f}s  ({args.rows / second:,.0f} rows/s)")
    if counts["Premise"] != args.rows:
        say(f"FAIL: expected {args.rows:,} premises, found {counts['Premise']:,}")
        return 1
    if "Nothing changed" not in second_out:
        say("FAIL: the re-import changed something:\n" + second_out)
        return 1
    return 0


def say(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


class _Progress(io.TextIOBase):
    """The command's progress lines (its stderr), each with the seconds since the start."""

    def __init__(self, started: float) -> None:
        self.started = started

    def write(self, text: str) -> int:
        for line in text.splitlines():
            say(f"  {time.perf_counter() - self.started:6.1f}s  {line}")
        return len(text)


def timed_import(call_command, path: Path, label: str) -> tuple[float, str]:
    say(f"{label}:")
    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_grid", str(path), stdout=out, stderr=_Progress(started))
    elapsed = time.perf_counter() - started
    for line in out.getvalue().splitlines():
        say(f"          {line}")
    say(f"  {elapsed:6.1f}s  done")
    return elapsed, out.getvalue()


def write_csv(path: Path, rows: int, rng: random.Random) -> None:
    """One row per premise, grouped by station, feeder and transformer as a GIS export is."""
    transformers = max(rows // PREMISES_PER_TRANSFORMER, STATIONS * FEEDERS_PER_STATION)
    per_feeder = transformers / (STATIONS * FEEDERS_PER_STATION)
    customers: list[tuple[str, str, str]] = []  # (account_no, name, phone) seen so far
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for n in range(rows):
            transformer = n * transformers // rows
            feeder = int(transformer / per_feeder)
            station = feeder // FEEDERS_PER_STATION
            area = _area_type(station, rng)
            if customers and rng.random() < SECOND_PREMISE_SHARE:
                account_no, name, phone = rng.choice(customers)
                if rng.random() < 0.5:
                    phone = _phone(rng)  # a second number for the second premise
            else:
                account_no, name, phone = f"07{n:010d}", _name(rng), _phone(rng)
                customers.append((account_no, name, phone))
            writer.writerow(
                [
                    f"ST{station:03d}",
                    f"{_TOWNS[station % len(_TOWNS)]}供电所{station // len(_TOWNS) + 1}",
                    f"F{station:03d}{feeder % FEEDERS_PER_STATION:02d}",
                    f"T{transformer:06d}",
                    area,
                    account_no,
                    name,
                    phone,
                    _address(area, station, rng),
                    f"33{station:03d}{n:09d}",
                    "true" if rng.random() < IMPORTANT_SHARE else "false",
                ]
            )


def _area_type(station: int, rng: random.Random) -> str:
    if station < 10:
        return "urban"
    if station < 40:
        return "rural" if rng.random() < 0.9 else "urban"
    return "remote" if rng.random() < 0.7 else "rural"


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(_SURNAMES) + given


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"0763-{rng.randint(2000000, 8999999)}"
    # 13x and 18x only: every number there is a valid mobile (grid.phones rejects 154, 174…).
    mobile = f"1{rng.choice('38')}{rng.randint(0, 999999999):09d}"
    style = rng.random()
    if style < 0.6:
        return mobile
    if style < 0.8:
        return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    if style < 0.9:
        return f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"
    return f"+86 {mobile}"


def _address(area: str, station: int, rng: random.Random) -> str:
    town = _TOWNS[station % len(_TOWNS)]
    if area == "urban":
        road = rng.choice(_ROADS)
        return (
            f"{town}{road}路{rng.randint(1, 400)}号"
            f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(101, 2804)}室"
        )
    return f"{town}镇{rng.choice(_ROADS)}村{rng.randint(1, 30)}组{rng.randint(1, 120)}号"


if __name__ == "__main__":
    sys.exit(main())
