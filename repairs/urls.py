from django.urls import path

from repairs import incident_views, views

app_name = "repairs"
urlpatterns = [
    path("new/", views.repair_new, name="new"),
    path("new/preview/", views.repair_preview, name="preview"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/cancel/", views.notice_cancel_view, name="notice_cancel"),
    path("incidents/", incident_views.incident_list, name="incidents"),
    path("incidents/declare/", incident_views.incident_declare, name="incident_declare"),
    path("incidents/<int:pk>/", incident_views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/etr/", incident_views.incident_etr, name="incident_etr"),
    path("incidents/<int:pk>/dismiss/", incident_views.incident_dismiss, name="incident_dismiss"),
    path("incidents/<int:pk>/restore/", incident_views.incident_restore, name="incident_restore"),
]
