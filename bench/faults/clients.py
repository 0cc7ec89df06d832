"""The burst of the faults run: repair clients that retry with the same key, and a supervisor
setting incident ETRs so that the outbox has SMS to send."""

import argparse
import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench.grid_data import Grid
from bench.scenarios import repair_body, token

SAMPLES = 5  # answers kept per status, for the report


@dataclass
class Key:
    """One repair as a client records it: one Idempotency-Key, one or more attempts."""

    key: str
    answers: list[int] = field(default_factory=list)  # 0 for a dropped connection
    number: str = ""

    @property
    def final(self) -> int:
        return self.answers[-1]


class Burst:
    """--clients repair clients and one supervisor, for --seconds from creation; each thread
    adds what it was answered under the lock."""

    def __init__(self, args: argparse.Namespace, port: int, grid: Grid) -> None:
        self.args, self.port, self.grid = args, port, grid
        self.keys: list[Key] = []
        self.etr_answers: Counter = Counter()
        self.samples: dict[int, list[str]] = {}  # the first few answers of each non-2xx status
        self.lock = threading.Lock()
        self.started = time.perf_counter()
        self.stop = self.started + args.seconds
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        rng = random.Random(self.args.seed)
        self.threads = [
            threading.Thread(target=self._client, args=(rng.random(),))
            for _ in range(self.args.clients)
        ]
        self.threads.append(threading.Thread(target=self._supervisor))
        for thread in self.threads:
            thread.daemon = True
            thread.start()

    def join(self) -> float:
        """Wait for every thread (bounded); returns the seconds since the burst started."""
        for thread in self.threads:
            thread.join(timeout=self.args.seconds + self.args.retry_seconds + 60)
        return time.perf_counter() - self.started

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def _post(self, conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict):
        """(status, payload, connection to use next); status 0 for a dropped connection."""
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            status, payload = response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn = self._connect()
            status, payload = 0, repr(exc).encode()
        if not 200 <= status < 300:
            with self.lock:
                kept = self.samples.setdefault(status, [])
                if len(kept) < SAMPLES:
                    at = time.perf_counter() - self.started
                    kept.append(f"{at:.1f}s {path}: {payload[:300].decode(errors='replace')}")
        return status, payload, conn

    def _send(self, conn, path: str, body: bytes, headers: dict, answers: list[int]):
        """POST until a 2xx or a 4xx, or the retry budget is spent; the same body each time."""
        give_up = time.perf_counter() + self.args.retry_seconds
        while True:
            status, payload, conn = self._post(conn, path, body, headers)
            answers.append(status)
            if 200 <= status < 500 or time.perf_counter() > give_up:
                return status, payload, conn
            time.sleep(0.25)

    def _client(self, seed: float) -> None:
        local = random.Random(seed)
        conn = self._connect()
        grid = self.grid
        agent = grid.tokens[local.choice(grid.agents)]
        while time.perf_counter() < self.stop:
            premise = local.choice(grid.premises[: self.args.district])
            phone = grid.phone_of.get(premise.customer_id, "")
            body = repair_body(premise.meter_no, phone, local).encode()
            record = Key(uuid.uuid4().hex)
            headers = token(agent) | {
                "Content-Type": "application/json",
                "Idempotency-Key": record.key,
            }
            status, payload, conn = self._send(
                conn, "/api/v1/repairs/", body, headers, record.answers
            )
            if status == 201:
                record.number = json.loads(payload)["number"]
            with self.lock:
                self.keys.append(record)
        conn.close()

    def _supervisor(self) -> None:
        """A new ETR on an active incident every --etr-every seconds: an SMS to each caller.
        Each ETR is a minute of its own, so each message's text is too."""
        conn = self._connect()
        grid = self.grid
        headers = token(grid.tokens[grid.supervisors[0]]) | {"Content-Type": "application/json"}
        base = datetime.now().astimezone().replace(second=0, microsecond=0) + timedelta(hours=2)
        minute = 0
        while time.perf_counter() < self.stop:
            time.sleep(self.args.etr_every)
            try:
                conn.request("GET", "/api/v1/incidents/?active=true", headers=headers)
                response = conn.getresponse()
                listed = json.loads(response.read()) if response.status == 200 else {}
            except (OSError, http.client.HTTPException, ValueError):
                conn.close()
                conn = self._connect()
                continue
            incidents = [i["id"] for i in listed.get("results", [])]
            if not incidents:
                continue
            minute += 1
            etr = (base + timedelta(minutes=minute)).isoformat()
            path = f"/api/v1/incidents/{random.choice(incidents)}/etr/"
            answers: list[int] = []
            body = json.dumps({"etr": etr}).encode()
            _s, _p, conn = self._send(conn, path, body, headers, answers)
            with self.lock:
                self.etr_answers.update(answers)
        conn.close()
