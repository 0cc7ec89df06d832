"""Every UI string has a Simplified Chinese translation, and the compiled catalogue is current."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _unquote(chunk: str) -> str:
    parts = re.findall(r'^"(.*)"$', chunk, re.M)
    return "".join(parts).encode("raw_unicode_escape").decode("unicode_escape")


def read_po(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry but the header; an entry with a context has
    the msgid "context\x04msgid", as the compiled catalogue keys it."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "#~" in block:
            continue
        match = re.search(r'^msgid (".*?)\nmsgstr (".*)', block, re.M | re.S)
        if not match:
            # A plural entry: its one Chinese form is msgstr[0].
            match = re.search(
                r'^msgid (".*?)\nmsgid_plural ".*?\nmsgstr\[0\] (".*?)(?:\nmsgstr\[|\Z)',
                block,
                re.M | re.S,
            )
        if not match:
            continue
        msgid, msgstr = _unquote(match.group(1)), _unquote(match.group(2))
        context = re.search(r'^msgctxt (".*?)\nmsgid ', block, re.M | re.S)
        if context:
            # gettext's key for an entry with a context (pgettext).
            msgid = f"{_unquote(context.group(1))}\x04{msgid}"
        if msgid:
            entries.append((msgid, msgstr, "#, fuzzy" in block))
    return entries


def test_every_msgid_has_a_translation():
    untranslated = [msgid for msgid, msgstr, fuzzy in read_po(PO) if not msgstr or fuzzy]

    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)

    stale = [msgid for msgid, msgstr, _ in read_po(PO) if compiled.gettext(msgid) != msgstr]

    assert stale == [], "run `make messages` to recompile locale/zh_Hans"


def test_placeholders_survive_translation():
    placeholder = re.compile(r"%\(\w+\)s|\{\{\s*\w+\s*\}\}")

    broken = [
        msgid
        for msgid, msgstr, _ in read_po(PO)
        if sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(msgstr))
    ]

    assert broken == []


@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="GNU gettext not installed (CI installs it)",
)
def test_every_ui_string_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh in a copy of the tree: none may be missing from django.po."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__"),
    )
    env = {**os.environ, "DJANGO_DEBUG": "true", "GRIDLINE_VAR_DIR": str(tmp_path / "var")}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=tests/*",
         "--ignore=bench/*", "--ignore=.venv/*"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )  # fmt: skip

    fresh = {msgid for msgid, _, _ in read_po(copy / PO.relative_to(ROOT))}
    known = {msgid for msgid, _, _ in read_po(PO)}

    assert sorted(fresh - known) == [], "run `make messages` and translate the new strings"
