from django.urls import path

from dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("crew/", views.crew_work_orders, name="crew"),
    path("work-orders/<int:pk>/", views.work_order_detail, name="work_order"),
    # Before the generic step URL: assigning answers the queue's htmx row.
    path("work-orders/<int:pk>/assign/", views.work_order_assign, name="assign"),
    path("work-orders/<int:pk>/photos/", views.work_order_photo_add, name="photo_add"),
    path("work-orders/<int:pk>/<slug:action>/", views.work_order_action, name="action"),
]
