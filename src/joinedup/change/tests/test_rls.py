"""Row-level security for workforce change: a programme's rows are seen in the database by every
partner involved in it (change_programmepartner, through joinedup_change_programme_involves)
and by no other; a person at risk by their employer alone."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from joinedup.change import services
from joinedup.change.tests.base import ChangeTestCase
from joinedup.core import rls
from joinedup.core.tests.test_rls import as_application, rows


@pytest.mark.postgres_only
class TestChangeRowLevelSecurity(ChangeTestCase):
    def setUp(self) -> None:
        if not self.on_postgresql():
            pytest.skip("row-level security exists on PostgreSQL only")
        services.at_risk_identify(actor=self.shared_hr, structure=self.structure)

    def seen(self, partners: list[object]) -> dict[str, list[object]]:
        with rls.partner_context(partners):  # type: ignore[arg-type]
            return {
                "programmes": [r[0] for r in rows("SELECT name FROM change_changeprogramme")],
                "involved": [
                    r[0] for r in rows("SELECT partner_id FROM change_programmepartner ORDER BY partner_id")
                ],
                "changes": [r[0] for r in rows("SELECT count(*) FROM change_structurechange")],
                "at_risk": [r[0] for r in rows("SELECT partner_id FROM change_atrisk ORDER BY id")],
            }

    def test_every_partner_involved_sees_the_programme_and_no_other_partner_does(self) -> None:
        council, police = self.council.pk, self.police.pk
        with as_application():
            as_police = self.seen([self.police])
            as_fire = self.seen([self.fire])
        assert as_police == {
            "programmes": ["One HR service"],
            "involved": sorted([council, police]),
            "changes": [4],
            "at_risk": [police],  # Dan, their own: the council's three stay the council's
        }
        assert as_fire == {"programmes": [], "involved": [], "changes": [0], "at_risk": []}

    def test_a_partner_not_involved_cannot_write_a_programmes_rows(self) -> None:
        with (
            as_application(),
            rls.partner_context([self.fire]),
            pytest.raises(DatabaseError, match="row-level security"),
            transaction.atomic(),
        ):
            rows(
                "INSERT INTO change_milestone (partner_id, programme_id, name, due)"
                " VALUES (%s, %s, 'X', '2026-01-01')",
                [self.council.pk, self.programme.pk],
            )

    def test_the_pages_read_the_joint_structure_under_the_policies(self) -> None:
        # A request runs in its user's partner context: the police's HR reads the council-led
        # structure, council posts and all, through the named system contexts of the selectors.
        page = self.signed_in(self.police_hr).get(f"/change/structures/{self.structure.pk}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "C-HRA" in text and "P-HRA" in text
        assert "£156,354.66" in text
        assert self.signed_in(self.fire_hr).get(f"/change/structures/{self.structure.pk}/").status_code == 404
