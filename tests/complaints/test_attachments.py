"""A complaint's files (DESIGN §3.14): agents, the department's handlers and supervisors keep
the customer's photo or the signed letter; each role and scope on upload, list and download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from tests.complaints.conftest import record, walk
from tests.factories import complaint_file_add, image_file, pdf_file
from tickets.attachments import attachment_storage
from tickets.models import Attachment, TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(people, station_north):
    """Judged to the department (MKT) with north named at fault: the ticket has a station."""
    complaint = walk(record(actor=people["contact"]), ["contact"], people=people)
    return services.complaint_act(
        complaint=complaint,
        action="judge",
        data={
            "validity": "valid",
            "reason": "Recording confirms it.",
            "department": people["department"],
            "station": station_north,
        },
        actor=people["judge"],
    )


def upload(name="meter.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, image_file() if content is None else content, content_type)


def stored_keys() -> set[str]:
    storage = attachment_storage()
    if not storage.exists("attachments"):
        return set()
    return set(storage.listdir("attachments")[1])


# --- The service ----------------------------------------------------------------------------------


def test_a_file_is_kept_on_the_ticket_with_its_event(complaint, agent):
    attachment = complaint_file_add(
        complaint=complaint, actor=agent, content=image_file(), name="broken meter.JPG"
    )

    assert (attachment.ticket_id, attachment.name, attachment.content_type) == (
        complaint.pk,
        "broken meter.jpg",
        "image/jpeg",
    )
    assert attachment.stage == Attachment.Stage.OTHER
    assert attachment.uploaded_by == agent
    storage = attachment_storage()
    assert storage.open(attachment.file_key).read()[:3] == b"\xff\xd8\xff"
    assert attachment.thumbnail_key
    assert storage.exists(attachment.thumbnail_key)
    assert "broken" not in attachment.file_key  # the stored name is random, never the given one
    event = TimelineEvent.objects.get(ticket_id=complaint.pk, kind="attachment_added")
    assert event.actor == agent
    assert event.note == "broken meter.jpg"
    assert event.data == {
        "attachment": attachment.pk,
        "name": "broken meter.jpg",
        "stage": "other",
        "content_type": "image/jpeg",
    }


def test_the_21st_file_is_refused_and_nothing_of_it_is_kept(complaint, agent):
    for _ in range(20):
        complaint_file_add(complaint=complaint, actor=agent)
    keys, events = stored_keys(), TimelineEvent.objects.filter(kind="attachment_added").count()

    with pytest.raises(Exception, match="already keeps 20 files") as refused:
        complaint_file_add(complaint=complaint, actor=agent)

    assert getattr(refused.value, "field", None) == "file"
    assert Attachment.objects.filter(ticket_id=complaint.pk).count() == 20
    assert stored_keys() == keys
    assert TimelineEvent.objects.filter(kind="attachment_added").count() == events


def test_the_limit_per_ticket_is_a_setting(complaint, agent, settings):
    settings.GRIDLINE_ATTACHMENTS_PER_TICKET = 2
    complaint_file_add(complaint=complaint, actor=agent)
    complaint_file_add(complaint=complaint, actor=agent)

    with pytest.raises(Exception, match="already keeps 2 files"):
        complaint_file_add(complaint=complaint, actor=agent)


def test_a_refused_transaction_removes_the_stored_bytes(complaint, agent, monkeypatch):
    from tickets import attachments

    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(attachments, "timeline_record", fail)
    before = stored_keys()

    with pytest.raises(RuntimeError):
        complaint_file_add(complaint=complaint, actor=agent)

    assert stored_keys() == before
    assert not Attachment.objects.exists()


# --- The page -------------------------------------------------------------------------------------


def test_the_page_keeps_a_file_and_lists_it(client, complaint, handler):
    client.force_login(handler)
    url = f"/complaints/{complaint.ticket.number}/"

    response = client.post(
        f"{url}attachments/", {"file": upload("signed letter.pdf", pdf_file(), "application/pdf")}
    )

    assert response.status_code == 302
    page = client.get(url).content.decode()
    attachment = Attachment.objects.get()
    assert "signed letter.pdf" in page
    assert f'href="/tickets/attachments/{attachment.pk}/"' in page
    assert "Keep a file with the complaint" in page


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        pytest.param(b"hello, not a photo", "photo.jpg", "Only JPEG, PNG and WebP", id="text"),
        pytest.param(
            b"<html><script>alert(1)</script></html>", "x.html", "Only JPEG, PNG", id="html"
        ),
        pytest.param(
            image_file("JPEG", size=(200, 200))[:-300], "cut.jpg", "damaged", id="truncated"
        ),
        pytest.param(
            b"%PDF-1.4\n" + b"0" * 10_485_752, "big.pdf", "at most 10 MB", id="10MiB-plus-1"
        ),
    ],
)
def test_the_page_says_why_a_file_is_refused(client, complaint, agent, content, name, message):
    client.force_login(agent)

    response = client.post(
        f"/complaints/{complaint.ticket.number}/attachments/", {"file": upload(name, content)}
    )

    assert response.status_code == 422
    text = response.content.decode()
    assert message in text
    assert 'aria-invalid="true"' in text
    assert not Attachment.objects.exists()


def test_the_page_says_when_the_ticket_is_full(client, complaint, agent, settings):
    settings.GRIDLINE_ATTACHMENTS_PER_TICKET = 1
    complaint_file_add(complaint=complaint, actor=agent)
    client.force_login(agent)

    response = client.post(
        f"/complaints/{complaint.ticket.number}/attachments/", {"file": upload()}
    )

    assert response.status_code == 422
    assert "already keeps 1 files" in response.content.decode()


def test_a_manager_reads_the_files_but_has_no_form(client, complaint, agent, manager):
    complaint_file_add(complaint=complaint, actor=agent)
    client.force_login(manager)

    page = client.get(f"/complaints/{complaint.ticket.number}/").content.decode()
    refused = client.post(f"/complaints/{complaint.ticket.number}/attachments/", {"file": upload()})

    assert "letter.pdf" in page
    assert "Keep a file with the complaint" not in page
    assert refused.status_code == 403


# --- The API --------------------------------------------------------------------------------------


def api_upload(api, number, content=None, name="meter.jpg"):
    return api.post(
        f"/api/v1/complaints/{number}/attachments/",
        {"file": upload(name, content)},
        format="multipart",
    )


@pytest.mark.parametrize("role", ["agent", "supervisor", "handler"])
def test_each_role_that_may_adds_a_file_through_the_api(api, complaint, role, request):
    api.force_authenticate(request.getfixturevalue(role))

    response = api_upload(api, complaint.ticket.number)

    assert response.status_code == 201, response.content
    body = response.json()
    attachment = Attachment.objects.get()
    assert body["id"] == attachment.pk
    assert body["name"] == "meter.jpg"
    assert body["content_type"] == "image/jpeg"
    assert body["size"] == attachment.size
    assert body["stage"] == "other"
    assert body["uploaded_by"] == request.getfixturevalue(role).username


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 403),
        ("dispatcher_north", 403),
        ("crew_north", 403),
        ("other_handler", 404),  # another department's complaint does not exist for them
    ],
)
def test_other_roles_and_scopes_cannot_add_a_file(api, complaint, role, status, request):
    api.force_authenticate(request.getfixturevalue(role))

    response = api_upload(api, complaint.ticket.number)

    assert response.status_code == status
    assert not Attachment.objects.exists()


def test_the_api_says_why_a_file_is_refused(api, complaint, agent):
    api.force_authenticate(agent)

    text = api_upload(api, complaint.ticket.number, b"<svg onload=alert(1)>", "a.jpg")
    missing = api.post(
        f"/api/v1/complaints/{complaint.ticket.number}/attachments/", {}, format="multipart"
    )
    as_json = api.post(
        f"/api/v1/complaints/{complaint.ticket.number}/attachments/",
        {"file": "aGVsbG8="},
        format="json",
    )

    assert text.status_code == 400
    assert "Only JPEG, PNG and WebP images and PDF" in text.json()["file"][0]
    assert missing.status_code == 400
    assert missing.json() == {"file": ["Choose a file."]}
    assert as_json.status_code == 415
    assert not Attachment.objects.exists()


def test_the_api_refuses_the_21st_file(api, complaint, agent):
    for _ in range(20):
        complaint_file_add(complaint=complaint, actor=agent)
    api.force_authenticate(agent)

    response = api_upload(api, complaint.ticket.number)

    assert response.status_code == 400
    assert response.json() == {
        "file": ["This ticket already keeps 20 files, the most it may have."]
    }


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("agent", True),
        ("supervisor", True),
        ("manager", True),
        ("handler", True),
        ("other_handler", False),
        # The complaint's ticket names north, and the ticket page is north's to read; its
        # files are still the department's (a complaint is never a station's business).
        ("dispatcher_north", False),
        ("crew_north", False),
    ],
)
def test_a_complaint_file_is_read_by_the_complaints_scope_only(
    client, api, complaint, agent, role, sees, request
):
    attachment = complaint_file_add(complaint=complaint, actor=agent)
    user = request.getfixturevalue(role)
    client.force_login(user)
    api.force_authenticate(user)

    page = client.get(f"/tickets/attachments/{attachment.pk}/")
    from_api = api.get(f"/api/v1/attachments/{attachment.pk}/")
    listed = api.get(f"/api/v1/tickets/{complaint.ticket.number}/attachments/")

    assert page.status_code == (200 if sees else 404)
    assert from_api.status_code == (200 if sees else 404)
    ids = [row["id"] for row in listed.json()["results"]] if listed.status_code == 200 else []
    assert ids == ([attachment.pk] if sees else [])


def test_a_signed_out_visitor_is_sent_to_sign_in(client, api, complaint, agent):
    attachment = complaint_file_add(complaint=complaint, actor=agent)

    page = client.get(f"/tickets/attachments/{attachment.pk}/")
    from_api = api.get(f"/api/v1/attachments/{attachment.pk}/")

    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]
    assert from_api.status_code == 401


def test_the_schema_documents_the_uploads_as_multipart(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    for path, fields in [
        ("/api/v1/complaints/{number}/attachments/", {"file"}),
        ("/api/v1/work-orders/{id}/attachments/", {"file", "stage", "taken_at", "lat", "lon"}),
    ]:
        operation = schema["paths"][path]["post"]
        content = operation["requestBody"]["content"]
        assert list(content) == ["multipart/form-data"], path
        ref = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
        component = schema["components"]["schemas"][ref]
        assert set(component["properties"]) == fields, path
        assert component["properties"]["file"] == {
            "type": "string",
            "format": "binary",
            "description": component["properties"]["file"]["description"],
        }
        assert {"201", "400", "403", "404"} <= set(operation["responses"]), path
    download = schema["paths"]["/api/v1/attachments/{id}/"]["get"]["responses"]["200"]["content"]
    assert set(download) == {"image/jpeg", "image/png", "image/webp", "application/pdf"}
