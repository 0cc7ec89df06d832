"""Field evidence (DESIGN §3.14): keeping a checked file, and handing it out again.

Adding a file takes two steps. The bytes are written to the `attachments` storage first,
under a random key, outside any transaction (a store may be a bucket across the network).
Then, in one transaction and under the ticket's row lock, the ticket's files are counted
(so two uploads at the same moment cannot make the 21st), the row is written, and the
`attachment_added` event goes on the timeline. When that transaction fails, the stored
bytes are removed again. The apps above add their own rows in the same transaction
(dispatch: which work order a photo shows).

A file leaves only through `attachment_response`, called by views that found the file
through the scoped selectors (tickets/selectors.py): there is no other way to it.
"""

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import GridlineError
from grid.models import Station
from tickets.evidence import PDF, CheckedFile
from tickets.locks import row_for_update
from tickets.models import Attachment, Ticket
from tickets.services import timeline_record

logger = logging.getLogger(__name__)

# Each download is checked anew: nothing may keep a copy that outlives the user's access.
_NO_STORE = "no-store"
# A file is data, never a page: even opened on its own, nothing in it runs.
_FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@dataclass(frozen=True)
class PhotoFacts:
    """What a crew's phone says about a photo: the stage, when, and where if it may."""

    stage: str = Attachment.Stage.OTHER
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


# A file that is not a crew's photo: no stage, time or place beyond its upload.
NO_FACTS = PhotoFacts()


@dataclass(frozen=True)
class StoredFile:
    """A checked file written to the storage, not yet on any ticket."""

    checked: CheckedFile
    file_key: str
    thumbnail_key: str


def attachment_storage() -> Storage:
    return storages["attachments"]


def attachment_store(*, checked: CheckedFile) -> StoredFile:
    """Write the file (and its thumbnail) under random keys; call outside a transaction."""
    storage = attachment_storage()
    key = f"attachments/{uuid.uuid4().hex}"
    file_key = storage.save(key, ContentFile(checked.content))
    thumbnail_key = ""
    if checked.thumbnail is not None:
        thumbnail_key = storage.save(f"{key}-thumbnail", ContentFile(checked.thumbnail))
    return StoredFile(checked=checked, file_key=file_key, thumbnail_key=thumbnail_key)


@contextmanager
def attachment_kept_or_removed(stored: StoredFile) -> Iterator[None]:
    """Remove the stored bytes again if the block fails (the row was never written)."""
    try:
        yield
    except BaseException:
        storage = attachment_storage()
        for key in (stored.file_key, stored.thumbnail_key):
            if key:
                try:
                    storage.delete(key)
                except Exception:  # the refusal matters more than the leftover
                    logger.exception("Could not remove the refused file %s", key)
        raise


def attachment_room_check(*, count: int) -> None:
    """GridlineError (400) once a ticket keeps GRIDLINE_ATTACHMENTS_PER_TICKET files."""
    limit = settings.GRIDLINE_ATTACHMENTS_PER_TICKET
    if count >= limit:
        raise GridlineError(
            _("This ticket already keeps %(limit)d files, the most it may have.")
            % {"limit": limit},
            field="file",
        )


def attachment_record(
    *,
    ticket_id: int,
    stored: StoredFile,
    actor: User,
    facts: PhotoFacts = NO_FACTS,
    now: datetime,
) -> Attachment:
    """Under the ticket's lock: count its files, write the row, record `attachment_added`.
    Call inside a transaction; raises GridlineError for the file over the limit."""
    ticket = row_for_update(Ticket.objects, ticket_id)
    attachment_room_check(count=Attachment.objects.filter(ticket=ticket).count())
    attachment = _create(stored=stored, actor=actor, facts=facts, now=now, ticket=ticket)
    timeline_record(
        ticket=ticket,
        kind="attachment_added",
        actor=actor,
        at=now,
        note=attachment.name,
        data={
            "attachment": attachment.pk,
            "name": attachment.name,
            "stage": attachment.stage,
            "content_type": attachment.content_type,
        },
    )
    return attachment


def attachment_record_unticketed(
    *,
    station: Station,
    stored: StoredFile,
    actor: User,
    facts: PhotoFacts,
    count: int,
    now: datetime,
) -> Attachment:
    """A file of no one ticket (an incident's work order), read by the station's people.
    `count` is how many files it already has, counted by the caller under its own lock.
    Call inside a transaction."""
    attachment_room_check(count=count)
    return _create(stored=stored, actor=actor, facts=facts, now=now, station=station)


def _create(
    *,
    stored: StoredFile,
    actor: User,
    facts: PhotoFacts,
    now: datetime,
    ticket: Ticket | None = None,
    station: Station | None = None,
) -> Attachment:
    checked = stored.checked
    return Attachment.objects.create(
        ticket=ticket,
        station=station,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        stage=facts.stage,
        # A phone whose clock runs ahead cannot date a photo after it reached us.
        taken_at=min(facts.taken_at, now) if facts.taken_at is not None else now,
        latitude=facts.latitude,
        longitude=facts.longitude,
        file_key=stored.file_key,
        thumbnail_key=stored.thumbnail_key,
        uploaded_by=actor,
        uploaded_at=now,
    )


def attachment_add(
    *, ticket: Ticket, checked: CheckedFile, actor: User, now: datetime | None = None
) -> Attachment:
    """Keep a checked file on a ticket (a complaint's evidence): stored, then recorded under
    the ticket's lock. Raises GridlineError once the ticket has its most files."""
    now = now or timezone.now()
    attachment_room_check(count=Attachment.objects.filter(ticket=ticket).count())
    stored = attachment_store(checked=checked)
    with attachment_kept_or_removed(stored), transaction.atomic():
        return attachment_record(ticket_id=ticket.pk, stored=stored, actor=actor, now=now)


def attachment_response(attachment: Attachment, *, thumbnail: bool = False) -> FileResponse:
    """The file itself, for a user the caller's selector has already let see it.

    The type is the one the check found, never guessed again from the bytes (nosniff); a
    PDF is always downloaded, an image may be shown; the name is the clean one, encoded
    for any language (RFC 5987)."""
    key = attachment.thumbnail_key if thumbnail else attachment.file_key
    if not key:
        raise Http404(_("This file has no thumbnail."))
    try:
        handle = attachment_storage().open(key, "rb")
    except FileNotFoundError:
        logger.error("Attachment %s is missing from the storage (%s)", attachment.pk, key)
        raise Http404(_("No such file.")) from None
    if thumbnail:
        stem = attachment.name.rsplit(".", 1)[0]
        response = FileResponse(handle, filename=f"{stem}-thumbnail.jpg", content_type="image/jpeg")
    else:
        response = FileResponse(
            handle,
            as_attachment=attachment.content_type == PDF,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = _NO_STORE
    response["Content-Security-Policy"] = _FILE_POLICY
    return response
