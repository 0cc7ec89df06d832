"""Messages stored as what happened, written in the reader's language when shown or sent
(DESIGN §3.16).

A notification (the bell), a staff email, a customer SMS or a work-order brief stores a
*kind* and its *values*: plain JSON (ticket numbers, counts, codes, ISO datetimes, names a
person typed), never a sentence. Each kind is registered once, by the app that sends it,
with its lazily translated text and how each value becomes words: a code through its
model's choices, a datetime in the site's time zone. `render()` writes a kind in the
language asked for (the reader's), at the moment it is shown or sent.

Where the kinds live: tickets' own in tickets/notify.py, repairs' in repairs/messages.py,
complaints' in complaints/notices.py; each app imports its module in AppConfig.ready(), so
every process knows every kind before it renders one. This module imports no model.
"""

import enum
import logging
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext

logger = logging.getLogger("gridline.messages")

# How one stored value becomes words in the active language.
Format = Callable[[Any], str]
# A text put together from the formatted values (parts that depend on them).
Compose = Callable[[Mapping[str, Any]], str]
# A value the kind names but the stored row lacks (a row older than the kind's text).
MISSING = "—"


class Rendered(NamedTuple):
    """A message written in one language."""

    text: str  # the bell's line, the SMS, the email's subject
    body: str  # the email's body: the text itself unless the kind has a longer one


@dataclass(frozen=True)
class Text:
    """A message not yet written in any language: its kind and its values."""

    kind: str
    params: dict[str, Any]

    def render(self, language: str | None = None) -> Rendered:
        return render(self.kind, self.params, language=language)


@dataclass(frozen=True)
class MessageKind:
    """One kind of message: its text (and a longer email body) with %(name)s placeholders."""

    name: str
    text: Promise | str | Compose
    formats: Mapping[str, Format]
    body: Compose | None = None

    def __call__(self, **params: Any) -> Text:
        """What happened, with its values, ready to store."""
        return Text(self.name, {name: _plain(value) for name, value in params.items()})


_KINDS: dict[str, MessageKind] = {}


def message_kind(
    name: str,
    text: Promise | str | Compose,
    *,
    formats: Mapping[str, Format] | None = None,
    body: Compose | None = None,
) -> MessageKind:
    """Register a kind; a name is registered once (a second definition is a mistake)."""
    kind = MessageKind(name=name, text=text, formats=dict(formats or {}), body=body)
    existing = _KINDS.get(name)
    if existing is not None and existing.text != text:
        raise ImproperlyConfigured(f"Message kind {name!r} is registered twice.")
    _KINDS[name] = kind
    return kind


def message_kinds() -> dict[str, MessageKind]:
    """Every registered kind, by name."""
    return dict(_KINDS)


def render(kind: str, params: Mapping[str, Any], *, language: str | None = None) -> Rendered:
    """The message in `language` (by default the active one). Never raises: a kind nobody
    registered, or values its text cannot take, come out as the kind and its values."""
    with translation.override(language) if language else nullcontext():
        entry = _KINDS.get(kind)
        if entry is None:
            logger.warning("No message kind %r: shown as its values.", kind)
            return _as_values(kind, params)
        values = _Values(params)
        for name, format_value in entry.formats.items():
            if params.get(name) is not None:
                values[name] = format_value(params[name])
        try:
            text = _write(entry.text, values)
            body = _write(entry.body, values) if entry.body is not None else text
        except (KeyError, TypeError, ValueError) as exc:
            logger.warning("Message kind %r cannot take %r: %s", kind, dict(params), exc)
            return _as_values(kind, params)
    return Rendered(text, body)


# --- Formats: how a stored value becomes words ----------------------------------------------


def choice(choices: type[models.Choices]) -> Format:
    """A code stored, its label shown (an unknown code as it is)."""

    def label(value: Any) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)

    return label


def local_datetime(pattern: str) -> Format:
    """An ISO datetime stored, shown in the site's time zone with a strftime pattern."""

    def written(value: Any) -> str:
        moment = parse_datetime(value) if isinstance(value, str) else value
        if not isinstance(moment, datetime):
            return str(value)
        return timezone.localtime(moment, timezone.get_default_timezone()).strftime(pattern)

    return written


def translated(value: Any) -> str:
    """A name kept as its catalogue msgid (a seeded category), shown translated; a name typed
    in the admin is not in the catalogue and shows as typed."""
    return gettext(str(value)) if value else ""


# --- Inside ----------------------------------------------------------------------------------


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return MISSING


def _write(template: Promise | str | Compose, values: Mapping[str, Any]) -> str:
    if callable(template):
        return template(values)
    return str(template) % values


def _as_values(kind: str, params: Mapping[str, Any]) -> Rendered:
    text = f"{kind}: " + ", ".join(f"{name}={value}" for name, value in params.items())
    return Rendered(text, text)


def _plain(value: Any) -> Any:
    """A value as JSON keeps it; words are never stored, only what they are made from."""
    if isinstance(value, Promise):
        raise TypeError("Store the code, not its label: labels are written when rendered.")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
