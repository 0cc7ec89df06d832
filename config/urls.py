"""Root URLs: every app's pages and the one API router (DESIGN.md §5.2)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import TokenView
from accounts.views import home, language_set
from complaints.api import ComplaintViewSet
from config.views import health
from dispatch.api import WorkOrderViewSet
from hotline.api import (
    CallViewSet,
    CustomerViewSet,
    InboundSmsView,
    OutageLookupView,
    TelephonyEventView,
    TicketViewSet,
)
from repairs.api import IncidentViewSet, OutageNoticeViewSet, RepairCreateView, TriageView
from tickets.api import AttachmentViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tickets", TicketViewSet, basename="ticket")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("outage-notices", OutageNoticeViewSet, basename="outage-notice")
router.register("work-orders", WorkOrderViewSet, basename="work-order")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("customers", CustomerViewSet, basename="customer")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("calls", CallViewSet, basename="call")

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("repairs/triage/", TriageView.as_view(), name="repair-triage"),
    path("repairs/", RepairCreateView.as_view(), name="repair-create"),
    path("cti/events/", TelephonyEventView.as_view(), name="cti-events"),
    path("outages/lookup/", OutageLookupView.as_view(), name="outage-lookup"),
    path("sms/inbound/", InboundSmsView.as_view(), name="sms-inbound"),
    *router.urls,
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("tickets/", include("tickets.urls")),
    path("repairs/", include("repairs.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("complaints/", include("complaints.urls")),
    path("console/", include("hotline.urls")),
    path("dashboard/", include("dashboards.urls")),
    # The customers' own pages (DESIGN §3.12): their sign-in is not the staff's.
    path("self/", include("hotline.selfservice.urls")),
    # The language selector: Django's set_language, keeping a signed-in user's choice.
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler400 = "config.errorpages.bad_request"
handler404 = "config.errorpages.not_found"
handler500 = "config.errorpages.server_error"
