"""Every page a demo user reaches reads in one language (DESIGN §3.16): a Chinese page shows
no English words of its own, an English page no Chinese ones. What the data says (names,
addresses, descriptions, device codes, user names) is left as it was typed, so a run of text
that occurs in a stored value is data and not looked at.

One exception, explicit: text inside an element whose `lang` attribute names the other
language is that language on purpose (a script the agent reads out to the caller in the
customer language, repairs/_script.html), and is not looked at.

The pages are found as a user finds them: from the home page, following the links of each
page one step further, one page for each shape of link (one ticket page, not all of them).
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

DEMO_USERS = ["agent1", "supervisor1", "dispatcher_yd", "crew_yd1", "handler1", "manager1"]
# Links not followed: signing out, the admin, the API and its schema, files and downloads.
SKIPPED = re.compile(r"^/(accounts/logout|admin|api|static|media|i18n)|/files?/|format=csv|\.csv")
MAX_DEPTH = 2
# Names that are the same in both languages: the product, the language selector's own names,
# file formats, the keys a hint names.
SAME_IN_BOTH = {"Gridline", "English", "CSV", "Enter", "Esc", "Tab", "Alt", "Ctrl"} | {
    "JPEG",
    "PNG",
    "WebP",
    "PDF",
}
SAME_IN_BOTH_ZH = {"简体中文"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class _Reader(HTMLParser):
    """The words a reader sees (text and the attributes shown to them) and the links; not
    the words inside an element marked with the lang of another language than `language`."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.words: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._language = language.split("-")[0].lower()
        # The element marked with another language, and how deep its own tag nests in it.
        self._other_tag = ""
        self._other_depth = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if self._other_tag:
            self._other_depth += tag == self._other_tag
        elif (lang := values.get("lang")) and lang.split("-")[0].lower() != self._language:
            self._other_tag, self._other_depth = tag, 0
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.words.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.words.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1
        if tag == self._other_tag:
            if self._other_depth:
                self._other_depth -= 1
            else:
                self._other_tag = ""

    def handle_data(self, data):
        if not self._hidden and not self._other_tag and data.strip():
            self.words.append(data)


def _stored_text() -> str:
    """Every text value in the database, one per line: what counts as data on a page."""
    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in ("sessions", "contenttypes", "admin", "auth"):
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values.update(str(value) for value in row if value)
    # A person's name as pages write it, family name first.
    values.update(f"{u.last_name}{u.first_name}" for u in User.objects.all())
    return "\n".join(values)


def _pages(client: Client, language: str) -> dict[str, list[str]]:
    """Each page reachable in MAX_DEPTH steps from the home page: its words, by path."""
    seen_shapes: set[str] = set()
    found: dict[str, list[str]] = {}
    frontier = ["/"]
    for _depth in range(MAX_DEPTH + 1):
        following = []
        for url in frontier:
            response = client.get(url, follow=True)
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            reader = _Reader(language)
            reader.feed(response.content.decode())
            found[url] = reader.words
            for href in reader.links:
                parts = urlsplit(href)
                if parts.netloc or not parts.path.startswith("/") or SKIPPED.search(href):
                    continue
                link = parts.path + (f"?{parts.query}" if parts.query else "")
                shape = re.sub(r"\d+", "0", parts.path) + ("?" if parts.query else "")
                if shape not in seen_shapes:
                    seen_shapes.add(shape)
                    following.append(link)
        frontier = following
    return found


def _foreign(words: list[str], *, language: str, data: str) -> set[str]:
    pattern, same = (
        (LATIN_WORD, SAME_IN_BOTH) if language == "zh-hans" else (CJK_RUN, SAME_IN_BOTH_ZH)
    )
    foreign = set()
    for text in words:
        for match in pattern.findall(text):
            if match not in same and match not in data:
                foreign.add(match)
    return foreign


def test_text_marked_with_the_other_language_is_not_looked_at():
    reader = _Reader("en")
    reader.feed(
        '<html lang="en"><p>Tell the caller:</p><div><p class="say" lang="zh-Hans">'
        "<span>抢修人员将在</span>13:45前到达。</p><p>Meaning: a crew</p></div>"
        '<p lang="en">Still read</p></html>'
    )
    assert reader.words == ["Tell the caller:", "Meaning: a crew", "Still read"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_page_shows_words_of_the_other_language(language):
    call_command("seed_demo", stdout=io.StringIO())
    data = _stored_text()
    found = {}
    pages = 0
    for username in DEMO_USERS:
        user = User.objects.get(username=username)
        user.language = language
        user.save(update_fields=["language"])
        client = Client()
        client.force_login(user)
        for path, words in _pages(client, language).items():
            pages += 1
            if foreign := _foreign(words, language=language, data=data):
                found[f"{username} {path}"] = sorted(foreign)

    assert pages > 40  # the walk reached the pages, not only the home page
    assert found == {}
