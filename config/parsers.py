"""The API's body parsers: only text PostgreSQL can store, and only as deep as a body needs.

A NUL character cannot be stored in PostgreSQL text, and neither can a lone surrogate
(`"\\ud800"` is valid JSON but not valid Unicode); a body nested thousands deep makes the
decoder and everything after it recurse until Python gives up. Each is refused here with
400 and a message, for every API endpoint, before a view sees the data.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

# No Gridline body nests deeper than an object holding a list of objects; 32 leaves room
# and keeps every later walk over the data (idempotency's hash, the forms) shallow.
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            message = gettext("The body is not valid %(encoding)s.") % {"encoding": encoding}
            raise ParseError(message) from None
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:  # nested deeper than the decoder goes: deeper than MAX_DEPTH
            raise ParseError(_too_deep()) from None
        except ValueError as exc:
            message = gettext("The body is not valid JSON: %(error)s") % {"error": exc}
            raise ParseError(message) from None
        _refuse_unstorable(_texts_in(data))
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_unstorable(_texts_in_form(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        _refuse_unstorable(_texts_in_form(result.data))
        return result


def _texts_in(data: Any) -> Iterator[str]:
    """Every string in decoded JSON, keys too; walked with a stack, not recursion, and
    refused once it nests deeper than MAX_DEPTH."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(_too_deep())
            if isinstance(value, dict):
                yield from value.keys()
                value = list(value.values())
            stack.extend((item, depth + 1) for item in value)


def _texts_in_form(data: Any) -> Iterator[str]:
    for key, values in data.lists():
        yield key
        yield from (value for value in values if isinstance(value, str))


def _refuse_unstorable(texts: Iterator[str]) -> None:
    for text in texts:
        if "\x00" in text:
            raise ParseError(gettext("Text may not contain NUL characters."))
        if not _is_unicode(text):
            raise ParseError(gettext("Text must be valid Unicode (a lone surrogate is not)."))


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _too_deep() -> str:
    return gettext("The body is nested more than %(limit)d levels deep.") % {"limit": MAX_DEPTH}
