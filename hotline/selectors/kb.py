"""The knowledge base."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from hotline.kb_search import article_rank
from hotline.models import Article, ArticleCategory


def article_search(*, text: str, limit: int = 8) -> list[Article]:
    """Published articles that best match the words (Chinese or English), best first.

    The knowledge base is small (tens to a few hundred articles): it is ranked in
    Python in one query, which handles Chinese text without a word splitter.
    """
    articles = list(Article.objects.filter(published=True).select_related("category"))
    return article_rank(articles, text)[:limit]


def article_category_list() -> list[ArticleCategory]:
    """Categories with their published articles, for the knowledge-base index."""
    return list(
        ArticleCategory.objects.prefetch_related(
            Prefetch("articles", queryset=Article.objects.filter(published=True).order_by("title"))
        )
    )


def article_list_by_ids(*, ids: list[str]) -> list[Article]:
    pks = [int(pk) for pk in ids if str(pk).isdigit()]
    return list(Article.objects.filter(pk__in=pks, published=True).select_related("category"))


def article_get(*, pk: int | str) -> Article:
    try:
        return Article.objects.select_related("category").get(pk=pk, published=True)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such article.")) from None
