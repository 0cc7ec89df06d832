"""A NUL character cannot be stored in PostgreSQL text: every input refuses it with a clear
error instead of failing in the database (found by the API fuzzer)."""

from tests.factories import PASSWORD, FeederFactory, PremiseFactory


def test_the_api_refuses_nul_in_any_json_text(api, agent, db):
    PremiseFactory(meter_no="M1")
    api.force_authenticate(agent)
    for body in (
        {"meter_no": "M\x001"},
        {"meter_no": "M1", "equipment_in_use": "heater\x00"},
        {"meter_no": "M1", "odd\x00key": 1},
    ):
        response = api.post("/api/v1/repairs/triage/", body, format="json")
        assert response.status_code == 400, body
        assert response.json() == {"detail": "Text may not contain NUL characters."}


def test_the_pages_refuse_nul_with_the_field_error(client, agent, supervisor):
    PremiseFactory(meter_no="M1")
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(
        "/repairs/new/preview/", {"meter_no": "M\x001", "equipment_in_use": "heater\x00"}
    )
    assert response.status_code == 422

    client.login(username=supervisor.username, password=PASSWORD)
    feeder = FeederFactory()
    response = client.post(
        "/repairs/notices/new/",
        {
            "kind": "planned",
            "feeder_codes": f"{feeder.code}\x00",
            "reason": "Poles\x00",
            "starts_at": "2030-01-01T08:00",
            "ends_at": "2030-01-01T12:00",
        },
    )
    assert response.status_code == 422


def test_work_order_steps_refuse_nul(client, dispatcher_north, station_north):
    from tests.factories import work_order_create

    order = work_order_create(station=station_north)
    client.login(username=dispatcher_north.username, password=PASSWORD)
    response = client.post(f"/dispatch/work-orders/{order.pk}/assign/", {"crew": "A\x00"})
    assert response.status_code in (302, 422)
    order.refresh_from_db()
    assert order.crew_id is None
