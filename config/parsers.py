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
        if _nesting_depth(text) > MAX_DEPTH:
            raise ParseError(_too_deep())
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
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


def _nesting_depth(text: str) -> int:
    """How deep the brackets nest, outside strings; counted without recursion, so a body
    of 100,000 `[` costs one pass instead of a RecursionError."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _texts_in(value: Any) -> Iterator[str]:
    """Every string in decoded JSON, keys too (the depth is already bounded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts_in(item)


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
