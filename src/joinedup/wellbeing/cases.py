"""Writes to referrals, cases, appointments and adjustment records: one atomic function per
change, keyword-only, with an explicit actor; each authorises, changes, and records one audit
event that names ids, statuses and dates only — never a referral's reason or questions, an
adjustment's words, or anything clinical.

Who may do what, on the employment's partner (the case's partner):

- **refer** (``referral_create``): a line manager of the employee (``wellbeing.refer`` there, and
  one of their own employments is the employment's line manager in the terms in force:
  ``people.selectors.team_of``) or an HR officer of the partner (``wellbeing.refer`` with
  ``people.view``); the referrer records the employee's informed consent with its date and sends
  it (``referral_send``), which is refused without consent;
- **self-refer** (``self_refer``): the employee (``wellbeing.self_refer``), for the partner they
  choose when they work for several; their referral is their consent, dated the day they make it;
- **open, triage, book, record, close** and **open an adjustment record**: occupational health's
  administrators and clinicians (``wellbeing.manage_cases``); a case's clinician must hold
  ``wellbeing.clinical`` on its partner.

Anyone else is refused (PermissionDenied) and nothing changes. A foreign object is refused by the
same check (the caller has no role there); selectors are what answer 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core.actors import is_system, user_of
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission, partner_ids_with
from joinedup.people.models import Employment
from joinedup.people.selectors import team_of
from joinedup.wellbeing.models import (
    AdjustmentRecord,
    Appointment,
    AppointmentMode,
    AppointmentStatus,
    Case,
    CasePriority,
    CaseStatus,
    Referral,
    ReferralSource,
    ReferralStatus,
)

S = CaseStatus

# Where a case may go from each status. Each service moves it as its step completes; closing is
# allowed from any open status (the employee withdrew, or left).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REFERRED: frozenset({S.TRIAGED, S.CLOSED}),
    S.TRIAGED: frozenset({S.TRIAGED, S.APPOINTMENT_BOOKED, S.CLOSED}),
    S.APPOINTMENT_BOOKED: frozenset({S.TRIAGED, S.ASSESSED, S.CLOSED}),
    S.ASSESSED: frozenset({S.APPOINTMENT_BOOKED, S.REPORT_WRITTEN, S.CLOSED}),
    S.REPORT_WRITTEN: frozenset({S.REPORT_RELEASED, S.CLOSED}),
    S.REPORT_RELEASED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}


def _label(status: str) -> str:
    return str(S(status).label).lower()


def move(case: Case, to: str) -> None:
    """Set ``case.status`` to ``to`` if the workflow allows it, else a ValidationError that says
    where it may go."""
    allowed = TRANSITIONS[case.status]
    if to not in allowed:
        onward = ", ".join(_label(s) for s in S.values if s in allowed) or "nothing (it is closed)"
        now, then = _label(case.status), _label(to)
        raise ValidationError(
            {"status": f"A case that is {now} cannot become {then}: it may become {onward}."}
        )
    case.status = to


def _text(value: str, field: str, message: str, limit: int = 10000) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > limit:
        raise ValidationError({field: f"Keep it to {limit} characters."})
    return text


def _audit(actor: Any, target: Any, action: str, **after: Any) -> None:
    record_event(
        actor=actor, partner=target.partner_id, action=f"wellbeing.{action}", target=target, after=after
    )


def is_hr_of(user: Any, partner: Partner | int) -> bool:
    """An HR officer of the partner, in occupational health's sense: may refer anyone it employs
    (``wellbeing.refer``) and reads its people (``people.view``). A manager refers only their team."""
    return has_permission(user, "wellbeing.refer", partner) and has_permission(user, "people.view", partner)


def manages(user: Any, employment: Employment) -> bool:
    """Whether ``user`` is the employment's line manager today (people.selectors.team_of)."""
    return any(e.pk == employment.pk for e in team_of(user))


def _check_consent_date(consent_date: date | None) -> None:
    if consent_date is not None and consent_date > timezone.localdate():
        raise ValidationError({"consent_date": "The date of consent cannot be in the future."})


