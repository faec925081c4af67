"""A real browser (Debian's chromium, driven by Playwright) signs in as two demo users and
checks what each sees. Skipped, and recorded as skipped for .ci/run, when chromium is absent."""

from __future__ import annotations

import re
from typing import Any

import pytest

from joinedup.bench.demo.seed import DEMO_PASSWORD
from tests.browser.support import csp_violations, sign_in, watch_csp

# One process runs the module, so the demo below is seeded once per database. The django_db
# mark makes pytest-django build the test database even when this module runs alone.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_the_council_hr_officer_sees_only_the_council(browser: Any, demo: str) -> None:
    page = sign_in(browser, demo, "council.hr")
    assert page.get_by_test_id("current-partner").inner_text() == "Wessex County Council"
    assert page.locator("#partner-switcher").count() == 0
    assert "Wessex Constabulary" not in page.content()
    assert page.get_by_role("link", name="Audit trail", exact=True).count() == 0
    page.close()


def test_the_service_admin_switches_partner_by_keyboard_and_reads_its_audit_trail(
    browser: Any, demo: str
) -> None:
    page = sign_in(browser, demo, "ops.admin")
    options = page.locator("#partner-switcher option").all_inner_texts()
    assert sorted(options) == [
        "Wessex Constabulary",
        "Wessex County Council",
        "Wessex Fire and Rescue Service",
        "Wessex Shared Services",
    ]
    page.get_by_label("Working for").select_option(label="Wessex Constabulary")
    page.get_by_role("button", name="Switch").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_test_id("current-partner").inner_text() == "Wessex Constabulary"
    page.get_by_role("link", name="Audit trail", exact=True).click()
    # The trail shows 50 a page, newest first (the demo's last steps: the service desk, occupational
    # health); the partner's year of purchasing, its first events and its suppliers' standing are
    # found by the page's own filter.
    assert re.match(r"Wessex Constabulary: [\d,]+ events", page.get_by_test_id("audit-table").inner_text())
    for action in ("purchasing.", "supplier.status_set", "partner.created", "membership.granted"):
        page.get_by_label("Action starts with").fill(action)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"action={re.escape(action)}"))
        page.get_by_test_id("audit-table").get_by_text(action).first.wait_for(timeout=5000)
        assert action in page.get_by_test_id("audit-table").inner_text()
    page.close()


def test_hr_finds_the_shared_chief_executive_and_sees_only_the_councils_employment(
    browser: Any, demo: str
) -> None:
    page = sign_in(browser, demo, "council.hr")
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Name, National Insurance number, payroll number or post title").fill("trelawney")
    page.keyboard.press("Enter")
    results = page.get_by_test_id("people-results")
    assert "Morwenna Trelawney" in results.inner_text()
    page.get_by_role("link", name="Morwenna Trelawney").click()
    page.get_by_role("heading", name="Morwenna Trelawney").wait_for()  # the page the link opens
    assert page.get_by_role("heading", name="Morwenna Trelawney").count() == 1
    body = page.content()
    assert "Wessex County Council — WCC900001" in body
    assert "WCC 50%" in body and "WFRS 50%" in body
    page.close()


def test_an_employee_requests_leave_and_their_manager_approves_it(browser: Any, demo: str) -> None:
    page = sign_in(browser, demo, "council.employee")
    page.get_by_role("link", name="My record").click()
    page.get_by_label("Kind").select_option(label="Annual leave")
    page.get_by_label("Start date").fill("2027-02-01")
    page.get_by_label("End date").fill("2027-02-03")
    page.get_by_role("button", name="Request leave").click()
    assert "Leave requested" in page.content()
    page.close()

    manager = sign_in(browser, demo, "council.manager")
    manager.goto(f"{demo}/team")
    assert "Annual leave, 1 February 2027" in manager.content()
    manager.get_by_role("button", name="Approve").click()
    assert "Request approved" in manager.content()
    assert "Nothing waiting." in manager.content()
    manager.close()


def test_an_employee_asks_for_a_bank_change_and_hr_verifies_it(browser: Any, demo: str) -> None:
    page = sign_in(browser, demo, "council.employee")
    page.get_by_role("link", name="My record").click()
    page.get_by_role("link", name="Change the account my pay goes to").click()
    page.get_by_label("Sort code").fill("40-11-62")
    page.get_by_label("Account number").fill("87654321")
    page.get_by_role("button", name="Ask for the change").click()
    assert "Change asked for." in page.content()
    assert "Bank change pending" in page.content()
    page.close()

    from joinedup.people.models import Person

    # The demo links council.employee to a generated person; HR opens that person's record.
    person = Person.objects.unscoped(reason="test: the demo employee").get(user__username="council.employee")
    hr = sign_in(browser, demo, "council.hr")
    hr.goto(f"{demo}/people/{person.pk}")
    assert hr.get_by_test_id("bank-change-pending").count() == 1
    hr.get_by_role("button", name="Verify the change").focus()
    with hr.expect_navigation():
        hr.keyboard.press("Enter")
    assert "Bank change verified" in hr.content()
    assert hr.get_by_test_id("bank-change-pending").count() == 0
    hr.close()


