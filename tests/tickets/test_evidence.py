"""What a file must be to be kept (DESIGN §3.14, tickets/evidence.py): checked by content,
images decoded and drawn again, names made safe. Pure: no database."""

import io

import pytest
from PIL import Image

from tests.factories import image_file, pdf_file
from tickets.evidence import (
    JPEG,
    NAME_MAX_LENGTH,
    PDF,
    PNG,
    THUMBNAIL_SIZE,
    WEBP,
    EvidenceRefused,
    check,
    file_name_clean,
)

MAX = 10_485_760
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def exif_with_position(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    # GPSInfo: 31°14' N, 121°28' E, where the customer lives.
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    return exif


def pdf_of_size(size: int) -> bytes:
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    return head + b"%" * (size - len(head) - len(tail)) + tail


@pytest.mark.parametrize(
    ("content", "name", "content_type", "expected_name"),
    [
        pytest.param(image_file("JPEG"), "IMG_0042.JPG", JPEG, "IMG_0042.jpg", id="jpeg"),
        pytest.param(image_file("PNG"), "meter.png", PNG, "meter.png", id="png"),
        pytest.param(image_file("WEBP"), "box.webp", WEBP, "box.webp", id="webp"),
        pytest.param(
            pdf_file(), "rectification letter.pdf", PDF, "rectification letter.pdf", id="pdf"
        ),
        # The content decides, never the name: a PNG called .jpg is kept as the PNG it is.
        pytest.param(image_file("PNG"), "photo.jpg", PNG, "photo.png", id="png-named-jpg"),
        pytest.param(image_file("JPEG"), "scan.pdf", JPEG, "scan.jpg", id="jpeg-named-pdf"),
    ],
)
def test_each_type_is_accepted_by_its_content(content, name, content_type, expected_name):
    checked = check(content, name=name)

    assert checked.content_type == content_type
    assert checked.name == expected_name
    assert checked.size == len(checked.content) > 0


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param(b"just some words, not a photo at all\n", "photo.jpg", id="text-named-jpg"),
        pytest.param(HTML, "invoice.html", id="html"),
        pytest.param(HTML, "invoice.jpg", id="html-named-jpg"),
        pytest.param(SVG, "drawing.svg", id="svg-with-script"),
        pytest.param(b"GIF89a" + b"\x00" * 32, "anim.gif", id="gif"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 32, "photos.zip", id="zip"),
        pytest.param(b"MZ\x90\x00" + b"\x00" * 32, "setup.exe", id="exe"),
    ],
)
def test_anything_else_is_refused_saying_what_is_allowed(content, name):
    with pytest.raises(EvidenceRefused, match="Only JPEG, PNG and WebP images and PDF"):
        check(content, name=name)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(image_file("JPEG", size=(320, 240))[:-600], id="truncated-jpeg"),
        pytest.param(image_file("JPEG")[:40], id="jpeg-header-only"),
        pytest.param(image_file("PNG", size=(320, 240))[:-200], id="truncated-png"),
        pytest.param(image_file("WEBP", size=(320, 240))[:-300], id="truncated-webp"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"<html>" * 40, id="jpeg-magic-then-html"),
        pytest.param(b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 40, id="webp-magic-only"),
    ],
)
def test_a_damaged_or_incomplete_image_is_refused(content):
    with pytest.raises(EvidenceRefused, match="damaged or incomplete"):
        check(content, name="photo.jpg")


def test_a_pdf_without_its_end_is_refused():
    with pytest.raises(EvidenceRefused, match="PDF is incomplete"):
        check(pdf_file()[:-8], name="letter.pdf")


def test_an_empty_file_is_refused():
    with pytest.raises(EvidenceRefused, match="empty"):
        check(b"", name="photo.jpg")


def test_ten_mebibytes_exactly_are_kept_and_one_byte_more_is_refused():
    kept = check(pdf_of_size(MAX), name="scan.pdf")

    with pytest.raises(EvidenceRefused, match=r"at most 10 MB \(10,485,760 bytes\)"):
        check(pdf_of_size(MAX + 1), name="scan.pdf")
    assert kept.size == MAX


