from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_queue, name="queue"),
    path("new/", views.complaint_new, name="new"),
    path("summaries/", views.summary_list, name="summaries"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary"),
    path("summaries/<int:pk>/csv/", views.summary_csv, name="summary_csv"),
    path("<str:number>/", views.complaint_detail, name="detail"),
    path("<str:number>/attachments/", views.complaint_attachment_add, name="attachment_add"),
    path("<str:number>/<slug:action>/", views.complaint_action, name="action"),
]