def test_the_service_admin_finds_a_users_sign_in_status(browser: Any, demo: str) -> None:
    page = sign_in(browser, demo, "ops.admin")
    page.get_by_role("link", name="Administration", exact=True).click()
    page.get_by_role("link", name="Users and roles").click()
    # The first partner by name is the constabulary's.
    page.get_by_label("Name, username or email").fill("police.hr")
    page.keyboard.press("Enter")
    # In the table of users, not the filter panel's tag that removes the search.
    page.get_by_test_id("users").get_by_role("link", name="police.hr").click()
    page.get_by_role("heading", name="Priya Hale").wait_for()  # the page the link opens
    assert page.get_by_role("heading", name="Priya Hale").count() == 1
    assert "Last signed in" in page.content()
    page.close()


def test_the_content_security_policy_lets_govuk_frontend_and_htmx_run_and_blocks_nothing(
    browser: Any, demo: str
) -> None:
    page = browser.new_page()
    watch_csp(page)
    # Through the password and the code pages.
    sign_in(browser, demo, "ops.admin", page=page)
    page.get_by_role("link", name="Audit trail", exact=True).click()
    page.wait_for_load_state()
    # The nonce'd inline script ran, GOV.UK Frontend's module initialised, htmx loaded without
    # adding its own inline styles.
    classes = page.evaluate("document.body.className")
    assert "js-enabled" in classes and "govuk-frontend-supported" in classes
    # (A locator, not wait_for_function: the policy refuses the eval that one would need.)
    initialised = page.locator("[data-module='govuk-skip-link'][data-govuk-skip-link-init]")
    initialised.wait_for(state="attached", timeout=5000)
    assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert csp_violations(page) == []
    page.close()


def test_moj_frontend_sorts_the_component_pages_table_in_the_browser_and_the_policy_blocks_nothing(
    browser: Any, demo: str
) -> None:
    page = browser.new_page()
    watch_csp(page)
    sign_in(browser, demo, "council.hr", page=page)
    page.get_by_role("link", name="Components", exact=True).click()
    page.wait_for_load_state()
    table = page.locator("[data-module='moj-sortable-table'][data-moj-sortable-table-init]")
    table.wait_for(state="attached", timeout=5000)
    names = table.locator("tbody tr td:first-child")
    assert names.all_inner_texts() == ["Alex Example", "Jo Placeholder", "Sam Sample"]
    # MOJ's script turned each sortable heading into a button; salary sorts by its pence.
    table.get_by_role("button", name="Salary").click()
    assert names.all_inner_texts() == ["Sam Sample", "Alex Example", "Jo Placeholder"]
    assert table.locator("th", has_text="Salary").get_attribute("aria-sort") == "ascending"
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert csp_violations(page) == []
    page.close()


def test_the_payroll_home_page_draws_its_chart_from_the_table_and_the_policy_blocks_nothing(
    browser: Any, demo: str
) -> None:
    page = browser.new_page()
    watch_csp(page)
    sign_in(browser, demo, "payroll.officer", page=page)
    page.wait_for_load_state("load")
    rows = page.locator("[data-testid='pay-by-month-table'] tbody tr")
    assert rows.count() == 13
    # Chart.js (served by the app) drew one chart on the canvas, with the table's 13 months.
    assert page.evaluate("typeof window.Chart") == "function"
    labels = page.evaluate(
        "window.Chart.getChart(document.querySelector('canvas[data-chart-for]')).data.labels.length"
    )
    assert labels == 13
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert csp_violations(page) == []
    # The tiles a payroll officer relies on are there, each a link to its list.
    assert page.locator("[data-testid='tile-payroll_officer-flags_to_review'] a").get_attribute("href") == (
        "/payroll?waiting=flags"
    )
    page.close()


