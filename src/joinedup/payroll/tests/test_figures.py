"""Every list of payslip figures is the one declaration in payroll.figures, in its order."""

from __future__ import annotations

import dataclasses

from django.db import models

from joinedup.payroll import calculation, services, year_to_date
from joinedup.payroll.engine import calculator
from joinedup.payroll.engine.gross_to_net import Payslip as EnginePayslip
from joinedup.payroll.figures import (
    ENGINE_FIGURES,
    FIGURE_NAMES,
    FPS_TO_DATE_FIGURES,
    SUMMARY_FIGURES,
)
from joinedup.payroll.models import Payslip


def test_the_totals_and_export_columns_keep_their_published_order() -> None:
    assert SUMMARY_FIGURES == (
        "gross_pay",
        "tax",
        "ni_employee",
        "ni_employer",
        "ni_class1a",
        "pension_employee",
        "pension_employer",
        "student_loan",
        "postgraduate_loan",
        "deductions_after_tax",
        "net_pay",
    )
    assert services.TOTAL_FIELDS == SUMMARY_FIGURES


def test_the_payslip_model_holds_every_declared_figure_in_pence_and_no_other() -> None:
    pence = {
        f.name
        for f in Payslip._meta.get_fields()
        if isinstance(f, models.BigIntegerField) and not f.is_relation and not f.primary_key
    }
    assert pence == set(FIGURE_NAMES)
    assert len(FIGURE_NAMES) == len(set(FIGURE_NAMES)) == 18


def test_the_engine_returns_exactly_the_figures_declared_as_its_own() -> None:
    engine_payslip = {f.name for f in dataclasses.fields(EnginePayslip)}
    assert engine_payslip == {*ENGINE_FIGURES, "net_pay"}
    # the calculate command's CSV columns: the engine's figures, employer pension when asked for
    assert {*calculator.OUTPUTS, calculator.EMPLOYER_OUTPUT} == engine_payslip
    assert calculation._ENGINE_FIGURES == ENGINE_FIGURES


def test_the_fps_sums_to_date_the_declared_figures() -> None:
    # The FPS's figures to date come from the one year-to-date selector, which sums each of them.
    assert set(FPS_TO_DATE_FIGURES) <= {*year_to_date.SUMMED_FIGURES, *year_to_date.NI_FIGURES}
    assert FPS_TO_DATE_FIGURES == (
        "ni_pay",
        "ni_employee",
        "ni_employer",
        "ni_class1a",
        "pension_employee",
        "student_loan",
        "postgraduate_loan",
    )
