"""The authorization matrix (issue #10): every page and every API operation × every role,
with the answer each must get. A URL or an operation missing from the tables fails the build.

Answers: OK (allowed: 2xx/3xx, or 400/409/422 for the empty body a POST gets here),
LOGIN (anonymous: sent to sign in, or 401 from the API), DENY (403: the role may not),
HIDE (404: the object is outside the user's station or department), NOPE (405: wrong method).
With MATRIX_PRINT=1 the tests print what they got, to write the tables from.
"""

import os
import sys

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.security.world import ROLES, build_world

OK, LOGIN, DENY, HIDE, NOPE = "OK", "LOGIN", "DENY", "HIDE", "NOPE"
PRINT = os.environ.get("MATRIX_PRINT") == "1"


def classify(response, *, api: bool) -> str:
    code = response.status_code
    if code >= 500:
        return f"ERROR {code}"
    if code == 401 or (code == 302 and "/accounts/login/" in response.get("Location", "")):
        return LOGIN
    if code == 403:
        return DENY if not api or "Authentication credentials" not in response.text else LOGIN
    if code == 404:
        return HIDE
    if code == 405:
        return NOPE
    return OK


def login_client(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.login(username=world.users[role].username, password=PASSWORD)
    return client


def api_client(world, role) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    return client


# --- Pages ------------------------------------------------------------------------------
# (URL name, method, path from the world). Roles, in order: anonymous, agent, supervisor,
# dispatcher (north), crew (north), handler (MKT), manager, integration; the objects are
# north's / MKT's.
PAGES = {
    "home": ("get", lambda w: "/"),
    "health": ("get", lambda w: "/healthz"),
    "accounts:login": ("get", lambda w: "/accounts/login/"),
    "accounts:logout": ("post", lambda w: "/accounts/logout/"),
    "set_language": ("post", lambda w: "/i18n/setlang/"),
    "tickets:list": ("get", lambda w: "/tickets/"),
    "tickets:notifications": ("get", lambda w: "/tickets/notifications/"),
    "tickets:notifications_read": ("post", lambda w: "/tickets/notifications/read/"),
    "tickets:bell": ("get", lambda w: "/tickets/notifications/bell/"),
    "tickets:detail": ("get", lambda w: f"/tickets/{w.north.ticket.number}/"),
    "tickets:urge": ("post", lambda w: f"/tickets/{w.north.ticket.number}/urge/"),
    "tickets:queue": ("get", lambda w: "/tickets/mine/"),
    "tickets:handle": ("post", lambda w: f"/tickets/{w.north.ticket.number}/transfer/"),
    "tickets:attachment": ("get", lambda w: f"/tickets/attachments/{w.north.photo.pk}/"),
    "tickets:attachment_thumbnail": (
        "get",
        lambda w: f"/tickets/attachments/{w.north.photo.pk}/thumbnail/",
    ),
    "repairs:new": ("get", lambda w: "/repairs/new/"),
    "repairs:preview": ("post", lambda w: "/repairs/new/preview/"),
    "repairs:notices": ("get", lambda w: "/repairs/notices/"),
    "repairs:notice_new": ("get", lambda w: "/repairs/notices/new/"),
    "repairs:notice_edit": ("get", lambda w: f"/repairs/notices/{w.north.notice.pk}/edit/"),
    "repairs:notice_cancel": ("post", lambda w: f"/repairs/notices/{w.north.notice.pk}/cancel/"),
    "repairs:incidents": ("get", lambda w: "/repairs/incidents/"),
    "repairs:incident_detail": ("get", lambda w: f"/repairs/incidents/{w.north.incident.pk}/"),
    "repairs:incident_etr": ("post", lambda w: f"/repairs/incidents/{w.north.incident.pk}/etr/"),
    "repairs:incident_declare": ("get", lambda w: "/repairs/incidents/declare/"),
    "repairs:incident_dismiss": (
        "post",
        lambda w: f"/repairs/incidents/{w.north.incident.pk}/dismiss/",
    ),
    "repairs:incident_restore": (
        "post",
        lambda w: f"/repairs/incidents/{w.north.incident.pk}/restore/",
    ),
    "dispatch:queue": ("get", lambda w: "/dispatch/"),
    "dispatch:crew": ("get", lambda w: "/dispatch/crew/"),
    "dispatch:work_order": ("get", lambda w: f"/dispatch/work-orders/{w.north.work_order.pk}/"),
    "dispatch:assign": ("post", lambda w: f"/dispatch/work-orders/{w.north.work_order.pk}/assign/"),
    "dispatch:action": ("post", lambda w: f"/dispatch/work-orders/{w.north.work_order.pk}/depart/"),
    "dispatch:photo_add": (
        "post",
        lambda w: f"/dispatch/work-orders/{w.north.work_order.pk}/photos/",
    ),
    "complaints:queue": ("get", lambda w: "/complaints/"),
    "complaints:new": ("get", lambda w: "/complaints/new/"),
    "complaints:summaries": ("get", lambda w: "/complaints/summaries/"),
    "complaints:summary": ("get", lambda w: f"/complaints/summaries/{w.summary.pk}/"),
    "complaints:summary_csv": ("get", lambda w: f"/complaints/summaries/{w.summary.pk}/csv/"),
    "complaints:detail": ("get", lambda w: f"/complaints/{w.north.complaint.ticket.number}/"),
    "complaints:action": (
        "post",
        lambda w: f"/complaints/{w.north.complaint.ticket.number}/rectify/",
    ),
    "complaints:attachment_add": (
        "post",
        lambda w: f"/complaints/{w.north.complaint.ticket.number}/attachments/",
    ),
    "hotline:console": ("get", lambda w: "/console/"),
    "hotline:search": ("get", lambda w: "/console/search/?q=138"),
    "hotline:ring": ("get", lambda w: "/console/ring/"),
    "hotline:call_start": ("post", lambda w: "/console/calls/start/"),
    "hotline:call": ("get", lambda w: f"/console/calls/{w.north.call.pk}/"),
    "hotline:call_identify": ("post", lambda w: f"/console/calls/{w.north.call.pk}/identify/"),
    "hotline:call_finish": ("post", lambda w: f"/console/calls/{w.north.call.pk}/finish/"),
    "hotline:call_urge": (
        "post",
        lambda w: f"/console/calls/{w.north.call.pk}/urge/{w.north.ticket.number}/",
    ),
    "hotline:repair_start": ("get", lambda w: f"/console/calls/{w.north.call.pk}/repair/"),
    "hotline:kind_new": (
        "post",
        lambda w: f"/console/calls/{w.north.call.pk}/record/consultation/",
    ),
    "hotline:callbacks": ("get", lambda w: "/console/callbacks/"),
    "hotline:callback_record": ("post", lambda w: f"/console/callbacks/{w.north.ticket.number}/"),
    "hotline:articles": ("get", lambda w: "/console/kb/"),
    "hotline:article_pick": ("get", lambda w: "/console/kb/pick/?kb_q=电费"),
    "hotline:article": ("get", lambda w: f"/console/kb/{w.article.pk}/"),
    "dashboards:dashboard": ("get", lambda w: "/dashboard/"),
    "dashboards:csv": ("get", lambda w: "/dashboard/csv/open_work_orders/"),
    "dashboards:stations": ("get", lambda w: "/dashboard/stations/"),
    "dashboards:stations_csv": ("get", lambda w: "/dashboard/stations/csv/"),
    "dashboards:agents": ("get", lambda w: "/dashboard/agents/"),
    "dashboards:agents_csv": ("get", lambda w: "/dashboard/agents/csv/"),
    "dashboards:agent": ("get", lambda w: f"/dashboard/agents/{w.users['agent'].pk}/"),
    "dashboards:agent_csv": ("get", lambda w: f"/dashboard/agents/{w.users['agent'].pk}/csv/"),
    "schema": ("get", lambda w: "/api/schema/"),
    "api-docs": ("get", lambda w: "/api/docs/"),
    "self:home": ("get", lambda w: "/self/"),
    "self:sign_in": ("get", lambda w: "/self/sign-in/"),
    "self:code": ("get", lambda w: "/self/sign-in/code/"),
    "self:sign_out": ("post", lambda w: "/self/sign-out/"),
    "self:fault": ("get", lambda w: "/self/fault/"),
}
# The customers' own pages (DESIGN §3.12), which no staff role signs in to.
SELF_PAGES = ("self:",)
# Django's admin answers its own way (staff only, its own sign-in page): left to Django.
# The API's routes are checked operation by operation below, from the OpenAPI schema.
NOT_PAGES = ("admin:", "api:")


def url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_page_is_in_the_matrix():
    pages = {name for name in url_names() if not name.startswith(NOT_PAGES)}
    assert pages - set(PAGE_MATRIX) == set(), "add these URLs to PAGE_MATRIX"
    assert set(PAGE_MATRIX) - pages == set(), "these URLs no longer exist"


@pytest.mark.django_db
def test_pages_answer_each_role_as_the_matrix_says():
    world = build_world()
    got = {}
    for name, (method, path) in PAGES.items():
        answers = []
        for role in ROLES:
            client = login_client(world, role)
            response = getattr(client, method)(path(world))
            answers.append(classify(response, api=False))
        got[name] = answers
    if PRINT:
        for name, answers in got.items():
            sys.stdout.write(f'    "{name}": "{" ".join(a[0] for a in answers)}",\n')
    wrong = {
        name: (expected, " ".join(a[0] for a in answers))
        for name, answers in got.items()
        if (expected := PAGE_MATRIX.get(name)) != " ".join(a[0] for a in answers)
    }
    assert wrong == {}, "expected vs got, roles: " + " ".join(ROLES)


# anonymous agent supervisor dispatcher crew handler manager integration
PAGE_MATRIX: dict[str, str] = {
    "home": "L O O O O O O D",
    "health": "O O O O O O O O",
    "accounts:login": "O O O O O O O D",
    "accounts:logout": "L L L L L L L L",  # signed out, back to the sign-in page
    "set_language": "O O O O O O O D",
    "tickets:list": "L O O O O O O D",
    "tickets:notifications": "L O O O O O O D",
    "tickets:notifications_read": "L O O O O O O D",
    "tickets:bell": "L O O O O O O D",
    "tickets:detail": "L O O O O H O D",  # a repair of north: no department's business
    "tickets:urge": "L O O D D D D D",
    "tickets:attachment": "L O O O O H O D",  # a crew's photo: the ticket's scope
    "tickets:attachment_thumbnail": "L O O O O H O D",
    "repairs:new": "L O O D D D D D",
    "repairs:preview": "L O O D D D D D",
    "repairs:notices": "L O O O O O O D",  # notices are public: every caller may ask
    "repairs:notice_new": "L D O O D D D D",
    "repairs:notice_edit": "L D O O D D D D",
    "repairs:notice_cancel": "L D O O D D D D",
    "repairs:incidents": "L O O O O D O D",
    "repairs:incident_detail": "L O O O O D O D",  # a crew of north: its station's incident
    "repairs:incident_etr": "L D O O O D D D",  # an empty form: 422, the page again
    "repairs:incident_declare": "L D O O D D D D",
    "repairs:incident_dismiss": "L D O O D D D D",
    "repairs:incident_restore": "L D O O O D D D",
    "dispatch:queue": "L D O O D D D D",
    "dispatch:crew": "L D D D O D D D",
    "dispatch:work_order": "L D O O O D D D",
    "dispatch:assign": "L D O O D D D D",
    "dispatch:action": "L D D D O D D D",  # departing is the crew's step
    "dispatch:photo_add": "L D D D O D D D",  # photos are the crew's (an empty form: 422)
    "complaints:queue": "L O O D D O O D",
    "complaints:new": "L O O D D D D D",
    "complaints:summaries": "L D O D D D O D",
    "complaints:summary": "L D O D D D O D",
    "complaints:summary_csv": "L D O D D D O D",
    "complaints:detail": "L O O D D O O D",
    "complaints:action": "L D D D D O D D",  # rectifying is the department's step
    "complaints:attachment_add": "L O O D D O D D",  # a manager reads, does not add
    "hotline:console": "L O O D D D D D",
    "hotline:search": "L O O D D D D D",
    "hotline:ring": "L O O D D D D D",
    "hotline:call_start": "L O O D D D D D",
    "hotline:call": "L O H D D D D D",  # an agent's call is the agent's own
    "hotline:call_identify": "L O H D D D D D",
    "hotline:call_finish": "L O H D D D D D",
    "hotline:call_urge": "L O H D D D D D",
    "hotline:repair_start": "L O H D D D D D",
    "hotline:kind_new": "L O H D D D D D",
    "hotline:callbacks": "L O O D D D D D",
    "hotline:callback_record": "L H H D D D D D",  # the ticket is not waiting for a callback
    "hotline:articles": "L O O O O O O D",
    "hotline:article_pick": "L O O O O O O D",
    "hotline:article": "L O O O O O O D",
    "dashboards:dashboard": "L D O O D D O D",  # a dispatcher sees their own station's
    "dashboards:csv": "L D O O D D O D",
    "dashboards:stations": "L D O O D D O D",
    "dashboards:stations_csv": "L D O O D D O D",
    "dashboards:agents": "L D O D D D O D",  # the agents' figures: supervisors, management
    "dashboards:agents_csv": "L D O D D D O D",
    "dashboards:agent": "L D O D D D O D",
    "dashboards:agent_csv": "L D O D D D O D",
    "schema": "O O O O O O O O",  # documentation, no data
    "api-docs": "O O O O O O O O",
    "tickets:queue": "L D O O D O D D",  # the holders' queue, and the supervisors'
    # The holder's steps: the station's dispatcher or a supervisor (the empty form: 422).
    "tickets:handle": "L D O O D H D D",
    # The customers' pages: a staff user is no customer, and is sent to the customers'
    # sign-in (a redirect, counted OK here; tests/hotline/test_self_sign_in.py).
    "self:home": "O O O O O O O D",
    "self:sign_in": "O O O O O O O D",
    "self:code": "O O O O O O O D",
    "self:sign_out": "O O O O O O O D",
    "self:fault": "O O O O O O O D",
}


# --- API operations ---------------------------------------------------------------------
# Path parameters filled with north's objects (or, for OUT_OF_SCOPE, south's).
def fill(path: str, side) -> str:
    values = {
        "/tickets/{number}/": side.ticket.number,
        "/complaints/{number}/": side.complaint.ticket.number,
        "/incidents/{id}/": side.incident.pk,
        "/outage-notices/{id}/": side.notice.pk,
        "/work-orders/{id}/": side.work_order.pk,
        "/attachments/{id}/": side.photo.pk,
        "/calls/{id}/": side.call.pk,
    }
    for prefix, value in values.items():
        name = prefix.rsplit("{", 1)[1].rstrip("}/")
        if path.startswith("/api/v1" + prefix.split("{")[0]) and "{" in path:
            return path.replace("{" + name + "}", str(value))
    return path


def operations() -> list[tuple[str, str]]:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )


