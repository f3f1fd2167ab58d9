from django.urls import path

from . import views

app_name = "roster"
urlpatterns = [
    path("", views.week, name="week"),
    path("board/", views.board, name="board"),
    path("board/dispatch/", views.board_dispatch, name="board_dispatch"),
    path("board/suggest/", views.board_suggest, name="board_suggest"),
    path("leave/", views.leave, name="leave"),
    path(
        "leave/<int:pk>/approve/", views.leave_decide, {"decision": "approve"}, name="leave_approve"
    ),
    path("leave/<int:pk>/reject/", views.leave_decide, {"decision": "reject"}, name="leave_reject"),
    path("orders/<int:pk>/", views.order_appointment, name="order"),
    path("areas/", views.areas, name="areas"),
    path("areas/<int:pk>/", views.area_edit, name="area"),
    path("visits/", views.visits, name="visits"),
    path("ical/<str:token>.ics", views.ical, name="ical"),
]
