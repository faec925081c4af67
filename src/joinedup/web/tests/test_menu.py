"""The menu every page draws: "My payslips" and "My record" for a user who is a person on
record, "Recharges" for one who may read a statement, each asked as cheaply as it can be (issue
18: every request pays for the menu)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from joinedup.partnership.models import Role
from joinedup.recharges.selectors import reads_any_statement, statement_partners
from joinedup.testing.people import PeopleTestCase
from joinedup.web.context import has_own_record

MY_PAYSLIPS = '<a class="govuk-service-navigation__link" href="/me/payslips">My payslips</a>'
MY_RECORD = '<a class="govuk-service-navigation__link" href="/me">My record</a>'


class TestMenu(PeopleTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        person = cls.council_emp.person
        person.user = cls.council_employee
        person.save(update_fields=["user"])

    def test_a_user_with_a_record_of_their_own_is_offered_it_and_their_payslips(self) -> None:
        page = self.signed_in(self.council_employee).get("/").content.decode()
        assert MY_PAYSLIPS in page
        assert MY_RECORD in page

    def test_a_user_with_no_record_of_their_own_is_offered_neither(self) -> None:
        page = self.signed_in(self.council_hr).get("/").content.decode()
        assert "Sign out (council.hr)" in page  # the menu is drawn, without the two
        assert MY_PAYSLIPS not in page
        assert MY_RECORD not in page

    def test_whether_the_user_has_a_record_is_one_query_or_none_once_their_person_is_read(self) -> None:
        for user, expected in ((self.council_employee, True), (self.council_hr, False)):
            fresh = get_user_model().objects.get(pk=user.pk)
            with self.subTest(user=user.username), self.assertNumQueries(1):
                assert has_own_record(fresh) is expected
            _ = getattr(fresh, "person", None)  # as a page about the user's own record does
            with self.subTest(user=user.username, person_read=True), self.assertNumQueries(0):
                assert has_own_record(fresh) is expected

    def test_recharges_are_offered_to_whoever_may_read_a_statement(self) -> None:
        council_finance = self.make_user("council.finance", [(self.council, Role.FINANCE_OFFICER)])
        for user, expected in (
            (self.ops_admin, [self.police, self.council, self.fire]),  # an issuer: every partner, by name
            (council_finance, [self.council]),
            (self.council_hr, []),
        ):
            with self.subTest(user=user.username):
                assert statement_partners(user) == expected
                assert reads_any_statement(user) is bool(expected)