def api_answers(world, method: str, path: str, side) -> list[str]:
    answers = []
    for role in ROLES:
        client = api_client(world, role)
        response = getattr(client, method.lower())(fill(path, side), {}, format="json")
        answers.append(classify(response, api=True)[0])
    return answers


@pytest.mark.django_db
def test_every_api_operation_is_in_the_matrix():
    documented = {f"{method} {path}" for method, path in operations()}
    assert documented - set(API_MATRIX) == set(), "add these operations to API_MATRIX"
    assert set(API_MATRIX) - documented == set(), "these operations no longer exist"


@pytest.mark.django_db
def test_api_answers_each_role_as_the_matrix_says():
    world = build_world()
    got = {
        f"{method} {path}": " ".join(api_answers(world, method, path, world.north))
        for method, path in operations()
    }
    if PRINT:
        for key, answers in got.items():
            sys.stdout.write(f'    "{key}": "{answers}",\n')
    wrong = {k: (API_MATRIX.get(k), v) for k, v in got.items() if API_MATRIX.get(k) != v}
    assert wrong == {}, "expected vs got, roles: " + " ".join(ROLES)


# anonymous agent supervisor dispatcher crew handler manager integration
API_MATRIX: dict[str, str] = {
    "GET /api/v1/attachments/{id}/": "L O O O O H O D",  # a crew's photo: the ticket's scope
    "GET /api/v1/attachments/{id}/thumbnail/": "L O O O O H O D",
    "GET /api/v1/calls/{id}/": "L O O D D D D D",  # the agent's own call; any for a supervisor
    "GET /api/v1/customers/": "L O O D D D D D",
    "GET /api/v1/incidents/": "L O O O O D O D",
    "GET /api/v1/incidents/{id}/": "L O O O O D O D",
    "GET /api/v1/outage-notices/": "L O O O O O O D",
    "GET /api/v1/outage-notices/{id}/": "L O O O O O O D",
    "GET /api/v1/tickets/": "L O O O O O O D",  # each sees their own scope's (tested below)
    "POST /api/v1/tickets/": "L O O D D D D D",  # the empty body: 400, after the role check
    "GET /api/v1/tickets/{number}/": "L O O O O H O D",
    "GET /api/v1/tickets/{number}/attachments/": "L O O O O H O D",
    "GET /api/v1/work-orders/": "L D O O O D O D",
    "GET /api/v1/work-orders/{id}/": "L D O O O D O D",
    "GET /api/v1/work-orders/{id}/attachments/": "L D O O O D O D",
    "POST /api/v1/auth/token/": "O O O O O O O O",
    "POST /api/v1/complaints/": "L O O D D D D D",
    "POST /api/v1/cti/events/": "L D D D D D D O",  # the telephony only (the empty body: 400)
    "GET /api/v1/outages/lookup/": "L D D D D D D O",  # the IVR only (no key given: 400)
    # The SMS gateway is no user: no session or token lets anyone in, only the signature of
    # the body (tests/hotline/test_sms_inbound.py); unsigned, every role is refused, 403.
    "POST /api/v1/sms/inbound/": "D D D D D D D D",
    "POST /api/v1/complaints/{number}/attachments/": "L O O D D O D D",  # JSON: 415 once let in
    "POST /api/v1/complaints/{number}/callback/": "L O O D D D D D",
    "POST /api/v1/complaints/{number}/contact/": "L O O D D D D D",
    "POST /api/v1/complaints/{number}/judge/": "L D O D D D D D",
    "POST /api/v1/complaints/{number}/rectify/": "L D D D D O D D",
    "POST /api/v1/complaints/{number}/reply/": "L D O D D O D D",
    "POST /api/v1/incidents/": "L D O O D D D D",  # declare: an empty body is a 400
    "POST /api/v1/incidents/{id}/dismiss/": "L D O O D D D D",
    "POST /api/v1/incidents/{id}/etr/": "L D O O O D D D",
    "POST /api/v1/incidents/{id}/restore/": "L D O O O D D D",
    "POST /api/v1/outage-notices/": "L D O O D D D D",
    "POST /api/v1/outage-notices/{id}/cancel/": "L D O O D D D D",
    "POST /api/v1/repairs/": "L O O D D D D D",
    "POST /api/v1/repairs/triage/": "L O O D D D D D",
    "POST /api/v1/tickets/{number}/urge/": "L O O D D D D D",
    "POST /api/v1/work-orders/{id}/accept/": "L D D D O D D D",
    "POST /api/v1/work-orders/{id}/arrive/": "L D D D O D D D",
    "POST /api/v1/work-orders/{id}/assign/": "L D O O D D D D",
    "POST /api/v1/work-orders/{id}/attachments/": "L D D D O D D D",  # the crew's; JSON: 415
    "POST /api/v1/work-orders/{id}/complete/": "L D D D O D D D",
    "POST /api/v1/work-orders/{id}/depart/": "L D D D O D D D",
    "POST /api/v1/work-orders/{id}/return/": "L D O O O D D D",
    # The holder's steps on north's repair: its dispatcher or a supervisor (then 400 for the
    # empty body, or 409: a repair is taken and replied to through its work order); a
    # supervisor does not return a ticket to the supervisors.
    "POST /api/v1/tickets/{number}/cancel/": "L D O O D H D D",
    "POST /api/v1/tickets/{number}/reply/": "L D O O D H D D",
    "POST /api/v1/tickets/{number}/return/": "L D D O D H D D",
    "POST /api/v1/tickets/{number}/take/": "L D O O D H D D",
    "POST /api/v1/tickets/{number}/transfer/": "L D O O D H D D",
}
SCOPED_ROLES = ("dispatcher", "crew", "handler")
# Outage notices are public: every caller may ask about any of them.
PUBLIC = {"GET /api/v1/outage-notices/{id}/"}


