"""Row-level security for the business case: the case's rows are seen in the database by every
partner involved in it (businesscase_casepartner, through joinedup_businesscase_involves) and by
no other; a baseline row by its partner, the case's owner, and the other partners involved only
when it is shared."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from joinedup.businesscase.tests.base import BusinessCaseTestCase
from joinedup.core import rls
from joinedup.core.tests.test_rls import as_application, rows


@pytest.mark.postgres_only
class TestBusinessCaseRowLevelSecurity(BusinessCaseTestCase):
    def setUp(self) -> None:
        if not self.on_postgresql():
            pytest.skip("row-level security exists on PostgreSQL only")

    def seen(self, partners: list[object]) -> dict[str, list[object]]:
        with rls.partner_context(partners):  # type: ignore[arg-type]
            return {
                "cases": [r[0] for r in rows("SELECT name FROM businesscase_businesscase")],
                "lines": [r[0] for r in rows("SELECT count(*) FROM businesscase_optionline")],
                "baselines": [
                    r[0]
                    for r in rows(
                        "SELECT p.code FROM businesscase_baseline b"
                        " JOIN partnership_partner p ON p.id = b.partner_id ORDER BY p.code"
                    )
                ],
            }

    def test_each_reader_sees_the_case_and_the_baselines_the_rule_allows(self) -> None:
        with as_application():
            as_owner = self.seen([self.shared])
            as_council = self.seen([self.council])
            as_police = self.seen([self.police])
            as_fire = self.seen([self.fire])
        assert as_owner == {"cases": ["One back office"], "lines": [2], "baselines": ["WCC", "WPOL"]}
        # The constabulary shared its baseline; the council did not.
        assert as_council == {"cases": ["One back office"], "lines": [2], "baselines": ["WCC", "WPOL"]}
        assert as_police == {"cases": ["One back office"], "lines": [2], "baselines": ["WPOL"]}
        assert as_fire == {"cases": [], "lines": [0], "baselines": []}

    def test_a_partner_not_involved_cannot_write_a_cases_rows(self) -> None:
        with (
            as_application(),
            rls.partner_context([self.fire]),
            pytest.raises(DatabaseError, match="row-level security"),
            transaction.atomic(),
        ):
            rows(
                "INSERT INTO businesscase_option (partner_id, case_id, version_id, kind, name, description)"
                " VALUES (%s, %s, %s, 'other', 'X', '')",
                [self.shared.pk, self.case.pk, self.option.version_id],
            )

    def test_the_page_reads_the_partnership_totals_under_the_policies(self) -> None:
        page = self.signed_in(self.police_finance).get(f"/businesscase/{self.case.pk}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "£600,000.00" in text  # both partners' payroll staff cost
        assert "Not shared with your partner, so in the totals only: Wessex County Council." in text
        assert self.signed_in(self.fire_finance).get(f"/businesscase/{self.case.pk}/").status_code == 404
