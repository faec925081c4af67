"""Purchasing pages, included under /purchasing/ by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.purchasing import contracts, views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="purchasing_home"),
    path("suppliers/", views.suppliers, name="purchasing_suppliers"),
    path("suppliers/<int:supplier_id>/", views.supplier, name="purchasing_supplier"),
    path("requisitions/new", views.requisition_new, name="purchasing_requisition_new"),
    path("requisitions/<int:requisition_id>/", views.requisition, name="purchasing_requisition"),
    path("orders/<int:order_id>/", views.order, name="purchasing_order"),
    path("orders/<int:order_id>/order.pdf", views.order_pdf, name="purchasing_order_pdf"),
    path("contracts/", contracts.contract_list, name="purchasing_contracts"),
    path("contracts/new", contracts.contract_new, name="purchasing_contract_new"),
    path("contracts/<int:contract_id>/", contracts.contract, name="purchasing_contract"),
    path("contracts/<int:contract_id>/edit", contracts.contract_edit, name="purchasing_contract_edit"),
]
