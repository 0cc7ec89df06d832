"""The supervisor's dashboard in a real browser: its charts draw, it keeps itself current
without reloading, in English and in Simplified Chinese."""

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from dashboards import services
from tests.browser.conftest import SCREENSHOTS
from tests.dashboards.dataset import NOW, build
from tests.factories import PASSWORD, PremiseFactory, ticket_create

pytestmark = pytest.mark.browser

CHARTS_DRAWN = """() => {
  const canvases = Array.from(document.querySelectorAll("canvas[data-chart-source]"));
  return canvases.length > 0 && canvases.every((c) => window.Chart && window.Chart.getChart(c));
}"""


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def history(transactional_db, supervisor):
    day = build(supervisor=supervisor)
    services.rollup_refresh(now=NOW)
    return day


def test_dashboard_draws_its_charts_and_refreshes_itself_in_english_and_chinese(
    live_server, page, sign_in, shoot, supervisor, history, settings
):
    settings.GRIDLINE_DASHBOARD_POLL_SECONDS = 2
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = watch_errors(page)

    with time_machine.travel(NOW, tick=True):
        sign_in(page, "supervisor", PASSWORD)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()

        expect(page.get_by_role("heading", name="Service dashboard")).to_be_visible()
        page.wait_for_function(CHARTS_DRAWN)
        assert page.locator("canvas[data-chart-source]").count() == 7
        tickets_tile = page.locator(".kpi", has_text="Tickets today").locator(".kpi-value")
        expect(tickets_tile).to_have_text("11")
        expect(page.locator("#table-open_work_orders")).to_contain_text("North station")
        drawn = page.evaluate(
            "Chart.getChart(document.getElementById('chart-open_work_orders'))"
            ".data.datasets.map((d) => d.data)"
        )
        assert drawn == [[2, 0], [2, 1]]  # on time and overdue, North and South
        shoot(page, "dashboard-1280-en")
        for name, panel in (
            ("top", "body"),
            ("middle", "#panel-compliance"),
            ("bottom", "#panel-tickets_by_day"),
        ):
            page.locator(panel).first.evaluate("(el) => el.scrollIntoView()")
            page.screenshot(path=str(SCREENSHOTS / f"dashboard-1280-en-{name}.png"))

        # A ticket recorded now shows on the next refresh, without reloading the page.
        page.evaluate("window.notReloaded = true")
        page.locator("#numbers-tickets_by_day summary").click()
        ticket_create(
            kind="repair",
            now=NOW,
            premise=PremiseFactory(transformer__feeder__station=history.north),
        )
        expect(tickets_tile).to_have_text("12", timeout=10_000)
        assert page.evaluate("window.notReloaded") is True
        page.wait_for_function(CHARTS_DRAWN)
        # The numbers the supervisor had opened stay open through the refresh.
        expect(page.locator("#numbers-tickets_by_day")).to_have_attribute("open", "")

        page.get_by_label("Language").select_option("zh-hans")

        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        nav = page.get_by_role("navigation", name="主导航")
        expect(nav.get_by_role("link", name="工单", exact=True)).to_be_visible()
        page.wait_for_function(CHARTS_DRAWN)
        assert page.locator("canvas[data-chart-source]").count() == 7
        shoot(page, "dashboard-1280-zh")

        page.locator(".dash-tabs a").nth(1).click()
        expect(page.locator("#table-stations")).to_contain_text("North station")
        shoot(page, "station-report-1280-zh")
    assert errors == []


def test_a_dispatcher_sees_their_station_without_a_station_choice(
    live_server, page, sign_in, shoot, history
):
    from accounts.models import Role
    from tests.factories import UserFactory

    UserFactory(username="dispatcher_north", role=Role.DISPATCHER, station=history.north)
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = watch_errors(page)

    with time_machine.travel(NOW + timedelta(minutes=1), tick=True):
        sign_in(page, "dispatcher_north", PASSWORD)
        page.goto(f"{live_server.url}/dashboard/")

        page.wait_for_function(CHARTS_DRAWN)
        expect(page.get_by_role("heading", name="Service dashboard")).to_contain_text(
            "North station"
        )
        expect(page.get_by_label("Supply station")).to_have_count(0)
        expect(page.locator("main")).not_to_contain_text("South station")
        shoot(page, "dashboard-1280-dispatcher")
    assert errors == []
