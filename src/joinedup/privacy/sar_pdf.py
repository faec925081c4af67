"""The subject-access export as a PDF for the person (``joinedup privacy sar --pdf``): the same
content as the JSON (``sar_export.assemble``), section by section, one paragraph per record, in
the house style of ``core/pdf.py``."""

from __future__ import annotations

import json
from typing import Any

from reportlab.platypus import Paragraph, Spacer

from joinedup.core.pdf import BASE, HEADING, SMALL, TITLE, escape, render_pdf
from joinedup.privacy.sar_export import SECTIONS

TITLES = {
    "employments": "Employments",
    "terms": "Terms and conditions, as they changed",
    "absences": "Absences",
    "payslips": "Payslips (amounts in pence)",
    "p45s": "P45s issued",
    "p60s": "P60 figures (amounts in pence)",
    "tickets": "Service-desk tickets",
    "ticket_events": "Ticket history",
    "oh_referrals": "Occupational-health referrals",
    "oh_cases": "Occupational-health cases",
    "oh_appointments": "Occupational-health appointments",
    "oh_notes": "Clinical notes",
    "oh_attachments": "Occupational-health documents (their content is in the JSON export)",
    "oh_questionnaires": "Occupational-health questionnaires and their answers",
    "oh_reports": "Occupational-health outcome reports",
    "oh_adjustments": "Workplace adjustments",
    "at_risk": "Workforce change: at risk",
    "redeployments": "Workforce change: redeployment",
    "vr_interests": "Voluntary redundancy (with the quote decided on)",
    "audit_events": "Audit events about these records",
}


def _value(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return "" if value is None else str(value)


def _line(row: dict[str, Any]) -> Paragraph:
    parts = [
        f"<b>{escape(key)}</b>: {escape(_value(value))}"
        for key, value in row.items()
        # A document's bytes stay in the JSON export: base64 on paper helps nobody.
        if value not in (None, "") and not key.endswith("_base64")
    ]
    return Paragraph("; ".join(parts), BASE)


def render(export: dict[str, Any], *, compress: bool = True) -> bytes:
    partner = export["partner"]
    person = export["person"]
    name = f"{person['given_name']} {person['family_name']}"
    story: list[Any] = [
        Paragraph(escape(f"Your personal data held for {partner['name']}"), TITLE),
        Paragraph(escape(f"Subject-access export for {name}, generated {export['generated_at']}."), SMALL),
        Paragraph(escape(export["redaction"]), SMALL),
        Spacer(0, 6),
        Paragraph("Your HR record", HEADING),
        _line(person),
    ]
    for section in SECTIONS:
        rows = export.get(section) or []
        story += [Spacer(0, 6), Paragraph(escape(f"{TITLES[section]} ({len(rows)})"), HEADING)]
        story += [_line(row) for row in rows] or [Paragraph("None held.", SMALL)]
    return render_pdf(
        story, title=f"Subject-access export {partner['code']}", author=partner["name"], compress=compress
    )
