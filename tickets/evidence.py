"""What a file must be to be kept as evidence (DESIGN §3.14): pure, no database.

A file is judged by its content, never by its name or the type the browser claims: its first
bytes must be those of a JPEG, a PNG, a WebP or a PDF. An image must then decode whole with
Pillow (a truncated or corrupt one is refused) and is drawn again into a fresh file of the
same type, which leaves behind everything but the pixels: EXIF (a customer's phone writes
where the photo was taken), comments, text chunks, anything appended after the image. The
EXIF orientation is applied first, so the photo stays the right way up. A PDF must start
with `%PDF-` and end with `%%EOF`; it is kept as sent, and always downloaded, never shown.

The name a file had is only ever a display name: stripped of any path and of characters
that are not letters, digits or plain punctuation, shortened, and given the extension of
the type found.
"""

import io
import re
import struct
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Final

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# The types kept, by what their first bytes are, with the extension and Pillow's name.
JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
WEBP: Final = "image/webp"
PDF: Final = "application/pdf"
EXTENSIONS: Final[dict[str, str]] = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf"}
_PILLOW_FORMATS: Final[dict[str, str]] = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
IMAGE_TYPES: Final = frozenset(_PILLOW_FORMATS)

# A PDF ends with %%EOF, give or take the line ends and padding some writers add.
_PDF_TAIL_BYTES = 1024
# The thumbnail's longest side, in pixels: twice what the pages show, for sharp screens.
THUMBNAIL_SIZE = 320
NAME_MAX_LENGTH = 100
# Letters and digits of any script, and punctuation that is harmless in a file name.
_NAME_PUNCTUATION = frozenset(" -_.,()[]+")


class EvidenceRefused(ValueError):
    """The file is not one Gridline keeps; the message says what is allowed."""


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed: what to store, under what name, and its thumbnail (images)."""

    content: bytes
    content_type: str
    name: str
    thumbnail: bytes | None

    @property
    def size(self) -> int:
        return len(self.content)


def allowed_types_text() -> str:
    return _("Only JPEG, PNG and WebP images and PDF documents can be added.")


def too_large_text() -> str:
    limit = settings.GRIDLINE_ATTACHMENT_MAX_BYTES
    return _("A file may be at most %(size)s (%(bytes)s bytes).") % {
        "size": megabytes(limit),
        "bytes": f"{limit:,}",
    }


def megabytes(size: int) -> str:
    """10,485,760 → "10 MB", 20,000 → "19.5 KB" (binary units, as phones count them)."""
    if size >= 1024 * 1024:
        value, text = size / (1024 * 1024), _("%(n)s MB")
    else:
        value, text = size / 1024, _("%(n)s KB")
    return text % {"n": f"{value:.0f}" if value.is_integer() else f"{value:.1f}"}


def sniff(head: bytes) -> str | None:
    """The type the first bytes announce, or None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def check(content: bytes, *, name: str) -> CheckedFile:
    """The file as it will be kept, or EvidenceRefused saying why not."""
    if len(content) > settings.GRIDLINE_ATTACHMENT_MAX_BYTES:
        raise EvidenceRefused(too_large_text())
    if not content:
        raise EvidenceRefused(_("The file is empty."))
    content_type = sniff(content[:16])
    if content_type is None:
        raise EvidenceRefused(allowed_types_text())
    if content_type == PDF:
        if b"%%EOF" not in content[-_PDF_TAIL_BYTES:]:
            raise EvidenceRefused(_("The PDF is incomplete: it has no end."))
        return CheckedFile(content, PDF, file_name_clean(name, content_type=PDF), None)
    image = _decoded(content, content_type)
    return CheckedFile(
        content=_encoded(image, content_type),
        content_type=content_type,
        name=file_name_clean(name, content_type=content_type),
        thumbnail=_thumbnail(image),
    )


def _decoded(content: bytes, content_type: str) -> Image.Image:
    """The whole image, decoded and the right way up; refused when it is not all there."""
    damaged = EvidenceRefused(
        _("The image is damaged or incomplete: take the photo again, or send another file.")
    )
    limit = settings.GRIDLINE_ATTACHMENT_MAX_PIXELS
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit: any bomb is an error here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as probe:
                if probe.format != _PILLOW_FORMATS[content_type]:
                    raise damaged
                width, height = probe.size
                if width * height > limit:
                    raise EvidenceRefused(
                        _("The image has too many pixels: at most %(n)d million.")
                        % {"n": limit // 1_000_000}
                    )
                probe.verify()
            # verify() leaves the image unusable: open it again to decode every pixel.
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
        except EvidenceRefused:
            raise
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
            struct.error,  # some plugins let it escape from a broken header
        ):
            raise damaged from None
    return upright


def _encoded(image: Image.Image, content_type: str) -> bytes:
    """The pixels alone, in a new file of the same type: no EXIF, no text, no trailer."""
    out = io.BytesIO()
    if content_type == JPEG:
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)
    elif content_type == PNG:
        if image.mode == "P":
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        image.save(out, format="PNG")
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if image.mode in ("LA", "PA", "P") else "RGB")
        image.save(out, format="WEBP", quality=90)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    """A small JPEG of the image, transparency on white."""
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    if small.mode in ("RGBA", "LA", "PA", "P"):
        small = small.convert("RGBA")
        background = Image.new("RGB", small.size, "white")
        background.paste(small, mask=small.getchannel("A"))
        small = background
    elif small.mode != "RGB":
        small = small.convert("RGB")
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80)
    return out.getvalue()


def file_name_clean(name: str, *, content_type: str) -> str:
    """A safe display name: no path, no control or markup characters, at most
    NAME_MAX_LENGTH characters before the extension of the type found."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    kept = []
    for char in stem:
        category = unicodedata.category(char)
        if category[0] == "C":  # control, format, private use, unassigned: dropped
            continue
        kept.append(char if category[0] in "LNM" or char in _NAME_PUNCTUATION else "_")
    stem = re.sub(r"\s+", " ", "".join(kept))
    stem = re.sub(r"_{2,}", "_", stem).strip(" ._-")[:NAME_MAX_LENGTH].rstrip(" .")
    return f"{stem or 'file'}.{EXTENSIONS[content_type]}"
