"""Spreadsheet injection, a test per export (issue 18).

OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection): a cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula when the
file is opened in a spreadsheet, so each such cell is written with a leading apostrophe and shows
as text. In XLSX a text cell is stored as text (type ``s``), which a spreadsheet never runs, so it
keeps its text as it is. A cell that is only a number (``-12.50``) is a number, not a formula,
and stays one: money columns are never prefixed.

The text people type goes into every field an export carries: a person called
``=HYPERLINK("http://x","y") Lovelace``, a job title, org unit, post, post cost centre, account,
cost centre and invoice line of that name, and a user signed in as ``@attacker``. Each export is
then downloaded and its planted cell compared exactly, in CSV and in XLSX where it has both.

``EXPORTS`` is checked against the exports that exist: every route of the URL resolver and of
the OpenAPI document is asked for CSV and for XLSX, and one that answers a spreadsheet without an
entry here fails ``test_every_export_of_the_site_and_the_api_has_an_injection_test``."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from joinedup.businesscase import services as businesscase
from joinedup.change.models import Consultation
from joinedup.core import rls
from joinedup.core.actors import SystemActor
from joinedup.ledger.models import Account, CostCentre
from joinedup.ledger.services import LineInput, journal_post
from joinedup.partnership.models import Partner, Role
from joinedup.partnership.services import api_token_create
from joinedup.payroll.models import FlagStatus, PayCalendar, VarianceFlag
from joinedup.payroll.services import flags_accept, payrun_approve
from joinedup.payroll.year_end import P60_CSV_HEADER
from joinedup.people.models import Employment, OrgUnit, Person, Post
from joinedup.privacy import retention as privacy_retention
from joinedup.privacy.models import Breach, ProcessingRecord, Processor
from joinedup.purchasing import spend_rollup
from joinedup.purchasing.models import (
    Contract,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentRun,
    PaymentRunStatus,
    Supplier,
    SupplierBankDetails,
)
from joinedup.servicedesk import satisfaction
from joinedup.servicedesk import services as servicedesk
from joinedup.servicedesk.models import Article, Asset, Ticket
from joinedup.testing.base import FIXTURES
from joinedup.testing.second_factor import sign_in
from joinedup.wellbeing.models import CaseAccessEvent, WellbeingProgramme
from tests.attack.fixtures import PATH_PARAMETERS, ROLES, AttackTestCase
from tests.attack.test_isolation_matrix import every_route

PAYLOAD = '=HYPERLINK("http://x","y")'
NAME = f"{PAYLOAD} Lovelace"
ATTACKER = "@attacker"
# OWASP: the characters that make a spreadsheet read a cell as a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ONLY_A_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# The import templates are of employments or posts.
URL_VALUES = {"kind": "employments"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Query parameters that the export views take; any other view ignores them.
QUERY = {
    "q": "Lovelace",
    "date_from": "2026-04-01",
    "date_to": "2027-03-31",
    "from": "2026-04-01",
    "to": "2027-03-31",
    "tax_year": "2026",
    "preview": "1",
}


@dataclass(frozen=True)
class Export:
    """An export, what the planted text becomes in it (column -> the exact cell as CSV holds it and
    as XLSX holds it), and who downloads it ("council": a council user in every role; "shared":
    the shared-services body's finance officer)."""

    formats: tuple[str, ...]
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    who: str = "council"
    # A step that makes the export exist (the problems of an upload).
    prepare: str = ""
    query: dict[str, str] = field(default_factory=dict)  # over QUERY


# The neutralised cell as CSV holds it, and the text as XLSX holds it.
def planted(text: str) -> tuple[str, str]:
    return ("'" + text if text.startswith(TRIGGERS) else text), text


EXPORTS: dict[str, Export] = {
    "web /people": Export(("csv", "xlsx"), {"name": planted(NAME)}),
    "web /staff": Export(
        ("csv", "xlsx"), {"name": planted(NAME), "job_title": planted(PAYLOAD), "unit": planted(PAYLOAD)}
    ),
    "web /establishment": Export(
        ("csv", "xlsx"),
        {"title": planted(PAYLOAD), "unit": planted(PAYLOAD), "cost_centre": planted(PAYLOAD)},
    ),
    "web /admin/users": Export(
        ("csv", "xlsx"), {"username": planted(ATTACKER), "name": planted(PAYLOAD)}, query={"q": ""}
    ),
    "web /audit": Export(("csv", "xlsx"), {"actor": planted(ATTACKER)}),
    # The journals list: the invoice journal posted by the user signed in as a formula.
    "web /ledger/journals": Export(("csv", "xlsx"), {"posted_by": planted(ATTACKER)}),
    # Budget lines: the invoice journal's line described as a formula.
    "web /ledger/budget/lines": Export(
        ("csv", "xlsx"), {"description": planted(PAYLOAD)}, query={"from": "2026-04", "to": "2027-03"}
    ),
    "web /payroll/runs/{run_id}": Export(("csv", "xlsx"), {"name": planted(NAME)}),
    "web /payroll/runs/{run_id}/journal.csv": Export(("csv",), {"cost_centre": planted(PAYLOAD)}),
    "api /api/v1/pay-runs/{run_id}/journal.csv": Export(("csv",), {"cost_centre": planted(PAYLOAD)}),
    "web /payroll/year-end": Export(("csv", "xlsx"), {"name": planted(NAME)}),
    # Nothing a user types reaches it: the employer's name, dates, and the holidays package's names.
    "web /payroll/calendar": Export(("csv", "xlsx")),
    # Nothing a user types reaches it either: dates, numbers and the run's stored codes.
    "web /payroll": Export(("csv", "xlsx")),
    "web /ledger/trial-balance": Export(
        ("csv", "xlsx"), {"name": planted(PAYLOAD)}, query={"from": "2026-04", "to": "2027-03"}
    ),
    "web /recharges/spend-over-500/": Export(
        ("csv", "xlsx"),
        {
            "Department": planted(PAYLOAD),
            "Beneficiary": planted(PAYLOAD),
            "Purpose of expenditure": planted(PAYLOAD),
        },
    ),
    "api /api/v1/partners/{partner_id}/transparency.csv": Export(
        ("csv",),
        {
            "Department": planted(PAYLOAD),
            "Beneficiary": planted(PAYLOAD),
            "Purpose of expenditure": planted(PAYLOAD),
        },
    ),
    # The statement's text is the shared service's own ("HR recharge, October 2026"): no field a
    # partner types reaches it, so it is checked for formulas only.
    "web /recharges/statements/{code}/{month}.csv": Export(("csv",)),
    "api /api/v1/partners/{partner_id}/statements/{month}.csv": Export(("csv",)),
    # A supplier's remittance advice lists the invoice numbers the supplier typed.
    "api /api/v1/purchasing/payments/{supplier_payment_id}/remittance.csv": Export(
        ("csv",), {"Number": planted(PAYLOAD)}
    ),
    # The supplier register: the off-contract supplier below is named like a formula.
    "web /purchasing/suppliers/": Export(("csv", "xlsx"), {"Supplier": planted(PAYLOAD)}, query={"q": ""}),
    # The contracts register: a contract whose title was typed as a formula.
    "web /purchasing/contracts/": Export(("csv", "xlsx"), {"Title": planted(PAYLOAD)}),
    # The payables pages: the invoice list (all of it, not a search), a payment run's invoices and
    # a supplier's remittance advice list the invoice numbers suppliers typed; the import template
    # carries the import's columns and examples only. Where the format is in the path ({fmt} is
    # csv here), the XLSX is checked by its own test below.
    "web /purchasing/invoices/": Export(("csv", "xlsx"), {"Number": planted(PAYLOAD)}, query={"q": ""}),
    "web /purchasing/invoices/template.{fmt}": Export(("csv",)),
    # The payment runs list: the off-contract run below was made by the user named like a formula.
    # The exceptions queue: the numbers and reasons of held invoices, checked for formulas only.
    "web /purchasing/payment-runs/": Export(("csv", "xlsx"), {"Made by": planted(PAYLOAD)}),
    "web /purchasing/exceptions/": Export(("csv", "xlsx"), query={"q": ""}),
    "web /purchasing/payment-runs/{payment_run_id}/export.{fmt}": Export(
        ("csv",), {"Number": planted(PAYLOAD)}
    ),
    "web /purchasing/payments/{supplier_payment_id}/remittance.{fmt}": Export(
        ("csv",), {"Number": planted(PAYLOAD)}
    ),
    # Spend analysis (each table; the partner x category x month cube by default): its text is the
    # register's category and supplier names; purchasing/tests/test_spend.py downloads a formula
    # supplier name as text. Here: no cell a spreadsheet would run.
    "web /purchasing/spend/": Export(("csv", "xlsx")),
    # Charges to the council for other partners' employees (cost split shares, secondments): the
    # fixture holds none, so here: no cell a spreadsheet would run (the names and reasons are
    # written through the same export helper as the staff list's).
    "web /charges": Export(("csv", "xlsx")),
    # TUPE employee liability information and the terms side by side of a transfer plan whose
    # staff list holds the formula-named person.
    "web /change/transfer-plans/{plan_id}/eli": Export(
        ("csv", "xlsx"), {"name": planted(NAME), "job_title": planted(PAYLOAD)}
    ),
    "api /api/v1/change/transfer-plans/{plan_id}/eli": Export(
        ("csv", "xlsx"), {"name": planted(NAME), "job_title": planted(PAYLOAD)}
    ),
    "web /change/transfer-plans/{plan_id}/terms": Export(("csv", "xlsx"), {"name": planted(NAME)}),
    # The consultations list: the council's consultation at an establishment named like a formula.
    "web /change/consultations/": Export(("csv", "xlsx"), {"Establishment": planted(PAYLOAD)}),
    "web /people/import/problems.csv": Export(("csv",), {"value": planted(PAYLOAD)}, prepare="upload"),
    # Templates carry the import's column names and examples only.
    "web /people/import/templates/{kind}.{fmt}": Export(("csv",)),
    "web /ledger/budgets/template.{fmt}": Export(("csv",)),
    # The workforce-impact report's groups are pay point, scheme and census labels, none typed by
    # a partner's user: checked for formulas only.
    "web /change/programmes/{programme_id}/impact": Export(("csv", "xlsx")),
    # The business case's tables: an option and a baseline's source named like a formula. The format
    # is in the path ({fmt} is csv here); the XLSX is checked by its own test below.
    "web /businesscase/{case_id}/appraisal.{fmt}": Export(("csv",), {"Option": planted(PAYLOAD)}),
    "web /businesscase/{case_id}/baseline.{fmt}": Export(("csv",), {"Source": planted(PAYLOAD)}),
    # An option and its line named like formulas, a risk that is one, and a decision's conditions.
    "web /businesscase/{case_id}/options.{fmt}": Export(
        ("csv",), {"Option": planted(PAYLOAD), "Line": planted(PAYLOAD), "Risks": planted(ATTACKER)}
    ),
    "web /businesscase/{case_id}/shares.{fmt}": Export(("csv",), {"Option": planted(PAYLOAD)}),
    "web /businesscase/{case_id}/decisions.{fmt}": Export(("csv",), {"Conditions": planted(PAYLOAD)}),
    # The board pack's tables (the fixture's case is not live: its header, checked for formulas),
    # and a partner's cost centres mapped to functions, one named like a formula.
    "web /businesscase/{case_id}/realisation/{table}.{fmt}": Export(("csv",)),
    # The asset register: a laptop whose make was typed as a formula, deployed with the person
    # named like one.
    "web /servicedesk/assets/": Export(
        ("csv", "xlsx"), {"Make": planted(PAYLOAD), "Assigned to": planted(NAME)}
    ),
    "web /businesscase/cost-centres/{code}/mapping.{fmt}": Export(("csv",), {"Name": planted(PAYLOAD)}),
    # The monthly service-level report: services, priorities and counts, none typed by a user:
    # checked for formulas only.
    "web /servicedesk/reports/": Export(("csv", "xlsx")),
    # The agents' queue: a ticket whose subject was typed as a formula. An employee's own tickets
    # and a manager's team's (the everything user raised none and manages nobody): formulas only.
    "web /servicedesk/queue/": Export(("csv", "xlsx"), {"subject": planted(PAYLOAD)}, query={"q": ""}),
    "web /servicedesk/": Export(("csv", "xlsx"), query={"q": ""}),
    "web /servicedesk/team/": Export(("csv", "xlsx"), query={"q": ""}),
    # A user's own notifications (the subjects are the site's own words) and the help articles
    # (an agent's title typed as a formula).
    "web /servicedesk/notifications/": Export(("csv", "xlsx"), query={"q": ""}),
    "web /servicedesk/help/": Export(("csv", "xlsx"), {"title": planted(PAYLOAD)}, query={"q": ""}),
    # Occupational health (ohsurvweb): the due / overdue / done list names the person enrolled; a
    # manager's team list (the everything user manages nobody: checked for formulas only); the
    # suppressed usage table, whose columns are the programmes, one named like a formula.
    "web /wellbeing/surveillance/": Export(("csv", "xlsx"), {"Name": planted(NAME)}),
    "web /wellbeing/surveillance/team/": Export(("csv", "xlsx")),
    "web /wellbeing/programmes/usage/": Export(("csv", "xlsx"), query={"from": "2026-10", "to": "2026-10"}),
    # The checks done in the last year (OH's, with outcomes; a manager's team's, formulas only) and
    # the register of workplace adjustments (HR's, naming the person; a manager's team's).
    "web /wellbeing/surveillance/checks/": Export(("csv", "xlsx"), {"Name": planted(NAME)}),
    "web /wellbeing/surveillance/team/checks/": Export(("csv", "xlsx")),
    "web /wellbeing/adjustments/": Export(("csv", "xlsx"), {"Name": planted(NAME), "Post": planted(PAYLOAD)}),
    "web /wellbeing/adjustments/team/": Export(("csv", "xlsx")),
    "web /wellbeing/cases/": Export(("csv", "xlsx"), {"Employee": planted(NAME)}),
    "web /wellbeing/referrals/": Export(("csv", "xlsx")),
    "web /wellbeing/referrals/waiting": Export(("csv", "xlsx")),
    "web /wellbeing/access-log/": Export(("csv", "xlsx"), {"Who": planted(ATTACKER)}),
    # Data protection: the records of processing in the ICO's columns, one purpose typed as a
    # formula ({fmt} is csv here; the page test checks the XLSX downloads), and the processors,
    # one named like a formula.
    "web /data-protection/records.{fmt}": Export(("csv",), {"Purpose of processing": planted(PAYLOAD)}),
    "web /data-protection/processors.csv": Export(("csv",), {"Processor": planted(PAYLOAD)}),
    "web /data-protection/subject-access/": Export(("csv", "xlsx"), {"Person": planted(NAME)}),
    # The access review: who holds which role (a user signed in as a formula) and the sensitive
    # reads (read by that user); {fmt} is csv here, the page tests check the XLSX downloads.
    "web /data-protection/access-review/": Export(("csv", "xlsx"), {"Username": planted(ATTACKER)}),
    "web /data-protection/access-review/roles.{fmt}": Export(("csv",), {"Username": planted(ATTACKER)}),
    "web /data-protection/access-review/reads.{fmt}": Export(("csv",), {"Reader": planted(ATTACKER)}),
    # The breach log: a breach whose summary was typed as a formula.
    "web /data-protection/breaches/": Export(("csv", "xlsx"), {"Summary": planted(PAYLOAD)}),
    # The retention schedule: a partner's period whose reason was typed as a formula.
    # (``{fmt}`` is asked as csv here; the test asks for its XLSX by name.)
    "web /data-protection/retention/schedule.{fmt}": Export(("csv",), {"Why": planted(PAYLOAD)}),
}


def is_spreadsheet(response: Any) -> str | None:
    """The format of a download that a spreadsheet opens, or None."""
    kind = response.get("Content-Type", "")
    disposition = response.get("Content-Disposition", "")
    if kind.startswith("text/csv") or re.search(r'\.csv"?$', disposition):
        return "csv"
    if kind.startswith(XLSX_TYPE) or re.search(r'\.xlsx"?$', disposition):
        return "xlsx"
    return None


def csv_table(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def would_run(cell: str) -> bool:
    """OWASP: the cell starts with a trigger and is not just a number."""
    return cell.startswith(TRIGGERS) and not ONLY_A_NUMBER.fullmatch(cell)


class TestSpreadsheetInjection(AttackTestCase):
    everything: Any
    everything_token: str
    shared_token: str
    attacker: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        council = cls.council
        cls.everything = cls.make_user("council.everything", [(council, role) for role in ROLES])
        # An approved run has a payroll journal to download.
        run = cls.council_objects.run
        flags = VarianceFlag.objects.for_partner(council).filter(run=run, status=FlagStatus.OPEN)
        flags_accept(
            actor=cls.everything, run=run, flag_ids=list(flags.values_list("pk", flat=True)), note="Seen"
        )
        payrun_approve(actor=cls.everything, run=run)
        cls.everything_token = api_token_create(actor=FIXTURES, user=cls.everything)[1]
        cls.shared_token = api_token_create(actor=FIXTURES, user=cls.shared_finance)[1]
        # P60s and P45s are refused until the employer has a PAYE reference.
        Partner.objects.filter(pk=council.pk).update(
            employer_paye_reference="961/WC10001", accounts_office_reference="961PA00010001"
        )
        cls.attacker = cls.make_user(ATTACKER, [(council, Role.FINANCE_OFFICER)])
        get_user_model().objects.filter(pk=cls.attacker.pk).update(first_name=PAYLOAD, last_name="")
        person = cls.council_emp.person
        Person.objects.unscoped(reason="test: a person named like a formula").filter(pk=person.pk).update(
            given_name=PAYLOAD, search_name=Person.make_search_name(PAYLOAD, person.family_name)
        )
        Employment.objects.for_partner(council).filter(pk=cls.council_emp.pk).update(job_title=PAYLOAD)
        OrgUnit.objects.for_partner(council).filter(pk=cls.council_unit.pk).update(name=PAYLOAD)
        Post.objects.for_partner(council).filter(pk=cls.council_post.pk).update(
            title=PAYLOAD, cost_centre=PAYLOAD
        )
        Account.objects.for_partner(council).filter(code="4300").update(name=PAYLOAD)
        Invoice.objects.for_partner(council).filter(pk=cls.council_objects.payables.invoice.pk).update(
            number=PAYLOAD
        )
        CostCentre.objects.for_partner(council).filter(code="HR").update(name=PAYLOAD)
        Contract.objects.for_partner(council).filter(pk=cls.council_objects.contract.pk).update(title=PAYLOAD)
        Consultation.objects.for_partner(council).filter(pk=cls.council_objects.consultation.pk).update(
            establishment=PAYLOAD
        )
        Asset.objects.for_partner(council).filter(pk=cls.council_objects.asset.pk).update(make=PAYLOAD)
        Ticket.objects.for_partner(council).filter(pk=cls.council_objects.ticket.pk).update(subject=PAYLOAD)
        Article.objects.filter(pk=cls.council_objects.article.pk).update(title=PAYLOAD)
        cls.plant_off_contract_spend(council)
        case = cls.council_objects.businesscase
        formula = businesscase.option_add(actor=FIXTURES, case=case, kind="other", name=PAYLOAD)
        businesscase.line_add(
            actor=FIXTURES,
            option=formula,
            line=businesscase.LineInput(
                name=PAYLOAD, kind="cost", amounts=(Decimal("0.00"), Decimal("5.00")), risk=ATTACKER
            ),
        )
        businesscase.allocation_set(actor=FIXTURES, case=case, keys={council: Decimal(1)})
        businesscase.baseline_set(
            actor=FIXTURES,
            case=case,
            partner=council,
            figures=businesscase.BaselineFigures(
                function="hr",
                staff_cost=Decimal("1000.00"),
                fte=Decimal("1.00"),
                non_staff_cost=Decimal("0.00"),
                source=PAYLOAD,
            ),
        )
        businesscase.decision_record(
            actor=FIXTURES,
            version=businesscase.latest_version(case),
            partner=council,
            outcome="approved_with_conditions",
            decided_on=date(2026, 11, 3),
            body="cabinet",
            conditions=PAYLOAD,
        )
        # An invoice over £500, for the Local Government Transparency Code's spend export.
        journal_post(
            actor=cls.attacker,
            partner=council,
            date=date(2026, 6, 3),
            description="Invoice",
            idempotency_key="inv-formula",
            source="purchase_invoice",
            lines=[
                LineInput(account="4300", debit=60_000, cost_centre="HR", description=PAYLOAD),
                LineInput(account="B300", credit=60_000),
            ],
        )

    @classmethod
    def plant_off_contract_spend(cls, council: Partner) -> None:
        """A paid invoice of £75.00 in the category of the council's contract, from a supplier
        named like a formula and not under the contract: the spend page's off-contract table."""
        contract = cls.council_objects.contract
        supplier = Supplier.objects.create(name=PAYLOAD)
        day = date(2026, 5, 11)
        run = PaymentRun.objects.create(
            partner=council,
            reference="PR-OFF",
            due_by=day,
            payment_date=day,
            status=PaymentRunStatus.PAID,
            created_by=cls.attacker,
        )
        payment = Payment.objects.create(
            partner=council,
            run=run,
            supplier=supplier,
            bank_details=SupplierBankDetails.objects.get(supplier=cls.council_objects.payables.supplier),
            amount=Decimal("75.00"),
            reference="OFF",
        )
        invoice = Invoice.objects.create(
            partner=council,
            supplier=supplier,
            number="OFF-1",
            number_key="OFF1",
            invoice_date=day,
            received_date=day,
            due_date=day,
            net=Decimal("75.00"),
            vat=Decimal("0.00"),
            gross=Decimal("75.00"),
            status=InvoiceStatus.PAID,
            payment=payment,
            entered_by=cls.attacker,
        )
        InvoiceLine.objects.create(
            partner=council,
            invoice=invoice,
            line_number=1,
            description="Paper",
            category_id=contract.category_id,
            quantity=Decimal("1"),
            unit_price=Decimal("75.00"),
            vat_rate=Decimal("0"),
            net=Decimal("75.00"),
            vat=Decimal("0.00"),
            cost_centre=CostCentre.objects.for_partner(council).get(code="HR"),
            account=Account.objects.for_partner(council).get(code="4200"),
        )
        with rls.system_context("tests: the roll-up of the planted off-contract invoice"):
            spend_rollup.rebuild([council.pk])

    def client_for(self, who: str) -> Client:
        return sign_in(Client(), self.everything if who == "council" else self.shared_finance)

    def url(self, label: str) -> str:
        path = label.split(" ", 1)[1]
        for name in re.findall(r"{(\w+)}", path):
            value = URL_VALUES.get(name) or PATH_PARAMETERS[name].value(self.council_objects)
            path = path.replace(f"{{{name}}}", str(value))
        return path

    def download(
        self,
        label: str,
        fmt: str,
        *,
        client: Client | None = None,
        token: str | None = None,
        export: Export | None = None,
    ) -> Any:
        """The export in ``fmt``: a web route as a signed-in client (by default a council user in
        every role), an API route with a bearer token (by default the same user's)."""
        if label.startswith("api "):
            client = Client(headers={"Authorization": f"Bearer {token or self.everything_token}"})
        export = export or EXPORTS.get(label)
        query = {**QUERY, **(export.query if export else {}), "format": fmt}
        return (client or self.client_for("council")).get(self.url(label), query)

    def prepare(self, step: str, client: Client) -> None:
        if step == "upload":
            # An employment whose date of birth is the formula: the problem report echoes it.
            table = [
                ["payroll_number", "given_name", "family_name", "date_of_birth", "ni_number", "start_date"],
                ["WCC009999", "A", "B", PAYLOAD, "JT123456A", "2026-04-01"],
            ]
            out = io.StringIO()
            csv.writer(out).writerows(table)
            upload = io.BytesIO(out.getvalue().encode())
            upload.name = "starters.csv"
            response = client.post("/people/import", {"kind": "employments", "file": upload})
            assert response.status_code == 302

    def check(self, label: str, export: Export | None = None) -> None:
        """Download the export in each of its formats: the planted cells exact, and no cell a
        spreadsheet would run. ``export``: another table of the same route (``EXPORTS``'s by default)."""
        export = export or EXPORTS[label]
        client = self.client_for(export.who)
        if export.prepare:
            self.prepare(export.prepare, client)
        for fmt in export.formats:
            response = self.download(label, fmt, client=client, export=export)
            assert response.status_code == 200, (label, fmt, response.status_code, response.content[:300])
            assert is_spreadsheet(response) == fmt
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if fmt == "csv":
                table = csv_table(body)
                assert [cell for row in table for cell in row if would_run(cell)] == []
                header, rows = table[0], table[1:]
                for column, (expected, _) in export.cells.items():
                    found = [row[header.index(column)] for row in rows]
                    assert expected in found, (label, column, found)
            else:
                sheet = load_workbook(io.BytesIO(body)).worksheets[0]
                cells = [cell for row in sheet.iter_rows() for cell in row]
                assert [c.coordinate for c in cells if c.data_type == "f"] == [], label
                header = [cell.value for cell in next(sheet.iter_rows())]
                for column, (_, expected) in export.cells.items():
                    index = header.index(column)
                    column_cells = [row[index] for row in sheet.iter_rows(min_row=2)]
                    planted_cells = [c for c in column_cells if c.value == expected]
                    assert planted_cells, (label, column, [c.value for c in column_cells])
                    assert {c.data_type for c in planted_cells} == {"s"}

    # --- one test per export -------------------------------------------------------------------

    def test_the_people_search_export_shows_a_formula_name_as_text(self) -> None:
        self.check("web /people")

    def test_the_staff_list_export_shows_formula_names_titles_and_units_as_text(self) -> None:
        self.check("web /staff")

    def test_the_establishment_export_shows_formula_posts_units_and_cost_centres_as_text(self) -> None:
        self.check("web /establishment")

    def test_the_users_export_shows_formula_usernames_and_names_as_text(self) -> None:
        self.check("web /admin/users")

    def test_the_audit_trail_export_shows_a_formula_username_as_text(self) -> None:
        self.check("web /audit")

    def test_the_journals_export_shows_a_formula_username_as_text(self) -> None:
        self.check("web /ledger/journals")

    def test_the_budget_lines_export_shows_a_formula_line_description_as_text(self) -> None:
        self.check("web /ledger/budget/lines")

    def test_the_pay_run_export_shows_a_formula_name_as_text(self) -> None:
        self.check("web /payroll/runs/{run_id}")

    def test_the_payroll_journal_shows_a_formula_cost_centre_as_text_on_the_site_and_the_api(self) -> None:
        self.check("web /payroll/runs/{run_id}/journal.csv")
        self.check("api /api/v1/pay-runs/{run_id}/journal.csv")

    def test_the_p60_summary_export_shows_a_formula_name_as_text(self) -> None:
        self.check("web /payroll/year-end")

    def test_the_pay_calendar_export_has_no_cell_a_spreadsheet_would_run(self) -> None:
        PayCalendar.objects.create(
            partner=self.council,
            frequency="weekly",
            nation="scotland",
            anchor_date=date(2026, 4, 10),
            cut_off_working_days=2,
        )
        self.check("web /payroll/calendar")
        assert len(csv_table(self.download("web /payroll/calendar", "csv").content)) == 53

    def test_the_trial_balance_export_shows_a_formula_account_name_as_text(self) -> None:
        self.check("web /ledger/trial-balance")

    def test_the_transparency_spend_export_shows_formula_suppliers_and_accounts_as_text(self) -> None:
        self.check("web /recharges/spend-over-500/")
        self.check("api /api/v1/partners/{partner_id}/transparency.csv")

    def test_the_recharge_statement_has_no_cell_a_spreadsheet_would_run(self) -> None:
        self.check("web /recharges/statements/{code}/{month}.csv")
        self.check("api /api/v1/partners/{partner_id}/statements/{month}.csv")

    def test_the_remittance_advice_shows_a_formula_invoice_number_as_text(self) -> None:
        self.check("api /api/v1/purchasing/payments/{supplier_payment_id}/remittance.csv")

    def test_the_supplier_register_shows_a_formula_name_as_text(self) -> None:
        self.check("web /purchasing/suppliers/")

    def test_the_contracts_register_shows_a_formula_title_as_text(self) -> None:
        self.check("web /purchasing/contracts/")

    def test_the_asset_register_shows_a_formula_make_and_person_as_text(self) -> None:
        self.check("web /servicedesk/assets/")

    def test_the_ticket_lists_show_a_formula_subject_as_text(self) -> None:
        self.check("web /servicedesk/queue/")
        self.check("web /servicedesk/")
        self.check("web /servicedesk/team/")

    def test_the_notifications_and_help_articles_show_a_formula_title_as_text(self) -> None:
        self.check("web /servicedesk/notifications/")
        self.check("web /servicedesk/help/")

    def test_the_payables_exports_show_a_formula_invoice_number_as_text(self) -> None:
        self.check("web /purchasing/invoices/")
        self.check("web /purchasing/invoices/template.{fmt}")
        self.check("web /purchasing/payment-runs/")
        self.check("web /purchasing/exceptions/")
        self.check("web /purchasing/payment-runs/{payment_run_id}/export.{fmt}")
        self.check("web /purchasing/payments/{supplier_payment_id}/remittance.{fmt}")
        payables = self.council_objects.payables
        response = self.client_for("council").get(f"/purchasing/payment-runs/{payables.run.pk}/export.xlsx")
        assert is_spreadsheet(response) == "xlsx"
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
        header = [cell.value for cell in next(sheet.iter_rows())]
        numbers = [row[header.index("Number")] for row in sheet.iter_rows(min_row=2)]
        assert [(c.value, c.data_type) for c in numbers if c.value == PAYLOAD] == [(PAYLOAD, "s")]

    def test_the_health_surveillance_exports_show_a_formula_name_as_text(self) -> None:
        self.check("web /wellbeing/surveillance/")
        self.check("web /wellbeing/surveillance/team/")

    def test_the_checks_done_and_adjustment_exports_show_a_formula_name_as_text(self) -> None:
        self.check("web /wellbeing/surveillance/checks/")
        self.check("web /wellbeing/surveillance/team/checks/")
        self.check("web /wellbeing/adjustments/")
        self.check("web /wellbeing/adjustments/team/")

    def test_the_case_referral_and_access_log_lists_show_a_formula_name_and_reader_as_text(self) -> None:
        CaseAccessEvent.objects.create(
            case=self.council_objects.oh_case,
            partner_id=self.council.pk,
            actor=self.attacker,
            actor_label=ATTACKER,
            part="notes",
        )
        self.check("web /wellbeing/cases/")
        self.check("web /wellbeing/referrals/")
        self.check("web /wellbeing/referrals/waiting")
        self.check("web /wellbeing/access-log/")

    def test_the_wellbeing_usage_export_shows_a_formula_programme_name_as_text(self) -> None:
        WellbeingProgramme.objects.for_partner(self.council).filter(
            pk=self.council_objects.wellbeing_programme.pk
        ).update(name=PAYLOAD)
        self.check("web /wellbeing/programmes/usage/")
        response = self.download("web /wellbeing/programmes/usage/", "csv")
        assert csv_table(response.content)[0][1] == "'" + PAYLOAD

    def test_the_records_of_processing_and_processors_show_a_formula_purpose_and_name_as_text(self) -> None:
        record = self.council_objects.privacy_record
        ProcessingRecord.objects.for_partner(self.council).filter(pk=record.pk).update(purpose=PAYLOAD)
        Processor.objects.filter(pk=self.council_objects.processor_engagement.processor_id).update(
            name=PAYLOAD
        )
        self.check("web /data-protection/records.{fmt}")
        self.check("web /data-protection/processors.csv")

    def test_the_subject_access_log_shows_a_formula_name_as_text(self) -> None:
        self.check("web /data-protection/subject-access/")

    def test_the_access_review_roles_and_reads_show_a_formula_username_and_reader_as_text(self) -> None:
        CaseAccessEvent.objects.create(
            case=self.council_objects.oh_case,
            partner_id=self.council.pk,
            actor=self.attacker,
            actor_label=ATTACKER,
            part="notes",
        )
        self.check("web /data-protection/access-review/roles.{fmt}")
        self.check("web /data-protection/access-review/")
        self.check("web /data-protection/access-review/reads.{fmt}")

    def test_the_breach_log_shows_a_formula_summary_as_text(self) -> None:
        Breach.objects.filter(pk=self.council_objects.breach.breach_id).update(summary=PAYLOAD)
        self.check("web /data-protection/breaches/")

    def test_the_retention_schedule_shows_a_formula_reason_as_text(self) -> None:
        privacy_retention.set_retention_schedule(
            actor=SystemActor(reason="test: a formula typed as the reason"),
            partner=self.council,
            record_type="tickets",
            months=36,
            reason=PAYLOAD,
        )
        self.check("web /data-protection/retention/schedule.{fmt}")
        response = self.client_for("council").get("/data-protection/retention/schedule.xlsx")
        assert is_spreadsheet(response) == "xlsx"
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
        header = [cell.value for cell in next(sheet.iter_rows())]
        why = [row[header.index("Why")] for row in sheet.iter_rows(min_row=2)]
        assert [(c.value, c.data_type) for c in why if c.value] == [(PAYLOAD, "s")]

    def test_the_charges_export_has_no_cell_a_spreadsheet_would_run(self) -> None:
        self.check("web /charges")

    def test_the_spend_analysis_export_has_no_cell_a_spreadsheet_would_run(self) -> None:
        self.check("web /purchasing/spend/")

    def test_the_off_contract_spend_export_shows_a_formula_supplier_as_text(self) -> None:
        self.check(
            "web /purchasing/spend/",
            Export(("csv", "xlsx"), {"Supplier": planted(PAYLOAD)}, query={"table": "off_contract"}),
        )

    def test_the_consultations_list_shows_a_formula_establishment_as_text(self) -> None:
        self.check("web /change/consultations/")

    def test_the_workforce_impact_export_has_no_cell_a_spreadsheet_would_run(self) -> None:
        self.check("web /change/programmes/{programme_id}/impact")

    def test_the_transfer_plan_exports_show_a_formula_name_and_job_title_as_text(self) -> None:
        self.check("web /change/transfer-plans/{plan_id}/eli")
        self.check("api /api/v1/change/transfer-plans/{plan_id}/eli")
        self.check("web /change/transfer-plans/{plan_id}/terms")

    def test_the_import_problems_report_shows_a_formula_cell_as_text(self) -> None:
        self.check("web /people/import/problems.csv")

    def test_the_import_templates_have_no_cell_a_spreadsheet_would_run(self) -> None:
        self.check("web /people/import/templates/{kind}.{fmt}")
        self.check("web /ledger/budgets/template.{fmt}")
        for path in (
            "/people/import/templates/employments.xlsx",
            "/people/import/templates/posts.xlsx",
            "/ledger/budgets/template.xlsx",
        ):
            response = self.client_for("council").get(path)
            sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
            assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []

    def test_the_business_case_tables_show_a_formula_option_and_source_as_text(self) -> None:
        self.check("web /businesscase/{case_id}/appraisal.{fmt}")
        self.check("web /businesscase/{case_id}/baseline.{fmt}")
        self.business_case_xlsx((("appraisal", "Option"), ("baseline", "Source")))

    def test_the_business_case_options_export_shows_formula_options_lines_and_risks_as_text(self) -> None:
        self.check("web /businesscase/{case_id}/options.{fmt}")
        self.business_case_xlsx((("options", "Option"), ("options", "Line")))

    def test_the_business_case_shares_export_shows_a_formula_option_as_text(self) -> None:
        self.check("web /businesscase/{case_id}/shares.{fmt}")
        self.business_case_xlsx((("shares", "Option"),))

    def test_the_business_case_decisions_export_shows_formula_conditions_as_text(self) -> None:
        self.check("web /businesscase/{case_id}/decisions.{fmt}")
        self.business_case_xlsx((("decisions", "Conditions"),))

    def business_case_xlsx(self, tables: tuple[tuple[str, str], ...]) -> None:
        """The XLSX of each business-case table (its format is in the path): no formula, and the
        planted cell stored as text."""
        case = self.council_objects.businesscase.pk
        for table, column in tables:
            path = f"/businesscase/{case}/{table}.xlsx"
            response = self.client_for("council").get(path)
            assert is_spreadsheet(response) == "xlsx"
            sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
            assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
            header = [cell.value for cell in next(sheet.iter_rows())]
            planted_cells = [row[header.index(column)] for row in sheet.iter_rows(min_row=2)]
            assert [(c.value, c.data_type) for c in planted_cells if c.value == PAYLOAD] == [(PAYLOAD, "s")]

    def test_the_board_pack_tables_and_the_mapping_show_a_formula_cost_centre_as_text(self) -> None:
        self.check("web /businesscase/{case_id}/realisation/{table}.{fmt}")
        self.check("web /businesscase/cost-centres/{code}/mapping.{fmt}")
        response = self.client_for("council").get(
            f"/businesscase/cost-centres/{self.council.code}/mapping.xlsx"
        )
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
        names = [row[1] for row in sheet.iter_rows(min_row=2)]
        assert [(c.value, c.data_type) for c in names if c.value == PAYLOAD] == [(PAYLOAD, "s")]

    # --- money stays money -----------------------------------------------------------------------

    def test_negative_amounts_stay_numbers_in_csv_and_xlsx(self) -> None:
        # The trial balance's credit balances are negative: "-600.00" is a number, not a formula.
        csv_rows = csv_table(self.download("web /ledger/trial-balance", "csv").content)
        balances = [row[csv_rows[0].index("balance")] for row in csv_rows[1:]]
        assert all(ONLY_A_NUMBER.fullmatch(b) for b in balances), balances
        assert "-600.00" in balances
        sheet = load_workbook(
            io.BytesIO(self.download("web /ledger/trial-balance", "xlsx").content)
        ).worksheets[0]
        header = [c.value for c in next(sheet.iter_rows())]
        cells = [row[header.index("balance")] for row in sheet.iter_rows(min_row=2)]
        assert {c.data_type for c in cells} == {"n"}
        assert Decimal("-600") in {Decimal(str(c.value)) for c in cells}

    def test_p60_summary_amounts_are_numbers_in_csv_and_xlsx(self) -> None:
        money = P60_CSV_HEADER[P60_CSV_HEADER.index("previous_pay") : P60_CSV_HEADER.index("ni_letters")]
        table = csv_table(self.download("web /payroll/year-end", "csv").content)
        cells = [row[table[0].index(column)] for row in table[1:] for column in money]
        assert cells and all(ONLY_A_NUMBER.fullmatch(c) for c in cells), cells
        sheet = load_workbook(io.BytesIO(self.download("web /payroll/year-end", "xlsx").content)).worksheets[
            0
        ]
        header = [c.value for c in next(sheet.iter_rows())]
        types = {
            row[header.index(column)].data_type for row in sheet.iter_rows(min_row=2) for column in money
        }
        assert types == {"n"}

    # --- the registry is the site's exports --------------------------------------------------------

    def test_the_service_level_report_export_has_no_cell_a_spreadsheet_would_run(self) -> None:
        self.check("web /servicedesk/reports/")

    def test_the_satisfaction_tables_show_a_formula_comment_as_text(self) -> None:
        # A requester answers the satisfaction question about their resolved ticket with a
        # comment typed as a formula: the comments table of the month carries it as text.
        ticket = servicedesk.resolve(actor=FIXTURES, ticket=self.council_objects.ticket, resolution="Done")
        resolution = satisfaction.latest_resolution(ticket)
        assert resolution is not None
        satisfaction.answer_satisfaction(
            actor=ticket.requester, ticket=ticket, resolution=resolution, score=1, comment=PAYLOAD
        )
        month = timezone.localtime(resolution.at).strftime("%Y-%m")
        label = "web /servicedesk/reports/"
        self.check(
            label,
            Export(
                ("csv", "xlsx"), {"Comment": planted(PAYLOAD)}, query={"table": "comments", "month": month}
            ),
        )
        self.check(label, Export(("csv", "xlsx"), query={"table": "satisfaction", "month": month}))

    def test_every_export_of_the_site_and_the_api_has_an_injection_test(self) -> None:
        clients = {who: self.client_for(who) for who in ("council", "shared")}
        tokens = [self.everything_token, self.shared_token]
        for export in EXPORTS.values():
            if export.prepare:
                self.prepare(export.prepare, clients[export.who])
        found: set[tuple[str, str]] = set()
        broken: set[str] = set()
        named_as_files: set[str] = set()
        for route in every_route():
            if "GET" not in route.methods or route.path == "/sign-out":
                continue  # signing out would end the session the other routes are asked in
            label = f"{route.interface} {route.path}"
            if re.search(r"\.(csv|xlsx|\{fmt\})$", route.path):
                named_as_files.add(label)
            for fmt in ("csv", "xlsx"):
                if route.interface == "api":
                    responses = [self.download(label, fmt, token=t) for t in tokens]
                else:
                    responses = [self.download(label, fmt, client=c) for c in clients.values()]
                found |= {(label, kind) for r in responses if (kind := is_spreadsheet(r))}
                broken |= {f"{label} ?format={fmt}" for r in responses if r.status_code >= 500}
        registered = {(label, fmt) for label, export in EXPORTS.items() for fmt in export.formats}
        assert found - registered == set(), "Exports without an injection test here: add each to EXPORTS"
        assert registered - found == set(), "EXPORTS names exports that no route answers"
        assert named_as_files - set(EXPORTS) == set()
        assert broken == set()

    def test_a_p60_before_the_employer_has_a_paye_reference_is_refused_with_the_reason(self) -> None:
        # Found by the walk above: the PDF raised ValidationError out of the view (a 500).
        Partner.objects.filter(pk=self.council.pk).update(employer_paye_reference="")
        url = f"/payroll/year-end/2026/p60s/{self.council_emp.pk}.pdf"
        response = self.client_for("council").get(url, {"preview": "1"}, follow=True)
        assert response.redirect_chain == [("/me/payslips", 302)]
        assert [str(m) for m in response.context["messages"]] == [
            "Set Wessex County Council's employer PAYE reference (e.g. 961/WC10001) first."
        ]

    # --- the command line's spreadsheets ----------------------------------------------------------

    def cli_csv(self, *args: str) -> list[list[str]]:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return csv_table(out.getvalue().encode())

    def cell(self, table: list[list[str]], column: str, expected: str) -> None:
        assert [c for row in table for c in row if would_run(c)] == []
        found = [row[table[0].index(column)] for row in table[1:]]
        assert expected in found, (column, found)

    def test_the_trial_balance_command_shows_a_formula_account_name_as_text(self) -> None:
        table = self.cli_csv(
            "ledger", "trial-balance", "--partner", "WCC", "--period", "2026-06", "--csv", "-"
        )
        self.cell(table, "name", "'" + PAYLOAD)

    def test_the_transparency_command_shows_formula_suppliers_as_text(self) -> None:
        table = self.cli_csv(
            "recharges",
            "transparency",
            "--partner",
            "WCC",
            "--from",
            "2026-04-01",
            "--to",
            "2026-06-30",
            "-o",
            "-",
        )
        self.cell(table, "Beneficiary", "'" + PAYLOAD)

    def test_the_people_import_problem_report_shows_a_formula_cell_as_text(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            source, report = Path(folder, "starters.csv"), Path(folder, "problems.csv")
            source.write_text(
                f'payroll_number,date_of_birth\nWCC009999,"{PAYLOAD.replace(chr(34), chr(34) * 2)}"\n'
            )
            with pytest.raises(CommandError):
                call_command(
                    "people",
                    "import",
                    str(source),
                    "--partner",
                    "WCC",
                    "--kind",
                    "employments",
                    "--report",
                    str(report),
                    stdout=io.StringIO(),
                    stderr=io.StringIO(),
                )
            table = csv_table(report.read_bytes())
        self.cell(table, "value", "'" + PAYLOAD)

    def test_the_p60_summary_command_shows_a_formula_name_as_text(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            call_command(
                "payroll",
                "p60",
                "--partner",
                "WCC",
                "--tax-year",
                "2026",
                "--preview",
                "-o",
                folder,
                stdout=io.StringIO(),
            )
            table = csv_table(Path(folder, "p60s-preview.csv").read_bytes())
        self.cell(table, "name", "'" + NAME)

    def test_the_gross_to_net_command_shows_a_formula_input_cell_as_text(self) -> None:
        # Its input's own columns pass through to its output, which is opened in a spreadsheet.
        rows = [
            ["tax_year", "frequency", "period", "tax_code", "basis", "gross_pay", "name"],
            ["2026", "monthly", "1", "1257L", "cumulative", "2000.00", PAYLOAD],
        ]
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder, "in.csv")
            with source.open("w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows(rows)
            table = self.cli_csv("payroll", "calculate", str(source))
        self.cell(table, "name", "'" + PAYLOAD)
        assert table[1][table[0].index("net_pay")] == "1733.64"
