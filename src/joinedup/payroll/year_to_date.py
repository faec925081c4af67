"""Year-to-date figures: one selector for every output that shows them (payslip page and PDF,
the run's CSV, the FPS, the P60), so that they cannot disagree.

An employment's figures to date at a pay run are the sums of its payslips in the tax year's
approved or paid runs up to the run's pay date, plus the run's own payslip, plus the take-on
figures from the payroll joinedup replaced (:class:`~joinedup.payroll.models.TakeOnBalance`).
They are this employment's alone: a starter's P45 figures are the previous employer's, shown
separately on the P60 and used by the calculation, never added here."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Sum

from joinedup.core.money import pounds_to_pence
from joinedup.payroll.calculation import ENGINE_FREQUENCY
from joinedup.payroll.engine import load_rules
from joinedup.payroll.models import PayRun, Payslip, PayslipLine, RunStatus, TakeOnBalance, TakeOnNi

PAID = (RunStatus.APPROVED, RunStatus.PAID)
# The payslip figures summed over the year as they are, and those summed per NI category letter:
# together every figure the FPS reports to date (payroll.figures.FPS_TO_DATE_FIGURES) and more.
SUMMED_FIGURES = ("taxable_pay", "tax", "student_loan", "postgraduate_loan", "pension_employee", "ni_class1a")
NI_FIGURES = ("ni_pay", "ni_employee", "ni_employer")


def ni_bands_for(ni_pay: int, tax_year: int, frequency: str) -> tuple[int, int, int]:
    """Earnings at the LEL, from the LEL to the PT, and from the PT to the UEL, in pence, as RTI
    reports them (thresholds per pay period from the engine's rule file)."""
    lel, pt, uel = _thresholds(tax_year, frequency)
    if ni_pay < lel:
        return 0, 0, 0
    return lel, min(ni_pay, pt) - lel, max(0, min(ni_pay, uel) - pt)


@functools.cache
def _thresholds(tax_year: int, frequency: str) -> tuple[int, int, int]:
    thresholds = load_rules(tax_year).national_insurance.thresholds
    period = ENGINE_FREQUENCY[frequency]
    lel, pt, uel = (pounds_to_pence(thresholds[name].for_period(period)) for name in ("LEL", "PT", "UEL"))
    return lel, pt, uel


@dataclass
class NiToDate:
    letter: str
    ni_pay: int = 0
    earnings_at_lel: int = 0
    earnings_lel_to_pt: int = 0
    earnings_pt_to_uel: int = 0
    ni_employee: int = 0
    ni_employer: int = 0


@dataclass
class YearToDate:
    """Pence. ``ni`` holds one entry per category letter, in the order first used."""

    taxable_pay: int = 0
    tax: int = 0
    student_loan: int = 0
    postgraduate_loan: int = 0
    pension_employee: int = 0
    ssp: int = 0
    smp: int = 0
    ni: dict[str, NiToDate] = field(default_factory=dict)
    ni_class1a: int = 0  # the employer's Class 1A on termination awards (FPS Class1ANICsYTD)

    def letter(self, letter: str) -> NiToDate:
        return self.ni.setdefault(letter, NiToDate(letter))

    @property
    def ni_pay(self) -> int:
        return sum(n.ni_pay for n in self.ni.values())

    @property
    def ni_employee(self) -> int:
        return sum(n.ni_employee for n in self.ni.values())

    @property
    def ni_employer(self) -> int:
        return sum(n.ni_employer for n in self.ni.values())

    @property
    def bands(self) -> tuple[int, int, int]:
        """Earnings at the LEL, LEL to PT and PT to UEL to date, over every letter."""
        return (
            sum(n.earnings_at_lel for n in self.ni.values()),
            sum(n.earnings_lel_to_pt for n in self.ni.values()),
            sum(n.earnings_pt_to_uel for n in self.ni.values()),
        )


def year_to_date(run: PayRun, employment_ids: Iterable[int] | None = None) -> dict[int, YearToDate]:
    """Figures to date at ``run`` for each employment paid in it (or those of ``employment_ids``)."""
    slips = Payslip.objects.for_partner(run.partner_id).filter(run__tax_year=run.tax_year)
    slips = slips.filter(Q(run=run) | Q(run__status__in=PAID, run__pay_date__lte=run.pay_date))
    balances = TakeOnBalance.objects.for_partner(run.partner_id).filter(tax_year=run.tax_year)
    if employment_ids is None:
        wanted = Payslip.objects.for_partner(run.partner_id).filter(run=run).values("employment_id")
        return _collect(
            run.partner_id, slips.filter(employment_id__in=wanted), balances.filter(employment_id__in=wanted)
        )
    ids = list(employment_ids)
    return _collect(
        run.partner_id, slips.filter(employment_id__in=ids), balances.filter(employment_id__in=ids)
    )


def figures_of_payslips(
    partner_id: int, tax_year: int, payslip_ids: Iterable[int], employment_ids: Iterable[int]
) -> dict[int, YearToDate]:
    """The same figures over chosen payslips (a P45's, up to the one it was issued from; a P60's,
    the whole year), plus the take-on figures of the employments."""
    slips = Payslip.objects.for_partner(partner_id).filter(pk__in=list(payslip_ids))
    balances = TakeOnBalance.objects.for_partner(partner_id).filter(
        tax_year=tax_year, employment_id__in=list(employment_ids)
    )
    return _collect(partner_id, slips, balances)


def _collect(
    partner_id: int, slips: QuerySet[Payslip], balances: QuerySet[TakeOnBalance]
) -> dict[int, YearToDate]:
    found: dict[int, YearToDate] = defaultdict(YearToDate)
    found.update(_take_on(partner_id, balances))
    rows = slips.order_by("run__pay_date", "run_id").values_list(
        "pk",
        "employment_id",
        "run__tax_year",
        "run__frequency",
        "ni_frequency",
        "ni_category",
        *SUMMED_FIGURES,
        *NI_FIGURES,
    )
    slip_ids: dict[int, int] = {}
    for pk, employment_id, tax_year, frequency, ni_period, letter, *values in rows.iterator(chunk_size=5000):
        slip_ids[pk] = employment_id
        figures = found[employment_id]
        for name, value in zip(SUMMED_FIGURES, values, strict=False):
            setattr(figures, name, getattr(figures, name) + value)
        ni_pay, ee, er = values[len(SUMMED_FIGURES) :]
        ni = figures.letter(letter)
        ni.ni_pay += ni_pay
        # A payment after leaving may have had its own NI earnings period (a week).
        at_lel, lel_to_pt, pt_to_uel = ni_bands_for(ni_pay, tax_year, ni_period or frequency)
        ni.earnings_at_lel += at_lel
        ni.earnings_lel_to_pt += lel_to_pt
        ni.earnings_pt_to_uel += pt_to_uel
        ni.ni_employee += ee
        ni.ni_employer += er
    ids = list(slip_ids)
    for start in range(0, len(ids), 5000):
        for payslip_id, code, total in (
            PayslipLine.objects.for_partner(partner_id)
            .filter(payslip_id__in=ids[start : start + 5000], code__in=("SSP", "SMP"))
            .values("payslip_id", "code")
            .annotate(total=Sum("amount"))
            .values_list("payslip_id", "code", "total")
        ):
            figures = found[slip_ids[payslip_id]]
            if code == "SSP":
                figures.ssp += int(total or 0)
            else:
                figures.smp += int(total or 0)
    return dict(found)


def _take_on(partner_id: int, balances: QuerySet[TakeOnBalance]) -> dict[int, YearToDate]:
    out: dict[int, YearToDate] = {}
    by_balance: dict[int, YearToDate] = {}
    for row in balances.values_list(
        "pk",
        "employment_id",
        "taxable_pay",
        "tax",
        "student_loan",
        "postgraduate_loan",
        "pension_employee",
        "ssp",
        "smp",
    ):
        figures = YearToDate(*row[2:])
        out[row[1]] = by_balance[row[0]] = figures
    if by_balance:
        for balance_id, letter, *values in (
            TakeOnNi.objects.for_partner(partner_id)
            .filter(balance_id__in=list(by_balance))
            .order_by("pk")
            .values_list(
                "balance_id",
                "letter",
                "ni_pay",
                "earnings_at_lel",
                "earnings_lel_to_pt",
                "earnings_pt_to_uel",
                "ni_employee",
                "ni_employer",
            )
        ):
            by_balance[balance_id].ni[letter] = NiToDate(letter, *values)
    return out


def year_to_date_of(slip: Payslip) -> YearToDate:
    """One payslip's figures to date."""
    return year_to_date(slip.run, [slip.employment_id]).get(slip.employment_id) or YearToDate()


# The run's CSV download: the figures to date beside each payslip's own.
YTD_COLUMNS = [
    "taxable_pay_to_date",
    "tax_to_date",
    "ni_pay_to_date",
    "ni_employee_to_date",
    "ni_employer_to_date",
    "student_loan_to_date",
    "postgraduate_loan_to_date",
]


def ytd_cells(figures: YearToDate | None) -> list[int]:
    f = figures or YearToDate()
    return [f.taxable_pay, f.tax, f.ni_pay, f.ni_employee, f.ni_employer, f.student_loan, f.postgraduate_loan]
