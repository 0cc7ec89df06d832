"""A crew's before and after photos for the demo's completed orders, drawn here (a demo
has no camera) and sent through the same checks and service as a phone's upload."""

import io
from datetime import datetime, timedelta

from PIL import Image, ImageDraw

from accounts.models import User
from dispatch.models import WorkOrder
from dispatch.services import work_order_photo_add
from tickets.attachments import PhotoFacts
from tickets.evidence import check
from tickets.models import Attachment

# What each photo looks like: a dark, scorched box before, a clean one after.
LOOKS: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    Attachment.Stage.BEFORE: ((70, 62, 58), (28, 24, 22)),
    Attachment.Stage.AFTER: ((186, 196, 204), (92, 128, 160)),
}


def _drawn(stage: str) -> bytes:
    wall, box = LOOKS[stage]
    image = Image.new("RGB", (640, 480), wall)
    ImageDraw.Draw(image).rectangle((220, 120, 420, 380), fill=box, outline=(20, 20, 20), width=6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def demo_photos_take(*, order: WorkOrder, actor: User, moment: datetime) -> None:
    """Before (soon after arriving) and after (just before completing) photos of the order,
    `moment` being when it is completed."""
    on_site = moment - (order.arrived_at or moment - timedelta(hours=1))
    taken = {
        Attachment.Stage.BEFORE: moment - on_site * 3 / 4,
        Attachment.Stage.AFTER: moment - on_site / 10,
    }
    for stage, at in taken.items():
        work_order_photo_add(
            order=order,
            checked=check(_drawn(stage), name=f"IMG_{at:%H%M}.jpg"),
            facts=PhotoFacts(stage=stage, taken_at=at),
            actor=actor,
            now=at,
        )
