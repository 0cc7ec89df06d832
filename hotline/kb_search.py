"""Ranking knowledge-base articles for what the agent typed: pure, no queries.

Chinese has no spaces between words, so Chinese text is matched by its
two-character pieces (峰谷电价 → 峰谷, 谷电, 电价); other text by whole words.
A title hit counts most, then keywords, the summary, and the body.
"""

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
WEIGHTS = (("title", 6), ("title_en", 4), ("keywords", 4), ("summary", 2), ("body", 1))


class Searchable(Protocol):
    title: str
    title_en: str
    keywords: str
    summary: str
    body: str


T = TypeVar("T", bound=Searchable)


def search_terms(text: str) -> set[str]:
    """The pieces of the query to look for, lower-cased."""
    terms: set[str] = set()
    for run in _CJK.findall(text):
        if len(run) == 1:
            terms.add(run)
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    for word in _WORD.findall(_CJK.sub(" ", text)):
        terms.add(word.lower())
    return terms


def article_score(article: Searchable, terms: set[str]) -> int:
    score = 0
    for name, weight in WEIGHTS:
        value = getattr(article, name).lower()
        score += weight * sum(1 for term in terms if term in value)
    return score


def article_rank(articles: Iterable[T], text: str) -> list[T]:
    """The articles that match at all, best first; the order given breaks ties."""
    terms = search_terms(text)
    if not terms:
        return []
    scored = [(article_score(a, terms), i, a) for i, a in enumerate(articles)]
    return [a for score, _i, a in sorted(scored, key=lambda s: (-s[0], s[1])) if score > 0]