# --- referrals ---------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    employment: Employment,
    reason: str,
    questions: str = "",
    consent_date: date | None = None,
    see_report_first: bool = False,
) -> Referral:
    """A draft referral of ``employment``'s holder by their line manager or an HR officer of its
    partner. ``consent_date``: the day the employee gave informed consent, when they have."""
    authorise(actor, "wellbeing.refer", employment.partner_id)
    if is_system(actor) or is_hr_of(actor, employment.partner_id):
        source = ReferralSource.HR
    elif manages(actor, employment):
        source = ReferralSource.MANAGER
    else:
        raise PermissionDenied("A manager may refer only a member of their own team to occupational health.")
    if employment.person.user_id is not None and employment.person.user_id == getattr(actor, "pk", None):
        raise ValidationError({"employment": "Refer yourself with a self-referral."})
    _check_consent_date(consent_date)
    referral = Referral.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        source=source,
        referred_by=actor,
        reason=_text(reason, "reason", "Say why you are referring them."),
        questions=questions.strip(),
        consent_given=consent_date is not None,
        consent_date=consent_date,
        see_report_first=see_report_first,
    )
    _audit(actor, referral, "referral_created", source=source, consent=referral.consent_given)
    return referral


def _referrer_only(actor: Any, referral: Referral, what: str) -> None:
    authorise(actor, "wellbeing.refer", referral.partner_id)
    if is_system(actor) or referral.referred_by_id == actor.pk:
        return
    raise PermissionDenied(f"Only the person who made this referral may {what} it.")


def _locked_referral(referral: Referral) -> Referral:
    found: Referral = (
        Referral.objects.for_partner(referral.partner_id).select_for_update().get(pk=referral.pk)
    )
    return found


@transaction.atomic
def referral_record_consent(
    *, actor: Any, referral: Referral, consent_date: date, see_report_first: bool
) -> Referral:
    """The employee's informed consent to a draft referral, with its date, and whether they want to
    see the report before the referrer does."""
    _referrer_only(actor, referral, "record consent to")
    referral = _locked_referral(referral)
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError({"consent_date": "Consent is recorded before the referral is sent."})
    _check_consent_date(consent_date)
    referral.consent_given, referral.consent_date = True, consent_date
    referral.see_report_first = see_report_first
    referral.save(update_fields=["consent_given", "consent_date", "see_report_first"])
    _audit(actor, referral, "referral_consent_recorded", consent_date=consent_date)
    return referral


NO_CONSENT = (
    "The employee has not given informed consent to this referral, so it cannot be sent: "
    "record their consent and its date first."
)


@transaction.atomic
def referral_send(*, actor: Any, referral: Referral) -> Referral:
    """Send a draft referral to occupational health; refused without the employee's consent."""
    _referrer_only(actor, referral, "send")
    referral = _locked_referral(referral)
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(
            {"status": f"This referral is {referral.get_status_display().lower()} already."}
        )
    if not referral.consent_given:
        raise ValidationError({"consent_date": NO_CONSENT})
    referral.status, referral.sent_at = ReferralStatus.SENT, timezone.now()
    referral.save(update_fields=["status", "sent_at"])
    _audit(actor, referral, "referral_sent")
    return referral


@transaction.atomic
def referral_withdraw(*, actor: Any, referral: Referral) -> Referral:
    """Withdraw a referral no case has been opened from: by its referrer, or by the employee (who
    withdraws their consent)."""
    referral = _locked_referral(referral)
    employee = referral.employment.person.user_id
    if is_system(actor) or employee != actor.pk:
        _referrer_only(actor, referral, "withdraw")
    opened = Case.objects.for_partner(referral.partner_id).filter(referral=referral).exists()
    if referral.status == ReferralStatus.WITHDRAWN or opened:
        raise ValidationError(
            {"status": "Only a referral that no case has been opened from may be withdrawn."}
        )
    referral.status = ReferralStatus.WITHDRAWN
    referral.save(update_fields=["status"])
    _audit(actor, referral, "referral_withdrawn")
    return referral


