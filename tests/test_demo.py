from __future__ import annotations

from decimal import Decimal
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from joinedup.audit.verification import verify_all
from joinedup.bench.demo.seed import DEMO_PASSWORD, DEMO_TOTP_KEY_BASE32, USERS, needs_second_factor
from joinedup.partnership.models import Membership, Partner
from joinedup.partnership.permissions import partner_ids_with
from joinedup.payroll.models import PayCalendar
from joinedup.people.models import CostSplit, Employment, Person, Secondment, TupeTransfer
from joinedup.people.selectors import employments_of
from joinedup.purchasing.contracts import contracts_visible_to, due_threshold
from joinedup.purchasing.models import BankDetailChange, Requisition, SupplierBankDetails


def _all(model: type) -> object:
    return model.objects.unscoped(reason="the demo test counts every partner's rows")  # type: ignore[attr-defined]


class TestDemoPartnership(TestCase):
    def test_it_seeds_the_wessex_partnership_with_its_sign_ins_and_people(self) -> None:
        out = StringIO()
        call_command("demo", "--no-serve", "--employees", "200", stdout=out)
        assert sorted(Partner.objects.values_list("code", flat=True)) == ["WCC", "WFRS", "WPOL", "WSS"]
        users = get_user_model().objects
        assert len(partner_ids_with(users.get(username="ops.admin"), "partnership.view")) == 4
        council_hr_partners = partner_ids_with(users.get(username="council.hr"), "partnership.view")
        assert council_hr_partners == [Partner.objects.get(code="WCC").pk]
        # 200 staff, the shared chief executive, the two council staff who sign in, the five
        # council officers who are also on-call firefighters and the twelve of the HR teams the
        # workforce-change programme restructures; transferred staff keep one person record, and
        # so do the five with an employment at the council and another at the fire service.
        assert _all(Person).count() == 220  # type: ignore[attr-defined]
        transfer = _all(TupeTransfer).get()  # type: ignore[attr-defined]
        moved = transfer.items.count()
        assert moved > 0
        assert _all(Employment).count() == 220 + 5 + moved  # type: ignore[attr-defined]
        split = _all(CostSplit).get()  # type: ignore[attr-defined]
        assert {s.charged_partner.code: s.percent for s in split.shares.all()} == {
            "WCC": Decimal(50),
            "WFRS": Decimal(50),
        }
        secondment = _all(Secondment).get()  # type: ignore[attr-defined]
        assert (secondment.partner.code, secondment.host_partner.code) == ("WCC", "WPOL")
        employee = users.get(username="council.employee")
        assert [e.partner.code for e in employments_of(employee, employee.person)] == ["WCC"]
        assert "password for all: wessex-demo-2026" in out.getvalue()
        # Purchasing: a bank-detail change waiting for its second person, and a requisition above
        # the council manager's limit waiting for a finance officer.
        assert BankDetailChange.objects.get(status="pending").supplier.name == "Hampshire Legal LLP"
        # The contracts register: the stationery contract is due, three months or less to its end.
        buyer = users.get(username="shared.buyer")
        due = contracts_visible_to(buyer, due_on=timezone.localdate())
        assert [(c.reference, due_threshold(c, timezone.localdate())) for c in due] == [("WSS-C-0001", 3)]
        assert contracts_visible_to(buyer).count() == 4
        assert SupplierBankDetails.objects.filter(current_until__isnull=True).count() == 10
        requisition = _all(Requisition).get(status="submitted")  # type: ignore[attr-defined]
        assert requisition.requested_by.username == "council.manager"
        # Each employer pays monthly on the 25th (English bank holidays); the fire service takes
        # changes up to four working days before, the others five.
        calendars = _all(PayCalendar).values_list(  # type: ignore[attr-defined]
            "partner__code", "frequency", "nation", "day_of_month", "cut_off_working_days"
        )
        assert sorted(calendars) == [
            ("WCC", "monthly", "england-and-wales", 25, 5),
            ("WFRS", "monthly", "england-and-wales", 25, 4),
            ("WPOL", "monthly", "england-and-wales", 25, 5),
            ("WSS", "monthly", "england-and-wales", 25, 5),
        ]
        assert [r.broken for r in verify_all()] == [None] * 5

    def test_each_demo_user_with_a_record_opens_their_own_under_their_name(self) -> None:
        call_command("demo", "--no-serve", "--employees", "60", stdout=StringIO())
        linked = get_user_model().objects.filter(person__isnull=False).order_by("username")
        assert [u.username for u in linked] == ["council.employee", "council.manager", "fire.retained"]
        for user in linked:
            with self.subTest(user.username):
                person = _all(Person).get(user=user)  # type: ignore[attr-defined]
                assert user.get_full_name() == person.full_name
                memberships = set(
                    Membership.objects.filter(user=user).values_list("partner__code", flat=True)
                )
                employers = {e.partner.code for e in employments_of(user, person)}
                assert employers and employers <= memberships
                self.client.force_login(user)
                page = self.client.get("/me").content.decode()
                assert (
                    f'<span class="govuk-caption-l" data-testid="my-name">{person.full_name}</span>' in page
                )

    def test_each_demo_user_signs_in_and_those_who_need_it_with_the_printed_demo_key(self) -> None:
        out = StringIO()
        call_command("demo", "--no-serve", "--employees", "20", stdout=out)
        printed = out.getvalue()
        assert f"add the demo key {DEMO_TOTP_KEY_BASE32} to an authenticator app" in printed
        needing = [username for username, _, grants in USERS if needs_second_factor(grants)]
        assert needing == [
            "ops.admin",
            "payroll.approver",
            "council.finance",
            "police.finance",
            "fire.finance",
            "shared.finance",
            "shared.dpo",
            "shared.buyer",
            "shared.buyer2",
            "oh.clinician",
        ]
        assert f" *{'payroll.approver':18} Alex Perry" in printed
        for username, _, _ in USERS:
            with self.subTest(username):
                client = Client()
                client.post("/sign-in", {"username": username, "password": DEMO_PASSWORD})
                if username in needing:
                    assert client.get("/")["Location"] == "/sign-in/code?next=%2F"
                    code = StringIO()
                    call_command("otp", "code", "--key", DEMO_TOTP_KEY_BASE32, stdout=code, stderr=StringIO())
                    client.post("/sign-in/code", {"code": code.getvalue().strip()})
                assert client.get("/").status_code == 200

    def test_running_it_again_adds_nothing(self) -> None:
        call_command("demo", "--no-serve", "--employees", "50", stdout=StringIO())
        counts = (Partner.objects.count(), Membership.objects.count(), _all(Employment).count())  # type: ignore[attr-defined]
        out = StringIO()
        call_command("demo", "--no-serve", "--employees", "50", stdout=out)
        assert (Partner.objects.count(), Membership.objects.count(), _all(Employment).count()) == counts  # type: ignore[attr-defined]
        assert "already present" in out.getvalue()