@pytest.mark.django_db
def test_another_stations_or_departments_objects_answer_404_and_change_nothing():
    """Wherever a scoped role may act on its own station's (or department's) object, the same
    operation on south's (OPS's) object answers 404 and leaves it as it was."""
    world = build_world()
    before = snapshot(world.south)
    checked = 0
    for key, expected in API_MATRIX.items():
        method, path = key.split(" ", 1)
        if "{" not in path or key in PUBLIC:
            continue
        for role in SCOPED_ROLES:
            if expected.split()[ROLES.index(role)] != OK[0]:
                continue
            response = getattr(api_client(world, role), method.lower())(
                fill(path, world.south), {}, format="json"
            )
            assert classify(response, api=True) == HIDE, (role, key, response.status_code)
            checked += 1
    assert checked >= 15
    assert snapshot(world.south) == before


def snapshot(side) -> dict:
    from dispatch.models import WorkOrder
    from repairs.models import Incident, OutageNotice
    from tickets.models import Ticket, TimelineEvent

    tickets = Ticket.objects.filter(pk__in=[side.ticket.pk, side.complaint.ticket_id])
    return {
        "tickets": list(tickets.values_list("status", "priority", "urge_count", "updated_at")),
        "events": TimelineEvent.objects.filter(ticket__in=tickets).count(),
        "order": WorkOrder.objects.filter(pk=side.work_order.pk).values().get(),
        "incident": Incident.objects.filter(pk=side.incident.pk).values().get(),
        "notice": OutageNotice.objects.filter(pk=side.notice.pk).values().get(),
    }


