"""What the benchmark measures: one entry per scenario.

A scenario is a list of requests (method, path, headers, body) drawn from the generated data;
the load tool picks among them at random, so every request hits a different ticket, meter,
phone, station or user. Adding a page is one entry in SCENARIOS. A scenario whose URL does
not resolve yet (an app still being built) is reported as not measured.
"""

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

VARIANTS = 400  # distinct requests per scenario


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass
class Fixtures:
    """Who calls and what they ask for, taken from the generated data (see bench.run)."""

    agent_tokens: list[str]
    dispatcher_tokens: list[str]
    agent_cookies: list[str]
    dispatcher_cookies: list[str]
    supervisor_cookies: list[str]
    ticket_numbers: list[str]
    meters: list[str]  # premises away from the storm's feeders
    phones: list[str]
    integration_tokens: list[str] = field(default_factory=list)  # the IVR


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    build: Callable[[Fixtures, random.Random], list[Request]]
    target_ratio: float | None = None
    # Count queries in-process at both data sizes; they must not grow with the data.
    constant_queries: bool = False
    max_sql_ms: float | None = None  # every SQL statement of one request at most this long
    note: str = ""


def token(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


def cookie(session: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={session}"}


def repair_body(meter: str, phone: str, rng: random.Random, *, storm: bool = False) -> str:
    """A repair call as agents record them: mostly neighbours out, some single houses."""
    roll = rng.random()
    answers: dict[str, object] = {
        "scope": "neighbours",
        "breaker": "not_tripped",
        "fault_side": "unknown",
    }
    if storm:
        if roll < 0.01:
            answers |= {"scope": "self_only", "hazards": ["wire_down"]}
        elif roll < 0.11:
            answers |= {"scope": "self_only"}
        elif roll < 0.15:
            answers |= {"scope": "unknown", "breaker": "unknown"}
        elif roll < 0.55:
            answers |= {"scope": "area"}
    elif roll < 0.25:
        answers |= {"scope": "self_only", "breaker": "tripped_reset_ok"}
    elif roll < 0.40:
        answers |= {"scope": "self_only", "breaker": "tripped_no_reset", "fault_side": "customer"}
    elif roll < 0.70:
        answers |= {"scope": "self_only", "fault_side": "utility"}
    elif roll < 0.72:
        answers |= {"hazards": ["wire_down"]}
    body: dict[str, object] = {
        "meter_no": meter,
        "caller_phone": phone,
        "description": "整片停电" if storm else "家里停电了",
        "high_power_load": False,
        "equipment_in_use": "",
        "hazards": [],
        **answers,
    }
    return json.dumps(body, ensure_ascii=False)


def _repairs(f: Fixtures, rng: random.Random) -> list[Request]:
    headers = {"Content-Type": "application/json"}
    return [
        Request(
            "POST",
            "/api/v1/repairs/",
            token(rng.choice(f.agent_tokens)) | headers,
            repair_body(rng.choice(f.meters), rng.choice(f.phones), rng),
        )
        for _ in range(VARIANTS)
    ]


def scenario_get(path, credential: str, make: Callable[[str], dict]):
    """A GET scenario: `path(fixtures, rng)` and a credential list from the fixtures."""

    def build(f: Fixtures, rng: random.Random) -> list[Request]:
        return [
            Request("GET", path(f, rng), make(rng.choice(getattr(f, credential))))
            for _ in range(VARIANTS)
        ]

    return build


FLOOR = Scenario(
    "floor",
    "GET /healthz (the floor)",
    lambda f, rng: [Request("GET", "/healthz")],
)

SCENARIOS: list[Scenario] = [
    Scenario(
        "repair_create",
        "POST /api/v1/repairs/",
        _repairs,
        target_ratio=0.15,
        note="triage + correlation + work order + timeline + deadlines + outbox",
    ),
    Scenario(
        "ticket_detail",
        "GET /api/v1/tickets/{number}/",
        scenario_get(
            lambda f, rng: f"/api/v1/tickets/{rng.choice(f.ticket_numbers)}/",
            "agent_tokens",
            token,
        ),
        target_ratio=0.25,
    ),
    Scenario(
        "work_order_api",
        "GET /api/v1/work-orders/ (dispatcher)",
        scenario_get(lambda f, rng: "/api/v1/work-orders/", "dispatcher_tokens", token),
        target_ratio=0.2,
        constant_queries=True,
    ),
    Scenario(
        "dispatch_queue",
        "GET /dispatch/ (station queue page)",
        scenario_get(lambda f, rng: "/dispatch/", "dispatcher_cookies", cookie),
        target_ratio=0.2,
        constant_queries=True,
    ),
    Scenario(
        "ticket_list",
        "GET /tickets/ (ticket list page)",
        scenario_get(lambda f, rng: "/tickets/", "agent_cookies", cookie),
        target_ratio=0.2,
        constant_queries=True,
    ),
    Scenario(
        "ticket_list_open",
        "GET /tickets/?status=open",
        scenario_get(lambda f, rng: "/tickets/?status=open", "agent_cookies", cookie),
        target_ratio=0.2,
        constant_queries=True,
    ),
    Scenario(
        "customer_lookup",
        "GET /api/v1/customers/?phone=",
        scenario_get(
            lambda f, rng: f"/api/v1/customers/?phone={rng.choice(f.phones)}",
            "agent_tokens",
            token,
        ),
        target_ratio=0.2,
        constant_queries=True,
    ),
    Scenario(
        "ivr_lookup",
        "GET /api/v1/outages/lookup/?phone= (the IVR)",
        scenario_get(
            lambda f, rng: f"/api/v1/outages/lookup/?phone={rng.choice(f.phones)}",
            "integration_tokens",
            token,
        ),
        target_ratio=0.2,
        constant_queries=True,
        max_sql_ms=20.0,
        note="DESIGN §3.12: under 20 ms of SQL at 1 M tickets",
    ),
    Scenario(
        "console_search",
        "GET /console/search/?q= (console card)",
        scenario_get(
            lambda f, rng: f"/console/search/?q={rng.choice(f.phones)}", "agent_cookies", cookie
        ),
        target_ratio=0.2,
        constant_queries=True,
    ),
    Scenario(
        "dashboard",
        "GET /dashboard/ (supervisor)",
        scenario_get(lambda f, rng: "/dashboard/", "supervisor_cookies", cookie),
        target_ratio=0.2,
        constant_queries=True,
        max_sql_ms=10.0,
    ),
]
