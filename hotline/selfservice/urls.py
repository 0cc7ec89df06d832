from django.urls import path

from hotline.selfservice import views

app_name = "self"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("fault/", views.fault_report, name="fault"),
]
