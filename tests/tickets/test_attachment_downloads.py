"""Files leave only through the scoped views (DESIGN §3.14): the checked type, nosniff, the
clean name, never cached, no public URL; and the pages that list them in a fixed number of
queries however many there are."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PremiseFactory, checked_file, image_file, pdf_file, ticket_create
from tickets.attachments import attachment_add, attachment_storage
from tickets.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(station_north):
    premise = PremiseFactory(transformer__feeder__station=station_north)
    return ticket_create(kind="consultation", premise=premise)


def add(ticket, actor, content=None, name="photo.jpg") -> Attachment:
    return attachment_add(ticket=ticket, checked=checked_file(content, name), actor=actor)


def test_an_image_is_shown_with_its_checked_type_and_never_sniffed(client, ticket, agent):
    attachment = add(ticket, agent, image_file("PNG"), "meter reading.png")
    client.force_login(agent)

    response = client.get(f"/tickets/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="meter reading.png"'
    assert response["Cache-Control"] == "no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    content = b"".join(response.streaming_content)
    assert content == attachment_storage().open(attachment.file_key).read()
    assert content.startswith(b"\x89PNG")


def test_a_pdf_is_always_downloaded(client, ticket, agent):
    attachment = add(ticket, agent, pdf_file(), "letter.pdf")
    client.force_login(agent)

    response = client.get(f"/tickets/attachments/{attachment.pk}/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_name_in_any_language_is_encoded_for_the_header(client, ticket, agent):
    attachment = add(ticket, agent, pdf_file(), "整改通知书 已签字.pdf")
    client.force_login(agent)

    response = client.get(f"/tickets/attachments/{attachment.pk}/")

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%95%B4%E6%94%B9%E9%80%9A%E7%9F%A5%E4%B9%A6%20"
        "%E5%B7%B2%E7%AD%BE%E5%AD%97.pdf"
    )


def test_the_thumbnail_is_a_jpeg_through_the_same_scope(client, api, ticket, agent):
    photo = add(ticket, agent, image_file("WEBP", size=(800, 600)), "box.webp")
    letter = add(ticket, agent, pdf_file(), "letter.pdf")
    client.force_login(agent)
    api.force_authenticate(agent)

    page = client.get(f"/tickets/attachments/{photo.pk}/thumbnail/")
    from_api = api.get(f"/api/v1/attachments/{photo.pk}/thumbnail/")
    none = client.get(f"/tickets/attachments/{letter.pk}/thumbnail/")

    assert page["Content-Type"] == from_api["Content-Type"] == "image/jpeg"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Content-Disposition"] == 'inline; filename="box-thumbnail.jpg"'
    assert b"".join(page.streaming_content)[:3] == b"\xff\xd8\xff"
    assert none.status_code == 404


def test_the_api_answers_the_file_itself(api, ticket, agent):
    attachment = add(ticket, agent, pdf_file(), "letter.pdf")
    api.force_authenticate(agent)

    response = api.get(f"/api/v1/attachments/{attachment.pk}/")
    missing = api.get("/api/v1/attachments/999999/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_file()
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No such file."}


def test_another_stations_people_get_404_for_the_file(client, api, ticket, agent, dispatcher_south):
    attachment = add(ticket, agent)
    client.force_login(dispatcher_south)
    api.force_authenticate(dispatcher_south)

    assert client.get(f"/tickets/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/tickets/attachments/{attachment.pk}/thumbnail/").status_code == 404
    assert api.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
    assert api.get(f"/api/v1/tickets/{ticket.number}/attachments/").status_code == 404


def test_no_file_has_a_public_url(client, ticket, agent, settings):
    attachment = add(ticket, agent)
    client.force_login(agent)

    with pytest.raises(NotImplementedError):
        attachment_storage().url(attachment.file_key)
    # Neither the static files handler nor any media route serves the storage's folder.
    for path in (
        f"/media/{attachment.file_key}",
        f"/static/{attachment.file_key}",
        f"/{attachment.file_key}",
        f"/static/../media/{attachment.file_key}",
    ):
        assert client.get(path).status_code == 404, path
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


def test_a_missing_file_answers_404_not_an_error(client, ticket, agent):
    attachment = add(ticket, agent)
    attachment_storage().delete(attachment.file_key)
    client.force_login(agent)

    assert client.get(f"/tickets/attachments/{attachment.pk}/").status_code == 404


def test_an_upload_larger_than_any_file_answers_413_before_it_is_read(api, client, agent, settings):
    settings.GRIDLINE_ATTACHMENT_MAX_BYTES = 50_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 70_000, "application/pdf")
    api.force_authenticate(agent)
    client.force_login(agent)

    from_api = api.post(
        "/api/v1/complaints/C20261126-000001/attachments/", {"file": big}, format="multipart"
    )
    big.seek(0)
    from_page = client.post("/complaints/C20261126-000001/attachments/", {"file": big})

    assert from_api.status_code == 413
    assert from_api.json() == {
        "detail": "The upload is too large: a file may be at most 50,000 bytes."
    }
    assert from_page.status_code == 413


def test_the_ticket_page_shows_the_files_and_their_event(client, ticket, agent):
    photo = add(ticket, agent, name="<b>burnt box<b>.jpg")
    client.force_login(agent)

    page = client.get(f"/tickets/{ticket.number}/").content.decode()

    assert f'src="/tickets/attachments/{photo.pk}/thumbnail/"' in page
    assert "b_burnt box_b.jpg" in page
    assert "File added" in page


@pytest.mark.parametrize("size", [2, 12])
def test_the_ticket_page_and_the_list_take_a_fixed_number_of_queries(
    size, client, api, ticket, agent, django_assert_max_num_queries
):
    for i in range(size):
        add(ticket, agent, image_file() if i % 2 else pdf_file(), f"file {i}.jpg")
    client.force_login(agent)
    api.force_authenticate(agent)
    client.get(f"/tickets/{ticket.number}/")  # warm the session and the content types

    # session, user, ticket, events, deadlines, the files (with who added them), the bell's
    # count; a consultation has no panels of its kind, only the calls that touched it.
    with django_assert_max_num_queries(8):
        page = client.get(f"/tickets/{ticket.number}/")
    # the ticket (in scope), the count, the page of files with who added them
    with django_assert_max_num_queries(3):
        listed = api.get(f"/api/v1/tickets/{ticket.number}/attachments/")

    assert page.content.decode().count('class="attachment"') == size
    assert listed.json()["count"] == size
    assert [row["name"] for row in listed.json()["results"]][:2] == [
        "file 0.pdf",
        "file 1.jpg",
    ]
