"""``joinedup change …``: workforce change from the command line.

    joinedup change redundancy-quote --date-of-birth 1969-05-01 --start 2004-09-01 \\
        --leaving 2026-09-30 --weekly-pay 812.50 [--scheme NAME] [--json]
        [--contractual-notice-weeks N] [--holiday-days D]
        [--strain-factors FILE.csv --sex F|M --annual-pension 12000.00]
    joinedup change schemes
    joinedup change strain-factors import FILE --partner WCC --fund "Wessex Pension Fund" \\
        --from 2026-04-01 --source "Actuary's letter of 12 March 2026" [--report problems.csv] [--as USER]

``redundancy-quote`` is a calculator for people and for checking: it reads no database. Bad input
(a leaving date before the start, an unknown scheme, a date that is not one) exits 2 with the
reason."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.change import redundancy as r
from joinedup.change import strain
from joinedup.core import tabular
from joinedup.core.dates import people_date
from joinedup.core.money import ZERO, gbp, pounds_to_pence
from joinedup.partnership.cli import acting_user, partner_by_code

BAD_INPUT = 2  # the exit status the issue asks for, as argparse uses for a bad argument


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _bad(f"{option}: {text!r} is not a date; write it as YYYY-MM-DD") from None


def _decimal(text: str, option: str, *, places: int = 2) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").removeprefix("£"))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise _bad(f"{option}: {text!r} is not an amount of at least 0")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise _bad(f"{option}: {text!r} has more than {places} decimal places")
    return value


def _money(amount: Decimal) -> str:
    return gbp(pounds_to_pence(amount))


def _day(day: dt.date) -> str:
    return people_date(day)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Workforce change. `change redundancy-quote --date-of-birth D --start D --leaving D "
        "--weekly-pay P [--scheme NAME] [--json]`: statutory and enhanced redundancy pay with the "
        "working. `change schemes`: the enhanced schemes. `change strain-factors import FILE "
        "--partner CODE --fund NAME --from D --source TEXT`: a fund's strain factor table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        quote = sub.add_parser(
            "redundancy-quote",
            help="Statutory (ERA 1996 s.162) and enhanced redundancy pay, worked.",
        )
        quote.add_argument("--date-of-birth", required=True, metavar="YYYY-MM-DD")
        quote.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="Continuous service date.")
        quote.add_argument("--leaving", required=True, metavar="YYYY-MM-DD", help="Leaving (relevant) date.")
        quote.add_argument("--weekly-pay", required=True, metavar="POUNDS", help="Actual gross week's pay.")
        quote.add_argument("--scheme", metavar="NAME", help="An enhanced scheme's key or name.")
        quote.add_argument("--contractual-notice-weeks", default="0", metavar="WEEKS")
        quote.add_argument("--holiday-days", default="0", metavar="DAYS", help="Holiday accrued, untaken.")
        quote.add_argument("--strain-factors", metavar="FILE", help="A fund's strain factors (CSV/XLSX).")
        quote.add_argument("--sex", choices=["F", "M"], help="For the strain factor.")
        quote.add_argument("--annual-pension", metavar="POUNDS", help="Pension brought into payment early.")
        quote.add_argument("--json", action="store_true", help="One JSON object instead of the working.")
        sub.add_parser("schemes", help="The enhanced redundancy schemes --scheme can name.")
        factors = sub.add_parser("strain-factors", help="A pension fund's strain factor table.")
        factors.add_argument("factors_action", choices=["import"])
        factors.add_argument("file", help="CSV or XLSX: sex, age_years[, age_months], factor.")
        factors.add_argument("--partner", required=True, help="Partner code, e.g. WCC.")
        factors.add_argument("--fund", required=True, help='e.g. "Wessex Pension Fund".')
        factors.add_argument("--from", dest="effective_from", required=True, metavar="YYYY-MM-DD")
        factors.add_argument("--source", required=True, help="The actuary's document the table comes from.")
        factors.add_argument("--report", metavar="FILE", help="Write the problems found as CSV here.")
        factors.add_argument("--as", dest="actor", help="Username acting (default: the system).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "redundancy-quote":
            self._quote(options)
        elif action == "schemes":
            self._schemes()
        else:
            self._strain_factors(options)

    # --- redundancy-quote ---------------------------------------------------------------------

    def _quote(self, options: dict[str, Any]) -> None:
        request = r.QuoteRequest(
            date_of_birth=_date(options["date_of_birth"], "--date-of-birth"),
            start=_date(options["start"], "--start"),
            leaving=_date(options["leaving"], "--leaving"),
            weekly_pay=_decimal(options["weekly_pay"], "--weekly-pay"),
            contractual_notice_weeks=_decimal(
                options["contractual_notice_weeks"], "--contractual-notice-weeks", places=4
            ),
            holiday_days_untaken=_decimal(options["holiday_days"], "--holiday-days", places=4),
            pension_member=bool(options["strain_factors"]),
            sex=options["sex"] or "",
            annual_pension=_decimal(options["annual_pension"] or "0", "--annual-pension"),
        )
        factors = None
        if options["strain_factors"]:
            if not options["sex"] or options["annual_pension"] is None:
                raise _bad("--strain-factors needs --sex and --annual-pension")
            factors = self._factors_file(Path(options["strain_factors"]), request.leaving)
        try:
            scheme = r.scheme_named(options["scheme"]) if options["scheme"] else None
            quote = r.redundancy_quote(request, scheme=scheme, strain_factors=factors)
        except (r.QuoteInputError, r.UnknownScheme, r.StrainFactorMissing) as exc:
            raise _bad(str(exc.args[0])) from exc
        if options["json"]:
            self.stdout.write(json.dumps(r.quote_as_dict(quote), indent=2))
        else:
            self.stdout.write("\n".join(self._working(quote)))

    def _factors_file(self, path: Path, leaving: dt.date) -> r.StrainFactors:
        if not path.exists():
            raise _bad(f"--strain-factors: no file {path}")
        parsed = strain.parse_factor_rows(path.read_bytes(), filename=path.name)
        if not parsed.ok:
            raise _bad(f"--strain-factors: {path.name}:\n{tabular.format_errors(parsed.errors)}")
        return r.StrainFactors.from_rows(path.stem, leaving, strain.factor_rows(parsed))

    def _working(self, quote: r.RedundancyQuote) -> list[str]:
        s = quote.statutory
        lines = [
            "Statutory redundancy pay (Employment Rights Act 1996 s.162)",
            f"  Born {_day(s.date_of_birth)}, aged {s.age_on_leaving} on leaving.",
            f"  Continuous service {_day(s.start)} to {_day(s.leaving)}: {s.years_of_service} whole year(s).",
        ]
        if not s.qualifies:
            lines += [f"  {s.reason}.", "  Statutory redundancy pay: £0.00"]
        else:
            limit = f" (s.162(3): the last {s.years_counted})" if s.years_of_service > s.years_counted else ""
            lines.append(f"  Years counted back from the leaving date: {s.years_counted}{limit}.")
            lines.append(f"  {'Age band':<14}{'Years':>6}{'Weeks a year':>14}{'Weeks':>8}")
            for band in s.by_band:
                lines.append(
                    f"  {band.band:<14}{band.years:>6}{r.number_text(band.weeks_per_year):>14}"
                    f"{r.number_text(band.weeks):>8}"
                )
            lines.append(f"  {'Total':<14}{s.years_counted:>6}{'':>14}{r.number_text(s.weeks):>8}")
            cap = f"the limit in force on {_day(s.leaving)} (s.227)"
            if s.cap_applied:
                lines.append(
                    f"  Week's pay {_money(s.weekly_pay)}, capped at {_money(s.weekly_pay_cap)}, {cap}."
                )
            else:
                lines.append(f"  Week's pay {_money(s.weekly_pay)}, under {_money(s.weekly_pay_cap)}, {cap}.")
            lines.append(
                f"  Statutory redundancy pay: {r.number_text(s.weeks)} weeks x {_money(s.week_pay_used)}"
                f" = {_money(s.amount)}"
            )
        e = quote.enhanced
        if e is not None:
            basis = "the actual week's pay" if e.scheme.weekly_pay == "actual" else "the capped week's pay"
            lines += ["", f"{e.scheme.name} ({e.scheme.key})"]
            weeks = f"{r.number_text(e.statutory_weeks)} weeks x {r.number_text(e.scheme.multiplier)}"
            if e.weeks != e.weeks_before_limit:
                limited = r.number_text(e.weeks)
                weeks += f" = {r.number_text(e.weeks_before_limit)}, limited to {limited} weeks"
            else:
                weeks += f" = {r.number_text(e.weeks)} weeks"
            lines.append(f"  {weeks}, at {basis} {_money(e.week_pay_used)} = {_money(e.before_cap)}")
            if e.scheme.lump_sum_cap is not None:
                reached = "applied" if e.lump_sum_cap_applied else "not reached"
                lines.append(f"  Lump-sum cap {_money(e.scheme.lump_sum_cap)}: {reached}.")
            if e.statutory_floor_applied:
                lines.append("  Raised to the statutory payment, which the scheme may not pay less than.")
            lines.append(f"  Scheme payment: {_money(e.amount)} (the statutory payment included)")
        n, h, p = quote.notice, quote.holiday, quote.strain
        lines += [
            "",
            f"Redundancy payment {_money(quote.redundancy_payment)}: {_money(quote.tax_free)} free of tax "
            f"(ITEPA 2003 s.403), {_money(quote.taxable)} taxable; "
            f"{'' if r.redundancy_rules().redundancy_pay_ni_able else 'no '}National Insurance.",
            f"Notice: statutory {n.statutory_weeks} week(s) (ERA 1996 s.86), contractual "
            f"{r.number_text(n.contractual_weeks)}; in lieu: {r.number_text(n.weeks)} x "
            f"{_money(n.weekly_pay)} = {_money(n.amount)} (taxed as pay)",
        ]
        if h.days:
            lines.append(
                f"Holiday: {r.number_text(h.days)} day(s) untaken = {_money(h.amount)} (taxed as pay)"
            )
        if p is not None:
            if p.eligible:
                lines.append(
                    f"Pension strain: factor {r.number_text(p.factor or ZERO)} "
                    f"({p.sex}, {p.age_years}y {p.age_months}m) x "
                    f"{_money(p.annual_pension)} a year = {_money(p.amount)} (employer's cost)"
                )
            else:
                lines.append(f"Pension strain: none. {p.reason}.")
        lines.append(f"Cost to the employer: {_money(quote.employer_cost)}")
        return lines

    # --- schemes --------------------------------------------------------------------------------

    def _schemes(self) -> None:
        for scheme in r.enhanced_schemes().values():
            cap = "no cap" if scheme.lump_sum_cap is None else f"cap {_money(scheme.lump_sum_cap)}"
            self.stdout.write(
                f"{scheme.key}: {scheme.name} — {scheme.weekly_pay} week's pay, "
                f"x{r.number_text(scheme.multiplier)}, {cap}"
            )

    # --- strain-factors import ------------------------------------------------------------------

    def _strain_factors(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No file {path}.")
        actor = acting_user(options.get("actor"), command="change strain-factors")
        try:
            result = strain.strain_factors_import(
                actor=actor,
                partner=partner_by_code(options["partner"]),
                fund=options["fund"],
                effective_from=_date(options["effective_from"], "--from"),
                source=options["source"],
                data=path.read_bytes(),
                filename=path.name,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            if options.get("report"):
                Path(options["report"]).write_text(
                    tabular.errors_as_csv(result.errors), encoding="utf-8", newline=""
                )
            raise CommandError(
                f"{len(result.errors)} problem(s) in {path.name}; nothing was saved.\n"
                f"{tabular.format_errors(result.errors)}"
            )
        self.stdout.write(
            f"Saved {result.saved} factor(s) for {options['fund']} from {options['effective_from']}"
            f"{' (replacing the table of that date)' if result.replaced else ''}."
        )
