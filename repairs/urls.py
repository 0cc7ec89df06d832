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
]
