"""Issue 19, every list kept to one shape: the census of the pages people reach from the menus.

Each page without a parameter in its address is one of:

- a **list** that grows without bound (pay runs, journals, tickets): filters in MOJ's filter
  panel, sorting by the server, pages, and a CSV/XLSX download of what the filters leave
  (web/listing.py) — checked by asking for each one as a user who holds every role;
- a **short** list, bounded by what the partnership configures (its chart of accounts, its
  programmes): all on one page, sorted in the browser (MOJ's sortable table);
- **not a list**: a form, a report, a dashboard or one person's own page, each with why.

A new page fails here until it is put in one of them. Pages under a parameter (one run's
payslips, one programme's people at risk) are parts of the object they belong to and are left
to their own tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from joinedup.partnership.models import Role
from joinedup.testing.base import PartnerTestCase
from joinedup.web.filtering import Filters
from joinedup.web.sorting import Sort

FILTER_LAYOUT = 'data-testid="filter-layout"'

# url name -> what the list holds (web namespace).
LISTS = {
    # people and payroll
    "people": "the people search's results",
    "charge_requests": "requests to charge a post to another partner",
    "staff": "a partner's employments",
    "pay_runs": "a partner's pay runs",
    "admin_users": "the partnership's users",
    "audit_events": "the audit trail",
    "establishment": "a partner's posts",
    # ledger and recharges
    "ledger_journals": "a partner's journals",
    "ledger_lines": "budget lines",
    "recharges_spend": "spend over £500",
    # purchasing
    "purchasing_invoices": "a partner's invoices",
    "purchasing_suppliers": "suppliers",
    "purchasing_contracts": "contracts",
    "purchasing_payment_runs": "payment runs",
    "purchasing_exceptions": "invoices held on a match exception",
    # service desk
    "servicedesk_queue": "the desk's tickets",
    "servicedesk_my_tickets": "an employee's own tickets",
    "servicedesk_team_tickets": "a manager's team's tickets",
    "servicedesk_assets": "the asset register",
    "servicedesk_notifications": "a user's notifications",
    "servicedesk_help": "knowledge articles",
    # occupational health
    "wellbeing_cases": "cases",
    "wellbeing_referrals": "referrals",
    "wellbeing_waiting": "referrals waiting for triage",
    "wellbeing_access_log": "reads of clinical records",
    "wellbeing_adjustments": "workplace adjustments",
    "wellbeing_surveillance_checks": "health-surveillance checks",
    "wellbeing_surveillance": "health-surveillance enrolments",
    # data protection
    "privacy_sars": "subject-access requests",
    "privacy_breaches": "the breach log",
    "privacy_access_review": "who holds which role",
    # workforce change
    "change_consultations": "consultations",
}

SHORT = {
    "ledger_accounts": "the chart of accounts",
    "ledger_cost_centres": "cost centres",
    "ledger_budgets": "budget versions",
    "recharges_home": "recharge statements by period",
    "businesscase_cases": "business cases",
    "wellbeing_surveillance_team_checks": "a manager's team's checks",
    "wellbeing_team_adjustments": "a manager's team's adjustments",
    "wellbeing_surveillance_team": "a manager's team's surveillance",
    "wellbeing_surveillance_programmes": "health-surveillance programmes",
    "wellbeing_programmes": "wellbeing programmes",
    "privacy_retention": "retention schedules and holds",
    "privacy_access_reviews_mine": "the roles a manager re-certifies",
    "privacy_onboarding": "partners joining",
    "privacy_processors": "processors",
    "privacy_records": "records of processing",
    "my_payslips": "one person's payslips",
    "my_leave": "one person's leave",
    "team": "a manager's team",
    "servicedesk_levels": "service-level agreements",
    "servicedesk_licences": "software licences",
    "change_programmes": "change programmes",
    "change_vr_delegations": "who decides voluntary redundancy",
    "change_strain_factors": "pension strain factors (rule data)",
}

NOT_LISTS = {
    "home": "the home page: tiles that link to lists",
    "login": "a form",
    "logout": "a form",
    "second_factor_verify": "a form",
    "account_security": "a form",
    "second_factor_new_recovery_codes": "a form",
    "switch_partner": "a form",
    "accessibility": "a statement",
    "privacy": "a statement",
    "help": "a statement",
    "components": "the component library",
    "hire": "a form",
    "people_import": "a form",
    "import_report": "one import's report",
    "import_problems": "one import's problems as CSV",
    "transfer_new": "a form",
    "me": "one person's record",
    "my_contact": "a form",
    "my_bank": "a form",
    "my_vr": "one person's quote",
    "pay_calendar": "a form and one year's dates",
    "year_end": "one tax year's P60s, by run",
    "ledger_home": "a dashboard",
    "ledger_trial_balance": "a report",
    "ledger_budget": "a report: budget against actual",
    "ledger_budgets_import": "a form",
    "ledger_journal_new": "a form",
    "recharges_reconciliation": "a report",
    "businesscase_new": "a form",
    "purchasing_home": "a dashboard",
    "purchasing_spend": "a report",
    "purchasing_requisition_new": "a form",
    "purchasing_contract_new": "a form",
    "purchasing_invoice_new": "a form",
    "purchasing_invoice_import": "a form",
    "servicedesk_ticket_new": "a form",
    "servicedesk_reports": "a report",
    "servicedesk_asset_new": "a form",
    "servicedesk_asset_import": "a form",
    "servicedesk_licence_new": "a form",
    "servicedesk_article_new": "a form",
    "wellbeing_home": "a dashboard",
    "wellbeing_self_refer": "a form",
    "wellbeing_my": "one person's own case",
    "wellbeing_retention": "a report",
    "wellbeing_my_surveillance": "one person's own checks",
    "wellbeing_programmes_import": "a form",
    "wellbeing_programme_usage": "a report",
    "privacy_processors_export": "a download",
    "privacy_breach_new": "a form",
    "admin_partner": "a form",
    "admin_payroll_bank": "a form",
    "admin_user_new": "a form",
    "openapi": "the API's own document",
}


def pages_without_parameters() -> set[str]:
    found: set[str] = set()

    def walk(patterns: Sequence[object], prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                route = prefix + str(entry.pattern)
                if not route.startswith("api/"):
                    walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and entry.name and "<" not in prefix + str(entry.pattern):
                found.add(entry.name)

    walk(get_resolver().url_patterns, "")
    return found


def shortfalls(client: Client, url: str) -> list[str]:
    """What the list at ``url`` lacks of its shape."""
    response = client.get(url)
    if response.status_code != 200:
        return [f"answers {response.status_code}"]
    context = response.context
    html = response.content.decode()
    lacks = [
        what
        for what, has in (
            ("pages", isinstance(context.get("page"), Page)),
            ("server sort", isinstance(context.get("sort"), Sort) and 'aria-sort="' in html),
            ("filter panel", isinstance(context.get("filter_panel"), Filters) and FILTER_LAYOUT in html),
            ("download links", "format=csv" in html and "format=xlsx" in html),
        )
        if not has
    ]
    for fmt, kind in (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats")):
        download = client.get(url, {"format": fmt})
        if download.status_code != 200 or not download["Content-Type"].startswith(kind):
            lacks.append(f"{fmt} download")
    return lacks


class TestTheCensusOfLists(PartnerTestCase):
    def test_every_page_is_a_list_a_short_list_or_said_not_to_be_one(self) -> None:
        kinds = [set(LISTS), set(SHORT), set(NOT_LISTS)]
        named = set().union(*kinds)
        assert sum(len(kind) for kind in kinds) == len(named), "a page is in two kinds"
        assert sorted(pages_without_parameters() - named) == []
        assert sorted(named - pages_without_parameters()) == []

    def test_every_list_filters_sorts_pages_and_downloads_what_is_filtered(self) -> None:
        everything = self.make_user("everything", [(self.council, role) for role in Role.values])
        client = self.signed_in(everything)
        missing = {name: shortfalls(client, reverse(f"web:{name}")) for name in LISTS}
        missing = {name: lacks for name, lacks in missing.items() if lacks}
        assert missing == {}, "\n".join(f"{name}: {', '.join(lacks)}" for name, lacks in missing.items())

    def test_every_short_list_sorts_in_the_browser(self) -> None:
        everything = self.make_user("everything", [(self.council, role) for role in Role.values])
        client = self.signed_in(everything)
        unsorted = []
        for name in SHORT:
            response = client.get(reverse(f"web:{name}"))
            html = response.content.decode()
            if response.status_code == 200 and "<table" in html and "moj-sortable-table" not in html:
                unsorted.append(name)
        assert unsorted == [], ", ".join(unsorted)
