from django.urls import path

from . import views

app_name = "sales"
urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_create, name="create"),
    path("new/line/", views.line_row, name="line_row"),
    path("new/customers/", views.customer_search, name="customer_search"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/print/", views.contract_print, name="print"),
    path("<int:pk>/pay/", views.contract_pay, name="pay"),
    path("<int:pk>/delivery/", views.contract_change_delivery, name="change_delivery"),
    path("<int:pk>/deliver/", views.contract_deliver, name="deliver"),
    path("<int:pk>/cancel/", views.contract_cancel, name="cancel"),
]
