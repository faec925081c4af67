"""Web pages for recharges and statements of charges, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.recharges import views as recharge_views

urlpatterns: list[URLPattern] = [
    path("", recharge_views.home, name="recharges_home"),
    path("reconciliation/", recharge_views.reconciliation, name="recharges_reconciliation"),
    path("spend-over-500/", recharge_views.spend, name="recharges_spend"),
    path(
        "statements/<slug:code>/<str:month>.csv", recharge_views.statement_csv, name="recharges_statement_csv"
    ),
    path(
        "statements/<slug:code>/<str:month>.pdf", recharge_views.statement_pdf, name="recharges_statement_pdf"
    ),
    path("statements/<slug:code>/<str:month>/", recharge_views.statement, name="recharges_statement"),
]
