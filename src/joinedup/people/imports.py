"""Bulk import of employments (with their people) and of posts, from CSV or XLSX.

All or nothing: the whole file is checked first — each cell, then across rows (the same
payroll number twice), then against the database (a payroll number already used, an NI
number held by someone with another date of birth, an unknown pay point) — and every
problem is reported by row, column and reason. Dates must be plausible (``plausibility``): born
in the past and within a century, of working age on the start date. Only a clean file is written, in one
transaction, in bulk, with one audit event for the import."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls, tabular, validators
from joinedup.core.failpoints import failpoint, failpoint_on_commit
from joinedup.core.tabular import Column, RowError, RowSpec
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise
from joinedup.people import plausibility
from joinedup.people.models import (
    ContractType,
    Employment,
    EmploymentTerms,
    OrgUnit,
    PayFrequency,
    PayPoint,
    PensionScheme,
    Person,
    Post,
    PostHolding,
    StarterDeclaration,
    TaxBasis,
    TermsScheme,
)
from joinedup.people.ni_categories import age_problem

BATCH = 2000
MAX_ROWS = 500_000
# The largest file an upload or a command accepts (about 170,000 employments as CSV): a bigger
# one is refused before it is read, with the advice to split it.
MAX_BYTES = 50 * 1024 * 1024


def check_size(size: int) -> None:
    """Refuse a file of ``size`` bytes over the limit (on ``file``), before anything reads it."""
    if size > MAX_BYTES:
        raise ValidationError(
            {
                "file": f"The selected file must be smaller than {MAX_BYTES // (1024 * 1024)} MB: "
                "split it into smaller files."
            }
        )


EMPLOYMENT_COLUMNS = RowSpec(
    [
        Column("payroll_number", tabular.text(max_length=20), example="WCC001234"),
        Column("given_name", tabular.text(max_length=100), example="Amelia"),
        Column("family_name", tabular.text(max_length=100), example="Jones"),
        Column("date_of_birth", tabular.iso_date(), example="1988-02-29"),
        Column("ni_number", validators.ni_number, example="QQ123456C"),
        Column("start_date", tabular.iso_date(), example="2024-04-01"),
        Column("scheme", tabular.text(max_length=30), example="njc", help="Terms-and-conditions scheme code"),
        Column("pay_point", tabular.text(max_length=30), example="SCP12"),
        Column("fte", tabular.decimal(places=4, min=Decimal("0.0001"), max=1), example="1.0"),
        Column("weekly_hours", tabular.decimal(places=2, min=Decimal("0.01"), max=168), example="37"),
        Column("continuous_service_date", tabular.iso_date(), required=False, help="Defaults to start_date"),
        Column("contract_type", tabular.choice(ContractType.values), required=False, default="permanent"),
        Column("pay_frequency", tabular.choice(PayFrequency.values), required=False, default="monthly"),
        Column("post_code", tabular.text(max_length=30), required=False, default=""),
        Column("tax_code", validators.tax_code, required=False, default=("1257L", False), example="1257L"),
        Column("tax_basis", tabular.choice(TaxBasis.values), required=False, default="cumulative"),
        Column("ni_category", validators.ni_category, required=False, default="A"),
        Column(
            "student_loan_plans", validators.student_loan_plans, required=False, default=(), example="2;PG"
        ),
        Column("pension_scheme", tabular.choice(PensionScheme.values), required=False, default="none"),
        Column("starter_declaration", tabular.choice(StarterDeclaration.values), required=False, default=""),
        Column("email", tabular.text(max_length=254), required=False, default=""),
        Column("phone", tabular.text(max_length=30), required=False, default=""),
        Column("address_line1", tabular.text(max_length=200), required=False, default=""),
        Column("address_line2", tabular.text(max_length=200), required=False, default=""),
        Column("town", tabular.text(max_length=100), required=False, default=""),
        Column("postcode", validators.postcode, required=False, default=""),
        Column("bank_sort_code", validators.sort_code, required=False, default=""),
        Column("bank_account_number", validators.account_number, required=False, default=""),
        Column("bank_account_name", tabular.text(max_length=100), required=False, default=""),
        Column("gender", tabular.choice(["F", "M"]), required=False, default="", help="As HMRC records it"),
    ]
)

POST_COLUMNS = RowSpec(
    [
        Column("code", tabular.text(max_length=30), example="WCC-HR-001"),
        Column("title", tabular.text(max_length=200), example="HR adviser"),
        Column("org_unit_code", tabular.text(max_length=30), example="HR"),
        Column("org_unit_name", tabular.text(max_length=200), required=False, default=""),
        Column("scheme", tabular.text(max_length=30), example="njc"),
        Column("grade_min", tabular.text(max_length=30), example="SCP12"),
        Column("grade_max", tabular.text(max_length=30), example="SCP17"),
        Column("budgeted_fte", tabular.decimal(places=4, min=0, max=1000), example="2.5"),
        Column("cost_centre", tabular.text(max_length=30), example="R1234"),
        Column("start_date", tabular.iso_date(), example="2024-04-01"),
        Column("funded", tabular.boolean(), required=False, default=True),
    ]
)


@dataclass
class ImportReport:
    kind: str
    filename: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            problems = f"{len(self.errors)} problem(s) in {self.rows} row(s) of {self.filename}"
            return f"{problems}; nothing was imported."
        made = ", ".join(f"{n} {what}" for what, n in self.created.items())
        verb = "would create" if self.dry_run else "created"
        return f"{self.rows} row(s) of {self.filename} are valid; {verb} {made}."


def _schemes() -> tuple[dict[str, TermsScheme], dict[tuple[int, str], PayPoint]]:
    schemes = {s.code: s for s in TermsScheme.objects.all()}
    points = {(p.scheme_id, p.code): p for p in PayPoint.objects.all()}
    return schemes, points


def _chunks(values: list[Any], size: int = 5000) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def import_employments(
    *,
    actor: Any,
    partner: Partner,
    source: bytes | IO[bytes],
    filename: str,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    authorise(actor, "people.change", partner)
    say = progress or (lambda _: None)
    data = source if isinstance(source, bytes) else source.read()
    say("Reading the file")
    parsed = tabular.read_rows(data, EMPLOYMENT_COLUMNS, filename=filename, max_rows=MAX_ROWS)
    report = ImportReport("employments", filename, rows=len(parsed.rows), dry_run=dry_run)
    say(f"Checking {len(parsed.rows)} rows")
    schemes, points = _schemes()
    posts = {p.code: p for p in Post.objects.for_partner(partner)}
    used = set(Employment.objects.for_partner(partner).values_list("payroll_number", flat=True))
    seen_payroll: dict[str, int] = {}
    seen_ni: dict[str, tuple[int, date]] = {}
    today = timezone.localdate()
    for number, row in parsed.numbered():
        payroll = row.get("payroll_number")
        if payroll is not None:
            if payroll in used:
                parsed.add_error(
                    number, "payroll_number", f"{partner.name} already uses this payroll number", payroll
                )
            elif payroll in seen_payroll:
                parsed.add_error(number, "payroll_number", f"Also on row {seen_payroll[payroll]}", payroll)
            seen_payroll.setdefault(payroll, number)
        ni, born = row.get("ni_number"), row.get("date_of_birth")
        birth = plausibility.birth_problem(born, today=today) if born is not None else None
        if birth:
            parsed.add_error(number, "date_of_birth", birth, born)
        start = row.get("start_date")
        if born is not None and start is not None and not birth:
            starting = plausibility.start_problem(born, start)
            if starting:
                parsed.add_error(number, "start_date", starting, start)
        if ni is not None and born is not None:
            first = seen_ni.setdefault(ni, (number, born))
            if first[1] != born:
                parsed.add_error(
                    number,
                    "date_of_birth",
                    f"Row {first[0]} has this NI number with another date of birth",
                    born,
                )
        scheme = schemes.get(row.get("scheme", ""))
        if "scheme" in row and scheme is None:
            parsed.add_error(number, "scheme", "No terms-and-conditions scheme with this code", row["scheme"])
        if scheme is not None and "pay_point" in row and (scheme.pk, row["pay_point"]) not in points:
            parsed.add_error(number, "pay_point", f"Not a point on the {scheme.name} scale", row["pay_point"])
        post_code = row.get("post_code")
        if post_code and post_code not in posts:
            parsed.add_error(number, "post_code", f"{partner.name} has no post with this code", post_code)
        category, start_on = row.get("ni_category"), row.get("start_date")
        if category is not None and born is not None and start_on is not None:
            problem = age_problem(category, born, start_on)
            if problem is not None:
                parsed.add_error(number, "ni_category", problem, category)
        service, start = row.get("continuous_service_date"), row.get("start_date")
        if service is not None and start is not None and service > start:
            parsed.add_error(
                number, "continuous_service_date", "Continuous service cannot start after the job", service
            )
    known = _known_people([ni for ni in seen_ni])
    for ni, (number, born) in seen_ni.items():
        person = known.get(ni)
        if person is not None and person[1] != born:
            parsed.add_error(number, "ni_number", "This NI number is held by someone else. Check it.", ni)
    report.errors = parsed.errors
    if not report.ok:
        return report
    new_people = sum(1 for ni in seen_ni if ni not in known)
    report.created = {"people": new_people, "employments": len(parsed.rows)}
    if dry_run:
        return report
    failpoint("import.checked")
    say("Writing")
    with transaction.atomic():
        _write_employments(actor, partner, parsed.rows, known, schemes, points, posts, data, filename, say)
        failpoint("import.recorded")
        failpoint_on_commit("import.committed")
    return report


def _known_people(ni_numbers: list[str]) -> dict[str, tuple[int, date]]:
    known: dict[str, tuple[int, date]] = {}
    people = Person.objects.unscoped(reason="match imported rows to people by NI number")
    with rls.system_context(MATCHING):
        return _match(people, ni_numbers, known)


# People are matched across every partner by NI number, and a new person row comes before the
# employment that would make it the importing partner's: both look past the caller's partners.
MATCHING = "import: match imported rows to people by NI number"
CREATING = "import: create the people of new employments before the employments"


def _match(
    people: Any, ni_numbers: list[str], known: dict[str, tuple[int, date]]
) -> dict[str, tuple[int, date]]:
    for chunk in _chunks(ni_numbers):
        for pk, ni, born in people.filter(ni_number__in=chunk).values_list(
            "pk", "ni_number", "date_of_birth"
        ):
            known[ni] = (pk, born)
    return known


_PERSON_FIELDS = [
    "given_name",
    "family_name",
    "date_of_birth",
    "ni_number",
    "gender",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "bank_sort_code",
    "bank_account_number",
    "bank_account_name",
]


def _write_employments(
    actor: Any,
    partner: Partner,
    rows: list[dict[str, Any]],
    known: dict[str, tuple[int, date]],
    schemes: dict[str, TermsScheme],
    points: dict[tuple[int, str], PayPoint],
    posts: dict[str, Post],
    data: bytes,
    filename: str,
    say: Callable[[str], None],
) -> None:
    # Foreign keys are set by id (``partner_id=``, not ``partner=``) throughout: the same rows,
    # without the per-object descriptor and related-instance checks (about a tenth of the writes).
    person_ids = {ni: pk for ni, (pk, _) in known.items()}
    fresh: list[Person] = []
    for row in rows:
        if row["ni_number"] not in person_ids and all(p.ni_number != row["ni_number"] for p in fresh[-1:]):
            person = Person(**{name: row[name] for name in _PERSON_FIELDS})
            person.search_name = Person.make_search_name(person.given_name, person.family_name)
            person_ids[row["ni_number"]] = 0  # placeholder until the bulk insert gives the id
            fresh.append(person)
    say(f"  {len(fresh)} new people")
    with rls.system_context(CREATING):
        for created in _bulk(Person, fresh):
            person_ids[created.ni_number] = created.pk
    failpoint("import.people_written")
    employments = [
        Employment(
            partner_id=partner.pk,
            person_id=person_ids[row["ni_number"]],
            payroll_number=row["payroll_number"],
            start_date=row["start_date"],
            continuous_service_date=row["continuous_service_date"] or row["start_date"],
            pay_frequency=row["pay_frequency"],
        )
        for row in rows
    ]
    say(f"  {len(employments)} employments")
    employments = _bulk(Employment, employments)
    failpoint("import.employments_written")
    terms: list[EmploymentTerms] = []
    holdings: list[PostHolding] = []
    for row, employment in zip(rows, employments, strict=True):
        scheme = schemes[row["scheme"]]
        code, emergency = row["tax_code"]
        terms.append(
            EmploymentTerms(
                partner_id=partner.pk,
                employment_id=employment.pk,
                effective_from=row["start_date"],
                contract_type=row["contract_type"],
                fte=row["fte"],
                weekly_hours=row["weekly_hours"],
                scheme_id=scheme.pk,
                pay_point_id=points[(scheme.pk, row["pay_point"])].pk,
                tax_code=code,
                tax_basis=TaxBasis.WEEK1_MONTH1 if emergency else row["tax_basis"],
                ni_category=row["ni_category"],
                student_loan_plans=";".join(row["student_loan_plans"]),
                pension_scheme=row["pension_scheme"],
                starter_declaration=row["starter_declaration"],
                reason="Imported",
            )
        )
        if row["post_code"]:
            holdings.append(
                PostHolding(
                    partner_id=partner.pk,
                    post_id=posts[row["post_code"]].pk,
                    employment_id=employment.pk,
                    fte=row["fte"],
                    start_date=row["start_date"],
                )
            )
    say(f"  {len(terms)} sets of terms, {len(holdings)} post holdings")
    _bulk(EmploymentTerms, terms)
    _bulk(PostHolding, holdings)
    failpoint("import.terms_written")
    say("  the audit event")
    record_event(
        actor=actor,
        partner=partner,
        action="employment.imported",
        object_type="people.import",
        after={
            "file": filename,
            "sha256": hashlib.sha256(data).hexdigest(),
            "rows": len(rows),
            "new_people": len(fresh),
        },
    )


def _bulk(model: Any, objects: list[Any]) -> list[Any]:
    if not objects:
        return []
    created = model.objects.bulk_create(objects, batch_size=BATCH)
    if created[0].pk is None:  # pragma: no cover - every supported backend returns ids
        raise RuntimeError(f"The database did not return ids for {model.__name__}.")
    return list(created)


def import_posts(
    *,
    actor: Any,
    partner: Partner,
    source: bytes | IO[bytes],
    filename: str,
    dry_run: bool = False,
) -> ImportReport:
    authorise(actor, "people.change", partner)
    data = source if isinstance(source, bytes) else source.read()
    parsed = tabular.read_rows(data, POST_COLUMNS, filename=filename, max_rows=MAX_ROWS)
    report = ImportReport("posts", filename, rows=len(parsed.rows), dry_run=dry_run)
    schemes, points = _schemes()
    existing = set(Post.objects.for_partner(partner).values_list("code", flat=True))
    units = {u.code: u for u in OrgUnit.objects.for_partner(partner)}
    seen: dict[str, int] = {}
    new_units: dict[str, str] = {}
    for number, row in parsed.numbered():
        code = row.get("code")
        if code is not None:
            if code in existing:
                parsed.add_error(number, "code", f"{partner.name} already has this post", code)
            elif code in seen:
                parsed.add_error(number, "code", f"Also on row {seen[code]}", code)
            seen.setdefault(code, number)
        unit = row.get("org_unit_code")
        if unit is not None and unit not in units and unit not in new_units:
            if not row.get("org_unit_name"):
                parsed.add_error(number, "org_unit_name", "New unit: give its name", "")
            else:
                new_units[unit] = row["org_unit_name"]
        scheme = schemes.get(row.get("scheme", ""))
        if "scheme" in row and scheme is None:
            parsed.add_error(number, "scheme", "No terms-and-conditions scheme with this code", row["scheme"])
            continue
        if scheme is None:
            continue
        low, high = (
            points.get((scheme.pk, row.get("grade_min", ""))),
            points.get((scheme.pk, row.get("grade_max", ""))),
        )
        for name, point in (("grade_min", low), ("grade_max", high)):
            if name in row and point is None:
                parsed.add_error(number, name, f"Not a point on the {scheme.name} scale", row[name])
        if low is not None and high is not None and low.sort > high.sort:
            parsed.add_error(
                number, "grade_max", "The top of the grade is below its bottom", row["grade_max"]
            )
    report.errors = parsed.errors
    if not report.ok:
        return report
    report.created = {"org units": len(new_units), "posts": len(parsed.rows)}
    if dry_run:
        return report
    with transaction.atomic():
        for created in _bulk(
            OrgUnit, [OrgUnit(partner=partner, code=c, name=n) for c, n in new_units.items()]
        ):
            units[created.code] = created
        _bulk(
            Post,
            [
                Post(
                    partner=partner,
                    code=row["code"],
                    title=row["title"],
                    org_unit=units[row["org_unit_code"]],
                    scheme=schemes[row["scheme"]],
                    grade_min=points[(schemes[row["scheme"]].pk, row["grade_min"])],
                    grade_max=points[(schemes[row["scheme"]].pk, row["grade_max"])],
                    budgeted_fte=row["budgeted_fte"],
                    cost_centre=row["cost_centre"],
                    funded=row["funded"],
                    start_date=row["start_date"],
                )
                for row in parsed.rows
            ],
        )
        record_event(
            actor=actor,
            partner=partner,
            action="post.imported",
            object_type="people.import",
            after={
                "file": filename,
                "sha256": hashlib.sha256(data).hexdigest(),
                "rows": len(parsed.rows),
                "new_units": len(new_units),
            },
        )
    return report
