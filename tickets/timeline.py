"""A ticket's timeline as every page shows it: tickets/_timeline.html renders these items."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tickets.models import Attachment, TimelineEvent


@dataclass(frozen=True)
class TimelineItem:
    """One event, with what the page adds: a detail in the reader's words, in time or late."""

    event: TimelineEvent
    detail: str = ""
    in_time: bool | None = None


def timeline_items(
    events: Iterable[TimelineEvent], *, detail: Callable[[TimelineEvent], str] | None = None
) -> list[TimelineItem]:
    """The events in order; `detail` lets a kind's page word what each of its steps decided."""
    items = []
    for event in events:
        data = event.data or {}
        # A work order's arrival says whether the crew kept the promise; a complaint step
        # whether it met its deadline.
        in_time = data.get("in_time", data.get("arrived_in_time"))
        items.append(
            TimelineItem(
                event=event,
                detail=(detail(event) if detail else "") or _kind_detail(event),
                in_time=in_time if isinstance(in_time, bool) else None,
            )
        )
    return items


def _kind_detail(event: TimelineEvent) -> str:
    """What every page says of an event of the tickets' own kinds: a file's stage, where a
    ticket went, which ticket a duplicate repeated."""
    data = event.data or {}
    stage = data.get("stage")
    if event.kind == "attachment_added" and stage in Attachment.Stage.values and stage != "other":
        return str(Attachment.Stage(stage).label)
    if event.kind == "transferred":
        return f"{_holder_words(data.get('from'))} → {_holder_words(data.get('to'))}"
    if event.kind == "returned":
        return _("from %(holder)s") % {"holder": _holder_words(data.get("from"))}
    if event.kind == "duplicate_linked" and data.get("duplicate"):
        return str(data["duplicate"])
    if event.kind == "cancel" and data.get("duplicate_of"):
        return _("duplicate of %(number)s") % {"number": data["duplicate_of"]}
    return ""


def _holder_words(holder: Any) -> str:
    """A holder as tickets.handling records it: a station's or department's name as stored."""
    if isinstance(holder, dict) and holder.get("name"):
        return str(holder["name"])
    return _("the supervisors")
