"""The demo's occupational health (issue 16), all through the services, dated from the day the
demo is seeded:

- **WFRS**: fire.hr refers a firefighter for a fitness review; oh.admin opens and triages it to
  oh.clinician, books an appointment that is attended; the clinician notes it and writes and
  issues a report "fit with adjustments", released to the referrer at once (the firefighter did
  not ask to see it first); an adjustment record for HR. An audiometry programme (Noise 2005
  reg 9) with two firefighters overdue and one due.
- **WCC**: council.manager refers council.employee (Evan Morgan, their team) for work-related
  stress; Evan asked to see the report first, so it is issued to him and waits on his answer.
- **WPOL**: police.hr refers a member of police staff about night shifts (triaged, appointment
  booked, a note); a night-worker programme (Working Time Regulations 1998 reg 7, yearly by the
  partner's choice) with one assessment overdue, one due, one done and one upcoming.
- **WSS**: shared.hr refers a member of staff; the case is opened, waiting for triage.
- The council's wellbeing programmes (employee assistance, counselling, physiotherapy) with twelve
  months of referrals by reason, a few reasons rare enough that the report hides them.

Idempotent like the rest of the demo: nothing is added when a case exists already.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from joinedup.partnership.models import Partner
from joinedup.people.models import Employment
from joinedup.wellbeing import cases, notes, programmes, reports, surveillance
from joinedup.wellbeing.models import Case, CheckOutcome, SurveillanceEnrolment
from joinedup.wellbeing.surveillance import ProgrammeDetails

CLINICIAN = "oh.clinician"
ADMIN = "oh.admin"

# Referrals by reason over the twelve months, per programme: spread evenly over the months. The
# 1-4 counts (bereavement at the EAP, trauma and "other" at counselling, "other" at physiotherapy)
# are the ones the usage report hides, with the cells that would give them away.
USAGE: dict[tuple[str, str, str], dict[str, int]] = {
    ("Employee assistance programme", "eap", "Health Assured"): {
        "stress": 64,
        "low_mood": 41,
        "bereavement": 3,
        "relationships": 22,
        "money_legal": 17,
        "work": 29,
        "other": 8,
    },
    ("Counselling", "counselling", "Wessex Talking Therapies"): {
        "stress": 38,
        "low_mood": 27,
        "bereavement": 12,
        "relationships": 9,
        "work": 14,
        "trauma": 2,
        "other": 4,
    },
    ("Physiotherapy", "physiotherapy", "Solent Physio"): {"musculoskeletal": 96, "work": 6, "other": 3},
}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _staff(partner: Partner, title: str, count: int, *, started_by: date) -> list[Employment]:
    """``count`` current employments of the partner without a sign-in, those in a post called
    ``title`` first (the demo's population draws titles at random, so a small one may have none)."""
    found = (
        Employment.objects.for_partner(partner)
        .filter(end_date__isnull=True, start_date__lte=started_by, person__user__isnull=True)
        .select_related("person")
        .order_by("payroll_number")
    )
    titled = list(found.filter(post_holdings__post__title=title).distinct()[:count])
    others = [e for e in found[: count * 2] if e not in titled]
    return (titled + others)[:count]


def _case(
    *,
    referrer: Any,
    employment: Employment,
    reason: str,
    questions: str,
    consent: date,
    see_first: bool,
    admin: Any,
) -> Case:
    made = cases.referral_create(
        actor=referrer,
        employment=employment,
        reason=reason,
        questions=questions,
        consent_date=consent,
        see_report_first=see_first,
    )
    cases.referral_send(actor=referrer, referral=made)
    return cases.case_open(actor=admin, referral=made)


def _assessed(case: Case, *, admin: Any, clinician: Any, at: datetime, mode: str) -> Case:
    case = cases.case_triage(actor=admin, case=case, priority="soon", clinician=clinician)
    appointment = cases.appointment_book(actor=admin, case=case, starts_at=at, mode=mode)
    cases.appointment_record(actor=admin, appointment=appointment, status="attended")
    return Case.objects.for_partner(case.partner_id).get(pk=case.pk)


def _fire(partner: Partner, users: dict[str, Any], today: date) -> None:
    admin, clinician = users[ADMIN], users[CLINICIAN]
    firefighter, *hearing = _staff(partner, "Firefighter", 4, started_by=today - timedelta(days=400))
    case = _case(
        referrer=users["fire.hr"],
        employment=firefighter,
        reason="Fitness review after knee surgery: due back on the run in a month.",
        questions="Is he fit for operational duties, including breathing apparatus? What adjustments?",
        consent=today - timedelta(days=30),
        see_first=False,
        admin=admin,
    )
    case = _assessed(
        case, admin=admin, clinician=clinician, at=_at(today - timedelta(days=14), 10), mode="in_person"
    )
    notes.note_add(
        actor=clinician,
        case=case,
        text="Post-arthroscopy, right knee. Full range of movement; mild effusion after the step test. "
        "Passed the ladder climb; did not attempt the casualty drag. Review in six weeks.",
    )
    report = reports.report_write(
        actor=clinician,
        case=case,
        outcome="fit_with_adjustments",
        adjustments="Operational duties without casualty drags or ladder carries for six weeks; "
        "station-based duties otherwise.",
        expected_return=today + timedelta(days=7),
        review_date=today + timedelta(days=42),
    )
    reports.report_issue(actor=clinician, report=report)
    cases.adjustment_record_create(
        actor=admin,
        case=case,
        what="No casualty drags or ladder carries; station-based duties when the appliance is out.",
        starts_on=today + timedelta(days=7),
        review_on=today + timedelta(days=42),
    )
    programme = surveillance.programme_create(
        actor=admin,
        partner=partner,
        details=ProgrammeDetails(
            code="FIRE-HEAR", name="Hearing checks (pump and siren noise)", kind="audiometry", basis="noise"
        ),
    )
    # Two overdue (one by three months), one due within the month.
    for employment, due in zip(hearing, (-90, -21, 12), strict=True):
        surveillance.enrol(
            actor=admin,
            programme=programme,
            employment=employment,
            enrolled_on=today - timedelta(days=365),
            first_due_on=today + timedelta(days=due),
        )


def _council(partner: Partner, users: dict[str, Any], today: date) -> None:
    admin, clinician = users[ADMIN], users[CLINICIAN]
    evan = Employment.objects.for_partner(partner).get(person__user=users["council.employee"])
    case = _case(
        referrer=users["council.manager"],
        employment=evan,
        reason="Work-related stress: two absences since September and finding the caseload hard.",
        questions="What is making work difficult, and what would help him stay well at work?",
        consent=today - timedelta(days=21),
        see_first=True,
        admin=admin,
    )
    case = _assessed(
        case, admin=admin, clinician=clinician, at=_at(today - timedelta(days=7), 14), mode="video"
    )
    notes.note_add(
        actor=clinician,
        case=case,
        text="Reports poor sleep and worry about caseload since the team lost two posts. "
        "No thoughts of self-harm. Has spoken to his GP; not on medication. EAP details given.",
    )
    report = reports.report_write(
        actor=clinician,
        case=case,
        outcome="fit_with_adjustments",
        adjustments="A stress risk assessment with his manager; a capped caseload for eight weeks; "
        "fortnightly one-to-ones.",
        review_date=today + timedelta(days=56),
    )
    reports.report_issue(actor=clinician, report=report)
    for (name, service, provider), by_reason in USAGE.items():
        found = programmes.programme_create(
            actor=admin, partner=partner, name=name, service=service, provider=provider
        )
        month = programmes.month_start(today)
        for index in range(12):
            month = programmes.month_start(month - timedelta(days=1))
            counts = {r: n // 12 + (1 if index < n % 12 else 0) for r, n in by_reason.items()}
            programmes.usage_record(
                actor=admin, programme=found, month=month, measure="referrals", counts=counts
            )


def _police(partner: Partner, users: dict[str, Any], today: date) -> None:
    admin, clinician = users[ADMIN], users[CLINICIAN]
    referred, *night = _staff(partner, "Call handler", 5, started_by=today - timedelta(days=400))
    case = _case(
        referrer=users["police.hr"],
        employment=referred,
        reason="Night-worker assessment follow-up: dizzy spells on night shifts in the control room.",
        questions="Is she fit to keep working nights? Should her shift pattern change?",
        consent=today - timedelta(days=10),
        see_first=False,
        admin=admin,
    )
    case = cases.case_triage(actor=admin, case=case, priority="soon", clinician=clinician)
    cases.appointment_book(actor=admin, case=case, starts_at=_at(today + timedelta(days=5), 9), mode="phone")
    notes.note_add(
        actor=clinician,
        case=case,
        text="Triage: dizzy spells at the end of night shifts, worse after four nights in a row. "
        "Ask about meals and fluids on nights; check blood pressure at the appointment.",
    )
    programme = surveillance.programme_create(
        actor=admin,
        partner=partner,
        details=ProgrammeDetails(
            code="NIGHT-WTR",
            name="Night-worker health assessments",
            kind="night_worker",
            basis="night_worker",
            interval_months=12,
        ),
    )
    # Overdue, due within the month, done two months ago (next due in ten months), upcoming.
    enrolments = [
        surveillance.enrol(
            actor=admin,
            programme=programme,
            employment=employment,
            enrolled_on=today - timedelta(days=400),
            first_due_on=today + timedelta(days=days),
        )
        for employment, days in zip(night, (-14, 9, -60, 150), strict=True)
    ]
    surveillance.check_record(
        actor=clinician, enrolment=enrolments[2], done_on=today - timedelta(days=62), outcome=CheckOutcome.FIT
    )


def _shared(partner: Partner, users: dict[str, Any], today: date) -> None:
    found = _staff(partner, "Payroll officer", 1, started_by=today - timedelta(days=30))
    if not found:
        return
    _case(
        referrer=users["shared.hr"],
        employment=found[0],
        reason="Back pain at the desk since moving to the new office.",
        questions="Would a workstation assessment or different equipment help?",
        consent=today - timedelta(days=2),
        see_first=False,
        admin=users[ADMIN],
    )


def seed_demo_wellbeing(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None], today: date
) -> None:
    if Case.objects.for_partners(list(partners.values())).exists():
        return
    _fire(partners["WFRS"], users, today)
    _council(partners["WCC"], users, today)
    _police(partners["WPOL"], users, today)
    _shared(partners["WSS"], users, today)
    enrolled = SurveillanceEnrolment.objects.for_partners(list(partners.values())).count()
    say(f"Occupational health: 4 cases, {enrolled} enrolled in surveillance, 3 wellbeing programmes")
