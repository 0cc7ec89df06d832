"""Login throttling: 5 failures lock one (username, address) pair for 15 minutes, on every path."""

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.throttling import client_address, login_failure_record, login_locked
from tests.factories import PASSWORD, UserFactory

OFFICE = "10.1.1.7"
HOME = "10.9.9.9"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)


def _browser_login(client, username, password, address=OFFICE):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _admin_login(client, username, password, address=OFFICE):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def _token(api, username, password, address=OFFICE):
    return api.post(
        reverse("api:token"),
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_five_failures_lock_the_browser_login_even_with_the_right_password(client, agent):
    for _ in range(5):
        assert _browser_login(client, "agent", "wrong").status_code == 200

    response = _browser_login(client, "agent", PASSWORD)

    assert response.status_code == 200  # the form again, not a redirect
    assert "Too many failed sign-ins" in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_fifth_failure_already_shows_the_lockout_message(client, agent):
    for _ in range(4):
        _browser_login(client, "agent", "wrong")

    response = _browser_login(client, "agent", "wrong")

    assert "Too many failed sign-ins" in response.content.decode()


def test_four_failures_then_the_right_password_signs_in_and_resets_the_count(client, agent):
    for _ in range(4):
        _browser_login(client, "agent", "wrong")

    response = _browser_login(client, "agent", PASSWORD)
    client.logout()
    for _ in range(4):
        _browser_login(client, "agent", "wrong")
    again = _browser_login(client, "agent", PASSWORD)

    assert response.status_code == 302
    assert again.status_code == 302


def test_other_users_behind_the_same_address_still_sign_in(client, agent, supervisor):
    for _ in range(5):
        _browser_login(client, "agent", "wrong", address=OFFICE)

    response = _browser_login(client, "supervisor", PASSWORD, address=OFFICE)

    assert response.status_code == 302


def test_the_same_user_from_another_address_still_signs_in(client, agent):
    for _ in range(5):
        _browser_login(client, "agent", "wrong", address=OFFICE)

    response = _browser_login(client, "agent", PASSWORD, address=HOME)

    assert response.status_code == 302


def test_the_lock_ends_after_15_minutes(client, agent):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _browser_login(client, "agent", "wrong")
    with time_machine.travel(start + timezone.timedelta(minutes=14), tick=False):
        still_locked = _browser_login(client, "agent", PASSWORD)
    with time_machine.travel(start + timezone.timedelta(minutes=15, seconds=1), tick=False):
        unlocked = _browser_login(client, "agent", PASSWORD)

    assert still_locked.status_code == 200
    assert "1 minute" in still_locked.content.decode()
    assert unlocked.status_code == 302


def test_failures_on_one_path_lock_the_others(client, api, agent):
    for _ in range(3):
        _browser_login(client, "agent", "wrong")
    for _ in range(2):
        _token(api, "agent", "wrong")

    response = _token(api, "agent", PASSWORD)

    assert response.status_code == 429
    assert not Token.objects.filter(user=agent).exists()


def test_token_endpoint_answers_429_with_retry_after_once_locked(api, agent):
    answers = [_token(api, "agent", "wrong").status_code for _ in range(5)]

    response = _token(api, "agent", PASSWORD)

    assert answers == [400, 400, 400, 400, 429]
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert not Token.objects.filter(user=agent).exists()


def test_token_endpoint_lock_leaves_other_users_alone(api, agent, supervisor):
    for _ in range(5):
        _token(api, "agent", "wrong")

    response = _token(api, "supervisor", PASSWORD)

    assert response.status_code == 200
    assert response.json()["token"]


def test_admin_login_locks_after_five_failures(client, admin_user):
    for _ in range(5):
        _admin_login(client, "root", "wrong")

    response = _admin_login(client, "root", PASSWORD)

    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_usernames_differing_in_case_share_one_count():
    for _ in range(5):
        login_failure_record(username="Agent", address=OFFICE)

    assert login_locked(username="agent", address=OFFICE)


def test_client_address_trusts_only_the_configured_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")

    settings.GRIDLINE_PROXY_COUNT = 0
    direct = client_address(request)
    settings.GRIDLINE_PROXY_COUNT = 1
    one_proxy = client_address(request)

    assert direct == "10.0.0.1"
    assert one_proxy == "203.0.113.5"
