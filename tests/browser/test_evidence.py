"""Field evidence in the browser (DESIGN §3.14): a crew photographs its work before and after
on a phone and completes; a handler keeps a complaint's evidence; the ticket shows it all."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from complaints.services import complaint_contact, complaint_create
from dispatch.models import CauseCode, WorkOrder
from tests.browser.test_dispatch import no_horizontal_scroll, repair_order
from tests.dispatch.steps import take_step
from tests.factories import PASSWORD, image_file, pdf_file, photo_add
from tests.security.world import category_any
from tickets.models import Attachment

pytestmark = pytest.mark.browser

# Where the lead looks at the pictures; var/screenshots/ has them too.
SHOTS = Path("/tmp/attach-shots")
# Shanghai's People's Square, where the phone says it is.
WHERE = {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 12}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "geolocation": WHERE, "permissions": ["geolocation"]}


@pytest.fixture
def shot(shoot):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        path = shoot(page, name)
        (SHOTS / path.name).write_bytes(path.read_bytes())

    return take


def photo(name: str, size=(1600, 1200)) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": image_file("JPEG", size=size)}


def thumbnails_loaded(page) -> int:
    return page.evaluate(
        "[...document.querySelectorAll('.attachment-thumb img')]"
        ".filter(img => img.complete && img.naturalWidth > 0).length"
    )


def wait_for_thumbnails(page) -> None:
    """Every thumbnail on the page has loaded (polled from here: the page's policy allows
    no script that Playwright would evaluate from a string)."""
    expected = page.locator(".attachment-thumb img").count()
    for _ in range(50):
        if thumbnails_loaded(page) == expected:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{thumbnails_loaded(page)} of {expected} thumbnails loaded")


def test_a_crew_photographs_before_and_after_on_a_phone_and_completes(
    transactional_db,
    live_server,
    page,
    sign_in,
    shot,
    crew_north,
    dispatcher_north,
    station_north,
    settings,
):
    settings.GRIDLINE_WORK_ORDER_AFTER_PHOTO_REQUIRED = True
    CauseCode.objects.get_or_create(code="terminal_box", defaults={"name": "Terminal box burnt"})
    crew = crew_north.crew_membership.crew
    order = repair_order(station_north, brief="Terminal box smoking at the meter wall.")
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    page.set_viewport_size({"width": 390, "height": 844})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, "crew_north", PASSWORD)
    page.goto(f"{live_server.url}/dispatch/work-orders/{order.pk}/")
    steps = [
        ("Accept", f"Work order {order.pk} accepted."),
        ("Depart", f"Work order {order.pk}: on the way."),
        ("Arrive", f"Work order {order.pk}: on site."),
    ]
    for step, message in steps:
        page.get_by_role("button", name=step, exact=True).click()
        expect(page.get_by_text(message)).to_be_visible()

    before = page.get_by_label("Before work")
    expect(page.get_by_text("Before work", exact=True)).to_be_visible()
    assert page.locator(".photo-take").first.bounding_box()["height"] >= 48
    assert before.get_attribute("capture") == "environment"
    page.get_by_role("button", name="Add my position").click()
    expect(page.get_by_role("status")).to_contain_text("31.23040, 121.47370 (± 12 m)")
    shot(page, "crew-order-on-site-390")
    assert no_horizontal_scroll(page)
    before.set_input_files(photo("IMG_1345.jpg"))
    expect(
        page.get_by_text(f"Photo “Before the work” added to work order {order.pk}.")
    ).to_be_visible()

    page.get_by_label("Cause").select_option(label="Terminal box burnt")
    page.get_by_label("What was done").fill("Replaced the burnt terminal box; supply back.")
    page.get_by_role("button", name="Complete", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Add a photo of the finished work")

    page.get_by_role("button", name="Add my position").click()
    expect(page.get_by_role("status")).to_contain_text("31.23040")
    page.get_by_label("After work").set_input_files(photo("IMG_1410.jpg", size=(1200, 1600)))
    expect(
        page.get_by_text(f"Photo “After the work” added to work order {order.pk}.")
    ).to_be_visible()
    expect(page.locator(".attachment-thumb img")).to_have_count(2)
    wait_for_thumbnails(page)
    shot(page, "crew-order-photos-390")
    assert no_horizontal_scroll(page)
    # The photo reloaded the page; what the crew wrote is still there.
    expect(page.get_by_label("What was done")).to_have_value(
        "Replaced the burnt terminal box; supply back."
    )
    expect(page.get_by_label("Cause")).to_have_value("terminal_box")
    page.get_by_role("button", name="Complete", exact=True).click()

    expect(page.get_by_text(f"Work order {order.pk} completed.")).to_be_visible()
    expect(page.locator(".wo-card .wo-status")).to_have_text("Completed")
    expect(page.locator(".attachment-thumb img")).to_have_count(2)
    wait_for_thumbnails(page)
    shot(page, "crew-order-completed-390")
    assert no_horizontal_scroll(page)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
    photos = list(Attachment.objects.filter(ticket_id=order.ticket_id).order_by("pk"))
    assert [p.stage for p in photos] == ["before", "after"]
    assert [p.name for p in photos] == ["IMG_1345.jpg", "IMG_1410.jpg"]
    for taken in photos:
        assert taken.latitude == Decimal("31.230400")
        assert taken.longitude == Decimal("121.473700")
        assert taken.taken_at is not None
    # The one refused step answers 409 on purpose; nothing else went wrong.
    assert [e for e in errors if "status of 409" not in e] == []


def test_a_handler_keeps_a_complaints_evidence_and_the_ticket_shows_files(
    transactional_db,
    live_server,
    page,
    sign_in,
    shot,
    agent,
    supervisor,
    handler,
    department,
    crew_north,
    dispatcher_north,
    station_north,
):
    from complaints.services import complaint_judge

    complaint = complaint_create(
        channel="hotline",
        category=category_any(),
        actor=agent,
        description="The meter was damaged when the crew replaced it; "
        "the customer sent a photo and wants it repaired.",
    )
    complaint = complaint_contact(complaint=complaint, note="Called the customer", actor=agent)
    complaint_judge(
        complaint=complaint,
        validity="valid",
        reason="The photo shows it.",
        department=department,
        actor=supervisor,
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, handler.username, PASSWORD)
    page.goto(f"{live_server.url}/complaints/{complaint.ticket.number}/")
    page.get_by_label("Keep a file with the complaint").set_input_files(
        {
            "name": "电表损坏 客户照片.png",
            "mimeType": "image/png",
            "buffer": image_file("PNG", (900, 700)),
        }
    )
    page.get_by_role("button", name="Add file").click()
    expect(page.get_by_text("电表损坏 客户照片.png is kept with complaint")).to_be_visible()
    page.get_by_label("Keep a file with the complaint").set_input_files(
        {
            "name": "rectification letter (signed).pdf",
            "mimeType": "application/pdf",
            "buffer": pdf_file(),
        }
    )
    page.get_by_role("button", name="Add file").click()
    expect(page.get_by_text("rectification letter (signed).pdf is kept")).to_be_visible()
    page.get_by_label("Keep a file with the complaint").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just text"}
    )
    page.get_by_role("button", name="Add file").click()
    expect(page.locator("#attach-error")).to_contain_text("Only JPEG, PNG and WebP images")
    wait_for_thumbnails(page)
    shot(page, "complaint-files-1280")
    with page.expect_download() as download:
        page.get_by_role("link", name="rectification letter (signed).pdf").click()
    assert download.value.suggested_filename == "rectification letter (signed).pdf"

    # A repair with the crew's photos, as an agent reads its ticket.
    crew = crew_north.crew_membership.crew
    order = repair_order(station_north, brief="Burnt terminal box.")
    order = take_step(
        order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code}
    )
    photo_add(
        order=order,
        actor=crew_north,
        stage="before",
        name="IMG_1345.jpg",
        content=image_file("JPEG", (1600, 1200)),
    )
    photo_add(
        order=order,
        actor=crew_north,
        stage="after",
        name="IMG_1410.jpg",
        content=image_file("JPEG", (1200, 1600)),
    )
    page.context.clear_cookies()
    sign_in(page, agent.username, PASSWORD)
    page.goto(f"{live_server.url}/tickets/{order.ticket.number}/")
    expect(page.locator(".attachment-thumb img")).to_have_count(2)
    wait_for_thumbnails(page)
    expect(page.locator("#timeline")).to_contain_text("File added")
    shot(page, "ticket-photos-1280")
    # The refused text file answered 422 on purpose; no policy or script error anywhere.
    assert [e for e in errors if "status of 422" not in e] == []


def test_a_photo_too_large_is_refused_on_the_phone_before_it_is_sent(
    transactional_db,
    live_server,
    page,
    sign_in,
    crew_north,
    dispatcher_north,
    station_north,
    settings,
):
    settings.GRIDLINE_ATTACHMENT_MAX_BYTES = 20_000
    crew = crew_north.crew_membership.crew
    order = repair_order(station_north)
    take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "crew_north", PASSWORD)
    page.goto(f"{live_server.url}/dispatch/work-orders/{order.pk}/")
    sent: list[str] = []
    page.on(
        "request", lambda request: sent.append(request.url) if request.method == "POST" else None
    )

    page.get_by_label("Before work").set_input_files(photo("IMG_2000.jpg"))

    expect(page.get_by_text("A file may be at most 19.5 KB (20,000 bytes).")).to_be_visible()
    assert sent == []
    assert not Attachment.objects.exists()
