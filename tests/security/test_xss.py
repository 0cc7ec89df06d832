"""Stored XSS and CSV formula injection (issue #10, item 7): hostile text in every
free-text field never reaches a page, an email or an export unescaped."""

import csv
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from complaints.summaries import complaint_summary_build
from config.spreadsheet import csv_cell
from tests.factories import PASSWORD
from tests.security.hostile import FORMULAS, PAYLOADS, build_hostile
from tickets.outbox import outbox_send_pending

pytestmark = pytest.mark.django_db

# Markup that would run if it reached the browser as markup, whatever the payload.
LIVE_MARKUP = [
    re.compile(r"<script\b[^>]*>\s*alert", re.IGNORECASE),
    re.compile(r"<(img|svg|b)\b[^>]*\bon[a-z]+\s*=\s*alert", re.IGNORECASE),
    re.compile(
        r"""\b(href|src|action|formaction|hx-get|hx-post)\s*=\s*["']?\s*javascript:""",
        re.IGNORECASE,
    ),
]
CSV_LINK = re.compile(r'href="(/dashboard/(?:stations/)?csv/[^"]*)"')


def pages(world) -> list[tuple[str, str]]:
    """(role, path) for every page that shows the hostile rows."""
    repair, complaint = world.repair.number, world.complaint.ticket.number
    return [
        ("supervisor", "/tickets/"),
        ("agent", "/tickets/"),
        ("supervisor", f"/tickets/{repair}/"),
        ("supervisor", f"/tickets/{complaint}/"),
        ("supervisor", f"/tickets/{world.consultation.number}/"),
        ("dispatcher", f"/tickets/{repair}/"),
        ("agent", "/console/"),
        ("agent", f"/console/calls/{world.call.pk}/"),
        ("agent", f"/console/calls/{world.call.pk}/repair/"),
        ("agent", "/console/search/?q=139"),
        ("agent", "/console/callbacks/"),
        ("supervisor", "/complaints/"),
        ("handler", "/complaints/"),
        ("supervisor", f"/complaints/{complaint}/"),
        ("handler", f"/complaints/{complaint}/"),
        ("dispatcher", "/dispatch/"),
        ("dispatcher", f"/dispatch/work-orders/{world.work_order.pk}/"),
        ("crew", "/dispatch/crew/"),
        ("manager", "/dashboard/"),
        ("dispatcher", "/dashboard/"),
        ("manager", "/dashboard/stations/"),
        ("agent", "/repairs/notices/"),
        ("supervisor", "/repairs/notices/"),
        ("supervisor", f"/repairs/notices/{world.notice.pk}/edit/"),
    ]


def client_for(world, role: str) -> Client:
    client = Client()
    assert client.login(username=world.users[role].username, password=PASSWORD)
    return client


def assert_no_live_markup(text: str, where: str, payload: str) -> None:
    for pattern in LIVE_MARKUP:
        match = pattern.search(text)
        assert match is None, f"{where}: unescaped {match.group(0)!r}"
    if payload != PAYLOADS["javascript"]:  # text that is not markup is fine as text
        assert payload not in text, f"{where}: payload unescaped"


@pytest.mark.parametrize("name", PAYLOADS)
def test_pages_escape_hostile_text(name):
    payload = PAYLOADS[name]
    world = build_hostile(payload)
    clients = {}
    escaped_seen = 0

    for role, path in pages(world):
        client = clients.setdefault(role, client_for(world, role))
        response = client.get(path)

        assert response.status_code == 200, f"{role} {path}: {response.status_code}"
        text = response.content.decode()
        assert_no_live_markup(text, f"{role} {path}", payload)
        escaped_seen += "alert(1)" in text

    # Not vacuous: the hostile text is on the pages, as text.
    assert escaped_seen >= len(pages(world)) // 2


