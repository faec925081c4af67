"""``joinedup businesscase …``: the business case's calculator, for people and for checking.

    joinedup businesscase npv --cashflows=-3700000,1200000,1500000 \\
        [--rate-schedule green-book|CONSTANT_PERCENT] [--json]

Cash flows are pounds (and pence) by year from year 0, which is not discounted. It reads no
database. Bad input (an amount that is not one, an unknown schedule) exits 2 with the reason."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.businesscase import appraisal as a
from joinedup.core.money import gbp, pounds_to_pence

BAD_INPUT = 2  # as argparse uses for a bad argument


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _cashflows(text: str) -> list[Decimal]:
    flows = []
    for index, part in enumerate(text.split(",")):
        item = part.strip().removeprefix("£")
        try:
            value = Decimal(item)
        except InvalidOperation:
            raise _bad(f"--cashflows: year {index}: {part!r} is not an amount of pounds") from None
        flows.append(value)
    return flows


def _money(amount: Decimal) -> str:
    return gbp(pounds_to_pence(amount))


class Command(BaseCommand):
    help = "The business case's calculator: net present value and payback of cash flows by year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        npv = sub.add_parser("npv", help="NPV and payback of cash flows in pounds by year from year 0.")
        npv.add_argument("--cashflows", required=True, help="Comma-separated pounds, year 0 first.")
        npv.add_argument(
            "--rate-schedule",
            default="green-book",
            help="green-book (3.5%% to year 30, then declining) or a constant rate in percent, e.g. 5.",
        )
        npv.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        flows = _cashflows(options["cashflows"])
        try:
            a.check_cashflows(flows)
            schedule = a.schedule_named(options["rate_schedule"])
        except a.AppraisalError as error:
            raise _bad(str(error)) from None
        present = a.present_values(flows, schedule)
        npv = a.net_present_value(flows, schedule)
        payback = a.payback_year(flows)
        discounted_payback = a.payback_year(present)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "npv": str(npv),
                        "discounted_payback_year": discounted_payback,
                        "payback_year": payback,
                        "rate_schedule": schedule.name,
                        "years": [
                            {
                                "year": year,
                                "cashflow": str(flow),
                                "rate_percent": str(schedule.rate(year)) if year else None,
                                "discount_factor": str(a.schedule_factor_text(factor)),
                                "present_value": str(a.to_penny(value)),
                            }
                            for year, (flow, factor, value) in enumerate(
                                zip(flows, schedule.factors(len(flows)), present, strict=True)
                            )
                        ],
                    },
                    indent=2,
                )
            )
            return
        self.stdout.write(
            f"Discounting: {schedule.name}" + (f" ({schedule.source})" if schedule.source else "")
        )
        self.stdout.write("")
        self.stdout.write(f"{'year':>4}  {'cash flow':>16}  {'factor':>10}  {'present value':>16}")
        for year, (flow, factor, value) in enumerate(
            zip(flows, schedule.factors(len(flows)), present, strict=True)
        ):
            shown = _money(a.to_penny(value))
            self.stdout.write(
                f"{year:>4}  {_money(flow):>16}  {a.schedule_factor_text(factor):>10}  {shown:>16}"
            )
        self.stdout.write("")
        self.stdout.write(f"Net present value: {_money(npv)} (rounded to the penny once, at the end)")
        self.stdout.write(f"Payback year: {payback if payback is not None else 'never, within these years'}")
        self.stdout.write(
            "Discounted payback year: "
            + (str(discounted_payback) if discounted_payback is not None else "never, within these years")
        )
