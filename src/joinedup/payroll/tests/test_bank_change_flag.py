"""A bank change waiting for its second person is a check on the pay run: the run pays the
account held, and the payroll officer sees why before the run is approved."""

from __future__ import annotations

from joinedup.payroll.models import FlagKind, FlagStatus, VarianceFlag
from joinedup.payroll.tests.test_pay_runs import PayrollTestCase
from joinedup.people.models import Person
from joinedup.people.services import bank_change_request


class TestBankChangePendingFlag(PayrollTestCase):
    def test_a_change_asked_for_at_another_employer_flags_this_partners_run(self) -> None:
        mary = self.shared_person_police.person
        bank_change_request(
            actor=self.police_hr,
            person=mary,
            partner=self.police,
            sort_code="401162",
            account_number="87654321",
        )
        run = self.calculated(self.council)
        flags = list(
            VarianceFlag.objects.for_partner(self.council)
            .filter(run=run, kind=FlagKind.BANK_CHANGE_PENDING)
            .values_list("employment_id", "status", "detail")
        )
        assert flags == [
            (
                self.shared_person_council.pk,
                FlagStatus.OPEN,
                "A bank change waits for a second person to verify it; this run pays the account held.",
            )
        ]
        held = Person.objects.unscoped(reason="test: read back").get(pk=mary.pk)
        assert held.bank_account_number == "12345678"

    def test_no_change_waiting_raises_no_such_flag(self) -> None:
        run = self.calculated(self.council)
        assert (
            not VarianceFlag.objects.for_partner(self.council)
            .filter(run=run, kind=FlagKind.BANK_CHANGE_PENDING)
            .exists()
        )
