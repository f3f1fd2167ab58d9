from django.urls import path

from . import views, views_feedback, views_metrics, views_records

app_name = "callbacks"
urlpatterns = [
    # Call lists and tasks (views.py)
    path("", views.my_list, name="my_list"),
    path("team/", views.team, name="team"),
    path("settings/", views.settings_page, name="settings"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/take/", views.task_action, {"name": "take"}, name="task_take"),
    path("tasks/<int:pk>/assign/", views.task_action, {"name": "assign"}, name="task_assign"),
    path("tasks/<int:pk>/attempt/", views.task_action, {"name": "attempt"}, name="task_attempt"),
    path(
        "tasks/<int:pk>/reschedule/",
        views.task_action,
        {"name": "reschedule"},
        name="task_reschedule",
    ),
    path(
        "tasks/<int:pk>/close-unreachable/",
        views.task_action,
        {"name": "unreachable"},
        name="task_unreachable",
    ),
    path("tasks/<int:pk>/skip/", views.task_action, {"name": "skip"}, name="task_skip"),
    path("tasks/<int:pk>/cancel/", views.task_action, {"name": "cancel"}, name="task_cancel"),
    # Records and self-feedback (views_records.py, views_feedback.py)
    path("tasks/<int:pk>/record/", views_records.record_create, name="record_create"),
    path("tasks/<int:pk>/sms/", views_feedback.feedback_sms, name="feedback_sms"),
    path("orders/<int:pk>/record/", views_records.record_for_order, name="record_for_order"),
    path("records/", views_records.record_list, name="records"),
    path("records.xlsx", views_records.record_list_xlsx, name="records_xlsx"),
    path("records/<int:pk>/", views_records.record_detail, name="record_detail"),
    path("questions/", views_records.question_list, name="questions"),
    path("questions/<int:pk>/", views_records.question_edit, name="question_edit"),
    path("feedback/thanks/", views_feedback.feedback_thanks, name="feedback_thanks"),
    path("feedback/<str:token>/", views_feedback.feedback, name="feedback"),
    # Coverage (views_metrics.py)
    path("coverage/", views_metrics.coverage, name="coverage"),
    path("coverage.xlsx", views_metrics.coverage_xlsx, name="coverage_xlsx"),
]