def test_a_finance_officer_sets_up_an_authenticator_app_from_the_qr_page_and_signs_in_with_it(
    browser: Any, demo: str
) -> None:
    from base64 import b32decode

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username="police.finance").delete()  # as after a reset
    page = browser.new_page()
    watch_csp(page)
    page.goto(f"{demo}/sign-in")
    page.get_by_label("Username").fill("police.finance")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{demo}/account/second-factor?next=%2F")
    assert page.get_by_role("img", name="QR code to add joinedup to your authenticator app").count() == 1
    # The person's phone: an authenticator app given the key as typed from the page.
    key = page.get_by_test_id("totp-key").inner_text().replace(" ", "")
    app = TOTP(b32decode(key))
    page.get_by_label("Code from the app").fill(f"{app.token():06d}")
    page.get_by_role("button", name="Turn on the second step").click()
    # count() does not wait for the answer to the form: wait for the page that follows.
    page.get_by_role("heading", name="Your second step is on").wait_for()
    assert page.get_by_role("heading", name="Your second step is on").count() == 1
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.wait_for_url(f"{demo}/")
    assert page.get_by_test_id("current-partner").inner_text() == "Wessex Constabulary"
    assert csp_violations(page) == []
    page.close()


def test_a_calculation_shows_queued_then_the_finished_totals_without_a_reload(
    browser: Any, demo: str, settings: Any
) -> None:
    # Issue 20: the page said "Calculation started." and stayed "Draft." with £0 totals and a
    # live Calculate button until reloaded. With the demo's worker backend, the run shows as
    # queued with Calculate disabled; once a worker has calculated it, the page shows the totals.
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from joinedup.partnership.models import Partner
    from joinedup.payroll.models import PayRun, RunStatus
    from joinedup.payroll.services import payrun_create

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    officer = get_user_model().objects.get(username="payroll.officer")
    council = Partner.objects.get(name="Wessex County Council")
    run = payrun_create(actor=officer, partner=council, frequency="monthly", pay_date=date(2026, 11, 25))

    page = sign_in(browser, demo, "payroll.officer")
    page.goto(f"{demo}/payroll/runs/{run.pk}")
    page.get_by_role("button", name="Calculate").click()
    page.wait_for_load_state()
    assert "Waiting for the calculation to start." in page.get_by_test_id("run-progress").inner_text()
    assert page.get_by_role("button", name="Calculating…").is_disabled()
    assert page.get_by_role("button", name="Calculate", exact=True).count() == 0
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run.refresh_from_db()
    assert run.status == RunStatus.CALCULATED
    page.get_by_text("Calculated; calculated").wait_for(timeout=10_000)
    totals = page.get_by_test_id("run-totals").inner_text()
    assert f"Payslips\n{run.progress_total}" in totals.replace("\t", "\n")
    assert "£0.00" not in totals
    assert page.get_by_role("button", name="Recalculate").is_enabled()
    assert navigations == []  # the page was not reloaded
    assert PayRun.objects.for_partner(council).filter(pk=run.pk, progress_done=run.progress_total).exists()
    page.close()


def test_pages_fit_a_375_pixel_wide_phone_without_sideways_scrolling(browser: Any, demo: str) -> None:
    # Issue 20: at 375 px the person page was 537 px wide, the journal form 736 px and the budget
    # page 641 px. WCAG 2.2 SC 1.4.10 (reflow): content fits 320 CSS px without scrolling in two
    # directions; we check the 375 px of a common phone.
    from joinedup.payroll.models import PayRun
    from joinedup.people.models import Person

    shared = Person.objects.unscoped(reason="the demo's shared chief executive").get(family_name="Trelawney")
    run = PayRun.objects.unscoped(reason="any demo run").order_by("pk").first()
    assert run is not None
    pages = {
        "council.hr": [
            f"/people/{shared.pk}",
            "/people?q=trelawney",
            "/establishment",
            "/people/new",
            "/staff",
            f"/people/{shared.pk}/bank",
        ],
        "ops.admin": ["/admin/", "/admin/users"],
        "council.finance": [
            "/ledger/journals/new",
            "/ledger/budget",
            "/ledger/budgets",
            "/ledger/budgets/import",
            "/ledger/trial-balance",
            "/ledger/",
            "/recharges/",
            "/purchasing/payment-runs/",
        ],
        "shared.buyer": [
            "/purchasing/",
            "/purchasing/invoices/",
            "/purchasing/invoices/new",
            "/purchasing/invoices/import",
            "/purchasing/exceptions/",
        ],
        "payroll.officer": [f"/payroll/runs/{run.pk}", "/payroll", "/"],
    }
    widths: dict[str, int] = {}
    for username, urls in pages.items():
        page = sign_in(browser, demo, username)
        page.set_viewport_size({"width": 375, "height": 800})
        for url in urls:
            page.goto(f"{demo}{url}")
            widths[url] = page.evaluate("document.documentElement.scrollWidth")
        page.close()
    assert {url: w for url, w in widths.items() if w > 375} == {}, widths


