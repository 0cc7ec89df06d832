from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.access import has_role
from accounts.models import Role

# (label, URL name, roles that see it). Later pages add their entry here.
NAV_ITEMS = [
    (_("Home"), "home", tuple(Role.values)),
    (_("Dashboard"), "dashboards:dashboard", (Role.SUPERVISOR, Role.MANAGER, Role.DISPATCHER)),
    (_("Console"), "hotline:console", (Role.AGENT, Role.SUPERVISOR)),
    (_("Tickets"), "tickets:list", tuple(Role.values)),
    (_("My tickets"), "tickets:queue", (Role.DISPATCHER, Role.HANDLER, Role.SUPERVISOR)),
    (_("Callbacks"), "hotline:callbacks", (Role.AGENT, Role.SUPERVISOR)),
    (_("Knowledge base"), "hotline:articles", (Role.AGENT, Role.SUPERVISOR)),
    (_("Report a fault"), "repairs:new", (Role.AGENT, Role.SUPERVISOR)),
    (_("Station queue"), "dispatch:queue", (Role.DISPATCHER, Role.SUPERVISOR)),
    (_("My work orders"), "dispatch:crew", (Role.CREW,)),
    (_("Outage notices"), "repairs:notices", tuple(Role.values)),
    (
        _("Incidents"),
        "repairs:incidents",
        (Role.DISPATCHER, Role.CREW, Role.SUPERVISOR, Role.AGENT, Role.MANAGER),
    ),
    (
        _("Complaints"),
        "complaints:queue",
        (Role.AGENT, Role.SUPERVISOR, Role.HANDLER, Role.MANAGER),
    ),
    (_("Record a complaint"), "complaints:new", (Role.AGENT,)),
    (_("Complaint summaries"), "complaints:summaries", (Role.MANAGER,)),
]


def navigation(request: HttpRequest) -> dict:
    """The navigation entries the signed-in user's role may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, roles in NAV_ITEMS:
        if has_role(user, *roles):
            url = reverse(url_name)
            items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items}
