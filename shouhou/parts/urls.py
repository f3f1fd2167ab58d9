from django.urls import path

from . import views

app_name = "parts"
urlpatterns = [
    path("", views.stock, name="stock"),
    path("stock.xlsx", views.stock_xlsx, name="stock_xlsx"),
    path("moves.xlsx", views.moves_xlsx, name="moves_xlsx"),
    path("receipts/", views.receipts, name="receipts"),
    path("receipts/new/", views.receipt_new, name="receipt_new"),
    path("receipts/<int:pk>/print/", views.receipt_print, name="receipt_print"),
    path("requisitions/", views.requisitions, name="requisitions"),
    path("requisitions/approvals/", views.approvals, name="approvals"),
    path("orders/<int:pk>/requisition/", views.requisition_new, name="requisition_new"),
    path("requisitions/<int:pk>/", views.requisition_detail, name="requisition_detail"),
    path("requisitions/<int:pk>/print/", views.requisition_print, name="requisition_print"),
    path("requisitions/<int:pk>/<slug:name>/", views.requisition_action, name="requisition_action"),
    path("with-me/", views.with_me, name="with_me"),
    path("old-parts/", views.old_parts, name="old_parts"),
    path("old-parts.xlsx", views.old_parts_xlsx, name="old_parts_xlsx"),
    path("old-parts/overdue/", views.overdue, name="overdue"),
    path("lines/<int:pk>/old-part/", views.old_part_new, name="old_part_new"),
    path("old-parts/<int:pk>/appraise/", views.old_part_appraise, name="old_part_appraise"),
    path("disposal/", views.batches, name="batches"),
    path("disposal/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("disposal/<int:pk>/<slug:name>/", views.batch_action, name="batch_action"),
]
