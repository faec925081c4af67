"""The API's payslip carries exactly the figures payroll.figures declares for it."""

from __future__ import annotations

from joinedup.api.payroll import PayslipOut
from joinedup.payroll.figures import API_FIGURES

NOT_FIGURES = {"id", "run_id", "employment_id", "payroll_number", "tax_code", "week1_month1", "ni_category"}


def test_the_payslip_schema_has_every_declared_figure_as_integer_pence() -> None:
    fields = PayslipOut.model_fields
    assert set(fields) - NOT_FIGURES == set(API_FIGURES)
    assert all(fields[name].annotation is int for name in API_FIGURES)
