"""The measures letter of a transfer plan, as PDF in the house style (core.pdf).

TUPE 2006 reg. 13(2)(d): the employer of affected employees informs their representatives of the
measures the transferee envisages taking in connection with the transfer (or that it envisages
none), and reg. 13(4) has the transferee give the transferor that information in good time. The
letter states the plan's measures as recorded, or says that none are envisaged; it names the
transfer, its date and the receiving body, and the number of staff of the employer it goes to."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from joinedup.core.dates import people_date
from joinedup.core.pdf import BASE, HEADING, SMALL, TITLE, escape, render_pdf

NONE_ENVISAGED = (
    "{receiving} envisages no measures in connection with the transfer: the staff transfer on their "
    "present terms and conditions, with their continuous service."
)


def measures_letter_pdf(
    *,
    employer: str,
    receiving: str,
    plan_name: str,
    kind_label: str,
    transfer_date: date,
    people: int,
    measures: str,
    today: date,
    compress: bool = True,
) -> bytes:
    """The letter from ``employer`` to the representatives of its affected staff."""
    body = [
        Paragraph(escape(employer), HEADING),
        Paragraph(people_date(today), BASE),
        Spacer(1, 6 * mm),
        Paragraph("To the representatives of the affected employees", BASE),
        Spacer(1, 4 * mm),
        Paragraph(escape(f"Measures envisaged: {plan_name}"), TITLE),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                f"{kind_label}: {people} of our staff to {receiving} on {people_date(transfer_date)}. As "
                "regulation 13(2)(d) of the Transfer of Undertakings (Protection of Employment) "
                "Regulations 2006 requires, we set out below the measures that "
                f"{receiving} envisages taking in connection with the transfer in relation to the "
                "affected employees."
            ),
            BASE,
        ),
        Spacer(1, 4 * mm),
        Paragraph("The measures envisaged", HEADING),
    ]
    text = measures.strip() or NONE_ENVISAGED.format(receiving=receiving)
    for paragraph in text.split("\n\n"):
        body.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), BASE))
        body.append(Spacer(1, 2 * mm))
    body += [
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                "We will consult you on these measures with a view to seeking your agreement "
                "(regulation 13(6)), consider any representations you make and reply to them, "
                "giving our reasons if we reject any."
            ),
            BASE,
        ),
        Spacer(1, 6 * mm),
        Paragraph("Produced by joinedup from the transfer plan as recorded.", SMALL),
    ]
    return render_pdf(body, title=f"Measures envisaged: {plan_name}", author=employer, compress=compress)