def test_the_size_limit_is_a_setting(settings):
    settings.GRIDLINE_ATTACHMENT_MAX_BYTES = 1000

    with pytest.raises(EvidenceRefused, match="1,000 bytes"):
        check(pdf_of_size(1001), name="scan.pdf")
    assert check(pdf_of_size(1000), name="scan.pdf").size == 1000


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(settings):
    settings.GRIDLINE_ATTACHMENT_MAX_PIXELS = 1_000_000
    wide = image_file("PNG", size=(1001, 1000))

    with pytest.raises(EvidenceRefused, match="too many pixels"):
        check(wide, name="wide.png")
    assert check(image_file("PNG", size=(1000, 1000)), name="ok.png").content_type == PNG


def test_the_exif_position_is_removed_and_the_photo_stays_upright():
    # A phone held upright stores the pixels sideways and says so in EXIF (orientation 6).
    photo = image_file("JPEG", size=(64, 48), exif=exif_with_position(orientation=6))
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the position is there

    kept = Image.open(io.BytesIO(check(photo, name="meter.jpg").content))

    assert kept.size == (48, 64)  # turned the right way up
    assert dict(kept.getexif()) == {}
    assert kept.getexif().get_ifd(0x8825) == {}
    assert b"PhoneMaker" not in check(photo, name="meter.jpg").content


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_metadata_of_other_images_is_removed(fmt):
    from PIL import PngImagePlugin

    extra: dict = {"exif": exif_with_position()}
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "home address: 1 Riverside Road")
        extra["pnginfo"] = info
    photo = image_file(fmt, **extra)

    kept = check(photo, name="x")

    assert b"Riverside" not in kept.content
    assert b"PhoneMaker" not in kept.content
    assert dict(Image.open(io.BytesIO(kept.content)).getexif()) == {}


def test_anything_appended_after_the_image_is_left_behind():
    polyglot = image_file("JPEG") + HTML

    kept = check(polyglot, name="photo.jpg")

    assert b"<script>" not in kept.content
    assert kept.content_type == JPEG


def test_an_image_gets_a_small_jpeg_thumbnail_and_a_pdf_none():
    photo = check(image_file("PNG", size=(1280, 960)), name="big.png")
    thumbnail = Image.open(io.BytesIO(photo.thumbnail or b""))

    assert thumbnail.format == "JPEG"
    assert max(thumbnail.size) == THUMBNAIL_SIZE
    assert check(pdf_file(), name="a.pdf").thumbnail is None


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        pytest.param("../../etc/passwd", JPEG, "passwd.jpg", id="path"),
        pytest.param("C:\\Users\\li\\Desktop\\IMG_1.JPG", JPEG, "IMG_1.jpg", id="windows-path"),
        pytest.param("meter\x00.php\x07.jpg", JPEG, "meter.php.jpg", id="control-characters"),
        pytest.param(
            '"><img src=x onerror=alert(1)>.png', PNG, "img src_x onerror_alert(1).png", id="markup"
        ),
        pytest.param("<svg onload=alert(1)>.jpg", JPEG, "svg onload_alert(1).jpg", id="svg-markup"),
        pytest.param("invoice.html", PDF, "invoice.pdf", id="extension-follows-the-content"),
        pytest.param(".htaccess", JPEG, "htaccess.jpg", id="dot-file"),
        pytest.param("", WEBP, "file.webp", id="no-name"),
        pytest.param("???", JPEG, "file.jpg", id="nothing-left"),
        pytest.param("电表 烧坏 照片.jpeg", JPEG, "电表 烧坏 照片.jpg", id="chinese-kept"),
        pytest.param("a\u202ejpg.exe", PDF, "ajpg.pdf", id="right-to-left-override"),
        pytest.param("x" * 300 + ".jpg", JPEG, "x" * NAME_MAX_LENGTH + ".jpg", id="long"),
    ],
)
def test_names_are_made_safe(name, content_type, expected):
    assert file_name_clean(name, content_type=content_type) == expected
