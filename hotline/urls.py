from django.urls import path

from hotline.views import callbacks, console, kb, kinds

app_name = "hotline"
urlpatterns = [
    path("", console.console, name="console"),
    path("search/", console.search, name="search"),
    path("ring/", console.ring, name="ring"),
    path("calls/start/", console.call_start, name="call_start"),
    path("calls/<int:pk>/", console.call_detail, name="call"),
    path("calls/<int:pk>/identify/", console.call_identify, name="call_identify"),
    path("calls/<int:pk>/finish/", console.call_finish, name="call_finish"),
    path("calls/<int:pk>/urge/<str:number>/", console.call_urge, name="call_urge"),
    path("calls/<int:pk>/repair/", kinds.repair_start, name="repair_start"),
    path("calls/<int:pk>/record/<str:kind>/", kinds.kind_new, name="kind_new"),
    path("callbacks/", callbacks.callback_queue, name="callbacks"),
    path("callbacks/<str:number>/", callbacks.callback_record, name="callback_record"),
    path("kb/", kb.article_list, name="articles"),
    path("kb/pick/", kb.article_pick, name="article_pick"),
    path("kb/<int:pk>/", kb.article_detail, name="article"),
]