@pytest.mark.django_db
def test_lists_never_include_another_scopes_rows():
    world = build_world()
    cases = [
        ("dispatcher", "/api/v1/tickets/", "number", world.south.ticket.number),
        ("crew", "/api/v1/tickets/", "number", world.south.ticket.number),
        ("handler", "/api/v1/tickets/", "number", world.south.complaint.ticket.number),
        ("dispatcher", "/api/v1/work-orders/", "id", world.south.work_order.pk),
        ("crew", "/api/v1/work-orders/", "id", world.south.work_order.pk),
        ("dispatcher", "/api/v1/incidents/", "id", world.south.incident.pk),
    ]
    for role, url, field_name, foreign in cases:
        rows = api_client(world, role).get(url, {"page_size": 200}).json()["results"]
        seen = {row[field_name] for row in rows}
        assert foreign not in seen, (role, url)
        assert seen, (role, url, "sees nothing at all: the test would prove nothing")
    pages = [
        ("dispatcher", "/tickets/", world.south.ticket.number),
        ("dispatcher", "/dispatch/", world.south.ticket.number),
        ("handler", "/complaints/", world.south.complaint.ticket.number),
        ("dispatcher", "/dashboard/csv/open_work_orders/", "S01"),
    ]
    for role, url, foreign in pages:
        response = login_client(world, role).get(url)
        assert response.status_code == 200, (role, url)
        assert foreign not in response.content.decode(), (role, url)


