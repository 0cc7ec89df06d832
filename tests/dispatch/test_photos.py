"""A crew's photos of its work (DESIGN §3.14): before and after, with the time and the place
the phone gives; on the ticket the order serves, or the order's station for an incident's;
shown on the work order, the ticket and the incident; an "after" photo may be required."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from config.errors import NotPermitted, TransitionNotAllowed
from dispatch.models import WorkOrder, WorkOrderPhoto
from dispatch.services import crew_member_set
from repairs.services.intake import repair_create
from repairs.triage import Answers, Scope
from tests.dispatch.steps import take_step
from tests.factories import (
    CrewFactory,
    PremiseFactory,
    TransformerFactory,
    UserFactory,
    image_file,
    photo_add,
    ticket_create,
    work_order_create,
)
from tickets.models import Attachment, Ticket, TimelineEvent

pytestmark = pytest.mark.django_db
PHOTO_URL = "/api/v1/work-orders/{}/attachments/"


@pytest.fixture
def crew(crew_north):
    return crew_north.crew_membership.crew


@pytest.fixture
def order(station_north, crew, dispatcher_north):
    premise = PremiseFactory(transformer__feeder__station=station_north)
    ticket = ticket_create(kind="repair", premise=premise, caller_phone="13812345678")
    order = work_order_create(ticket=ticket, premise=premise)
    return take_step(order=order, action="assign", actor=dispatcher_north, data={"crew": crew.code})


def walk(order, crew_user, *steps):
    for action in steps:
        order = take_step(order=order, action=action, actor=crew_user)
    return order


def complete(order, crew_user):
    return take_step(
        order=order,
        action="complete",
        actor=crew_user,
        data={"cause": "overload", "actions": "Replaced the fuse."},
    )


def photo_upload(name="box.jpg", content=None):
    return SimpleUploadedFile(name, image_file() if content is None else content, "image/jpeg")


# --- The service ----------------------------------------------------------------------------------


def test_a_photo_keeps_its_stage_time_and_place_on_the_orders_ticket(order, crew_north):
    taken = timezone.now() - timedelta(minutes=5)

    attachment = photo_add(
        order=order,
        actor=crew_north,
        stage="before",
        taken_at=taken,
        latitude=Decimal("31.230416"),
        longitude=Decimal("121.473701"),
    )

    attachment.refresh_from_db()
    assert attachment.ticket_id == order.ticket_id
    assert attachment.station_id is None
    assert (attachment.stage, attachment.taken_at) == ("before", taken)
    assert (attachment.latitude, attachment.longitude) == (
        Decimal("31.230416"),
        Decimal("121.473701"),
    )
    assert WorkOrderPhoto.objects.get(attachment=attachment).work_order_id == order.pk
    event = TimelineEvent.objects.get(ticket_id=order.ticket_id, kind="attachment_added")
    assert event.data["stage"] == "before"
    assert event.actor == crew_north


def test_a_photo_without_a_time_is_dated_by_its_upload_and_never_after_it(order, crew_north):
    undated = photo_add(order=order, actor=crew_north)
    ahead = photo_add(order=order, actor=crew_north, taken_at=timezone.now() + timedelta(hours=2))

    assert undated.taken_at == undated.uploaded_at
    assert ahead.taken_at == ahead.uploaded_at


@pytest.mark.parametrize("status", ["assigned", "accepted", "en_route", "on_site", "completed"])
def test_the_crew_adds_photos_while_it_holds_the_order_and_once_it_is_done(
    order, crew_north, status
):
    steps = {
        "assigned": [],
        "accepted": ["accept"],
        "en_route": ["accept", "depart"],
        "on_site": ["accept", "depart", "arrive"],
        "completed": ["accept", "depart", "arrive"],
    }[status]
    order = walk(order, crew_north, *steps)
    if status == "completed":
        order = complete(order, crew_north)

    assert photo_add(order=order, actor=crew_north).pk


def test_no_photos_on_a_cancelled_or_returned_order(order, crew_north, dispatcher_north):
    returned = take_step(
        order=order, action="return", actor=dispatcher_north, data={"reason": "Wrong address"}
    )

    with pytest.raises(TransitionNotAllowed):
        photo_add(order=returned, actor=crew_north)
    assert not Attachment.objects.exists()


def test_only_the_crew_of_the_order_adds_photos(order, station_north, dispatcher_north, supervisor):
    other = UserFactory(username="crew_two", role=Role.CREW, station=station_north)
    crew_member_set(user=other, crew=CrewFactory(station=station_north))

    with pytest.raises(TransitionNotAllowed, match="not with your crew"):
        photo_add(order=order, actor=other)
    for user in (dispatcher_north, supervisor):
        with pytest.raises(NotPermitted):
            photo_add(order=order, actor=user)
    assert not Attachment.objects.exists()


def test_photos_count_towards_the_tickets_twenty(order, crew_north, settings):
    settings.GRIDLINE_ATTACHMENTS_PER_TICKET = 3
    for _ in range(3):
        photo_add(order=order, actor=crew_north)

    with pytest.raises(Exception, match="already keeps 3 files"):
        photo_add(order=order, actor=crew_north)
    assert WorkOrderPhoto.objects.filter(work_order=order).count() == 3


# --- An incident's work order ---------------------------------------------------------------------


@pytest.fixture
def incident(station_north, agent):
    transformer = TransformerFactory(feeder__station=station_north)
    now = timezone.now()
    for i in range(3):
        last = repair_create(
            premise=PremiseFactory(transformer=transformer),
            answers=Answers(scope=Scope.NEIGHBOURS),
            actor=agent,
            now=now + timedelta(seconds=i),
        )
    assert last.incident is not None
    assert last.incident.work_order is not None
    return last.incident


def test_a_photo_of_an_incidents_order_belongs_to_its_station(
    incident, crew, crew_north, dispatcher_north, dispatcher_south, client, settings
):
    order = take_step(
        order=incident.work_order, action="assign", actor=dispatcher_north, data={"crew": crew.code}
    )
    assert order.ticket_id is None

    photo = photo_add(order=order, actor=crew_north, stage="after")

    assert photo.ticket_id is None
    assert photo.station_id == order.station_id
    assert not TimelineEvent.objects.filter(kind="attachment_added").exists()
    client.force_login(dispatcher_north)
    assert client.get(f"/tickets/attachments/{photo.pk}/").status_code == 200
    client.force_login(dispatcher_south)
    assert client.get(f"/tickets/attachments/{photo.pk}/").status_code == 404
    # The incident's callers' tickets show the photo in their incident's panel.
    caller = Ticket.objects.filter(repair__incident=incident).first()
    client.force_login(dispatcher_north)
    page = client.get(f"/tickets/{caller.number}/").content.decode()
    assert f'src="/tickets/attachments/{photo.pk}/thumbnail/"' in page
    # Its twenty are counted on the order.
    settings.GRIDLINE_ATTACHMENTS_PER_TICKET = 2
    photo_add(order=order, actor=crew_north)
    with pytest.raises(Exception, match="already keeps 2 files"):
        photo_add(order=order, actor=crew_north)


# --- An "after" photo before completing ---------------------------------------------------------


def test_completing_needs_no_photo_by_default(order, crew_north):
    order = complete(walk(order, crew_north, "accept", "depart", "arrive"), crew_north)

    assert order.status == WorkOrder.Status.COMPLETED


def test_with_the_setting_on_completing_waits_for_an_after_photo(order, crew_north, settings, api):
    settings.GRIDLINE_WORK_ORDER_AFTER_PHOTO_REQUIRED = True
    order = walk(order, crew_north, "accept", "depart", "arrive")
    photo_add(order=order, actor=crew_north, stage="before")

    with pytest.raises(TransitionNotAllowed, match="before completing"):
        complete(order, crew_north)
    api.force_authenticate(crew_north)
    refused = api.post(
        f"/api/v1/work-orders/{order.pk}/complete/",
        {"cause": "overload", "actions": "Fuse"},
        format="json",
    )
    photo_add(order=order, actor=crew_north, stage="after")
    done = complete(order, crew_north)

    assert refused.status_code == 409
    assert "“after”" in refused.json()["action"][0]
    assert done.status == WorkOrder.Status.COMPLETED


def test_the_page_says_an_after_photo_is_needed(order, crew_north, settings, client):
    settings.GRIDLINE_WORK_ORDER_AFTER_PHOTO_REQUIRED = True
    order = walk(order, crew_north, "accept", "depart", "arrive")
    client.force_login(crew_north)

    shown = client.get(f"/dispatch/work-orders/{order.pk}/").content.decode()
    refused = client.post(
        f"/dispatch/work-orders/{order.pk}/complete/", {"cause": "overload", "actions": "Fuse"}
    )

    assert "An “after” photo is needed to complete the work." in shown
    assert refused.status_code == 409
    assert "Add a photo of the finished work" in refused.content.decode()
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ON_SITE


# --- The phone page -------------------------------------------------------------------------------


def test_the_phone_page_sends_a_photo_and_shows_its_thumbnail(order, crew_north, client):
    order = walk(order, crew_north, "accept", "depart", "arrive")
    client.force_login(crew_north)
    url = f"/dispatch/work-orders/{order.pk}/"
    form = client.get(url).content.decode()

    response = client.post(
        f"{url}photos/",
        {
            "file": photo_upload("IMG_0001.JPG"),
            "stage": "before",
            "taken_at": "2026-11-26T05:45:00.000Z",
            "lat": "31.2304163",
            "lon": "121.4737",
        },
    )

    assert 'capture="environment"' in form
    assert 'accept="image/*"' in form
    assert "Add my position" in form
    assert response.status_code == 302
    photo = Attachment.objects.get()
    assert (photo.latitude, photo.longitude) == (Decimal("31.230416"), Decimal("121.473700"))
    page = client.get(url).content.decode()
    assert f'src="/tickets/attachments/{photo.pk}/thumbnail/"' in page
    assert "Before the work" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"stage": "before"}, "Choose a file.", id="no-file"),
        pytest.param({"stage": "during"}, "“during” is not a valid choice", id="bad-stage"),
        pytest.param(
            {"stage": "after", "lat": "31.2"},
            "both the latitude and the longitude",
            id="lat-without-lon",
        ),
        pytest.param(
            {"stage": "after", "lat": "91", "lon": "0"},
            "less than or equal to 90",
            id="lat-out-of-range",
        ),
        pytest.param(
            {"stage": "after", "taken_at": "1970-01-01T00:00:00Z"},
            "between the years 2000 and 2099",
            id="absurd-time",
        ),
    ],
)
def test_the_phone_page_says_what_is_wrong(order, crew_north, client, data, message):
    client.force_login(crew_north)
    body = dict(data)
    if data.get("stage") != "before" or "file" in data:
        body["file"] = photo_upload()

    response = client.post(f"/dispatch/work-orders/{order.pk}/photos/", body)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_phone_page_refuses_a_text_file_called_jpg(order, crew_north, client):
    client.force_login(crew_north)

    response = client.post(
        f"/dispatch/work-orders/{order.pk}/photos/",
        {"stage": "before", "file": photo_upload("x.jpg", b"not a photo")},
    )

    assert response.status_code == 422
    assert "Only JPEG, PNG and WebP images and PDF documents" in response.content.decode()


def test_other_people_do_not_get_the_photo_buttons(order, dispatcher_north, client):
    client.force_login(dispatcher_north)

    page = client.get(f"/dispatch/work-orders/{order.pk}/").content.decode()
    refused = client.post(
        f"/dispatch/work-orders/{order.pk}/photos/", {"stage": "before", "file": photo_upload()}
    )

    assert "Add my position" not in page
    assert refused.status_code == 403


# --- The API --------------------------------------------------------------------------------------


def test_the_api_takes_a_photo_and_lists_it(order, crew_north, api):
    api.force_authenticate(crew_north)

    created = api.post(
        PHOTO_URL.format(order.pk),
        {
            "file": photo_upload("box.png", image_file("PNG")),
            "stage": "after",
            "taken_at": "2026-11-26T13:45:00+08:00",
            "lat": "31.23",
            "lon": "121.47",
        },
        format="multipart",
    )
    listed = api.get(PHOTO_URL.format(order.pk))
    on_ticket = api.get(f"/api/v1/tickets/{order.ticket.number}/attachments/")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "box.png"
    assert body["content_type"] == "image/png"
    assert body["stage"] == "after"
    assert body["taken_at"] == "2026-11-26T13:45:00+08:00"
    assert (body["lat"], body["lon"]) == (31.23, 121.47)
    assert body["uploaded_by"] == "crew_north"
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert [row["id"] for row in on_ticket.json()["results"]] == [body["id"]]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("dispatcher_north", 403),
        ("supervisor", 403),
        ("manager", 403),
        ("agent", 403),
        ("dispatcher_south", 404),
    ],
)
def test_the_api_takes_photos_from_the_orders_crew_only(order, api, who, status, request):
    api.force_authenticate(request.getfixturevalue(who))

    response = api.post(
        PHOTO_URL.format(order.pk), {"file": photo_upload(), "stage": "before"}, format="multipart"
    )

    assert response.status_code == status
    assert not Attachment.objects.exists()


def test_the_api_says_why_a_photo_is_refused(order, crew_north, api):
    api.force_authenticate(crew_north)

    response = api.post(
        PHOTO_URL.format(order.pk),
        {"file": photo_upload("x.jpg", b"<html></html>"), "stage": "nope"},
        format="multipart",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"file", "stage"}


@pytest.mark.parametrize("size", [2, 10])
def test_the_order_page_takes_a_fixed_number_of_queries(
    size, order, crew_north, client, django_assert_max_num_queries
):
    order = walk(order, crew_north, "accept", "depart", "arrive")
    for i in range(size):
        photo_add(order=order, actor=crew_north, stage="before" if i % 2 else "after")
    client.force_login(crew_north)
    client.get(f"/dispatch/work-orders/{order.pk}/")

    # session, user, membership, order, its station and crew, the timeline, the user's crew,
    # the causes, the photos (with who took them), the bell's count, the incident it serves.
    with django_assert_max_num_queries(12):
        page = client.get(f"/dispatch/work-orders/{order.pk}/")

    assert page.content.decode().count('class="attachment"') == size
