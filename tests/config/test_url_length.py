"""A URL over GRIDLINE_MAX_URL_LENGTH answers 414, in JSON under /api/ (issue "Faults",
point 9), through Django's test client and through gunicorn with the repository's
gunicorn.conf.py, whose own limit would otherwise answer first with a plain-text 400."""

import http.client
import os

import pytest

from bench.load import start_gunicorn
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_url_over_the_limit_answers_414_json(api, supervisor, settings):
    api.force_authenticate(supervisor)

    response = api.get("/api/v1/tickets/", {"q": "x" * settings.GRIDLINE_MAX_URL_LENGTH})

    assert response.status_code == 414
    assert response.json() == {"detail": "The address is too long: at most 4096 characters."}


def test_a_url_at_the_limit_is_served(api, supervisor, settings):
    api.force_authenticate(supervisor)
    path = "/api/v1/tickets/?number="
    filler = "x" * (settings.GRIDLINE_MAX_URL_LENGTH - len(path))

    response = api.get(path + filler)

    assert response.status_code == 200


def test_a_page_url_over_the_limit_answers_a_414_page(client, agent, settings):
    client.raise_request_exception = False
    client.login(username=agent.username, password=PASSWORD)

    response = client.get("/tickets/", {"q": "x" * settings.GRIDLINE_MAX_URL_LENGTH})

    assert response.status_code == 414


@pytest.mark.django_db(transaction=False)
def test_gunicorn_lets_a_long_url_reach_django(tmp_path):
    env = os.environ | {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "test-only-" + "k" * 50,
        "GRIDLINE_VAR_DIR": str(tmp_path),
    }
    server = start_gunicorn(env, workers=1, log=tmp_path / "gunicorn.log")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/api/v1/tickets/?q=" + "x" * 6000)
        response = conn.getresponse()

        assert response.status == 414
        assert response.getheader("Content-Type") == "application/json"
    finally:
        server.stop()
