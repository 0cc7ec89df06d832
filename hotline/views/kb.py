"""The knowledge base: browse and search articles; pick one in the consultation form."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from hotline import selectors


@require_GET
@login_required
def article_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    context = {
        "q": text,
        "results": selectors.article_search(text=text, limit=30) if text else None,
        "categories": None if text else selectors.article_category_list(),
    }
    return render(request, "hotline/article_list.html", context)


@require_GET
@login_required
def article_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "hotline/article_detail.html", {"article": selectors.article_get(pk=pk)})


@require_GET
@login_required
def article_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The consultation form's article choices for what the agent typed (htmx)."""
    text = request.GET.get("kb_q", "").strip()
    chosen = request.GET.get("consultation-article", "")
    results = selectors.article_search(text=text) if text else []
    if chosen and all(str(article.pk) != chosen for article in results):
        # The article already picked stays on offer whatever is searched next.
        results = [*selectors.article_list_by_ids(ids=[chosen]), *results]
    context = {"q": text, "results": results, "chosen": chosen, "prefix": "consultation"}
    return render(request, "hotline/_article_pick.html", context)