def own_employment(actor: Any, partner: Partner | None) -> Employment:
    """The actor's current employment at the partner they self-refer for (``partner`` when they
    work for several)."""
    partners = partner_ids_with(actor, "wellbeing.self_refer")
    today = timezone.localdate()
    mine = [
        e
        for e in Employment.objects.for_partners(partners)
        .filter(person__user_id=actor.pk, start_date__lte=today)
        .select_related("partner")
        .order_by("partner__name", "-start_date", "pk")
        if e.is_active_on(today)
    ]
    if partner is not None:
        mine = [e for e in mine if e.partner_id == partner.pk]
        if not mine:
            raise ValidationError({"partner": f"You have no current employment with {partner.name}."})
    if not mine:
        raise ValidationError(
            {"partner": "You have no current employment with a partner occupational health serves."}
        )
    if len({e.partner_id for e in mine}) > 1:
        raise ValidationError(
            {"partner": "You work for several partners: choose the one this referral is for."}
        )
    return mine[0]


@transaction.atomic
def self_refer(
    *,
    actor: Any,
    reason: str,
    questions: str = "",
    see_report_first: bool = False,
    partner: Partner | None = None,
) -> Referral:
    """The employee refers themselves; making the referral is their consent, dated today, and it
    is sent at once."""
    if is_system(actor):
        raise ValidationError({"partner": "A self-referral is made by the employee."})
    employment = own_employment(actor, partner)
    authorise(actor, "wellbeing.self_refer", employment.partner_id)
    referral = Referral.objects.create(
        partner_id=employment.partner_id,
        employment=employment,
        source=ReferralSource.SELF,
        referred_by=actor,
        reason=_text(reason, "reason", "Say why you would like to see occupational health."),
        questions=questions.strip(),
        consent_given=True,
        consent_date=timezone.localdate(),
        see_report_first=see_report_first,
        status=ReferralStatus.SENT,
        sent_at=timezone.now(),
    )
    _audit(actor, referral, "referral_sent", source=ReferralSource.SELF, consent=True)
    return referral


# --- cases -------------------------------------------------------------------------------------


def _locked_case(case: Case) -> Case:
    found: Case = Case.objects.for_partner(case.partner_id).select_for_update().get(pk=case.pk)
    return found


@transaction.atomic
def case_open(*, actor: Any, referral: Referral) -> Case:
    """A case from a sent referral (one case per referral)."""
    authorise(actor, "wellbeing.manage_cases", referral.partner_id)
    referral = _locked_referral(referral)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError({"referral": "A case is opened only from a referral that has been sent."})
    if Case.objects.for_partner(referral.partner_id).filter(referral=referral).exists():
        raise ValidationError({"referral": "A case is open from this referral already."})
    case = Case.objects.create(
        partner_id=referral.partner_id,
        referral=referral,
        employment_id=referral.employment_id,
        opened_by=user_of(actor) or referral.referred_by,
    )
    _audit(actor, case, "case_opened", referral=referral.pk, status=case.status)
    return case


def is_subject(user: Any, case: Case) -> bool:
    """Whether ``user`` is the employee the case is about."""
    if is_system(user):
        return False
    subject = Employment.objects.for_partner(case.partner_id).filter(pk=case.employment_id)
    return bool(subject.values_list("person__user_id", flat=True).first() == user.pk)


OWN_CASE = (
    "A clinician does not work on or read the clinical content of their own case: "
    "another clinician does, and the employee asks for their records by a subject-access request."
)


def refuse_own_case(user: Any, case: Case) -> None:
    """A clinician who is also the employee a case is about stays out of its clinical content."""
    if is_subject(user, case):
        raise PermissionDenied(OWN_CASE)


def _check_clinician(clinician: Any, case: Case) -> None:
    if (
        clinician is None
        or is_system(clinician)
        or not has_permission(clinician, "wellbeing.clinical", case.partner_id)
    ):
        raise ValidationError(
            {"clinician": "Choose an occupational-health clinician of this case's partner."}
        )
    if is_subject(clinician, case):
        raise ValidationError({"clinician": "Choose a clinician other than the employee the case is about."})


@transaction.atomic
def case_triage(*, actor: Any, case: Case, priority: str, clinician: Any) -> Case:
    """Set (or change, before an appointment is booked) the case's priority and clinician."""
    authorise(actor, "wellbeing.manage_cases", case.partner_id)
    case = _locked_case(case)
    if priority not in CasePriority.values:
        raise ValidationError({"priority": f"Choose a priority: {', '.join(CasePriority.values)}."})
    _check_clinician(clinician, case)
    move(case, S.TRIAGED)
    case.priority, case.clinician, case.triaged_at = priority, clinician, timezone.now()
    case.save(update_fields=["status", "priority", "clinician", "triaged_at"])
    _audit(actor, case, "case_triaged", priority=priority, clinician=clinician.pk, status=case.status)
    return case


