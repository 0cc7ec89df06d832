"""The knowledge base: seeded topics, search in Chinese and English, the pages, the picker."""

from types import SimpleNamespace

import pytest

from hotline.kb_search import article_rank, search_terms
from hotline.models import Article, ArticleCategory


def article(title, *, keywords="", summary="", body="", title_en=""):
    return SimpleNamespace(
        title=title, title_en=title_en, keywords=keywords, summary=summary, body=body
    )


def test_chinese_is_searched_by_its_two_character_pieces():
    assert search_terms("峰谷电价") == {"峰谷", "谷电", "电价"}
    assert search_terms("Meter 读表") == {"meter", "读表"}
    assert search_terms("  ") == set()


def test_title_hits_rank_above_body_hits():
    in_body = article("电费缴纳渠道", body="峰谷电价见另一篇")
    in_title = article("峰谷分时电价时段与价格")

    assert article_rank([in_body, in_title], "峰谷电价") == [in_title, in_body]


def test_articles_that_match_nothing_are_left_out():
    assert article_rank([article("新装用电办理流程")], "欠费") == []


def test_english_words_match_the_english_title():
    reading = article("怎样读电能表", title_en="How to read the meter")

    assert article_rank([reading], "meter") == [reading]


def test_the_migration_seeds_the_topics_the_hotline_answers(knowledge_base):
    titles = set(Article.objects.values_list("title", flat=True))

    assert {
        "居民阶梯电价怎么计算",
        "峰谷分时电价时段与价格",
        "怎样读电能表（智能电表）",
        "预付费（费控）电表充值与欠费停电",
        "欠费停电后如何恢复供电",
        "计划停电怎么查询",
        "新装用电办理流程",
    } <= titles
    assert ArticleCategory.objects.count() == 4


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("峰谷", "峰谷分时电价时段与价格"),
        ("欠费复电", "欠费停电后如何恢复供电"),
        ("电表读数", "怎样读电能表（智能电表）"),
        ("计划停电", "计划停电怎么查询"),
        ("新装", "新装用电办理流程"),
        ("prepayment", "预付费（费控）电表充值与欠费停电"),
    ],
)
def test_searching_the_seeded_base_puts_the_right_article_first(
    client, agent, knowledge_base, typed, first
):
    client.force_login(agent)

    response = client.get("/console/kb/", {"q": typed})

    assert response.context["results"][0].title == first


def test_unpublished_articles_are_not_found(client, agent, knowledge_base):
    Article.objects.filter(title="新装用电办理流程").update(published=False)
    client.force_login(agent)

    response = client.get("/console/kb/", {"q": "新装"})

    assert "新装用电办理流程" not in [a.title for a in response.context["results"]]


def test_knowledge_base_index_and_article_pages(client, agent, knowledge_base):
    reading = Article.objects.get(title="怎样读电能表（智能电表）")
    client.force_login(agent)

    index = client.get("/console/kb/").content.decode()
    page = client.get(reading.get_absolute_url()).content.decode()

    assert "电能表与计量" in index
    assert reading.title in index
    assert "正向有功总电量" in page


@pytest.mark.parametrize(("language", "shown"), [("en", True), ("zh-hans", False)])
def test_the_english_title_is_shown_to_readers_of_english_only(
    client, agent, knowledge_base, language, shown
):
    reading = Article.objects.get(title="怎样读电能表（智能电表）")
    assert reading.title_en
    client.force_login(agent)
    client.cookies["django_language"] = language

    for url in ["/console/kb/", reading.get_absolute_url()]:
        assert (reading.title_en in client.get(url).content.decode()) is shown, url


def test_picker_keeps_the_chosen_article_whatever_is_searched(client, agent, knowledge_base):
    chosen = Article.objects.get(title="峰谷分时电价时段与价格")
    client.force_login(agent)

    response = client.get("/console/kb/pick/", {"kb_q": "新装", "consultation-article": chosen.pk})

    html = response.content.decode()
    titles = [a.title for a in response.context["results"]]
    assert titles[0] == chosen.title
    assert "新装用电办理流程" in titles
    assert f'value="{chosen.pk}" checked' in html
