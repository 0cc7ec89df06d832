"""The console's callback queue records through the one callback input (tickets/forms.py):
a refused input comes back in its row, 422, with the message and what was typed."""

import pytest

from repairs.services.intake import repair_create
from repairs.triage import Answers, Breaker, Scope
from tests.factories import PASSWORD, PremiseFactory
from tickets.callbacks import NOTE_MAX_LENGTH
from tickets.models import Callback, Ticket, TimelineEvent

HTMX = {"HX-Request": "true"}


@pytest.fixture
def resolved_repair(station_north) -> Ticket:
    premise = PremiseFactory.create(transformer__feeder__station=station_north)
    answers = Answers(scope=Scope.SELF_ONLY, breaker=Breaker.TRIPPED_RESET_OK)
    return repair_create(premise=premise, answers=answers, actor=None).ticket


def written(ticket: Ticket) -> tuple:
    return (
        Ticket.objects.get(pk=ticket.pk).status,
        Callback.objects.filter(ticket=ticket).count(),
        TimelineEvent.objects.filter(ticket=ticket).count(),
    )


def url(ticket: Ticket) -> str:
    return f"/console/callbacks/{ticket.number}/"


def test_a_note_over_the_limit_comes_back_in_its_row_with_the_error(client, agent, resolved_repair):
    note = "x" * (NOTE_MAX_LENGTH + 1)
    before = written(resolved_repair)
    client.login(username=agent.username, password=PASSWORD)

    response = client.post(
        url(resolved_repair), {"result": "satisfied", "note": note}, headers=HTMX
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="callback-{resolved_repair.number}"' in html
    assert f"Keep the note to {NOTE_MAX_LENGTH} characters; it has {NOTE_MAX_LENGTH + 1}." in html
    assert f'value="{note}"' in html
    assert '<option value="satisfied" selected>' in html
    assert written(resolved_repair) == before


def test_a_missing_result_comes_back_in_its_row(client, agent, resolved_repair):
    before = written(resolved_repair)
    client.login(username=agent.username, password=PASSWORD)

    response = client.post(url(resolved_repair), {"note": "Rang twice."}, headers=HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose the callback&#x27;s result." in html
    assert 'value="Rang twice."' in html
    assert written(resolved_repair) == before


def test_without_htmx_a_refused_input_goes_back_to_the_queue_with_the_message(
    client, agent, resolved_repair
):
    before = written(resolved_repair)
    client.login(username=agent.username, password=PASSWORD)

    response = client.post(
        url(resolved_repair),
        {"result": "satisfied", "note": "x" * (NOTE_MAX_LENGTH + 1)},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/console/callbacks/"
    assert f"{resolved_repair.number}: Keep the note to {NOTE_MAX_LENGTH}" in (
        response.content.decode()
    )
    assert written(resolved_repair) == before


def test_the_row_offers_the_note_up_to_the_limit(client, agent, resolved_repair):
    client.login(username=agent.username, password=PASSWORD)

    html = client.get("/console/callbacks/").content.decode()

    assert f'id="note-{resolved_repair.number}"' in html
    assert f'maxlength="{NOTE_MAX_LENGTH}"' in html


def test_a_note_is_recorded_as_typed_without_its_outer_spaces(client, agent, resolved_repair):
    client.login(username=agent.username, password=PASSWORD)

    response = client.post(
        url(resolved_repair), {"result": "satisfied", "note": "  Power is fine. "}, headers=HTMX
    )

    assert response.status_code == 200
    assert Callback.objects.get(ticket=resolved_repair).note == "Power is fine."
    assert Ticket.objects.get(pk=resolved_repair.pk).status == Ticket.Status.CLOSED
