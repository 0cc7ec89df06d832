from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("csv/<slug:slug>/", views.dashboard_csv, name="csv"),
    path("stations/", views.station_report, name="stations"),
    path("stations/csv/", views.station_report_csv, name="stations_csv"),
    path("agents/", views.agents, name="agents"),
    path("agents/csv/", views.agents_csv, name="agents_csv"),
    path("agents/<int:pk>/", views.agent_days, name="agent"),
    path("agents/<int:pk>/csv/", views.agent_days_csv, name="agent_csv"),
]
