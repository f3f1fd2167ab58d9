from django.urls import path

from . import views, views_list

app_name = "workorders"
urlpatterns = [
    path("", views_list.order_list, name="list"),
    path("export.xlsx", views_list.order_export, name="export"),
    path("bulk/", views_list.order_bulk, name="bulk"),
    path("filters/", views_list.filter_save, name="filter_save"),
    path("filters/<int:pk>/delete/", views_list.filter_delete, name="filter_delete"),
    path("new/", views.intake, name="intake"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/do/<slug:name>/", views.order_action, name="action"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("old-parts/", views.old_parts, name="old_parts"),
    path("loans/", views.loans, name="loans"),
    path("old-parts/<int:pk>/receive/", views.old_part_receive, name="old_part_receive"),
    path("requests/<int:pk>/reject/", views.public_request_reject, name="request_reject"),
    path("my-jobs/", views.my_jobs, name="my_jobs"),
    path("my-jobs/<int:pk>/", views.job, name="job"),
    path("reports/", views.reports, name="reports"),
    path("reports.xlsx", views.reports_xlsx, name="reports_xlsx"),
    path("r/<slug:org_code>/<slug:store_code>/", views.public_request, name="public_request"),
    path("p/<str:token>/", views.progress, name="progress"),
]
