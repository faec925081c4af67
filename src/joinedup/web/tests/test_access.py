"""Issue 20, one rule for a page a role cannot use (web/current.py ``partner_page``): a signed-in
user whose roles do not open a page gets the 403 page, whatever the page; an object named in
the address that they may not see (another partner's) answers 404."""

from __future__ import annotations

from joinedup.partnership.models import Role
from joinedup.payroll.models import RunStatus
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase

# Every page of a partner that takes no object in its address.
PARTNER_PAGES = [
    "/people",
    "/people/new",
    "/people/import",
    "/people/import/report",
    "/people/import/problems.csv",
    "/transfers/new",
    "/establishment",
    "/staff",
    "/payroll",
    "/payroll/year-end",
    "/payroll/calendar",
    "/ledger/",
    "/ledger/trial-balance",
    "/ledger/accounts",
    "/ledger/budget",
    "/ledger/cost-centres",
    "/ledger/journals",
    "/ledger/journals/new",
    "/recharges/",
    "/recharges/reconciliation/",
    "/recharges/spend-over-500/",
    "/audit",
    "/admin/",
    "/admin/bank-account",
    "/admin/users",
    "/admin/users/new",
]


class TestOneRuleForPagesARoleCannotUse(PayrollTestCase):
    def test_a_union_rep_gets_the_403_page_on_every_page_their_role_does_not_open(self) -> None:
        client = self.signed_in(self.union_rep)
        answers = {url: client.get(url) for url in PARTNER_PAGES}
        assert {url: r.status_code for url, r in answers.items()} == dict.fromkeys(PARTNER_PAGES, 403)
        for response in answers.values():
            assert "You do not have permission to do that" in response.content.decode()

    def test_a_user_with_no_role_anywhere_gets_403_too(self) -> None:
        nobody = self.make_user("no.roles", [])
        client = self.signed_in(nobody)
        assert {url: client.get(url).status_code for url in PARTNER_PAGES} == dict.fromkeys(
            PARTNER_PAGES, 403
        )

    def test_the_pages_a_role_opens_still_open(self) -> None:
        hr = self.signed_in(self.council_hr)
        assert [hr.get(url).status_code for url in ("/people", "/establishment", "/people/new")] == [200] * 3
        payroll = self.signed_in(self.payroll_officer)
        pages = ("/payroll", "/payroll/year-end", "/payroll/calendar")
        assert [payroll.get(url).status_code for url in pages] == [200, 200, 200]

    def test_another_partners_objects_answer_404_and_the_same_for_a_role_that_cannot_see_them(self) -> None:
        run = self.calculated()
        person = self.council_emp.person
        police_officer = self.make_user("police.payroll", [(self.police, Role.PAYROLL_OFFICER)])
        objects = [f"/payroll/runs/{run.pk}", f"/payroll/runs/{run.pk}/approve", f"/people/{person.pk}"]
        for user in (police_officer, self.police_hr):
            client = self.signed_in(user)
            assert [client.get(url).status_code for url in objects] == [404, 404, 404]
        run.refresh_from_db()
        assert run.status == RunStatus.CALCULATED
