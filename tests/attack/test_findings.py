"""The faults the API fuzzing found, each pinned by a request that used to break it."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.test import Client

from joinedup.api.main import api
from joinedup.change.models import TransferPlan
from joinedup.ledger.models import Journal
from joinedup.ledger.tests.base import LedgerTestCase
from joinedup.partnership.models import Role
from joinedup.people.models import EmploymentTerms
from joinedup.recharges import transparency
from joinedup.recharges.tests.base import RechargeTestCase
from joinedup.testing.people import PeopleTestCase
from tests.attack.fixtures import AttackTestCase

PAST_64_BITS = 2**64


class TestFuzzingFindings(PeopleTestCase):
    def test_a_page_number_past_64_bits_is_refused_not_sent_to_the_database(self) -> None:
        # SQLite answered "IntegrityError: datatype mismatch" to the OFFSET it made (a 500).
        client = self.api(self.council_hr)
        for route in ("posts", "absences"):
            response = client.get(f"/api/v1/partners/{self.council.pk}/{route}", {"page": PAST_64_BITS})
            assert response.status_code == 422, route
            assert response.json() == {
                "detail": "Invalid input.",
                "errors": {"page": ["Input should be less than or equal to 1000000"]},
            }

    def test_the_last_page_allowed_answers_an_empty_list(self) -> None:
        response = self.api(self.council_hr).get(
            f"/api/v1/partners/{self.council.pk}/posts", {"page": 1_000_000}
        )
        assert response.status_code == 200
        assert response.json() == {"items": [], "count": 1}

    def test_a_null_term_in_a_terms_change_leaves_that_term_as_it_is(self) -> None:
        # A null ni_category reached the service as None and raised AttributeError (a 500).
        response = self.api(self.shared_hr).post(
            f"/api/v1/employments/{self.council_emp.pk}/terms",
            {"effective_from": "2026-04-01", "reason": "Hours", "ni_category": None, "weekly_hours": "30"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["ni_category"] == "A"
        assert response.json()["weekly_hours"] == "30"

    def test_a_body_larger_than_the_api_takes_is_refused_with_400_in_the_error_shape(self) -> None:
        # Fuzzing sent a 20 MB body; reading it raised RequestDataTooBig, which Django answers
        # with an HTML 400 page, not the error shape the API's document describes.
        before = EmploymentTerms.objects.for_partner(self.council).count()
        reason = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
        response = self.api(self.shared_hr).post(
            f"/api/v1/employments/{self.council_emp.pk}/terms",
            {"effective_from": "2026-04-01", "reason": reason, "weekly_hours": "30"},
            content_type="application/json",
        )
        assert response.status_code == 400
        message = "The body is larger than the 2,621,440 bytes the API takes."
        assert response.json() == {"detail": message, "errors": {"__all__": [message]}}
        assert EmploymentTerms.objects.for_partner(self.council).count() == before
        operation = api.get_openapi_schema()["paths"]["/api/v1/employments/{employment_id}/terms"]["post"]
        assert operation["responses"]["400"]["description"] == (
            "The request body is not JSON, or is larger than the API takes (2.5 MB)."
        )

    def test_a_decimal_written_as_an_empty_string_is_refused_by_the_schema(self) -> None:
        # The document said any string would do for a decimal; the parser refused "" — so the
        # document now carries the pattern the parser applies.
        before = EmploymentTerms.objects.for_partner(self.council).count()
        for fte in ("", "NaN", "1e3", " 1"):
            response = self.api(self.shared_hr).post(
                f"/api/v1/employments/{self.council_emp.pk}/terms",
                {"effective_from": "2026-04-01", "reason": "Hours", "fte": fte},
                content_type="application/json",
            )
            assert response.status_code == 422, fte
            assert list(response.json()["errors"]) == ["body.fte"], fte
        assert EmploymentTerms.objects.for_partner(self.council).count() == before

    def test_a_date_written_as_a_number_is_refused(self) -> None:
        # pydantic took "0.0" as 1 January 1970 (seconds since the epoch); the schema says YYYY-MM-DD.
        client = self.api(self.council_hr)
        for url, name in (
            (f"/api/v1/partners/{self.council.pk}/employments", "active_on"),
            (f"/api/v1/partners/{self.council.pk}/establishment", "on"),
            (f"/api/v1/employments/{self.council_emp.pk}/leave-balance", "on"),
        ):
            response = client.get(url, {name: "0.0"})
            assert response.status_code == 422, url
            message = "Value error, Write the date as YYYY-MM-DD, in the years 1900 to 2999."
            assert response.json()["errors"] == {name: [message]}

    def test_an_employment_id_past_64_bits_is_no_p45(self) -> None:
        # The leaver's branch of p45_for filtered the foreign key's column: OverflowError on SQLite.
        response = self.api(self.council_employee).get(f"/api/v1/employments/{PAST_64_BITS}/p45.pdf")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}

    def test_dates_outside_the_years_1900_to_2999_are_refused(self) -> None:
        # 0001-01-01 sent the leave year (1 April before) to year 0: ValueError (a 500).
        url = f"/api/v1/employments/{self.council_emp.pk}/leave-balance"
        for day in ("0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"):
            response = self.api(self.council_hr).get(url, {"on": day})
            assert response.status_code == 422, day
        assert self.api(self.council_hr).get(url, {"on": "1900-01-01"}).status_code == 200
        assert self.api(self.council_hr).get(url, {"on": "2999-12-31"}).status_code == 200

    def test_a_cost_split_naming_a_partner_id_past_64_bits_is_refused(self) -> None:
        # The ids went to SQLite in pk__in, which raised OverflowError (a 500).
        response = self.api(self.shared_hr).post(
            f"/api/v1/employments/{self.council_emp.pk}/cost-splits",
            {
                "effective_from": "2026-04-01",
                "reason": "Shared",
                "shares": [{"partner_id": PAST_64_BITS, "percent": "100"}],
            },
            content_type="application/json",
        )
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["body.shares.0.partner_id"]

    def test_every_operation_declares_its_errors_in_the_one_error_shape(self) -> None:
        document = api.get_openapi_schema(path_prefix="/api/v1/")
        error = {"$ref": "#/components/schemas/Error"}
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                for status in ("401", "403", "404", "422"):
                    declared = operation["responses"][status]["content"]["application/json"]["schema"]
                    assert declared == error, (method, path, status)
                if "requestBody" in operation:
                    assert operation["responses"]["400"]["content"]["application/json"]["schema"] == error
        assert document["components"]["schemas"]["Error"]["required"] == ["detail"]

    def test_a_body_that_is_not_json_answers_400_in_the_error_shape(self) -> None:
        response = self.api(self.shared_hr).post(
            f"/api/v1/employments/{self.council_emp.pk}/terms", "{not json", content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json() == {"detail": "Cannot parse request body"}


class TestFuzzingFindingsInTheLedger(LedgerTestCase):
    def test_a_reversal_asked_with_a_number_for_a_body_is_refused(self) -> None:
        # ninja's schemas read attributes, so 7.5 passed as an empty body and the journal was reversed.
        journal = self.post(self.stationery(1250))
        before = self.written(self.council)
        response = self.api(self.council_finance).post(
            f"/api/v1/journals/{journal.pk}/reverse", "7.5", content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {"__all__": ["The body must be a JSON object."]}
        assert self.written(self.council) == before
        assert Journal.objects.for_partner(self.council).filter(reverses=journal).count() == 0

    def test_a_reversal_asked_with_an_empty_object_is_made(self) -> None:
        journal = self.post(self.stationery(1250))
        response = self.api(self.council_finance).post(
            f"/api/v1/journals/{journal.pk}/reverse", {}, content_type="application/json"
        )
        assert response.status_code == 201
        assert response.json()["reverses_id"] == journal.pk


class TestFuzzingFindingsInRecharges(RechargeTestCase):
    def test_spend_up_to_a_day_in_year_1_starts_at_the_first_date_there_is(self) -> None:
        # The default start, 1 April of the financial year before, was year 0: ValueError (a 500).
        assert transparency.year_start(date(1, 1, 1)) == date.min
        assert transparency.year_start(date(2026, 3, 31)) == date(2025, 4, 1)


class TestFuzzingFindingsInWorkforceChange(AttackTestCase):
    def test_a_transfer_plan_moved_before_tupe_2006_is_refused_with_422_and_left_as_it_was(self) -> None:
        # The plan took 1 January 1900; its page then found no ELI rule in force and answered 500.
        plan = self.council_objects.transfer_plan
        client = Client(headers={"Authorization": f"Bearer {self.tokens[Role.HR_OFFICER]}"})
        response = client.post(
            f"/api/v1/change/transfer-plans/{plan.pk}/update",
            {"transfer_date": "1900-01-01"},
            content_type="application/json",
        )
        assert response.status_code == 422, response.content
        assert response.json()["errors"] == {
            "transfer_date": [
                "The transfer date must be on or after 6 April 2006, when TUPE 2006 came into force."
            ]
        }
        assert (
            TransferPlan.objects.for_partner(self.council).get(pk=plan.pk).transfer_date == plan.transfer_date
        )

    def test_a_pension_of_16_digits_of_pounds_is_refused_by_the_schema_not_rounded_by_the_quote(self) -> None:
        # 9.18e33 pounds a year reached the service, whose rounding to the penny raised
        # InvalidOperation (a 500): a decimal has at most 15 digits before the point.
        interest = self.council_objects.vr_interest
        client = Client(headers={"Authorization": f"Bearer {self.tokens[Role.HR_OFFICER]}"})
        for pension in (9.180430163455319e33, 1e15, "1000000000000000", "-1000000000000000.5"):
            response = client.post(
                f"/api/v1/change/vr-interests/{interest.pk}/facts",
                {"annual_pension": pension, "pension_fund": "Wessex Pension Fund"},
                content_type="application/json",
            )
            assert response.status_code == 422, pension
            assert list(response.json()["errors"]) == ["payload.annual_pension"], pension
        interest.refresh_from_db()
        assert (interest.annual_pension, interest.pension_fund) == (None, "")
