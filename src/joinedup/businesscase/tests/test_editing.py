"""Changing and removing a case's options, lines and baseline rows (issue 13: "a change after a
partner's approval makes a new version and leaves that approval on the old one")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.audit.models import AuditEvent
from joinedup.businesscase import selectors, services
from joinedup.businesscase.models import Baseline, CaseVersion, Decision, Function, Option, OptionLine
from joinedup.businesscase.services import LineInput
from joinedup.businesscase.tests.base import BusinessCaseTestCase, pounds


class EditingTestCase(BusinessCaseTestCase):
    def approve(self, user: object, partner: object) -> Decision:
        return services.decision_record(
            actor=user,
            version=services.latest_version(self.case),
            partner=partner,  # type: ignore[arg-type]
            outcome="approved",
            decided_on=date(2026, 11, 3),
            body="cabinet",
        )

    def versions(self) -> list[int]:
        return list(selectors.versions_of_case(self.case).values_list("number", flat=True))

    def options(self, number: int) -> list[tuple[str, str, list[str]]]:
        version = CaseVersion.objects.for_partner(self.shared).get(case=self.case, number=number)
        return [
            (o.name, o.kind, [line.name for line in lines])
            for o, lines in selectors.options_with_lines(self.case, version)
        ]

    def events(self, action: str) -> int:
        return AuditEvent.objects.for_partner(self.shared).filter(action=action).count()

    def state(self) -> tuple[int, int, int, int, int]:
        return (
            CaseVersion.objects.for_partner(self.shared).filter(case=self.case).count(),
            Option.objects.for_partner(self.shared).filter(case=self.case).count(),
            OptionLine.objects.for_partner(self.shared).filter(case=self.case).count(),
            Baseline.objects.for_partner(self.shared).filter(case=self.case).count(),
            AuditEvent.objects.for_partner(self.shared).count(),
        )


class TestOptions(EditingTestCase):
    def test_it_renames_an_option_in_the_same_version_before_any_decision(self) -> None:
        changed = services.option_change(
            actor=self.shared_finance,
            option=self.option,
            kind="outsourcing",
            name=" Outsource ",
            description="x",
        )
        assert changed.pk == self.option.pk
        assert self.versions() == [1]
        assert self.options(1) == [("Outsource", "outsourcing", ["Set-up", "Fewer staff"])]
        assert self.events("businesscase.option_changed") == 1

    def test_a_change_after_an_approval_makes_version_2_and_the_approval_stays_on_version_1(self) -> None:
        approval = self.approve(self.council_finance, self.council)
        changed = services.option_change(
            actor=self.shared_finance, option=self.option, kind="shared_service", name="One shared service"
        )
        assert self.versions() == [1, 2]
        assert changed.version.number == 2
        assert self.options(1) == [("Shared service", "shared_service", ["Set-up", "Fewer staff"])]
        assert self.options(2) == [("One shared service", "shared_service", ["Set-up", "Fewer staff"])]
        approval.refresh_from_db()
        assert approval.version.number == 1
        assert selectors.standing_decisions(self.case)[changed.version_id] == {}

    def test_it_refuses_a_name_another_option_of_the_version_has_with_nothing_changed(self) -> None:
        services.option_add(actor=self.shared_finance, case=self.case, kind="outsourcing", name="Outsourcing")
        before = self.state()
        with pytest.raises(ValidationError) as refused:
            services.option_change(
                actor=self.shared_finance, option=self.option, kind="shared_service", name="Outsourcing"
            )
        assert refused.value.message_dict == {"name": ["Version 1 already has an option called Outsourcing."]}
        assert self.state() == before

    def test_it_removes_an_option_with_its_lines(self) -> None:
        version = services.option_remove(actor=self.shared_finance, option=self.option)
        assert version.number == 1
        assert self.options(1) == []
        assert OptionLine.objects.for_partner(self.shared).filter(case=self.case).count() == 0
        assert self.events("businesscase.option_removed") == 1

    def test_removing_an_option_after_a_decision_leaves_it_on_the_decided_version(self) -> None:
        self.approve(self.police_finance, self.police)
        services.option_remove(actor=self.shared_finance, option=self.option)
        assert self.versions() == [1, 2]
        assert self.options(1) == [("Shared service", "shared_service", ["Set-up", "Fewer staff"])]
        assert self.options(2) == []

    def test_a_partners_finance_officer_may_not_change_or_remove_the_owners_option(self) -> None:
        before = self.state()
        with pytest.raises(PermissionDenied):
            services.option_change(
                actor=self.council_finance, option=self.option, kind="other", name="Ours now"
            )
        with pytest.raises(PermissionDenied):
            services.option_remove(actor=self.council_finance, option=self.option)
        assert self.state() == before


class TestLines(EditingTestCase):
    def test_it_removes_a_line_and_keeps_the_others(self) -> None:
        setup = self.option.lines.order_by("pk")[0]
        option = services.line_remove(actor=self.shared_finance, line=setup)
        assert option.pk == self.option.pk
        assert self.options(1) == [("Shared service", "shared_service", ["Fewer staff"])]
        (event,) = AuditEvent.objects.for_partner(self.shared).filter(action="businesscase.line_removed")
        assert event.before["name"] == "Set-up" and event.before["amounts"] == ["1000.00"]

    def test_removing_a_line_after_an_approval_removes_it_from_the_new_version_only(self) -> None:
        self.approve(self.council_finance, self.council)
        saving = self.option.lines.order_by("pk")[1]
        option = services.line_remove(actor=self.shared_finance, line=saving)
        assert option.version.number == 2
        assert self.options(1) == [("Shared service", "shared_service", ["Set-up", "Fewer staff"])]
        assert self.options(2) == [("Shared service", "shared_service", ["Set-up"])]

    def test_it_refuses_an_optimism_bias_on_a_saving_with_nothing_changed(self) -> None:
        # Green Book supplementary guidance: optimism bias adds to costs; a benefit's is its delay.
        before = self.state()
        with pytest.raises(ValidationError) as refused:
            services.line_add(
                actor=self.shared_finance,
                option=self.option,
                line=LineInput(
                    name="More", kind="saving", amounts=pounds("0", "10"), optimism_bias=Decimal(5)
                ),
            )
        assert refused.value.message_dict == {
            "optimism_bias": ["Optimism bias applies to costs; a saving's is its delay."]
        }
        assert self.state() == before

    def test_it_refuses_amounts_past_the_horizon_in_the_appraisals_words(self) -> None:
        with pytest.raises(ValidationError) as refused:
            services.line_add(
                actor=self.shared_finance,
                option=self.option,
                line=LineInput(name="Long", kind="cost", amounts=pounds("1", "1", "1", "1", "1", "1")),
            )
        assert refused.value.message_dict == {
            "amounts": ["Line 'Long': 6 years of amounts, past the 5-year horizon."]
        }

    def test_a_partners_finance_officer_may_not_remove_a_line(self) -> None:
        before = self.state()
        with pytest.raises(PermissionDenied):
            services.line_remove(actor=self.police_finance, line=self.option.lines.order_by("pk")[0])
        assert self.state() == before


class TestBaselineRows(EditingTestCase):
    def test_it_removes_a_partners_baseline_for_a_function(self) -> None:
        services.baseline_remove(
            actor=self.shared_finance, case=self.case, partner=self.council, function="payroll"
        )
        rows = Baseline.objects.for_partner(self.shared).filter(case=self.case)
        assert [(r.partner.code, r.function) for r in rows] == [("WPOL", "payroll")]
        (event,) = AuditEvent.objects.for_partner(self.shared).filter(action="businesscase.baseline_removed")
        assert event.before["staff_cost"] == "400000.00"

    def test_it_refuses_a_row_that_is_not_there_and_makes_no_version_for_it(self) -> None:
        self.approve(self.council_finance, self.council)
        before = self.state()
        with pytest.raises(ValidationError) as refused:
            services.baseline_remove(
                actor=self.shared_finance, case=self.case, partner=self.police, function="hr"
            )
        assert refused.value.message_dict == {
            "function": ["Wessex Constabulary has no HR baseline in version 2."]
        }
        # The version the edit would have made went with the refused edit.
        assert self.state() == before
        assert self.versions() == [1]

    def test_removing_a_row_after_a_decision_keeps_it_on_the_decided_version(self) -> None:
        self.approve(self.police_finance, self.police)
        version = services.baseline_remove(
            actor=self.shared_finance, case=self.case, partner=self.police, function="payroll"
        )
        assert version.number == 2
        rows = (
            Baseline.objects.for_partner(self.shared)
            .filter(case=self.case)
            .order_by("version__number", "partner__code")
        )
        assert [(r.version.number, r.partner.code) for r in rows] == [(1, "WCC"), (1, "WPOL"), (2, "WCC")]

    def test_a_partners_finance_officer_may_not_remove_its_own_row_from_the_owners_case(self) -> None:
        before = self.state()
        with pytest.raises(PermissionDenied):
            services.baseline_remove(
                actor=self.council_finance, case=self.case, partner=self.council, function="payroll"
            )
        assert self.state() == before


class TestImportQueries(EditingTestCase):
    def csv(self, rows: int) -> bytes:
        cells = [(code, function) for function in Function.values for code in ("WCC", "WPOL", "WSS")]
        cells.sort(key=lambda cell: cell != ("WCC", "payroll"))  # a row to replace in each import
        lines = ["partner,function,staff_cost,fte,non_staff_cost"]
        lines += [f"{code},{function},100.00,1,5" for code, function in cells[:rows]]
        return ("\n".join(lines) + "\n").encode()

    def queries(self, rows: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            result = services.baselines_import(
                actor=self.shared_finance, case=self.case, source=self.csv(rows)
            )
        assert result.ok and result.saved == rows
        return len(captured.captured_queries)

    def test_an_import_asks_as_many_queries_for_thirty_rows_as_for_three(self) -> None:
        # Each replaces rows and adds rows: the first 1 and 2, the second 3 and 27.
        assert self.queries(3) == self.queries(30)
        rows = Baseline.objects.for_partner(self.shared).filter(case=self.case)
        assert rows.count() == 30
        police = rows.filter(partner=self.police)
        # The constabulary shares its detail: its new rows are shared too; the council's are not.
        assert set(police.values_list("shared", flat=True)) == {True}
        assert set(rows.filter(partner=self.council).values_list("shared", flat=True)) == {False}
        assert rows.get(partner=self.council, function="payroll").staff_cost == Decimal("100.00")
