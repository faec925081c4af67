"""Web pages for the ledgers, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.ledger import budgets, journals
from joinedup.web.ledger import views as ledger_views

urlpatterns: list[URLPattern] = [
    path("", ledger_views.home, name="ledger_home"),
    path("trial-balance", ledger_views.trial_balance, name="ledger_trial_balance"),
    path("accounts", ledger_views.accounts, name="ledger_accounts"),
    path("accounts/<int:account_id>", ledger_views.account_ledger, name="ledger_account"),
    path("budget", ledger_views.budget_vs_actual, name="ledger_budget"),
    path("budget/lines", ledger_views.lines_behind, name="ledger_lines"),
    path("budgets", budgets.budgets, name="ledger_budgets"),
    path("budgets/import", budgets.budget_import, name="ledger_budgets_import"),
    path("budgets/template.<str:fmt>", budgets.budget_template, name="ledger_budgets_template"),
    path("cost-centres", ledger_views.cost_centres, name="ledger_cost_centres"),
    path("cost-centres/<int:cost_centre_id>", ledger_views.cost_centre_report, name="ledger_cost_centre"),
    path("journals", journals.journals, name="ledger_journals"),
    path("journals/new", journals.journal_new, name="ledger_journal_new"),
    path("journals/<int:journal_id>", journals.journal_detail, name="ledger_journal"),
    path("journals/<int:journal_id>/reverse", journals.journal_reverse, name="ledger_journal_reverse"),
    path("periods/<int:period_id>/close", journals.period_close, name="ledger_period_close"),
]