@pytest.mark.parametrize("name", PAYLOADS)
def test_emails_escape_hostile_text(name, settings):
    payload = PAYLOADS[name]
    build_hostile(payload)
    mail.outbox.clear()
    settings.GRIDLINE_MANAGEMENT_EMAILS = ["managers@example.com"]

    complaint_summary_build(period="weekly", on=timezone.localdate())
    outbox_send_pending()  # every email the outbox holds; each HTML part is checked

    html_parts = [
        (message.subject, content)
        for message in mail.outbox
        for content, mimetype in getattr(message, "alternatives", [])
        if mimetype == "text/html"
    ]
    assert html_parts, "no HTML email was sent: the test would prove nothing"
    for subject, content in html_parts:
        assert_no_live_markup(content, f"email {subject!r}", payload)
    assert any("alert(1)" in content for _subject, content in html_parts)


def csv_exports(world) -> dict[str, str]:
    """Every CSV the users can download: the dashboard's tables and the complaint summary."""
    manager = client_for(world, "manager")
    paths = set(CSV_LINK.findall(manager.get("/dashboard/").content.decode()))
    paths |= set(CSV_LINK.findall(manager.get("/dashboard/stations/").content.decode()))
    paths.add("/dashboard/stations/csv/")
    summary = complaint_summary_build(period="weekly", on=timezone.localdate())
    exports = {path: manager.get(path).content.decode("utf-8-sig") for path in paths}
    supervisor = client_for(world, "supervisor")
    path = f"/complaints/summaries/{summary.pk}/csv/"
    exports[path] = supervisor.get(path).content.decode("utf-8-sig")
    return exports


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_exports_neutralise_formulas(formula):
    world = build_hostile(formula)

    exports = csv_exports(world)

    assert len(exports) >= 3
    neutralised = 0
    for path, text in exports.items():
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not (cell.startswith(formula) and len(cell) >= len(formula)), (
                    f"{path}: formula cell {cell!r}"
                )
                neutralised += cell.startswith("'" + formula)
    # Not vacuous: the hostile names (station, customer) are in the exports, quoted.
    assert neutralised >= 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tcmd", "'\tcmd"),
        ("North station", "North station"),
        (-2, -2),
        (3.5, 3.5),
        ("", ""),
    ],
)
def test_csv_cell_quotes_formula_starts_and_leaves_numbers(value, expected):
    assert csv_cell(value) == expected


@pytest.mark.parametrize("name", PAYLOADS)
def test_file_names_are_escaped_wherever_files_are_listed(name):
    """A hostile file name (DESIGN §3.14): made safe when kept, and escaped when shown even
    if a name came to be stored as it was typed."""
    from tests.factories import complaint_file_add, photo_add
    from tickets.models import Attachment

    payload = PAYLOADS[name]
    world = build_hostile(payload)
    kept = [
        photo_add(order=world.work_order, actor=world.users["crew"], name=payload + ".jpg"),
        complaint_file_add(
            complaint=world.complaint, actor=world.users["agent"], name=payload + ".pdf"
        ),
    ]
    for attachment in kept:
        assert "<" not in attachment.name
        assert ">" not in attachment.name
        assert "\n" not in attachment.name
    # As if the name had been stored raw: the pages must still show it as text.
    raw = Attachment.objects.filter(pk__in=[a.pk for a in kept])
    for attachment in raw:
        Attachment.objects.filter(pk=attachment.pk).update(name=payload)
    repair, complaint = world.repair.number, world.complaint.ticket.number
    paths = [
        ("supervisor", f"/tickets/{repair}/"),
        ("supervisor", f"/tickets/{complaint}/"),
        ("dispatcher", f"/tickets/{repair}/"),
        ("supervisor", f"/complaints/{complaint}/"),
        ("handler", f"/complaints/{complaint}/"),
        ("dispatcher", f"/dispatch/work-orders/{world.work_order.pk}/"),
        ("crew", f"/dispatch/work-orders/{world.work_order.pk}/"),
    ]
    shown = 0
    for role, path in paths:
        response = client_for(world, role).get(path)

        assert response.status_code == 200, f"{role} {path}"
        text = response.content.decode()
        assert_no_live_markup(text, f"{role} {path}", payload)
        shown += 'class="attachment-name"' in text
    assert shown == len(paths)
    # The download's header carries the name quoted and encoded, never raw.
    response = client_for(world, "supervisor").get(f"/tickets/attachments/{kept[1].pk}/")
    assert "\n" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
