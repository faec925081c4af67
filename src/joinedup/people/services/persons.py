"""A person's own record: identity, contact, address and bank details, held once however many
partners employ them. Bank details never enter an audit event in full."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import validators
from joinedup.partnership.permissions import has_permission
from joinedup.people import plausibility
from joinedup.people.models import Employment, Person
from joinedup.people.services.errors import Errors

BANK_FIELDS = frozenset({"bank_sort_code", "bank_account_number", "bank_account_name"})


@dataclass(frozen=True)
class PersonDetails:
    given_name: str
    family_name: str
    date_of_birth: date
    ni_number: str
    gender: str = ""
    email: str = ""
    phone: str = ""
    address_line1: str = ""
    address_line2: str = ""
    town: str = ""
    postcode: str = ""
    bank_sort_code: str = ""
    bank_account_number: str = ""
    bank_account_name: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""


def _person_summary(person: Person) -> dict[str, Any]:
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "ni_number": person.ni_number,
        "email": person.email,
        "phone": person.phone,
        "address_line1": person.address_line1,
        "address_line2": person.address_line2,
        "town": person.town,
        "postcode": person.postcode,
        "emergency_contact_name": person.emergency_contact_name,
        "emergency_contact_phone": person.emergency_contact_phone,
        "bank_account": person.masked_account,
    }


def clean_person(details: PersonDetails, errors: Errors) -> PersonDetails:
    given = details.given_name.strip()
    family = details.family_name.strip()
    if not given:
        errors.add("given_name", "Enter the given name.")
    if not family:
        errors.add("family_name", "Enter the family name.")
    problem = plausibility.birth_problem(details.date_of_birth, today=timezone.localdate())
    if problem:
        errors.add("date_of_birth", problem)
    ni = errors.check("ni_number", validators.ni_number, details.ni_number)
    if details.gender not in ("", "F", "M"):
        errors.add("gender", "Choose F or M, as HMRC records it.")
    postcode = (
        errors.check("postcode", validators.postcode, details.postcode) if details.postcode.strip() else ""
    )
    sort_code = details.bank_sort_code.strip()
    account = details.bank_account_number.strip()
    if sort_code or account:
        sort_code = errors.check("bank_sort_code", validators.sort_code, sort_code)
        account = errors.check("bank_account_number", validators.account_number, account)
    return replace(
        details,
        given_name=given,
        family_name=family,
        ni_number=ni,
        postcode=postcode,
        bank_sort_code=sort_code,
        bank_account_number=account,
    )


@transaction.atomic
def person_update(*, actor: Any, person: Person, changes: dict[str, str]) -> Person:
    """Change a person's contact or address details: their own, or as HR for a partner that
    employs them. Bank details change only through ``bank_change_request`` and a second
    person's ``bank_change_verify`` (people.services.bank)."""
    if BANK_FIELDS & set(changes):
        raise ValidationError(
            {
                name: "Bank details change only when a second person verifies the change."
                for name in sorted(BANK_FIELDS & set(changes))
            }
        )
    allowed = {
        "email",
        "phone",
        "address_line1",
        "address_line2",
        "town",
        "postcode",
        "bank_sort_code",
        "bank_account_number",
        "bank_account_name",
        "emergency_contact_name",
        "emergency_contact_phone",
    }
    employers = list(
        Employment.objects.unscoped(reason="which partners employ this person")
        .filter(person=person)
        .values_list("partner_id", flat=True)
    )
    is_self = person.user_id is not None and person.user_id == getattr(actor, "pk", None)
    if not is_self and not any(has_permission(actor, "people.change", pid) for pid in employers):
        raise PermissionDenied("You cannot change this person's details.")
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    if not changes:
        raise ValidationError("Nothing has changed.")
    errors = Errors()
    current = PersonDetails(**{f: getattr(person, f) for f in PersonDetails.__dataclass_fields__})
    cleaned = clean_person(replace(current, **changes), errors)  # type: ignore[arg-type]  # text fields only
    errors.raise_if_any()
    before = _person_summary(person)
    for name in changes:
        setattr(person, name, getattr(cleaned, name))
    person.save()
    after = _person_summary(person)
    for partner_id in sorted(set(employers)):
        record_event(
            actor=actor,
            partner=partner_id,
            action="person.updated",
            target=person,
            before={k: v for k, v in before.items() if before[k] != after[k]},
            after={k: v for k, v in after.items() if before[k] != after[k]},
        )
    return person
