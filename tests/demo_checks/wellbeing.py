"""The demo's occupational health (issue 16): oh.clinician and oh.admin on every partner, a case at
each partner at its own stage, surveillance lists with overdue items, and the council's programme
usage with small cells hidden."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from joinedup.partnership.models import Membership
from joinedup.wellbeing import programme_selectors, selectors, surveillance_selectors
from joinedup.wellbeing.models import CaseAccessEvent, ClinicalNote
from joinedup.wellbeing.programmes import month_start
from tests.demo_checks.base import DemoChecks


class DemoWellbeingChecks(DemoChecks):
    def test_the_clinician_and_the_administrator_hold_their_roles_on_all_four_partners(self) -> None:
        for username, role in (("oh.clinician", "oh_clinician"), ("oh.admin", "oh_admin")):
            held = Membership.objects.filter(user=self.users[username]).order_by("partner__code")
            assert [(m.partner.code, m.role) for m in held] == [
                (code, role) for code in ("WCC", "WFRS", "WPOL", "WSS")
            ]

    def test_each_partner_has_a_case_at_its_own_stage_with_its_report_where_there_is_one(self) -> None:
        clinician = self.users["oh.clinician"]
        found = {
            c.partner.code: (c.status, c.clinician.username if c.clinician else None)
            for c in selectors.cases_for(clinician)
        }
        assert found == {
            "WFRS": ("report_released", "oh.clinician"),
            "WCC": ("report_written", "oh.clinician"),
            "WPOL": ("appointment_booked", "oh.clinician"),
            "WSS": ("referred", None),
        }
        progress = {
            c.partner.code: selectors.report_progress(clinician, case_id=c.pk)
            for c in selectors.cases_for(clinician)
        }
        assert (progress["WFRS"].status, progress["WFRS"].release_reason) == ("released", "on_issue")
        assert (progress["WCC"].status, progress["WCC"].release_due) == (
            "with_employee",
            timezone.localdate() + timedelta(days=21),
        )
        assert progress["WPOL"] is None
        # The council officer is the one it waits on: the demo's council.employee.
        (mine,) = selectors.my_cases(self.users["council.employee"])
        assert (
            mine.partner.code,
            selectors.my_report(self.users["council.employee"], case_id=mine.pk).outcome,
        ) == (
            "WCC",
            "fit_with_adjustments",
        )

    def test_three_cases_carry_a_clinical_note_that_only_the_clinician_reads(self) -> None:
        every = list(self.partners.values())
        assert ClinicalNote.objects.for_partners(every).count() == 3
        assert CaseAccessEvent.objects.for_partners(every).count() == 0
        case = selectors.cases_for(self.users["oh.clinician"], partner=self.partners["WFRS"]).get()
        (note,) = selectors.case_notes(self.users["oh.clinician"], case_id=case.pk)
        assert note.text.startswith("Post-arthroscopy, right knee.")
        assert CaseAccessEvent.objects.for_partners(every).count() == 1

    def test_the_surveillance_lists_show_overdue_and_due_items(self) -> None:
        today = timezone.localdate()
        admin = self.users["oh.admin"]
        police = surveillance_selectors.surveillance_list(admin, partner=self.partners["WPOL"], as_of=today)
        assert [(r.programme, r.status.value) for r in police] == [
            ("Night-worker health assessments", status) for status in ("overdue", "due", "upcoming", "done")
        ]
        fire = surveillance_selectors.surveillance_list(admin, partner=self.partners["WFRS"], as_of=today)
        assert [r.status.value for r in fire] == ["overdue", "overdue", "due"]
        assert {r.kind for r in fire} == {"audiometry"}

    def test_the_councils_twelve_months_of_programme_usage_hide_the_small_cells(self) -> None:
        last = month_start(month_start(timezone.localdate()) - timedelta(days=1))
        first = month_start(last - timedelta(days=335))
        report = programme_selectors.usage_report(
            self.users["oh.admin"], partner=self.partners["WCC"], first_month=first, last_month=last
        )
        table = report.table
        assert table.columns == ("Counselling", "Employee assistance programme", "Physiotherapy")
        assert table.values[-1][-1] == 395  # every referral of the year
        # Primary: bereavement at the EAP (3), trauma (2) and "other" (4) at counselling, "other"
        # at physiotherapy (3); the rest hidden so that none of those can be worked out.
        hidden = {
            (table.rows[r] if r < len(table.rows) else "Total", (*table.columns, "Total")[c])
            for r, c in table.hidden
        }
        assert hidden == {
            ("Bereavement", "Counselling"),
            ("Bereavement", "Employee assistance programme"),
            ("Bereavement", "Total"),
            ("Work-related", "Counselling"),
            ("Work-related", "Physiotherapy"),
            ("Trauma", "Counselling"),
            ("Trauma", "Total"),
            ("Other", "Counselling"),
            ("Other", "Employee assistance programme"),
            ("Other", "Physiotherapy"),
        }
