from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("references/", views.references, name="references"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/models/new/", views.model_create, name="model_create"),
    path("models/<int:pk>/edit/", views.model_edit, name="model_edit"),
]
