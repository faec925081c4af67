"""Everything joinedup holds about one person **for one partner**: the subject-access export.

``assemble(actor=..., partner=..., person=...)`` returns a JSON-ready dict. It reads only rows
scoped to that partner (``for_partner``), and about that person: a person employed by two
partners gets one export from each, and the two together hold every row about them.

What it holds, each row with its id: the HR record (the person), the partner's employments, their
terms history, absences, payslips (with their run's period and status), P45s issued and the P60
figures of each ended tax year (from the year's last payslip, as the P60 shows them), service-desk
tickets raised by or about them with their history, the occupational-health cases with their
referral, appointments, **clinical notes decrypted** (read through
``wellbeing.selectors.case_notes_for_subject_access``, which writes the access event), outcome
report and adjustments, workforce-change records (at-risk, redeployment, voluntary-redundancy
interests with the decided quote), and the audit events whose object is one of those rows.

**Redaction of third parties.** Every structured field naming another person is replaced by a role
label and their id is left out: a terms row's line manager ("line manager"), an absence's decider
("approver"), a referral's referrer ("line manager" / "HR officer"; the subject themselves for a
self-referral), a case's clinician and opener, a note's author and an appointment's clinician
("occupational-health clinician" / "occupational-health staff"), a ticket's requester, raiser,
assignee and each event's actor when not the subject ("service-desk agent" / "requester"), a VR
decision's maker ("decision maker"), and an audit event's actor ("you" for the subject, "the system"
for a system job, else "staff of <partner code>"). Free text (ticket descriptions and replies,
notes, reasons) is kept as written: a name in it is for the DPO to redact in review, which is why
an export is reviewed before it is released.

Money is in pence (integers), as payroll stores it. Dates and datetimes are ISO 8601 strings.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.change.models import AtRisk, Redeployment, VrInterest
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.payroll.models import P45Issue, Payslip, RunStatus
from joinedup.people.models import Absence, Employment, Person
from joinedup.people.selectors import terms_history
from joinedup.servicedesk.models import Ticket, TicketEvent
from joinedup.wellbeing.attachments import attachments_for_subject_access
from joinedup.wellbeing.models import (
    AdjustmentRecord,
    Appointment,
    Case,
    OutcomeReport,
    Referral,
    ReferralSource,
)
from joinedup.wellbeing.questionnaires import questionnaires_for_subject_access
from joinedup.wellbeing.selectors import case_notes_for_subject_access

FORMAT = "joinedup subject-access export"
VERSION = 1
SUBJECT = "you"

# The sections that list rows with ids: what the acceptance test compares across partners.
SECTIONS = (
    "employments",
    "terms",
    "absences",
    "payslips",
    "p45s",
    "p60s",
    "tickets",
    "ticket_events",
    "oh_referrals",
    "oh_cases",
    "oh_appointments",
    "oh_notes",
    "oh_attachments",
    "oh_questionnaires",
    "oh_reports",
    "oh_adjustments",
    "at_risk",
    "redeployments",
    "vr_interests",
    "audit_events",
)


def _d(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _referrer_label(source: str) -> str:
    if source == ReferralSource.SELF:
        return SUBJECT
    return "HR officer" if source == ReferralSource.HR else "line manager"


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": _d(person.date_of_birth),
        "ni_number": person.ni_number,
        "gender": person.gender,
        "email": person.email,
        "phone": person.phone,
        "address": [person.address_line1, person.address_line2, person.town, person.postcode],
        "bank_account_name": person.bank_account_name,
        "bank_sort_code": person.bank_sort_code,
        "bank_account_number": person.bank_account_number,
        # The emergency contact is a third party the subject named themselves: kept, as it is
        # the subject's own information about whom to call.
        "emergency_contact_name": person.emergency_contact_name,
        "emergency_contact_phone": person.emergency_contact_phone,
        "created_at": _d(person.created_at),
    }


def _tax_year_end(tax_year: int) -> date:
    return date(tax_year + 1, 4, 5)


def assemble(*, actor: Any, partner: Partner, person: Person) -> dict[str, Any]:
    """The export of ``person`` for ``partner``. ``actor`` holds ``privacy.sar`` on the partner;
    reading the clinical notes writes one access event per case in the actor's name."""
    authorise(actor, "privacy.sar", partner)
    pid = partner.pk
    subject_user = person.user_id
    today = timezone.localdate()
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    out["partner"] = {"id": pid, "code": partner.code, "name": partner.name}
    out["generated_at"] = _d(timezone.now())
    out["person"] = _person(person)
    out["redaction"] = (
        "Other people named in these records are shown by their role; free text is as written and "
        "was reviewed before release."
    )
    targets: dict[str, set[str]] = defaultdict(set)
    targets["people.person"].add(str(person.pk))

    def who(user_id: int | None, label: str) -> str:
        return SUBJECT if user_id is not None and user_id == subject_user else label

    employments = list(Employment.objects.for_partner(pid).filter(person=person).order_by("start_date", "pk"))
    emp_ids = [e.pk for e in employments]
    out["employments"] = [
        {
            "id": e.pk,
            "payroll_number": e.payroll_number,
            "job_title": e.job_title,
            "start_date": _d(e.start_date),
            "continuous_service_date": _d(e.continuous_service_date),
            "end_date": _d(e.end_date),
            "end_reason": e.end_reason,
            "pay_frequency": e.pay_frequency,
        }
        for e in employments
    ]
    targets["people.employment"].update(str(i) for i in emp_ids)

    out["terms"] = [
        {
            "id": t.pk,
            "employment": t.employment_id,
            "effective_from": _d(t.effective_from),
            "contract_type": t.contract_type,
            "fte": str(t.fte),
            "weekly_hours": str(t.weekly_hours),
            "scheme": t.scheme.name,
            "pay_point": str(t.pay_point),
            "line_manager": "line manager" if t.line_manager_id else None,
            "tax_code": t.tax_code,
            "tax_basis": t.tax_basis,
            "ni_category": t.ni_category,
            "student_loan_plans": t.student_loan_plans,
            "pension_scheme": t.pension_scheme,
            "protected": t.protected,
            "reason": t.reason,
        }
        for e in employments
        for t in terms_history(e)
    ]
    targets["people.employmentterms"].update(str(t["id"]) for t in out["terms"])

    absences = Absence.objects.for_partner(pid).filter(employment_id__in=emp_ids).order_by("start_date", "pk")
    out["absences"] = [
        {
            "id": a.pk,
            "employment": a.employment_id,
            "kind": a.kind,
            "start_date": _d(a.start_date),
            "end_date": _d(a.end_date),
            "working_days": str(a.working_days),
            "status": a.status,
            "notes": a.notes,
            "fit_note_from": _d(a.fit_note_from),
            "fit_note_to": _d(a.fit_note_to),
            "decided_by": who(a.decided_by_id, "approver") if a.decided_by_id else None,
            "decided_at": _d(a.decided_at),
        }
        for a in absences
    ]
    targets["people.absence"].update(str(a["id"]) for a in out["absences"])

    payslips = list(
        Payslip.objects.for_partner(pid)
        .filter(employment_id__in=emp_ids)
        .select_related("run")
        .order_by("run__pay_date", "pk")
    )
    money = [
        "basic_pay",
        "additions",
        "gross_pay",
        "pensionable_pay",
        "pension_employee",
        "pension_employer",
        "taxable_pay",
        "taxable_pay_to_date",
        "tax",
        "tax_paid_to_date",
        "ni_pay",
        "ni_employee",
        "ni_employer",
        "ni_class1a",
        "student_loan",
        "postgraduate_loan",
        "deductions_after_tax",
        "net_pay",
    ]
    out["payslips"] = [
        {
            "id": p.pk,
            "employment": p.employment_id,
            "run": p.run_id,
            "run_status": p.run.status,
            "tax_year": p.run.tax_year,
            "period": p.run.period,
            "pay_date": _d(p.run.pay_date),
            "tax_code": p.tax_code,
            "ni_category": p.ni_category,
            **{f"{name}_pence": getattr(p, name) for name in money},
        }
        for p in payslips
    ]
    targets["payroll.payslip"].update(str(p.pk) for p in payslips)

    out["p45s"] = [
        {
            "id": p.pk,
            "employment": p.employment_id,
            "tax_year": p.tax_year,
            "leaving_date": _d(p.leaving_date),
            "payslip": p.payslip_id,
            "issued_at": _d(p.issued_at),
        }
        for p in P45Issue.objects.for_partner(pid)
        .filter(employment_id__in=emp_ids)
        .order_by("tax_year", "pk")
    ]
    targets["payroll.p45issue"].update(str(p["id"]) for p in out["p45s"])

    # A P60 for each employment and tax year that has ended, from its last approved payslip.
    last: dict[tuple[int, int], Payslip] = {}
    for p in payslips:
        if p.run.status in (RunStatus.APPROVED, RunStatus.PAID) and _tax_year_end(p.run.tax_year) < today:
            last[(p.employment_id, p.run.tax_year)] = p
    out["p60s"] = [
        {
            "id": f"{emp}-{year}",
            "employment": emp,
            "tax_year": year,
            "payslip": p.pk,
            "taxable_pay_to_date_pence": p.taxable_pay_to_date,
            "tax_paid_to_date_pence": p.tax_paid_to_date,
        }
        for (emp, year), p in sorted(last.items())
    ]

    ticket_filter = Q(about_person=person) | Q(requester_employment_id__in=emp_ids)
    if subject_user is not None:
        ticket_filter |= Q(requester_id=subject_user)
    tickets = list(Ticket.objects.for_partner(pid).filter(ticket_filter).order_by("raised_at", "pk"))
    out["tickets"] = [
        {
            "id": t.pk,
            "reference": t.reference,
            "service": t.service,
            "type": t.ticket_type,
            "priority": t.priority,
            "status": t.status,
            "subject": t.subject,
            "description": t.description,
            "requester": who(t.requester_id, "requester"),
            "raised_by": who(t.raised_by_id, "service-desk agent"),
            "assignee": who(t.assignee_id, "service-desk agent") if t.assignee_id else None,
            "raised_at": _d(t.raised_at),
            "resolved_at": _d(t.resolved_at),
            "closed_at": _d(t.closed_at),
        }
        for t in tickets
    ]
    targets["servicedesk.ticket"].update(str(t.pk) for t in tickets)
    out["ticket_events"] = [
        {
            "id": ev.pk,
            "ticket": ev.ticket_id,
            "at": _d(ev.at),
            "kind": ev.kind,
            "status": ev.status,
            "internal": not ev.public,
            "actor": who(ev.actor_id, "service-desk agent") if ev.actor_id else "the system",
            "body": ev.body,
        }
        for ev in TicketEvent.objects.for_partner(pid)
        .filter(ticket__in=[t.pk for t in tickets])
        .order_by("at", "pk")
    ]

    referrals = list(
        Referral.objects.for_partner(pid).filter(employment_id__in=emp_ids).order_by("created_at", "pk")
    )
    out["oh_referrals"] = [
        {
            "id": r.pk,
            "employment": r.employment_id,
            "source": r.source,
            "referred_by": _referrer_label(r.source),
            "reason": r.reason,
            "questions": r.questions,
            "consent_given": r.consent_given,
            "consent_date": _d(r.consent_date),
            "status": r.status,
            "created_at": _d(r.created_at),
            "sent_at": _d(r.sent_at),
        }
        for r in referrals
    ]
    targets["wellbeing.referral"].update(str(r.pk) for r in referrals)
    cases = list(Case.objects.for_partner(pid).filter(employment_id__in=emp_ids).order_by("opened_at", "pk"))
    case_ids = [c.pk for c in cases]
    out["oh_cases"] = [
        {
            "id": c.pk,
            "referral": c.referral_id,
            "status": c.status,
            "priority": c.priority,
            "clinician": "occupational-health clinician" if c.clinician_id else None,
            "opened_by": "occupational-health staff",
            "opened_at": _d(c.opened_at),
            "triaged_at": _d(c.triaged_at),
            "closed_at": _d(c.closed_at),
        }
        for c in cases
    ]
    targets["wellbeing.case"].update(str(i) for i in case_ids)
    out["oh_appointments"] = [
        {
            "id": a.pk,
            "case": a.case_id,
            "starts_at": _d(a.starts_at),
            "mode": a.mode,
            "status": a.status,
            "clinician": "occupational-health clinician",
        }
        for a in Appointment.objects.for_partner(pid).filter(case_id__in=case_ids).order_by("starts_at", "pk")
    ]
    out["oh_notes"] = [
        {
            "id": n.id,
            "case": c.pk,
            "written_at": _d(n.written_at),
            "author": "occupational-health clinician",
            "text": n.text,
        }
        for c in cases
        for n in case_notes_for_subject_access(actor, partner=pid, case_id=c.pk)
    ]
    out["oh_attachments"] = [
        {
            "id": f.id,
            "case": c.pk,
            "filename": f.filename,
            "content_type": f.content_type,
            "size": len(f.content),
            "content_base64": base64.b64encode(f.content).decode("ascii"),
        }
        for c in cases
        for f in attachments_for_subject_access(actor, partner_id=pid, case_id=c.pk)
    ]
    out["oh_questionnaires"] = [
        {
            "id": q.id,
            "case": c.pk,
            "title": q.title,
            "sent_by": "occupational-health clinician",
            "sent_at": _d(q.sent_at),
            "answered_at": _d(q.answered_at),
            "answers": [{"question": text, "answer": label} for _, text, label in q.rows],
            "total": q.total,
            "band": q.band,
        }
        for c in cases
        for q in questionnaires_for_subject_access(actor, partner_id=pid, case_id=c.pk)
    ]
    out["oh_reports"] = [
        {
            "id": r.pk,
            "case": r.case_id,
            "outcome": r.outcome,
            "adjustments": r.adjustments,
            "expected_return": _d(r.expected_return),
            "review_date": _d(r.review_date),
            "status": r.status,
            "written_at": _d(r.written_at),
            "issued_at": _d(r.issued_at),
            "released_at": _d(r.released_at),
            "clinician": "occupational-health clinician",
        }
        for r in OutcomeReport.objects.for_partner(pid).filter(case_id__in=case_ids).order_by("pk")
    ]
    out["oh_adjustments"] = [
        {
            "id": a.pk,
            "case": a.case_id,
            "what": a.what,
            "starts_on": _d(a.starts_on),
            "review_on": _d(a.review_on),
        }
        for a in AdjustmentRecord.objects.for_partner(pid).filter(employment_id__in=emp_ids).order_by("pk")
    ]

    at_risk = list(AtRisk.objects.for_partner(pid).filter(employment_id__in=emp_ids).order_by("pk"))
    out["at_risk"] = [
        {
            "id": a.pk,
            "employment": a.employment_id,
            "reasons": a.reasons,
            "fte": str(a.fte),
            "status": a.status,
            "identified_at": _d(a.identified_at),
        }
        for a in at_risk
    ]
    targets["change.atrisk"].update(str(a.pk) for a in at_risk)
    out["redeployments"] = [
        {
            "id": r.pk,
            "at_risk": r.at_risk_id,
            "status": r.status,
            "trial_start": _d(r.trial_start),
            "trial_end": _d(r.trial_end),
        }
        for r in Redeployment.objects.for_partner(pid)
        .filter(at_risk_id__in=[a.pk for a in at_risk])
        .order_by("pk")
    ]
    vr = list(
        VrInterest.objects.for_partner(pid).filter(employment_id__in=emp_ids).order_by("submitted_at", "pk")
    )
    out["vr_interests"] = [
        {
            "id": v.pk,
            "employment": v.employment_id,
            "window": v.window_id,
            "submitted_at": _d(v.submitted_at),
            "leaving_date": _d(v.leaving_date),
            "status": v.status,
            "reason": v.reason,
            "decided_by": "decision maker" if v.decided_by_id else None,
            "decided_at": _d(v.decided_at),
            "decided_quote": v.decided_quote,
        }
        for v in vr
    ]
    targets["change.vrinterest"].update(str(v.pk) for v in vr)

    about = Q(pk__in=[])
    for object_type, ids in targets.items():
        about |= Q(object_type=object_type, object_id__in=sorted(ids))
    events = AuditEvent.objects.for_partner(pid).filter(about).order_by("seq")
    out["audit_events"] = [
        {
            "id": e.pk,
            "seq": e.seq,
            "occurred_at": _d(e.occurred_at),
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "actor": (
                "the system"
                if e.actor_id is None
                else SUBJECT
                if e.actor_id == subject_user
                else f"staff of {partner.code}"
            ),
            "before": e.before,
            "after": e.after,
        }
        for e in events
    ]
    out["counts"] = {name: len(out[name]) for name in SECTIONS}
    return out
