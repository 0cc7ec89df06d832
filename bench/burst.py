"""The burst (issue #10): many clients record repairs as fast as they can for a while.

Closed loop: each client sends its next repair as soon as the last one answered. Afterwards
every 201 must be a ticket in the database, no number may be handed out twice, and no
request may fail with a server error.
"""

import http.client
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass

from bench.grid_data import Grid
from bench.scenarios import repair_body, token


@dataclass
class BurstResult:
    clients: int
    seconds: float
    sent: int
    statuses: Counter
    numbers: int
    distinct_numbers: int
    tickets_found: int

    @property
    def created(self) -> int:
        return self.statuses.get(201, 0)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)

    @property
    def lost(self) -> int:
        """201s whose ticket is not in the database, or numbers given twice."""
        return (self.created - self.tickets_found) + (self.numbers - self.distinct_numbers)


def run_burst(
    port: int, grid: Grid, *, clients: int, seconds: float, rng: random.Random
) -> BurstResult:
    from tickets.models import Ticket

    lock = threading.Lock()
    statuses: Counter = Counter()
    numbers: list[str] = []
    sent = 0
    stop = time.perf_counter() + seconds
    premises = grid.premises

    def client(seed: int) -> None:
        nonlocal sent
        local = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        agent = grid.tokens[local.choice(grid.agents)]
        headers = token(agent) | {"Content-Type": "application/json"}
        while time.perf_counter() < stop:
            premise = local.choice(premises)
            phone = grid.phone_of.get(premise.customer_id, "")
            body = repair_body(premise.meter_no, phone, local)
            try:
                conn.request("POST", "/api/v1/repairs/", body=body.encode(), headers=headers)
                response = conn.getresponse()
                status, payload = response.status, response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, payload = 0, b""
            with lock:
                sent += 1
                statuses[status] += 1
                if status == 201:
                    numbers.append(json.loads(payload)["number"])
        conn.close()

    threads = [
        threading.Thread(target=client, args=(rng.random(),), daemon=True) for _ in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = Ticket.objects.filter(number__in=numbers).count()
    return BurstResult(
        clients=clients,
        seconds=time.perf_counter() - started,
        sent=sent,
        statuses=statuses,
        numbers=len(numbers),
        distinct_numbers=len(set(numbers)),
        tickets_found=found,
    )
