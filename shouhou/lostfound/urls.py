from django.urls import path

from . import views

app_name = "lostfound"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("new/", views.register, name="register"),
    path("register/", views.item_register, name="item_register"),
    path("register.xlsx", views.register_xlsx, name="register_xlsx"),
    path("move/", views.move_batch, name="move_batch"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/do/<slug:name>/", views.action, name="action"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("lists/", views.lists, name="lists"),
    path("lists/new/", views.list_new, name="list_new"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/receive/", views.list_receive, name="list_receive"),
    path("reminders/<int:pk>/done/", views.reminder_done, name="reminder_done"),
    path("security/", views.security, name="security"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("supervisor/sign/", views.supervisor_sign, name="supervisor_sign"),
    path("screen/", views.screen, name="screen"),
    path("found/<slug:org_code>/<slug:store_code>/", views.public, name="public"),
]