@transaction.atomic
def appointment_book(
    *, actor: Any, case: Case, starts_at: datetime, mode: str, clinician: Any = None
) -> Appointment:
    """An appointment with the case's clinician (or ``clinician``), at a timezone-aware time."""
    authorise(actor, "wellbeing.manage_cases", case.partner_id)
    case = _locked_case(case)
    clinician = clinician if clinician is not None else case.clinician
    _check_clinician(clinician, case)
    if mode not in AppointmentMode.values:
        raise ValidationError({"mode": f"Choose how it is held: {', '.join(AppointmentMode.values)}."})
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "Give the appointment's time with its time zone."})
    if case.status in (S.TRIAGED, S.ASSESSED):
        move(case, S.APPOINTMENT_BOOKED)
        case.save(update_fields=["status"])
    elif case.status != S.APPOINTMENT_BOOKED:
        now = _label(case.status)
        message = f"Appointments are booked on a triaged or assessed case, not one that is {now}."
        raise ValidationError({"status": message})
    appointment = Appointment.objects.create(
        case=case,
        partner_id=case.partner_id,
        clinician=clinician,
        starts_at=starts_at,
        mode=mode,
        booked_by=user_of(actor) or clinician,
    )
    _audit(actor, case, "appointment_booked", appointment=appointment.pk, starts_at=starts_at, mode=mode)
    return appointment


@transaction.atomic
def appointment_record(*, actor: Any, appointment: Appointment, status: str) -> Appointment:
    """What became of a booked appointment: attended (the case is assessed), did not attend or
    cancelled (the case goes back to triaged when no other appointment is booked)."""
    authorise(actor, "wellbeing.manage_cases", appointment.partner_id)
    appointment = (
        Appointment.objects.for_partner(appointment.partner_id).select_for_update().get(pk=appointment.pk)
    )
    if status not in (
        AppointmentStatus.ATTENDED,
        AppointmentStatus.DID_NOT_ATTEND,
        AppointmentStatus.CANCELLED,
    ):
        raise ValidationError({"status": "Record it as attended, did not attend or cancelled."})
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(
            {"status": f"This appointment is {appointment.get_status_display().lower()} already."}
        )
    case = _locked_case(appointment.case)
    appointment.status = status
    appointment.save(update_fields=["status"])
    if case.status == S.APPOINTMENT_BOOKED:
        others = (
            Appointment.objects.for_partner(case.partner_id)
            .filter(case=case, status=AppointmentStatus.BOOKED)
            .exists()
        )
        if status == AppointmentStatus.ATTENDED:
            move(case, S.ASSESSED)
        elif not others:
            move(case, S.TRIAGED)
        case.save(update_fields=["status"])
    _audit(
        actor, case, "appointment_recorded", appointment=appointment.pk, outcome=status, status=case.status
    )
    return appointment


@transaction.atomic
def case_close(*, actor: Any, case: Case) -> Case:
    authorise(actor, "wellbeing.manage_cases", case.partner_id)
    case = _locked_case(case)
    move(case, S.CLOSED)
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    _audit(actor, case, "case_closed", status=case.status)
    return case


@transaction.atomic
def adjustment_record_create(
    *, actor: Any, case: Case, what: str, starts_on: date, review_on: date | None = None
) -> AdjustmentRecord:
    """An adjustment record HR sees (what, from, review), in the employer's words: no clinical
    content. Its words stay out of the audit trail all the same."""
    authorise(actor, "wellbeing.manage_cases", case.partner_id)
    if review_on is not None and review_on < starts_on:
        raise ValidationError({"review_on": "The review is on or after the day the adjustment starts."})
    record = AdjustmentRecord.objects.create(
        case=case,
        partner_id=case.partner_id,
        employment_id=case.employment_id,
        what=_text(what, "what", "Say what the adjustment is.", 2000),
        starts_on=starts_on,
        review_on=review_on,
        created_by=user_of(actor) or case.opened_by,
    )
    _audit(actor, case, "adjustment_recorded", record=record.pk, starts_on=starts_on, review_on=review_on)
    return record
