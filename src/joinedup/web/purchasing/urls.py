"""Purchasing pages, included under /purchasing/ by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.purchasing import spend_views, views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="purchasing_home"),
    path("suppliers/", views.suppliers, name="purchasing_suppliers"),
    path("spend/", spend_views.spend_analysis, name="purchasing_spend"),
    path("suppliers/<int:supplier_id>/", views.supplier, name="purchasing_supplier"),
    path("requisitions/new", views.requisition_new, name="purchasing_requisition_new"),
    path("requisitions/<int:requisition_id>/", views.requisition, name="purchasing_requisition"),
    path("orders/<int:order_id>/", views.order, name="purchasing_order"),
    path("orders/<int:order_id>/order.pdf", views.order_pdf, name="purchasing_order_pdf"),
]
