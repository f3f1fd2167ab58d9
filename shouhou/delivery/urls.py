from django.urls import path

from . import views

app_name = "delivery"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("day.xlsx", views.day_xlsx, name="day_xlsx"),
    path("new/", views.schedule, name="schedule"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/run/", views.run, name="run"),
    path("<int:pk>/<slug:name>/", views.action, name="action"),
    path("workshop/", views.workshop, name="workshop"),
    path("workshop/<int:pk>/<slug:name>/", views.workshop_action, name="workshop_action"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("storage/", views.storage, name="storage"),
    path("my-runs/", views.my_runs, name="my_runs"),
]
