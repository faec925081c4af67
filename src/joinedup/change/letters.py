"""Voluntary redundancy decision letters as PDF, in the house style of every joinedup PDF
(:mod:`joinedup.core.pdf`): an acceptance (the leaving date, the figures decided on, their tax
treatment, and what the employee may still do) and a decline or deferral (the reason, and the
appeal).

The figures are the quote kept with the decision (``VrInterest.decided_quote``), never a quote
worked out again: the letter says what was decided. The tax treatment's threshold is payroll's
(payroll/rules/termination_awards.toml), the same figure the final pay applies.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from joinedup.change.models import VrInterest, VrStatus
from joinedup.core.dates import people_date
from joinedup.core.pdf import BASE, HEADING, INK, PAGE_WIDTH, RULE, SMALL, TITLE, escape, render_pdf
from joinedup.payroll.termination import termination_rules


def _day(day: date) -> str:
    return people_date(day)


def _pounds(text: str | Decimal) -> str:
    return f"£{Decimal(text):,.2f}"


def _para(text: str, style: Any = BASE) -> Paragraph:
    return Paragraph(escape(text), style)


def _figures_table(figures: dict[str, Any]) -> Table:
    rows: list[list[str]] = [["", "Amount"]]
    rows.append(
        [
            f"Statutory redundancy pay ({figures['statutory_weeks']} weeks "
            f"at {_pounds(figures['week_pay_used'])})",
            _pounds(figures["statutory_pay"]),
        ]
    )
    scheme = figures.get("scheme")
    if scheme:
        rows.append(
            [
                f"Redundancy payment under {scheme['name']} (includes the statutory pay)",
                _pounds(scheme["pay"]),
            ]
        )
    notice = figures["notice"]
    rows.append([f"Pay in lieu of notice ({notice['weeks']} weeks)", _pounds(notice["pay"])])
    rows.append(
        [f"Accrued holiday pay ({figures['holiday']['days']} days)", _pounds(figures["holiday"]["pay"])]
    )
    rows.append(["Total to you, before tax", _pounds(figures["to_employee"])])
    strain = figures.get("strain")
    if strain and strain.get("eligible"):
        rows.append(
            [
                f"Pension strain paid by the employer to the {strain['fund']} (not paid to you)",
                _pounds(strain["cost"]),
            ]
        )
    table = Table([[_para(a), _para(b)] for a, b in rows], colWidths=[PAGE_WIDTH * 0.75, PAGE_WIDTH * 0.25])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def vr_decision_letter(interest: VrInterest, *, compress: bool = True) -> bytes:
    """The letter for a decided expression of interest (accepted, declined or deferred)."""
    employment = interest.employment
    partner = interest.partner
    name = employment.person.full_name
    decided = interest.decided_at.date() if interest.decided_at else interest.submitted_at.date()
    programme = interest.window.programme.name
    story: list[Flowable] = [
        _para(partner.name, HEADING),
        _para(f"{_day(decided)}. Payroll number {employment.payroll_number}.", SMALL),
        Spacer(1, 6 * mm),
        _para(f"Dear {name},"),
        Spacer(1, 3 * mm),
    ]
    if interest.status == VrStatus.ACCEPTED:
        figures = interest.decided_quote or {}
        threshold = termination_rules().threshold_on(interest.leaving_date)
        story += [
            _para("Voluntary redundancy: your application is accepted", TITLE),
            Spacer(1, 3 * mm),
            _para(
                f"{partner.name} accepts your application for voluntary redundancy under "
                f"{programme}. Your employment will end by reason of redundancy on "
                f"{_day(interest.leaving_date)}. The reason for the decision: {interest.reason}"
            ),
            Spacer(1, 3 * mm),
            _para("What you will be paid", HEADING),
        ]
        if figures:
            story += [
                _figures_table(figures),
                Spacer(1, 3 * mm),
                _para("How it is taxed", HEADING),
                _para(
                    f"The redundancy payment of {_pounds(figures['redundancy_payment'])} is a payment on the "
                    f"termination of your employment: the first {_pounds(threshold)} is free of income tax "
                    "(Income Tax (Earnings and Pensions) Act 2003 s.403), so "
                    f"{_pounds(figures['taxable'])} of it is taxable, and none of it is subject to National "
                    "Insurance. Pay in lieu of notice and holiday pay are earnings: income tax and National "
                    "Insurance are due on them in full (ITEPA 2003 ss.402A-402E). All of it is paid through "
                    "your final pay, with your P45."
                ),
            ]
            notes = [n for n in figures.get("notes", []) if n]
            if notes:
                story += [Spacer(1, 3 * mm), _para("What the figures rest on", HEADING)]
                story += [_para(f"- {note}", SMALL) for note in notes]
        story += [
            Spacer(1, 3 * mm),
            _para("If you change your mind, or disagree", HEADING),
            _para(
                "Your application was voluntary. If you no longer wish to leave, tell HR in writing "
                "before your leaving is confirmed in the payroll; after that your employment ends on the "
                "date above. "
                f"If you think a figure is wrong, you may appeal in writing under {partner.name}'s appeal "
                "procedure, saying which figure and why."
            ),
        ]
    else:
        deferred = interest.status == VrStatus.DEFERRED
        story += [
            _para(
                "Voluntary redundancy: your application is deferred"
                if deferred
                else "Voluntary redundancy: your application is declined",
                TITLE,
            ),
            Spacer(1, 3 * mm),
            _para(
                f"{partner.name} has considered your application for voluntary redundancy under {programme}, "
                f"with the leaving date of {_day(interest.leaving_date)} you asked for, and has "
                f"{'deferred' if deferred else 'declined'} it. The reason: {interest.reason}"
            ),
            Spacer(1, 3 * mm),
            _para(
                "Your application stays open and will be decided later; you may withdraw it at any time "
                "before then, from your self-service page."
                if deferred
                else "Your employment continues as it is."
            ),
            Spacer(1, 3 * mm),
            _para("If you disagree", HEADING),
            _para(
                f"You may appeal against this decision in writing under {partner.name}'s appeal procedure, "
                "setting out your reasons."
            ),
        ]
    story += [Spacer(1, 6 * mm), _para(f"{partner.name}, Human Resources")]
    return render_pdf(story, title=f"Voluntary redundancy: {name}", author=partner.name, compress=compress)
