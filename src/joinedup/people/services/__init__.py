"""Every change to people, employments, posts, splits, secondments, transfers and absence.

Each function is one transaction that checks permission on the partner concerned, validates
what the database cannot, writes, and records its audit event. Bank details never enter an
audit event in full.

The modules follow what changes together:

- ``persons``: a person's own record (identity, contact, address, bank);
- ``employments``: hiring, dated terms and their TUPE protection, leaving;
- ``establishment``: organisation units, posts (created, changed, ended) and post holdings;
- ``sharing``: cost splits and secondments, one employment shared with other partners;
- ``transfers``: TUPE transfers to a new employer;
- ``absence``: leave requests and decisions, sickness records, an employee cancelling their own;
- ``bank``: bank detail changes, asked for by one person and verified by a second;
- ``errors``: the field-error collector they all validate with.

Callers import from here (``from joinedup.people.services import employment_start``)."""

from joinedup.people.services.absence import (
    absence_cancel_own,
    absence_decide,
    absence_request,
    absence_request_own,
    sickness_record,
)
from joinedup.people.services.bank import bank_change_reject, bank_change_request, bank_change_verify
from joinedup.people.services.employments import (
    TERMS_FIELDS,
    Terms,
    clean_terms,
    employment_change_job,
    employment_change_terms,
    employment_end,
    employment_start,
    terms_on,
)
from joinedup.people.services.errors import Errors
from joinedup.people.services.establishment import (
    POST_FIELDS,
    org_unit_create,
    post_change,
    post_create,
    post_end,
    post_fill,
)
from joinedup.people.services.persons import PersonDetails, clean_person, person_update
from joinedup.people.services.sharing import (
    HUNDRED,
    cost_share_decide,
    cost_split_set,
    secondment_create,
    secondment_decide,
)
from joinedup.people.services.transfers import ONE_DAY, TransferResult, tupe_transfer

__all__ = [
    "HUNDRED",
    "ONE_DAY",
    "POST_FIELDS",
    "TERMS_FIELDS",
    "Errors",
    "PersonDetails",
    "Terms",
    "TransferResult",
    "absence_cancel_own",
    "absence_decide",
    "absence_request",
    "absence_request_own",
    "bank_change_reject",
    "bank_change_request",
    "bank_change_verify",
    "clean_person",
    "clean_terms",
    "cost_share_decide",
    "cost_split_set",
    "employment_change_job",
    "employment_change_terms",
    "employment_end",
    "employment_start",
    "org_unit_create",
    "person_update",
    "post_change",
    "post_create",
    "post_end",
    "post_fill",
    "secondment_create",
    "secondment_decide",
    "sickness_record",
    "terms_on",
    "tupe_transfer",
]