def test_finance_changes_a_line_of_the_approved_case_and_the_approvals_stay_on_their_version(
    browser: Any, demo: str
) -> None:
    # Issue 13: "a change after a partner's approval makes a new version and leaves that approval
    # on the old one, visibly". The demo case is approved by the partnership on version 2.
    from joinedup.businesscase.models import BusinessCase, OptionLine

    case = BusinessCase.objects.unscoped(reason="the demo's case").get(
        name="Wessex shared corporate services"
    )
    page = sign_in(browser, demo, "shared.finance")
    page.goto(f"{demo}/businesscase/{case.pk}/")
    assert page.get_by_test_id("approval").inner_text() == "Approved by the partnership on version 2"
    page.get_by_role("link", name="Change Outsourcing its lines").click()
    page.get_by_role("link", name="Change Procurement").click()
    assert "A change makes version 3" in page.get_by_test_id("new-version-warning").inner_text()
    page.get_by_label("Pounds by year, from year 0").fill("650000")
    page.get_by_role("button", name="Save the line").click()
    page.get_by_text("Version 3 was made for it").wait_for()
    page.goto(f"{demo}/businesscase/{case.pk}/")
    assert page.get_by_test_id("version").inner_text().startswith("Version 3")
    assert page.get_by_test_id("approval").inner_text() == "Approved by the partnership on version 2"
    amounts = OptionLine.objects.unscoped(reason="the demo's case").filter(
        case=case, option__name="Outsourcing", name="Procurement"
    )
    assert sorted((line.option.version.number, line.amounts) for line in amounts) == [
        (1, ["500000"]),
        (2, ["500000"]),
        (3, ["650000"]),
    ]
    page.close()


def test_the_hr_home_page_draws_a_chart_of_fte_against_establishment_as_bars_from_its_table(
    browser: Any, demo: str
) -> None:
    page = browser.new_page()
    watch_csp(page)
    sign_in(browser, demo, "council.hr", page=page)
    page.wait_for_load_state("load")
    rows = page.locator("[data-testid='fte-by-unit-table'] tbody tr").count()
    assert rows > 0
    # The same component draws it: one chart, the table's units as labels, two sets of bars.
    drawn = page.evaluate(
        "(() => { const c = window.Chart.getChart("
        "document.querySelector(\"canvas[data-chart-for='fte-by-unit-table']\"));"
        " return [c.data.labels.length, c.data.datasets.map(d => d.type + ':' + d.label)]; })()"
    )
    assert drawn == [rows, ["bar:Budgeted FTE", "bar:FTE in post"]]
    assert csp_violations(page) == []
    page.close()


def test_an_approver_selects_every_open_flag_with_one_box_and_accepts_them_for_one_reason(
    browser: Any, demo: str
) -> None:
    from datetime import date

    from django.contrib.auth import get_user_model

    from joinedup.partnership.models import Partner
    from joinedup.payroll.models import FlagStatus, PayRun, VarianceFlag
    from joinedup.payroll.services import payrun_create, payrun_request_calculation

    officer = get_user_model().objects.get(username="payroll.officer")
    council = Partner.objects.get(name="Wessex County Council")
    run = payrun_create(actor=officer, partner=council, frequency="monthly", pay_date=date(2026, 12, 23))
    payrun_request_calculation(actor=officer, run=run)  # calculated at once: the test's task backend
    run = PayRun.objects.for_partner(council).get(pk=run.pk)
    # Three more flags than the calculation raised (if it raised any), on people it did not flag.
    flagged = VarianceFlag.objects.for_partner(council).filter(run=run).values("employment")
    unflagged = run.payslips.exclude(employment__in=flagged).order_by("pk")
    for employment in unflagged.values_list("employment", flat=True)[:3]:
        VarianceFlag.objects.create(
            partner=council, run=run, employment_id=employment, kind="net_change", detail="Net pay up 40%"
        )
    open_flags = VarianceFlag.objects.for_partner(council).filter(run=run, status=FlagStatus.OPEN)
    count = open_flags.count()

    page = browser.new_page()
    watch_csp(page)
    sign_in(browser, demo, "payroll.approver", page=page)
    page.goto(f"{demo}/payroll/runs/{run.pk}")
    table = page.get_by_test_id("open-flags")
    boxes = table.locator("tbody input[type='checkbox']")
    assert boxes.count() == count
    # MOJ's multi-select put a "Select all" box in the table's first header cell.
    table.get_by_label("Select all").check()
    assert [boxes.nth(i).is_checked() for i in range(count)] == [True] * count
    page.get_by_label("Why the chosen flags are right").fill("Back pay for the pay award.")
    page.get_by_role("button", name="Accept the chosen flags").click()
    page.wait_for_load_state()
    assert f"{count} flags accepted." in page.content()
    assert open_flags.count() == 0
    assert csp_violations(page) == []
    page.close()
