"""Pure output formats of a pay run: BACS Standard 18, the RTI Full Payment Submission, and PDFs.

Data in, bytes or text out: no Django, no database, no clock. Money is integer pence throughout.
"""

from __future__ import annotations

from joinedup.payroll.outputs.bacs import Bacs18Error, Bacs18File, Bacs18Record, bacs18, parse_bacs18
from joinedup.payroll.outputs.fps import FpsError, fps_namespace, fps_xml
from joinedup.payroll.outputs.money import format_gbp, format_pounds
from joinedup.payroll.outputs.pdf import p45_pdf, p60_pdf, payslip_pdf
from joinedup.payroll.outputs.records import (
    BacsCredit,
    EmployeePayment,
    Employer,
    PayPeriod,
    PayslipLine,
    credits_from_payments,
)

__all__ = [
    "Bacs18Error",
    "Bacs18File",
    "Bacs18Record",
    "BacsCredit",
    "EmployeePayment",
    "Employer",
    "FpsError",
    "PayPeriod",
    "PayslipLine",
    "bacs18",
    "credits_from_payments",
    "format_gbp",
    "format_pounds",
    "fps_namespace",
    "fps_xml",
    "p45_pdf",
    "p60_pdf",
    "parse_bacs18",
    "payslip_pdf",
]
