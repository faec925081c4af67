"""Purchasing pages, included under /purchasing/ by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.purchasing import contracts, payables, spend_views, views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="purchasing_home"),
    path("suppliers/", views.suppliers, name="purchasing_suppliers"),
    path("spend/", spend_views.spend_analysis, name="purchasing_spend"),
    path("suppliers/<int:supplier_id>/", views.supplier, name="purchasing_supplier"),
    path("requisitions/new", views.requisition_new, name="purchasing_requisition_new"),
    path("requisitions/<int:requisition_id>/", views.requisition, name="purchasing_requisition"),
    path("orders/<int:order_id>/", views.order, name="purchasing_order"),
    path("orders/<int:order_id>/order.pdf", views.order_pdf, name="purchasing_order_pdf"),
    path("contracts/", contracts.contract_list, name="purchasing_contracts"),
    path("contracts/new", contracts.contract_new, name="purchasing_contract_new"),
    path("contracts/<int:contract_id>/", contracts.contract, name="purchasing_contract"),
    path("contracts/<int:contract_id>/edit", contracts.contract_edit, name="purchasing_contract_edit"),
    path("invoices/", payables.invoices, name="purchasing_invoices"),
    path("invoices/new", payables.invoice_new, name="purchasing_invoice_new"),
    path("invoices/import", payables.invoice_import, name="purchasing_invoice_import"),
    path("invoices/template.<str:fmt>", payables.invoice_template, name="purchasing_invoice_template"),
    path("invoices/<int:purchase_invoice_id>/", payables.invoice, name="purchasing_invoice"),
    path("exceptions/", payables.exceptions, name="purchasing_exceptions"),
    path("payment-runs/", payables.payment_runs, name="purchasing_payment_runs"),
    path("payment-runs/<int:payment_run_id>/", payables.payment_run, name="purchasing_payment_run"),
    path(
        "payment-runs/<int:payment_run_id>/export.<str:fmt>",
        payables.payment_run_export,
        name="purchasing_payment_run_export",
    ),
    path(
        "payment-runs/<int:payment_run_id>/bacs.txt",
        payables.payment_run_bacs,
        name="purchasing_payment_run_bacs",
    ),
    path(
        "payments/<int:supplier_payment_id>/remittance.<str:fmt>",
        payables.remittance,
        name="purchasing_remittance",
    ),
]
