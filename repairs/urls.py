from django.urls import path

from repairs import views

app_name = "repairs"
urlpatterns = [
    path("new/", views.repair_new, name="new"),
    path("new/preview/", views.repair_preview, name="preview"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/cancel/", views.notice_cancel_view, name="notice_cancel"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/etr/", views.incident_etr, name="incident_etr"),
]
