"""The money figures a payslip has: declared once, here, and read by everything that lists them.

Each figure is integer pence on ``Payslip`` under its ``name``, which is also its key in the
API and its column in the exports. The tuple is in payslip reading order (pay, then what is
taken from it, then net pay), and every list of figures elsewhere is a filter of it, so the
order they come out in is this order:

- ``summary``: the run's totals (``payroll.services.run_totals``) and the columns of the
  payslip export, after payroll number, name and tax code;
- ``source == "engine"``: stored as the gross-to-net engine returns them
  (``payroll.calculation``); ``"pay"`` figures come from pay items, ``"derived"`` ones are
  worked out around the engine (net pay after deductions);
- ``api``: the payslip's figures in the JSON API (``api.payroll.PayslipOut`` keeps typed
  fields for mypy and the OpenAPI document, in its published order; a test holds their names
  to this list, as another holds ``Payslip``'s pence fields to ``FIGURE_NAMES``);
- ``fps_to_date``: summed over the tax year for the RTI Full Payment Submission.

Pure: no Django, so the pure output code and tests may import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Source = Literal["pay", "engine", "derived"]


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    label: str
    source: Source
    summary: bool = False
    api: bool = True
    fps_to_date: bool = False


PAYSLIP_FIGURES: tuple[Figure, ...] = (
    Figure("basic_pay", "Basic pay", "pay"),
    Figure("additions", "Additions", "pay"),
    Figure("gross_pay", "Gross pay", "pay", summary=True),
    Figure("pensionable_pay", "Pensionable pay", "pay", api=False),
    Figure("taxable_pay", "Taxable pay", "engine"),
    Figure("taxable_pay_to_date", "Taxable pay to date", "engine"),
    Figure("tax", "Income tax", "engine", summary=True),
    Figure("tax_paid_to_date", "Tax paid to date", "engine"),
    Figure("ni_pay", "Pay for National Insurance", "pay", api=False, fps_to_date=True),
    Figure("ni_employee", "National Insurance (employee)", "engine", summary=True, fps_to_date=True),
    Figure("ni_employer", "National Insurance (employer)", "engine", summary=True, fps_to_date=True),
    # SSCBA 1992 s.10(1ZA): on termination awards over the threshold (payroll/termination.py).
    Figure("ni_class1a", "Class 1A NI (employer)", "derived", summary=True, fps_to_date=True),
    Figure("pension_employee", "Pension (employee)", "engine", summary=True, fps_to_date=True),
    Figure("pension_employer", "Pension (employer)", "engine", summary=True),
    Figure("student_loan", "Student loan", "engine", summary=True, fps_to_date=True),
    Figure("postgraduate_loan", "Postgraduate loan", "engine", summary=True, fps_to_date=True),
    Figure("deductions_after_tax", "Deductions after tax", "pay", summary=True),
    Figure("net_pay", "Net pay", "derived", summary=True),
)

FIGURE_NAMES: tuple[str, ...] = tuple(f.name for f in PAYSLIP_FIGURES)
SUMMARY_FIGURES: tuple[str, ...] = tuple(f.name for f in PAYSLIP_FIGURES if f.summary)
ENGINE_FIGURES: tuple[str, ...] = tuple(f.name for f in PAYSLIP_FIGURES if f.source == "engine")
API_FIGURES: tuple[str, ...] = tuple(f.name for f in PAYSLIP_FIGURES if f.api)
FPS_TO_DATE_FIGURES: tuple[str, ...] = tuple(f.name for f in PAYSLIP_FIGURES if f.fps_to_date)
