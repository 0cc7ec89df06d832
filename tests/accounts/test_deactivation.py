"""Deactivating a user ends their browser sessions and deletes their API token, on every path."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.services import user_deactivate
from tests.factories import PASSWORD, UserFactory


def _signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sessions_of(user) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def test_deactivating_ends_every_session_and_the_token(agent, supervisor):
    phone = _signed_in_client(agent)
    desk = _signed_in_client(agent)
    colleague = _signed_in_client(supervisor)
    Token.objects.create(user=agent)
    colleague_token = Token.objects.create(user=supervisor)

    user_deactivate(user=agent)

    assert _sessions_of(agent) == 0
    assert not Token.objects.filter(user=agent).exists()
    assert phone.get(reverse("home")).status_code == 302  # to the login page
    assert desk.get(reverse("home")).status_code == 302
    # Nobody else is signed out.
    assert _sessions_of(supervisor) == 1
    assert Token.objects.filter(pk=colleague_token.pk).exists()
    assert colleague.get(reverse("home")).status_code == 200


def test_deactivating_through_the_admin_ends_sessions_and_token(agent):
    admin_user = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    admin = _signed_in_client(admin_user)
    _signed_in_client(agent)
    Token.objects.create(user=agent)
    change_url = reverse("admin:accounts_user_change", args=[agent.pk])
    form = admin.get(change_url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": agent.username,
            "role": agent.role,
            "is_active": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "08:00:00",
            "groups": [],
            "user_permissions": [],
        }
    )
    data = {k: v for k, v in data.items() if v != ""}

    response = admin.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert agent.is_active is False
    assert _sessions_of(agent) == 0
    assert not Token.objects.filter(user=agent).exists()
    assert _sessions_of(admin_user) == 1


def test_deactivated_user_cannot_get_a_new_token(api, agent):
    user_deactivate(user=agent)

    response = api.post(
        reverse("api:token"), {"username": "agent", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert not Token.objects.filter(user=agent).exists()


def test_saving_an_active_user_keeps_their_sessions(agent):
    _signed_in_client(agent)
    token = Token.objects.create(user=agent)

    agent.first_name = "Mei"
    agent.save(update_fields=["first_name"])

    assert _sessions_of(agent) == 1
    assert Token.objects.filter(pk=token.pk).exists()


def test_deactivating_twice_is_harmless(agent):
    user_deactivate(user=agent)
    user_deactivate(user=agent)

    agent.refresh_from_db()
    assert agent.is_active is False
