"""The language a user chose (DESIGN §3.16): the selector keeps it on the account, and the
user's pages follow it on any browser."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Role, User
from tests.factories import PASSWORD

COOKIE = settings.LANGUAGE_COOKIE_NAME


def signed_in(user: User, **headers) -> Client:
    client = Client(headers=headers)
    client.login(username=user.username, password=PASSWORD)
    return client


def page_language(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.headers["Content-Language"]


def test_the_selector_keeps_a_signed_in_users_choice(agent):
    client = signed_in(agent)

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/tickets/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/tickets/"
    assert response.cookies[COOKIE].value == "zh-hans"
    agent.refresh_from_db()
    assert agent.language == "zh-hans"


def test_pages_follow_the_users_language_on_another_browser(agent):
    signed_in(agent).post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    other_browser = signed_in(agent, accept_language="en")

    response = other_browser.get("/")

    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.text
    assert "工单" in response.text  # "Tickets" in the navigation


def test_the_users_language_beats_an_old_cookie(agent):
    agent.language = "en"
    agent.save(update_fields=["language"])
    client = signed_in(agent)
    client.cookies[COOKIE] = "zh-hans"

    assert page_language(client) == "en"


def test_a_user_without_a_choice_follows_the_browser(agent):
    assert agent.language == ""

    assert page_language(signed_in(agent, accept_language="zh-hans")) == "zh-hans"
    assert agent.reading_language == settings.LANGUAGE_CODE


def test_an_anonymous_choice_sets_only_the_cookie(db):
    response = Client().post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})

    assert response.cookies[COOKIE].value == "zh-hans"
    assert not User.objects.exclude(language="").exists()


def test_an_unknown_language_is_not_kept(agent):
    signed_in(agent).post("/i18n/setlang/", {"language": "fr", "next": "/"})

    agent.refresh_from_db()
    assert agent.language == ""


def test_the_selector_takes_only_a_post(agent):
    response = signed_in(agent).get("/i18n/setlang/?language=zh-hans")

    assert response.status_code == 405
    agent.refresh_from_db()
    assert agent.language == ""


def create_staff(*args: str) -> str:
    out = StringIO()
    call_command("create_staff", *args, stdout=out)
    return out.getvalue()


def test_create_staff_sets_the_language_and_keeps_it_when_not_given(db):
    create_staff(
        "chen", "--role", Role.SUPERVISOR, "--password", "pw-123456", "--language", "zh-hans"
    )
    create_staff("chen", "--role", Role.SUPERVISOR)

    assert User.objects.get(username="chen").language == "zh-hans"


def test_create_staff_refuses_an_unknown_language(db):
    with pytest.raises(CommandError, match="Unknown language fr"):
        create_staff("chen", "--role", Role.AGENT, "--language", "fr")

    assert not User.objects.filter(username="chen").exists()
