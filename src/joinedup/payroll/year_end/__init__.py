"""A leaver's P45 and the P60 at the end of the tax year, from approved payslips.

Four modules, each calling only those above it:

- ``figures``: the pure figures (plain rows in, totals out; no queries) and the tax year's dates;
- ``selectors``: the queries that gather those rows for an employment or an employer, and the
  P45s and P60s a user may have; reading a P45 re-renders one already issued and never issues it;
- ``services``: the one write — issuing a P45, once per employment and tax year, with an audit
  event. Issuing is an explicit action (a POST, a command);
- ``outputs``: the PDFs, from the pure writers in ``payroll.outputs`` through
  ``documents.payment_record`` like a payslip's, their file names, and the P60 summary CSV.

Callers import from here (``from joinedup.payroll.year_end import p45_issue``).
"""

from joinedup.payroll.year_end.figures import (
    NiLetterTotals,
    SlipRow,
    YearFigures,
    employed_at_year_end,
    is_final_period,
    last_ended_tax_year,
    tax_year_label,
    year_end,
    year_figures,
)
from joinedup.payroll.year_end.outputs import (
    P60_CSV_HEADER,
    p45_filename,
    p45_pdf_bytes,
    p60_csv_row,
    p60_filename,
    p60_pdf_bytes,
)
from joinedup.payroll.year_end.selectors import (
    P45,
    P60,
    P45NotIssued,
    my_p45s,
    my_p60s,
    p45_employment,
    p45_for,
    p45_issued_ids,
    p60_for,
    p60s,
    p60s_for,
    unfinished_frequencies,
)
from joinedup.payroll.year_end.services import p45_issue

__all__ = [
    "P45",
    "P60",
    "P60_CSV_HEADER",
    "NiLetterTotals",
    "P45NotIssued",
    "SlipRow",
    "YearFigures",
    "employed_at_year_end",
    "is_final_period",
    "last_ended_tax_year",
    "my_p45s",
    "my_p60s",
    "p45_employment",
    "p45_filename",
    "p45_for",
    "p45_issue",
    "p45_issued_ids",
    "p45_pdf_bytes",
    "p60_csv_row",
    "p60_filename",
    "p60_for",
    "p60_pdf_bytes",
    "p60s",
    "p60s_for",
    "tax_year_label",
    "unfinished_frequencies",
    "year_end",
    "year_figures",
]
