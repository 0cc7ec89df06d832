from django.urls import path, re_path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("mine/", views.ticket_queue, name="queue"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/bell/", views.notification_bell, name="bell"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path(
        "attachments/<int:pk>/thumbnail/", views.attachment_thumbnail, name="attachment_thumbnail"
    ),
    path("<str:number>/", views.ticket_detail, name="detail"),
    path("<str:number>/urge/", views.ticket_urge_view, name="urge"),
    # The holder's steps (tickets/handling.py STEPS); the API has the same paths.
    re_path(
        r"^(?P<number>[^/]+)/(?P<step>take|transfer|reply|return|cancel)/$",
        views.ticket_handle,
        name="handle",
    ),
]
