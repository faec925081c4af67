"""Bank details: a change asked for by one person (the employee, or HR) takes effect only
when a second person — an HR or payroll officer of the partner, neither the requester nor the
person paid — verifies it. Redirecting pay is a known payroll fraud; until the change is
verified, payroll pays the account held (and the pay run's checks say so)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import validators
from joinedup.core.actors import is_system, user_of
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people.models import BankChangeStatus, BankDetailsChange, Employment, Person
from joinedup.people.services.errors import Errors


def _bank_summary(sort_code: str, account: str, name: str) -> dict[str, str]:
    """Bank details as the audit trail keeps them: enough to recognise, not to use."""
    return {
        "sort_code": f"{sort_code[:2]}-**-**" if sort_code else "",
        "bank_account": f"****{account[-4:]}" if account else "",
        "account_name": name,
    }


def _employers_of(person: Person) -> list[int]:
    return sorted(
        set(
            Employment.objects.unscoped(reason="which partners employ this person")
            .filter(person=person)
            .values_list("partner_id", flat=True)
        )
    )


@transaction.atomic
def bank_change_request(
    *,
    actor: Any,
    person: Person,
    partner: Partner,
    sort_code: str,
    account_number: str,
    account_name: str = "",
) -> BankDetailsChange:
    """Ask for a person's pay to go to a new account: the person themselves, or an HR officer
    of ``partner`` (which must employ them). Nothing changes until a second person verifies it;
    payroll keeps paying the old account meanwhile."""
    if is_system(actor):
        raise PermissionDenied(
            "A bank change is asked for by a person, so that a second person can check it."
        )
    employers = _employers_of(person)
    if partner.pk not in employers:
        raise PermissionDenied("This partner does not employ this person.")
    is_self = person.user_id is not None and person.user_id == actor.pk
    if not is_self:
        authorise(actor, "people.change", partner)
    errors = Errors()
    sort = errors.check("bank_sort_code", validators.sort_code, sort_code.strip())
    account = errors.check("bank_account_number", validators.account_number, account_number.strip())
    name = account_name.strip()
    if len(name) > 100:
        errors.add("bank_account_name", "The name on the account must be 100 characters or fewer.")
    errors.raise_if_any()
    if (sort, account) == (person.bank_sort_code, person.bank_account_number):
        raise ValidationError({"bank_account_number": "These are the bank details already held."})
    waiting = BankDetailsChange.objects.for_partners(employers).filter(
        person=person, status=BankChangeStatus.PENDING
    )
    if waiting.exists():
        raise ValidationError(
            {
                "bank_account_number": "A bank change is already waiting to be verified; it must be "
                "verified or rejected first."
            }
        )
    change = BankDetailsChange.objects.create(
        partner=partner,
        person=person,
        bank_sort_code=sort,
        bank_account_number=account,
        bank_account_name=name,
        requested_by=actor,
    )
    record_event(
        actor=actor,
        partner=partner,
        action="person.bank_change_requested",
        target=person,
        before=_bank_summary(person.bank_sort_code, person.bank_account_number, person.bank_account_name),
        after={**_bank_summary(sort, account, name), "change": change.pk},
    )
    return change


def _authorise_bank_decision(actor: Any, change: BankDetailsChange) -> None:
    if not is_system(actor) and change.person.user_id == actor.pk:
        raise PermissionDenied("Nobody can verify a change to their own bank details.")
    authorise(actor, "people.verify_bank_change", change.partner_id)
    if change.status != BankChangeStatus.PENDING:
        raise ValidationError({"status": f"This change is already {change.status}."})


@transaction.atomic
def bank_change_verify(*, actor: Any, change: BankDetailsChange) -> Person:
    """A second person — an HR or payroll officer of the partner, not the requester and not
    the person paid — confirms the change (having called the person on a number already held,
    say); the new account is paid from the next calculation."""
    if is_system(actor):
        raise PermissionDenied("A person must verify a bank change: the system cannot be the second person.")
    if change.requested_by_id == actor.pk:
        raise PermissionDenied("A second person must verify this change, not the person who asked for it.")
    _authorise_bank_decision(actor, change)
    person = change.person
    before = _bank_summary(person.bank_sort_code, person.bank_account_number, person.bank_account_name)
    person.bank_sort_code = change.bank_sort_code
    person.bank_account_number = change.bank_account_number
    person.bank_account_name = change.bank_account_name
    person.save(update_fields=["bank_sort_code", "bank_account_number", "bank_account_name"])
    change.status = BankChangeStatus.VERIFIED
    change.decided_by = user_of(actor)
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        partner=change.partner_id,
        action="person.bank_change_verified",
        target=person,
        before=before,
        after={
            **_bank_summary(person.bank_sort_code, person.bank_account_number, person.bank_account_name),
            "change": change.pk,
            "requested_by": change.requested_by.get_username(),
        },
    )
    return person


@transaction.atomic
def bank_change_reject(*, actor: Any, change: BankDetailsChange, note: str) -> BankDetailsChange:
    """An HR or payroll officer of the partner turns the change down (it could not be
    confirmed with the person, say); the account held stays as it is."""
    _authorise_bank_decision(actor, change)
    if not note.strip():
        raise ValidationError({"note": "Say why the change is rejected."})
    change.status = BankChangeStatus.REJECTED
    change.decided_by = user_of(actor)
    change.decided_at = timezone.now()
    change.note = note.strip()[:300]
    change.save(update_fields=["status", "decided_by", "decided_at", "note"])
    record_event(
        actor=actor,
        partner=change.partner_id,
        action="person.bank_change_rejected",
        target=change.person,
        before={"status": BankChangeStatus.PENDING, "change": change.pk},
        after={"status": change.status, "note": change.note},
    )
    return change
