"""The supervisors' dashboard and the station report (issue #8): pages, the 15-second refresh
(the same view, answering htmx with the panels alone) and the CSV of every table.

Thin: the filters pick a scope, dashboards.dashboard builds the tables and charts.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.views.decorators.vary import vary_on_headers

from accounts.access import STATION_ROLES, has_role, role_required
from accounts.http import AuthenticatedHttpRequest
from config.htmx import is_htmx_partial
from dashboards import daily, selectors
from dashboards.agents import AGENT_FIGURE_ROLES, Period, agent_days_table, agent_get, agents_table
from dashboards.dashboard import dashboard_build, report_build
from dashboards.forms import DashboardFilterForm
from dashboards.selectors import DASHBOARD_ROLES, Scope
from dashboards.tables import Table, table_csv
from grid.models import Station

FILTER_KEYS = ("start", "end", "station")


@dataclass(frozen=True)
class Filtered:
    scope: Scope
    form: DashboardFilterForm
    warnings: list[str]
    stations: list[Station]
    # The request's own filters, for the refresh and the CSV links.
    query: str
    # The agent figures' tab: only for the roles that read them.
    agent_figures: bool


def _filtered(request: AuthenticatedHttpRequest) -> Filtered:
    now = timezone.now()
    user = request.user
    stations = selectors.station_list_for_user(user=user)
    own_station_only = user.role in STATION_ROLES and not user.is_superuser
    form = DashboardFilterForm(
        request.GET or None,
        stations=None if own_station_only else stations,
        today=daily.local_today(now),
    )
    first, last, warnings = form.period()
    station = selectors.dashboard_station_for_user(user=user, chosen=form.chosen_station())
    scope = Scope(station=station, first=first, last=last, now=now)
    query = urlencode([(k, v) for k, v in request.GET.items() if k in FILTER_KEYS and v])
    agent_figures = has_role(user, *AGENT_FIGURE_ROLES)
    return Filtered(scope, form, warnings, stations, query, agent_figures)


@vary_on_headers("HX-Request")
@role_required(*DASHBOARD_ROLES)
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The live dashboard; its htmx refresh gets the panels alone."""
    filtered = _filtered(request)
    panels = _panels_html(request, filtered)
    if is_htmx_partial(request):
        return HttpResponse(panels)
    context = {
        "panels": panels,
        "filtered": filtered,
        "poll_seconds": settings.GRIDLINE_DASHBOARD_POLL_SECONDS,
    }
    return render(request, "dashboards/dashboard.html", context)


def _panels_html(request: AuthenticatedHttpRequest, filtered: Filtered) -> str:
    """The panels, rendered at most once per GRIDLINE_DASHBOARD_CACHE_SECONDS for each
    station, period and language: every supervisor's screen polls, and they all look at
    the same numbers (building them costs tens of milliseconds, and the panels say when
    they were counted)."""
    scope = filtered.scope
    key = ":".join(
        [
            "dashboard-panels",
            translation.get_language() or "",
            str(scope.station_id or "all"),
            scope.first.isoformat(),
            scope.last.isoformat(),
            filtered.query,
        ]
    )
    panels = cache.get(key)
    if panels is None:
        board = dashboard_build(scope=scope, stations=filtered.stations)
        context = {"board": board, "filtered": filtered}
        panels = render_to_string("dashboards/_panels.html", context, request=request)
        cache.set(key, panels, settings.GRIDLINE_DASHBOARD_CACHE_SECONDS)
    return panels


@role_required(*DASHBOARD_ROLES)
def dashboard_csv(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """One table of the dashboard as CSV, with the page's filters."""
    filtered = _filtered(request)
    board = dashboard_build(scope=filtered.scope, stations=filtered.stations)
    if slug not in board.tables:
        raise Http404("No such table.")
    return _csv_response(board.tables[slug], filtered.scope)


@role_required(*DASHBOARD_ROLES)
def station_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    filtered = _filtered(request)
    table, chart = report_build(scope=filtered.scope, stations=filtered.stations)
    context = {"table": table, "chart": chart, "filtered": filtered}
    return render(request, "dashboards/station_report.html", context)


@role_required(*DASHBOARD_ROLES)
def station_report_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    filtered = _filtered(request)
    table, _chart = report_build(scope=filtered.scope, stations=filtered.stations)
    return _csv_response(table, filtered.scope)


@role_required(*AGENT_FIGURE_ROLES)
def agents(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The agent figures of the period (DESIGN §3.15), every agent and all together."""
    filtered = _filtered(request)
    table, people = agents_table(period=_period(filtered))
    context = {"table": table, "agents": people, "filtered": filtered}
    return render(request, "dashboards/agents.html", context)


@role_required(*AGENT_FIGURE_ROLES)
def agents_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    filtered = _filtered(request)
    table, _people = agents_table(period=_period(filtered))
    return _csv_response(table, filtered.scope)


@role_required(*AGENT_FIGURE_ROLES)
def agent_days(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One agent's figures by day."""
    agent = agent_get(pk=pk)
    filtered = _filtered(request)
    table = agent_days_table(period=_period(filtered), agent=agent)
    context = {"table": table, "agent": agent, "filtered": filtered}
    return render(request, "dashboards/agent_days.html", context)


@role_required(*AGENT_FIGURE_ROLES)
def agent_days_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agent = agent_get(pk=pk)
    filtered = _filtered(request)
    return _csv_response(agent_days_table(period=_period(filtered), agent=agent), filtered.scope)


def _period(filtered: Filtered) -> Period:
    # Calls belong to no station: the agent figures take the period and leave the station.
    return Period(filtered.scope.first, filtered.scope.last)


def _csv_response(table: Table, scope: Scope) -> HttpResponse:
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    parts = [table.slug, scope.first.isoformat(), scope.last.isoformat()]
    if scope.station is not None:
        parts.append(scope.station.code)
    filename = "-".join(["gridline", *parts]) + ".csv"
    # The stubs say str | None; None is only for an inline response without a filename.
    response["Content-Disposition"] = content_disposition_header(True, filename)  # type: ignore[assignment]
    return response
