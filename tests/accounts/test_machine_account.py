"""The integration role is a machine account (DESIGN §1): a token for the integration
endpoints, never a browser."""

import pytest
from django.core.management import CommandError
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from tests.accounts.test_create_staff import create_staff
from tests.factories import PASSWORD


def test_the_sign_in_form_refuses_it_with_the_usual_message(client, integration):
    response = client.post(
        reverse("accounts:login"), {"username": "cti", "password": PASSWORD}, follow=True
    )

    assert response.context["user"].is_anonymous
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/", "/tickets/", "/console/", "/dashboard/"])
def test_a_session_it_got_some_other_way_gets_no_page(client, integration, url):
    client.force_login(integration)

    response = client.get(url)

    assert response.status_code == 403


def test_it_gets_a_token_and_is_refused_by_the_staff_endpoints(api, integration):
    token = api.post(
        "/api/v1/auth/token/", {"username": "cti", "password": PASSWORD}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api.get("/api/v1/tickets/").status_code == 403
    assert api.get("/api/v1/outage-notices/").status_code == 403
    assert Token.objects.filter(user=integration).exists()


def test_create_staff_makes_one_with_no_station_and_no_admin(db):
    out = create_staff("pbx", "--role", "integration", "--password", "s3cret-pass")

    user = User.objects.get(username="pbx")
    assert user.role == Role.INTEGRATION
    assert not user.is_staff
    assert not user.is_superuser
    assert "Created integration pbx" in out


def test_create_staff_sets_an_agents_extension_and_refuses_one_taken(db):
    create_staff("wang", "--role", "agent", "--extension", "8001")

    assert User.objects.get(username="wang").extension == "8001"
    with pytest.raises(CommandError, match="8001 belongs to another user"):
        create_staff("li", "--role", "agent", "--extension", "8001")
    assert not User.objects.filter(username="li").exists()
