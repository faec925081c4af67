"""The demo's people employed by two partners at once and its data protection (issue 17): council
officers who are also on-call firefighters, each employment paid by its own employer's payroll;
the shared DPO's records of processing, processors and subject-access requests — one from
``fire.retained`` to each of his employers, each export holding only that partner's records."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from joinedup.audit.models import AuditEvent
from joinedup.bench.demo.dual import DUAL_PEOPLE
from joinedup.bench.demo.month import DEMO_PAY_DATE
from joinedup.core import rls
from joinedup.partnership.models import Membership, Partner
from joinedup.payroll.models import Payslip
from joinedup.people.models import Absence, Employment, EmploymentTerms, Person
from joinedup.privacy import sar
from joinedup.privacy.models import ProcessingRecord, ProcessorEngagement, SubjectAccessRequest
from tests.demo_checks.base import DemoChecks

REASON = "test: every row about one demo person, across partners"


def _all(model: type) -> Any:
    return model.objects.unscoped(reason=REASON)  # type: ignore[attr-defined]


def ids(export: dict[str, Any], section: str) -> set[int]:
    return {row["id"] for row in export[section]}


class DemoPeopleOfTwoPartnersChecks(DemoChecks):
    partners: dict[str, Partner]
    users: dict[str, Any]
    rhys: Person

    def everything(self, model: type, **lookup: Any) -> dict[str, set[int]]:
        """Every row of ``model`` matching ``lookup`` across every partner, by partner code."""
        codes = {p.pk: code for code, p in self.partners.items()}
        with rls.system_context(REASON):
            found: dict[str, set[int]] = {}
            for pk, partner_id in _all(model).filter(**lookup).values_list("pk", "partner_id"):
                found.setdefault(codes[partner_id], set()).add(pk)
            return found

    def test_five_council_officers_are_on_call_firefighters_with_one_person_record_each(self) -> None:
        with rls.system_context(REASON):
            people = _all(Person).filter(ni_number__in=[p.ni_number for p in DUAL_PEOPLE])
            jobs = sorted(
                (e.person.family_name, e.partner.code, e.payroll_number, e.end_date)
                for e in _all(Employment).filter(person__in=people).select_related("person", "partner")
            )
        assert people.count() == 5
        assert jobs == sorted(
            (p.family_name, code, f"{code}9001{n:02d}", None)
            for n, p in enumerate(DUAL_PEOPLE, start=1)
            for code in ("WCC", "WFRS")
        )

    def test_each_employment_is_paid_in_october_by_its_own_employers_payroll(self) -> None:
        with rls.system_context(REASON):
            slips = sorted(
                (s.employment.payroll_number, s.partner.code, s.run.partner.code, s.run.status, s.tax_code)
                for s in _all(Payslip)
                .filter(employment__person__ni_number__in=[p.ni_number for p in DUAL_PEOPLE])
                .select_related("employment", "partner", "run__partner")
            )
            pay_dates = set(
                _all(Payslip)
                .filter(employment__person__ni_number__in=[p.ni_number for p in DUAL_PEOPLE])
                .values_list("run__pay_date", flat=True)
            )
        # The council's payroll uses the personal allowance; the fire service's is a second job.
        assert slips == sorted(
            [(f"WCC9001{n:02d}", "WCC", "WCC", "paid", "1257L") for n in range(1, 6)]
            + [(f"WFRS9001{n:02d}", "WFRS", "WFRS", "paid", "BR") for n in range(1, 6)]
        )
        assert pay_dates == {DEMO_PAY_DATE}

    def test_fire_retained_is_rhys_powell_an_employee_of_both_partners(self) -> None:
        user = self.users["fire.retained"]
        assert self.rhys.user_id == user.pk
        assert user.get_full_name() == "Rhys Powell"
        held = Membership.objects.filter(user=user).order_by("partner__code")
        assert [(m.partner.code, m.role) for m in held] == [("WCC", "employee"), ("WFRS", "employee")]

    def test_each_partners_export_holds_only_its_records_and_the_two_together_hold_everything(self) -> None:
        dpo = self.users["shared.dpo"]
        council, fire = self.partners["WCC"], self.partners["WFRS"]
        requests = {
            r.partner.code: r
            for r in SubjectAccessRequest.objects.for_partners([council, fire]).filter(person=self.rhys)
        }
        assert {code: r.status for code, r in requests.items()} == {
            "WCC": "released",
            "WFRS": "ready_for_review",
        }
        exports = {code: sar.export_of(dpo, r) for code, r in requests.items()}
        person = self.rhys
        truth = {
            "employments": self.everything(Employment, person=person),
            "terms": self.everything(EmploymentTerms, employment__person=person),
            "absences": self.everything(Absence, employment__person=person),
            "payslips": self.everything(Payslip, employment__person=person),
        }
        for section, by_partner in truth.items():
            assert ids(exports["WCC"], section) == by_partner["WCC"], section
            assert ids(exports["WFRS"], section) == by_partner["WFRS"], section
            assert set(by_partner) == {"WCC", "WFRS"}, section
        assert {s: (len(exports["WCC"][s]), len(exports["WFRS"][s])) for s in truth} == {
            "employments": (1, 1),
            "terms": (1, 1),
            "absences": (1, 1),
            "payslips": (1, 1),
        }
        assert [e["payroll_number"] for e in exports["WCC"]["employments"]] == ["WCC900101"]
        assert [e["payroll_number"] for e in exports["WFRS"]["employments"]] == ["WFRS900101"]
        assert [(p["tax_code"], p["pay_date"]) for p in exports["WFRS"]["payslips"]] == [
            ("BR", DEMO_PAY_DATE.isoformat())
        ]
        # The audit events about his records: each partner's own chain, and every one of them.
        rows = Q(object_type="people.person", object_id=str(person.pk))
        for section, object_type in (
            ("employments", "people.employment"),
            ("terms", "people.employmentterms"),
            ("absences", "people.absence"),
            ("payslips", "payroll.payslip"),
        ):
            every = set().union(*truth[section].values())
            rows |= Q(object_type=object_type, object_id__in=[str(i) for i in every])
        with rls.system_context(REASON):
            events: dict[str, set[int]] = {}
            for pk, code in _all(AuditEvent).filter(rows).values_list("pk", "partner__code"):
                events.setdefault(code, set()).add(pk)
        assert ids(exports["WCC"], "audit_events") == events["WCC"]
        assert ids(exports["WFRS"], "audit_events") == events["WFRS"]
        assert set(events) == {"WCC", "WFRS"}
        # Neither holds anything of the other's: no row id of one appears in the other's sections.
        for section in truth:
            assert not ids(exports["WCC"], section) & ids(exports["WFRS"], section), section

    def test_the_dpo_has_records_of_processing_processors_and_requests_at_each_stage(self) -> None:
        every = list(self.partners.values())
        records = {
            code: ProcessingRecord.objects.for_partner(p).filter(status="active").count()
            for code, p in self.partners.items()
        }
        # Generated from what each partner holds (privacy/records.py), so they differ by partner.
        assert records == {"WCC": 14, "WFRS": 15, "WPOL": 14, "WSS": 7}
        engagements = sorted(
            (e.partner.code, e.processor.name, e.status, e.transfer_mechanism)
            for e in ProcessorEngagement.objects.for_partners(every).select_related("processor", "partner")
        )
        assert engagements == [
            ("WCC", "Wessex Shared Services", "approved", "none"),
            ("WFRS", "Kaveri Data Services Pvt Ltd", "proposed", "idta"),
            ("WFRS", "Solent Print and Post Ltd", "approved", "none"),
            ("WFRS", "Wessex Shared Services", "approved", "none"),
            ("WPOL", "Wessex Shared Services", "approved", "none"),
        ]
        requests = sorted(
            (r.partner.code, r.person.family_name, r.status, r.extended_on is not None)
            for r in SubjectAccessRequest.objects.for_partners(every).select_related("partner", "person")
        )
        police = Employment.objects.for_partner(self.partners["WPOL"]).order_by("payroll_number").first()
        assert police is not None
        assert requests == sorted(
            [
                ("WCC", "Powell", "released", False),
                ("WFRS", "Powell", "ready_for_review", False),
                ("WCC", "Lewis", "received", True),
                ("WPOL", police.person.family_name, "awaiting_identity", False),
            ]
        )