# --- The customer (DESIGN §3.12) ---------------------------------------------------------------
# A customer signed in to the self-service pages is no staff User: every staff page and every
# API operation answers them exactly as it answers an anonymous visitor (the first column).


def customer_client() -> Client:
    """A browser signed in as a customer, through the sign-in pages and the texted code."""
    from tests.factories import CustomerFactory, CustomerPhoneFactory
    from tickets.models import OutboxMessage

    customer = CustomerFactory()
    CustomerPhoneFactory(customer=customer, number="13800138000")
    client = Client()
    client.post("/self/sign-in/", {"account_no": customer.account_no})
    code = OutboxMessage.objects.get(kind="self_sign_in_code").params["code"]
    response = client.post("/self/sign-in/code/", {"code": code})
    assert response["Location"] == "/self/", "the customer did not sign in"
    return client


@pytest.mark.django_db
def test_a_customer_session_gets_what_an_anonymous_visitor_gets_on_every_staff_page():
    world = build_world()
    client = customer_client()
    wrong = {}
    for name, (method, path) in PAGES.items():
        if name.startswith(SELF_PAGES) or name == "accounts:logout":
            continue  # the customer's own pages; signing out would end the customer's session
        got = classify(getattr(client, method)(path(world)), api=False)
        if got[0] != PAGE_MATRIX[name].split()[0]:
            wrong[name] = got
    assert wrong == {}
    assert client.get("/self/").status_code == 200, "the customer is still signed in"


@pytest.mark.django_db
def test_a_customer_session_gets_what_an_anonymous_visitor_gets_from_every_api_operation():
    world = build_world()
    session = customer_client()
    client = APIClient()
    client.cookies = session.cookies
    wrong = {}
    for method, path in operations():
        key = f"{method} {path}"
        response = getattr(client, method.lower())(fill(path, world.north), {}, format="json")
        if classify(response, api=True)[0] != API_MATRIX[key].split()[0]:
            wrong[key] = response.status_code
    assert wrong == {}
    assert session.get("/self/").status_code == 200, "the customer is still signed in"


@pytest.mark.django_db
def test_the_customers_pages_answer_a_signed_in_customer():
    client = customer_client()

    for path in ("/self/", "/self/sign-in/", "/self/fault/"):
        assert client.get(path).status_code == 200, path
