from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("lookup/", views.customer_lookup, name="lookup"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/phones/", views.customer_add_phone, name="add_phone"),
    path("<int:pk>/addresses/", views.customer_add_address, name="add_address"),
    path("<int:pk>/archive/", views.customer_archive, name="archive"),
    path("<int:pk>/personal-data/", views.customer_personal_data, name="personal_data"),
    path("<int:pk>/anonymise/", views.customer_anonymise, name="anonymise"),
]
