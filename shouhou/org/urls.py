from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("stores/", views.store_list, name="stores"),
    path("stations/", views.station_list, name="stations"),
    path("stores/<int:pk>/", views.store_detail, name="store"),
    path("stores/<int:pk>/edit/", views.store_edit, name="store_edit"),
    path("departments/", views.department_list, name="departments"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("merchants/", views.merchant_list, name="merchants"),
    path("merchants/<int:pk>/", views.merchant_detail, name="merchant"),
    path("merchants/<int:pk>/edit/", views.merchant_edit, name="merchant_edit"),
    path("dealers/", views.dealer_list, name="dealers"),
    path("dealers/<int:pk>/", views.dealer_detail, name="dealer"),
    path("dealers/<int:pk>/edit/", views.dealer_edit, name="dealer_edit"),
]
