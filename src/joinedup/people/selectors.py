"""Reads of people data, always through the partners the user may see.

A person is visible to a user who holds ``people.view`` on a partner that employs them (or
hosts their secondment), and to the person themselves. Employments are visible only to
their own employer's staff: each partner sees only its own employment of a shared person."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from joinedup.core import rls
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, partner_ids_with
from joinedup.people.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    BankChangeStatus,
    BankDetailsChange,
    ChargeStatus,
    CostSplit,
    CostSplitShare,
    Employment,
    EmploymentTerms,
    OrgUnit,
    Person,
    Post,
    PostHolding,
    Secondment,
    TupeTransfer,
    TupeTransferItem,
)
from joinedup.people.rules import complete_years, leave_year_start, prorate_leave

_NI_LIKE = re.compile(r"^[A-Za-z]{2}\s*\d{2}\s*\d{2}\s*\d{2}\s*[A-Da-d]?$")
# Sorts after every character a name can hold, to turn a prefix into an indexable range.
_HIGH = "\U0010ffff"


def _user_id(user: Any) -> int:
    """The user's id, or 0 (no row has it) for an anonymous user."""
    return int(user.pk) if getattr(user, "is_authenticated", False) and user.pk else 0


def _viewable(user: Any, partner_ids: list[int] | None = None) -> list[int]:
    ids = partner_ids_with(user, "people.view")
    return [pid for pid in ids if pid in partner_ids] if partner_ids is not None else ids


@dataclass
class SearchHit:
    person: Person
    employments: list[Employment] = field(default_factory=list)


MIN_SEARCH_LENGTH = 2


def _searched(text: str) -> str:
    return " ".join(text.split())


def _match_queries(
    employments: QuerySet[Employment], ids: list[int], text: str
) -> list[QuerySet[Employment]]:
    """The employments matching ``text`` each way a search reads it, one query per way, each
    walking an index: the NI number, the payroll number, the name, and the post held."""
    queries: list[QuerySet[Employment]] = []
    if _NI_LIKE.match(text):
        # Stored NI numbers are normalised (9 characters, suffix A-D), so "starts with" is
        # one of at most four whole numbers: an index lookup, where LIKE 'QQ123456%' would
        # read every person on SQLite (its LIKE ignores case, so it cannot use the index).
        ni = text.replace(" ", "").upper()
        whole = [ni] if len(ni) == 9 else [ni + suffix for suffix in "ABCD"]
        queries.append(employments.filter(person__ni_number__in=whole))
    queries.append(employments.filter(payroll_number=text.upper()))
    if text != text.upper():
        queries.append(employments.filter(payroll_number=text))
    folded = text.casefold()
    # "lovelace a" is a prefix of the stored "family given"; "ada lov" is a given name and
    # the start of a family name: scan the family-name range, then check the given name.
    queries.append(
        employments.filter(person__search_name__gte=folded, person__search_name__lt=folded + _HIGH).order_by(
            "person__search_name", "partner_id"
        )
    )
    tokens = folded.split(" ")
    if len(tokens) > 1:
        family, given = tokens[-1], " ".join(tokens[:-1])
        queries.append(
            employments.filter(
                person__search_name__gte=family,
                person__search_name__lt=family + _HIGH,
                person__given_name__istartswith=given,
            ).order_by("person__search_name", "partner_id")
        )
    # The posts first (a few thousand titles to read), then their holders through the
    # (partner, post) index: checking the title of every holding's post read them all.
    posts = Post.objects.for_partners(ids).filter(title__icontains=text)
    holdings = PostHolding.objects.for_partners(ids).filter(
        post__in=posts.values("pk"), end_date__isnull=True
    )
    queries.append(employments.filter(pk__in=holdings.values("employment_id")))
    return queries


def people_search(
    user: Any, *, q: str, partner_ids: list[int] | None = None, limit: int = 50
) -> list[SearchHit]:
    """People matching a name prefix ("smi", "smith jo", "jo smith"), an NI number, a payroll
    number or the title of a post they hold, across the partners where the user holds
    ``people.view``: at most ``limit``. Each query below walks an index, so the search stays
    fast at hundreds of thousands of people. A page that must count them all and page through
    them uses ``people_matching``."""
    ids = _viewable(user, partner_ids)
    text = _searched(q)
    if not ids or len(text) < MIN_SEARCH_LENGTH:
        return []
    # Bank details are encrypted: decrypting them for every hit would cost more than the
    # search itself, and no list of hits shows them.
    employments = (
        Employment.objects.for_partners(ids)
        .select_related("person", "partner")
        .defer("person__bank_sort_code", "person__bank_account_number")
    )
    matches: list[Employment] = []
    for query in _match_queries(employments, ids, text):
        if len(matches) >= limit:
            break
        matches += query[:limit]
    hits: dict[int, SearchHit] = {}
    for employment in matches:
        hit = hits.setdefault(employment.person_id, SearchHit(employment.person))
        if all(e.pk != employment.pk for e in hit.employments):
            hit.employments.append(employment)
    return list(hits.values())[:limit]


# The search page counts matches up to this many and then says "more than": counting every
# match of a broad search ("smith", "officer") read the whole population each time.
SEARCH_COUNT_CAP = 1000


def people_matching_ids(
    user: Any, *, q: str, partner_ids: list[int] | None = None, cap: int = SEARCH_COUNT_CAP
) -> list[int]:
    """The ids of the first ``cap + 1`` people ``people_matching`` finds, in its order (by
    name, then id): one more than ``cap`` says there are more. Each way of reading the search
    walks its own index and stops at ``cap + 1`` people; the first ``cap + 1`` of them all are
    then exact, since each of those is among the first ``cap + 1`` of the way that found it."""
    ids = _viewable(user, partner_ids)
    text = _searched(q)
    if not ids or len(text) < MIN_SEARCH_LENGTH:
        return []
    found: set[tuple[str, int]] = set()
    for query in _match_queries(Employment.objects.for_partners(ids), ids, text):
        found.update(
            query.order_by("person__search_name", "person_id")
            .values_list("person__search_name", "person_id")
            .distinct()[: cap + 1]
        )
    return [pk for _name, pk in sorted(found)[: cap + 1]]


def people_in_order(
    user: Any, person_ids: list[int], *, partner_ids: list[int] | None = None
) -> list[Person]:
    """The people of ``person_ids`` the user may see, in that order (a page of search hits)."""
    ids = _viewable(user, partner_ids)
    if not ids or not person_ids:
        return []
    found = (
        Person.objects.for_partners(ids)
        .filter(pk__in=person_ids)
        .defer("bank_sort_code", "bank_account_number")
        .in_bulk()
    )
    return [found[pk] for pk in person_ids if pk in found]


def people_matching(user: Any, *, q: str, partner_ids: list[int] | None = None) -> QuerySet[Person]:
    """Every person ``people_search`` would find for ``q`` with no limit, by name: a query to
    count and page through. None for a search shorter than ``MIN_SEARCH_LENGTH``."""
    ids = _viewable(user, partner_ids)
    text = _searched(q)
    if not ids or len(text) < MIN_SEARCH_LENGTH:
        return Person.objects.none()
    employments = Employment.objects.for_partners(ids)
    matched = Q()
    for query in _match_queries(employments, ids, text):
        matched |= Q(pk__in=query.order_by().values("person_id"))
    return (
        Person.objects.for_partners(ids)
        .filter(matched)
        .defer("bank_sort_code", "bank_account_number")
        .order_by("search_name", "pk")
    )


def search_hits(user: Any, people: Any, *, partner_ids: list[int] | None = None) -> list[SearchHit]:
    """Each of ``people`` (a page of ``people_matching``) with the employments the user may see."""
    people = list(people)
    by_person = {p.pk: SearchHit(p) for p in people}
    employments = (
        Employment.objects.for_partners(_viewable(user, partner_ids))
        .filter(person_id__in=list(by_person))
        .select_related("partner")
        .order_by("partner__code", "payroll_number")
    )
    for employment in employments:
        by_person[employment.person_id].employments.append(employment)
    return [by_person[p.pk] for p in people]


def search_examples(user: Any) -> list[str]:
    """Searches that find someone the user may see, for the search box's hint: a family name,
    a given and family name, a payroll number and a post title, all of one current employee."""
    ids = _viewable(user)
    # The first current employment by payroll number at each partner walks that partner's
    # (partner, payroll number) index and stops; ordering every current holding of every
    # partner by payroll number read them all (40 ms at 100,000 employees).
    holds_a_post = Exists(
        PostHolding.objects.for_partners(ids).filter(employment_id=OuterRef("pk"), end_date__isnull=True)
    )
    firsts = [
        Employment.objects.for_partner(pid)
        .filter(holds_a_post, end_date__isnull=True)
        .only("pk", "partner_id", "payroll_number")
        .order_by("payroll_number")
        .first()
        for pid in ids
    ]
    employment = min((e for e in firsts if e is not None), key=lambda e: e.payroll_number, default=None)
    holding = (
        PostHolding.objects.for_partner(employment.partner_id)
        .filter(employment=employment, end_date__isnull=True)
        .select_related("employment__person", "post")
        .order_by("pk")
        .first()
        if employment is not None
        else None
    )
    if holding is None:
        return []
    person = holding.employment.person
    return [
        person.family_name.lower(),
        f"{person.given_name} {person.family_name}".lower(),
        holding.employment.payroll_number,
        holding.post.title.lower(),
    ]


def person_for(user: Any, *, person_id: int) -> Person:
    """The person if the user may see them (through a partner, or as themselves); else 404."""
    ids = _viewable(user)
    person = Person.objects.for_partners(ids).filter(pk=person_id).first() if ids else None
    if person is None:
        own = getattr(user, "person", None) if user.is_authenticated else None
        if own is not None and own.pk == person_id:
            return own  # type: ignore[no-any-return]
        raise Http404("No such person.")
    return person


def employments_of(user: Any, person: Person) -> QuerySet[Employment]:
    """The person's employments with the partners where the user holds ``people.view``
    (or all of them, to the person themselves)."""
    if _user_id(user) is not None and person.user_id == user.pk:
        return Employment.objects.unscoped(reason="a person sees all their own employments").filter(
            person=person
        )
    return Employment.objects.for_partners(_viewable(user)).filter(person=person).select_related("partner")


def employment_for(user: Any, *, employment_id: int) -> Employment:
    ids = _viewable(user)
    employment = (
        Employment.objects.for_partners(ids)
        .select_related("person", "partner")
        .filter(pk=employment_id)
        .first()
    )
    if employment is None:
        own = Employment.objects.unscoped(reason="an employee reads their own employment").filter(
            pk=employment_id, person__user_id=_user_id(user)
        )
        employment = own.select_related("person", "partner").first()
    if employment is None:
        raise Http404("No such employment.")
    return employment


def terms_history(employment: Employment) -> QuerySet[EmploymentTerms]:
    return (
        EmploymentTerms.objects.for_partner(employment.partner_id)
        .filter(employment=employment)
        .select_related("scheme", "pay_point", "line_manager__person")
        .order_by("effective_from")
    )


def terms_as_at(employment: Employment, on: date) -> EmploymentTerms | None:
    """The terms in force on ``on`` — the record as it was on that date."""
    return terms_history(employment).filter(effective_from__lte=on).order_by("-effective_from").first()


def org_units_for(user: Any, *, partner: Partner) -> QuerySet[OrgUnit]:
    authorise(user, "people.view", partner)
    return OrgUnit.objects.for_partner(partner).select_related("parent")


def posts_for(user: Any, *, partner: Partner) -> QuerySet[Post]:
    authorise(user, "people.view", partner)
    return Post.objects.for_partner(partner).select_related("org_unit", "scheme", "grade_min", "grade_max")


def post_for(user: Any, *, post_id: int) -> Post:
    post = posts_for_any(user).filter(pk=post_id).first()
    if post is None:
        raise Http404("No such post.")
    return post


def posts_for_any(user: Any) -> QuerySet[Post]:
    return Post.objects.for_partners(_viewable(user)).select_related(
        "org_unit", "scheme", "grade_min", "grade_max"
    )


@dataclass(frozen=True)
class EstablishmentLine:
    post: Post
    filled_fte: Decimal

    @property
    def vacant_fte(self) -> Decimal:
        return max(self.post.budgeted_fte - self.filled_fte, Decimal(0))

    @property
    def status(self) -> str:
        if self.filled_fte == 0:
            return "vacant"
        return (
            "over"
            if self.filled_fte > self.post.budgeted_fte
            else ("filled" if self.vacant_fte == 0 else "part filled")
        )


def establishment(user: Any, *, partner: Partner, on: date | None = None) -> list[EstablishmentLine]:
    """Each post with the FTE filling it on ``on``, against its budget."""
    on = on or timezone.localdate()
    posts = (
        posts_for(user, partner=partner)
        .filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    )
    filled = dict(
        PostHolding.objects.for_partner(partner)
        .filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values("post_id")
        .annotate(total=Sum("fte"))
        .values_list("post_id", "total")
    )
    fte_places = Decimal("0.0001")
    return [
        EstablishmentLine(post, (filled.get(post.pk) or Decimal(0)).quantize(fte_places)) for post in posts
    ]


FILL_STATUSES = [("vacant", "Vacant"), ("part filled", "Part filled"), ("filled", "Filled"), ("over", "Over")]


def establishment_posts(user: Any, *, partner: Partner, on: date | None = None) -> QuerySet[Post]:
    """``establishment`` as a query, for a list to filter, sort and page: each post in being on
    ``on`` with its ``filled_fte`` and ``fill_status`` (as ``EstablishmentLine.status``)."""
    on = on or timezone.localdate()
    held = (
        PostHolding.objects.for_partner(partner)
        .filter(post=OuterRef("pk"), start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by()
        .values("post")
        .annotate(total=Sum("fte"))
        .values("total")
    )
    fte: DecimalField[Decimal, Decimal] = DecimalField(max_digits=9, decimal_places=4)
    return (
        posts_for(user, partner=partner)
        .filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .annotate(filled_fte=Coalesce(Subquery(held, output_field=fte), Value(Decimal(0)), output_field=fte))
        .annotate(
            fill_status=Case(
                When(filled_fte=0, then=Value("vacant")),
                When(filled_fte__gt=F("budgeted_fte"), then=Value("over")),
                When(filled_fte=F("budgeted_fte"), then=Value("filled")),
                default=Value("part filled"),
                output_field=CharField(),
            )
        )
    )


def establishment_by_unit(
    user: Any, *, partner: Partner, on: date | None = None
) -> dict[str, tuple[Decimal, Decimal]]:
    """Budgeted FTE and FTE in post on ``on`` per organisation unit's name: the sums of
    ``establishment``'s lines, added up by the database (two grouped queries), so a chart of
    thousands of posts reads a row a unit."""
    on = on or timezone.localdate()
    posts = (
        posts_for(user, partner=partner)
        .filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by()
    )
    budgeted = posts.values("org_unit__name").annotate(total=Sum("budgeted_fte"))
    filled = dict(
        PostHolding.objects.for_partner(partner)
        .filter(post__in=posts.values("pk"), start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by()
        .values("post__org_unit__name")
        .annotate(total=Sum("fte"))
        .values_list("post__org_unit__name", "total")
    )
    fte_places = Decimal("0.0001")
    return {
        row["org_unit__name"]: (
            (row["total"] or Decimal(0)).quantize(fte_places),
            (filled.get(row["org_unit__name"]) or Decimal(0)).quantize(fte_places),
        )
        for row in budgeted
    }


@dataclass(frozen=True)
class EstablishmentTotals:
    budgeted: Decimal
    filled: Decimal
    vacant_posts: int


def establishment_totals(lines: list[EstablishmentLine]) -> EstablishmentTotals:
    """The establishment's budgeted and filled FTE, and how many posts nobody fills."""
    return EstablishmentTotals(
        budgeted=sum((ln.post.budgeted_fte for ln in lines), start=Decimal(0)),
        filled=sum((ln.filled_fte for ln in lines), start=Decimal(0)),
        vacant_posts=sum(1 for ln in lines if ln.status == "vacant"),
    )


def cost_splits_of(employment: Employment) -> QuerySet[CostSplit]:
    return (
        CostSplit.objects.for_partner(employment.partner_id)
        .filter(employment=employment)
        .prefetch_related("shares__charged_partner")
        .order_by("effective_from")
    )


def secondments_for(user: Any, *, partner: Partner) -> QuerySet[Secondment]:
    """Secondments out of and into the partner. A host sees who is seconded and when, not
    their pay."""
    authorise(user, "people.view", partner)
    return Secondment.objects.for_partner(partner).select_related(
        "employment__person", "host_partner", "partner"
    )


def secondment_for(user: Any, *, secondment_id: int) -> Secondment:
    found = Secondment.objects.for_partners(_viewable(user)).filter(pk=secondment_id)
    secondment = found.select_related("employment__person", "host_partner", "partner").first()
    if secondment is None:
        raise Http404("No such secondment.")
    return secondment


def transfers_for(user: Any, *, partner: Partner) -> QuerySet[TupeTransfer]:
    authorise(user, "people.view", partner)
    return TupeTransfer.objects.for_partner(partner).select_related("partner", "to_partner")


def transfer_for(user: Any, *, transfer_id: int) -> TupeTransfer:
    transfer = TupeTransfer.objects.for_partners(_viewable(user)).filter(pk=transfer_id).first()
    if transfer is None:
        raise Http404("No such transfer.")
    return transfer


def absences_for(user: Any, *, partner: Partner) -> QuerySet[Absence]:
    authorise(user, "people.view", partner)
    return Absence.objects.for_partner(partner).select_related("employment__person")


def absence_for(user: Any, *, absence_id: int) -> Absence:
    absence = Absence.objects.for_partners(_viewable(user)).filter(pk=absence_id).first()
    if absence is None:
        own = Absence.objects.unscoped(reason="an employee reads their own absence").filter(
            pk=absence_id, employment__person__user_id=_user_id(user)
        )
        absence = own.first()
    if absence is None:
        raise Http404("No such absence.")
    return absence


def team_of(user: Any, *, on: date | None = None) -> list[Employment]:
    """Employments whose terms in force name one of the user's employments as line manager."""
    on = on or timezone.localdate()
    mine = Employment.objects.unscoped(reason="the user's own employments").filter(
        person__user_id=_user_id(user)
    )
    team: list[Employment] = []
    for manager in mine:
        reports = (
            EmploymentTerms.objects.for_partner(manager.partner_id)
            .filter(line_manager=manager, effective_from__lte=on)
            .select_related("employment__person")
        )
        for terms in reports:
            current = terms_as_at(terms.employment, on)
            in_team = current is not None and current.line_manager_id == manager.pk
            listed = any(e.pk == terms.employment_id for e in team)
            if in_team and not listed and terms.employment.is_active_on(on):
                team.append(terms.employment)
    return team


def pending_requests_for_manager(user: Any) -> list[Absence]:
    team = team_of(user)
    return [
        a
        for e in team
        for a in Absence.objects.for_partner(e.partner_id).filter(
            employment=e, status=AbsenceStatus.REQUESTED
        )
    ]


@dataclass(frozen=True)
class LeaveBalance:
    year_start: date
    entitlement: Decimal
    taken_or_booked: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.entitlement - self.taken_or_booked


def leave_balance(employment: Employment, *, on: date) -> LeaveBalance:
    """Annual leave for the leave year containing ``on``: the scheme's days for the
    employee's complete years of continuous service at the start of the year, pro rata to
    FTE, less leave approved or awaiting a decision."""
    year_start = leave_year_start(on)
    terms = terms_as_at(employment, max(year_start, employment.start_date)) or terms_as_at(employment, on)
    if terms is None:
        return LeaveBalance(year_start, Decimal(0), Decimal(0))
    years = complete_years(employment.continuous_service_date, year_start)
    entitlement = prorate_leave(terms.scheme.leave_days(years), terms.fte)
    used = (
        Absence.objects.for_partner(employment.partner_id)
        .filter(
            employment=employment,
            kind=AbsenceKind.ANNUAL_LEAVE,
            status__in=[AbsenceStatus.REQUESTED, AbsenceStatus.APPROVED],
            start_date__gte=year_start,
            start_date__lt=year_start.replace(year=year_start.year + 1),
        )
        .aggregate(total=Sum("working_days"))["total"]
    )
    return LeaveBalance(year_start, entitlement, used or Decimal(0))


# --- reads for the change forms -------------------------------------------------------------


def partner_to_change(user: Any, *, partner: Partner | None) -> Partner:
    """The partner whose people the user is about to change: 404 without one, PermissionDenied
    without ``people.change`` on it."""
    if partner is None:
        raise Http404("You hold no role on any partner.")
    authorise(user, "people.change", partner)
    return partner


def employment_to_change(user: Any, *, employment_id: int) -> Employment:
    """The employment, if the user may see it (else 404) and change it (else PermissionDenied)."""
    employment = employment_for(user, employment_id=employment_id)
    authorise(user, "people.change", employment.partner_id)
    return employment


def employment_for_team_or_staff(user: Any, *, employment_id: int) -> Employment:
    """An employment the user manages today, or one they may see through ``people.view``;
    404 otherwise. Whether they may act on it is the service's decision."""
    for employment in team_of(user):
        if employment.pk == employment_id:
            return employment
    return employment_for(user, employment_id=employment_id)


def transfer_destinations(user: Any, *, partner: Partner) -> QuerySet[Partner]:
    """Active partners, other than ``partner``, where the user holds ``people.change``: where
    they may move staff to under TUPE."""
    ids = [pid for pid in partner_ids_with(user, "people.change") if pid != partner.pk]
    return Partner.objects.filter(pk__in=ids, active=True).order_by("name")


def transfer_candidates(
    user: Any, *, partner: Partner, payroll_prefix: str = "", org_unit_id: int | None = None
) -> QuerySet[Employment]:
    """The partner's open employments (no end date), by payroll number: those a TUPE transfer
    can move. Optionally only payroll numbers starting ``payroll_prefix`` (as typed or in
    capitals), or only those holding a post in org unit ``org_unit_id`` now."""
    authorise(user, "people.change", partner)
    found = Employment.objects.for_partner(partner).filter(end_date__isnull=True)
    prefix = payroll_prefix.strip()
    if prefix:
        found = found.filter(
            Q(payroll_number__startswith=prefix) | Q(payroll_number__startswith=prefix.upper())
        )
    if org_unit_id is not None:
        holding = PostHolding.objects.for_partner(partner).filter(
            end_date__isnull=True, post__org_unit_id=org_unit_id
        )
        found = found.filter(pk__in=holding.values("employment_id"))
    return found.select_related("person").order_by("payroll_number")


def current_posts(employments: list[Employment]) -> dict[int, Post]:
    """The post each employment holds now (its open holding), by employment id."""
    if not employments:
        return {}
    partner_ids = sorted({e.partner_id for e in employments})
    holdings = (
        PostHolding.objects.for_partners(partner_ids)
        .filter(employment_id__in=[e.pk for e in employments], end_date__isnull=True)
        .select_related("post")
        .order_by("start_date")
    )
    return {h.employment_id: h.post for h in holdings}


def transfer_items(transfer: TupeTransfer) -> list[TupeTransferItem]:
    """Who moved in a transfer (``TupeTransferItem`` s), old employment to new, by payroll
    number. The items belong to the transferor, but both partners see them, and each item's
    two employments: one side's rows are the other partner's, so past ``transfer_for``'s
    check they are read in a named context."""
    with rls.system_context("people: a TUPE transfer's items, shown to both its partners"):
        return list(
            transfer.items.for_partner(transfer.partner_id)
            .select_related("old_employment__person", "new_employment")
            .order_by("old_employment__payroll_number")
        )


def secondments_of(employment: Employment) -> QuerySet[Secondment]:
    return (
        Secondment.objects.for_partner(employment.partner_id)
        .filter(employment=employment)
        .select_related("host_partner")
        .order_by("start_date")
    )


def active_partners(*, excluding: int | None = None) -> QuerySet[Partner]:
    """Every active partner of the partnership (names are not private between partners), by
    name: the choices for a cost share or a secondment's host."""
    found = Partner.objects.filter(active=True).order_by("name")
    return found.exclude(pk=excluding) if excluding is not None else found


# --- charges to another partner, waiting for its consent -------------------------------------


@dataclass(frozen=True)
class ChargeRequest:
    """A cost split share or a secondment recharge that charges ``charged`` for an employee
    of ``employer``: what the charged partner's HR or finance officer decides on."""

    kind: str  # "cost_split" (``id`` is the share's) or "secondment" (the secondment's)
    id: int
    employer: Partner
    charged: Partner
    payroll_number: str
    person_name: str
    percent: Decimal
    starts: date
    ends: date | None
    reason: str
    status: str


# The charged partner reads the employer's split, employment and person rows, which row-level
# security hides from it; the app-level check (``_charge_partners``, ``authorise``) comes first.
_CHARGE_READS = "people: a charge to a partner for another partner's employee, read by the charged partner"


@rls.system_context(_CHARGE_READS)
def charge_requests_for(
    user: Any, *, partner: Partner, status: str | None = ChargeStatus.PENDING
) -> list[ChargeRequest]:
    """Charges to ``partner`` for other partners' employees (pending ones unless ``status``
    says otherwise; None for all), oldest first. For its HR and finance officers."""
    authorise(user, "people.approve_charges", partner)
    shares = (
        CostSplitShare.objects.for_partner(partner)
        .filter(charged_partner=partner)
        .exclude(partner=partner)
        .select_related("partner", "charged_partner", "split__employment__person")
    )
    secondments = (
        Secondment.objects.for_partner(partner)
        .filter(host_partner=partner, recharge_percent__gt=0)
        .select_related("partner", "host_partner", "employment__person")
    )
    if status is not None:
        shares = shares.filter(status=status)
        secondments = secondments.filter(status=status)
    found = [
        ChargeRequest(
            kind="cost_split",
            id=share.pk,
            employer=share.partner,
            charged=share.charged_partner,
            payroll_number=share.split.employment.payroll_number,
            person_name=share.split.employment.person.full_name,
            percent=share.percent,
            starts=share.split.effective_from,
            ends=share.split.effective_to,
            reason=share.split.reason,
            status=share.status,
        )
        for share in shares
    ]
    found += [
        ChargeRequest(
            kind="secondment",
            id=s.pk,
            employer=s.partner,
            charged=s.host_partner,
            payroll_number=s.employment.payroll_number,
            person_name=s.employment.person.full_name,
            percent=s.recharge_percent,
            starts=s.start_date,
            ends=s.end_date,
            reason=f"Secondment as {s.role_title}",
            status=s.status,
        )
        for s in secondments
    ]
    return sorted(found, key=lambda r: (r.starts, r.kind, r.id))


def _charge_partners(user: Any) -> list[int]:
    # Either side of a charge: the employer's people officers, the charged partner's deciders.
    return sorted(
        set(partner_ids_with(user, "people.view")) | set(partner_ids_with(user, "people.approve_charges"))
    )


@rls.system_context(_CHARGE_READS)
def cost_share_for(user: Any, *, share_id: int) -> CostSplitShare:
    """A share of a cost split, seen from the employer's or the charged partner's side; 404
    for anyone else."""
    share = (
        CostSplitShare.objects.for_partners(_charge_partners(user))
        .filter(pk=share_id)
        .select_related("split__employment", "charged_partner", "partner")
        .first()
    )
    if share is None:
        raise Http404("No such cost share.")
    return share


@rls.system_context(_CHARGE_READS)
def secondment_to_decide(user: Any, *, secondment_id: int) -> Secondment:
    """A secondment seen from the home or the host partner's side (its finance officers
    included, who do not see people); 404 for anyone else."""
    found = Secondment.objects.for_partners(_charge_partners(user)).filter(pk=secondment_id)
    secondment = found.select_related("employment__person", "host_partner", "partner").first()
    if secondment is None:
        raise Http404("No such secondment.")
    return secondment


# --- bank changes waiting for a second person ---------------------------------------------------


def pending_bank_change(user: Any, person: Person) -> BankDetailsChange | None:
    """The bank change waiting for the person, if the user may see it: staff with
    ``people.view`` on the partner it was asked at, and the person themselves."""
    ids = _viewable(user)
    waiting = BankDetailsChange.objects.unscoped(reason="the person's own change, or scoped below")
    if not (person.user_id is not None and person.user_id == _user_id(user)):
        if not ids:
            return None
        waiting = BankDetailsChange.objects.for_partners(ids)
    found: BankDetailsChange | None = (
        waiting.filter(person=person, status=BankChangeStatus.PENDING).select_related("requested_by").first()
    )
    return found


def bank_change_for(user: Any, *, change_id: int) -> BankDetailsChange:
    """A bank change the user may see through ``people.view`` on its partner; 404 otherwise."""
    ids = _viewable(user)
    change = (
        BankDetailsChange.objects.for_partners(ids)
        .select_related("person", "requested_by", "partner")
        .filter(pk=change_id)
        .first()
        if ids
        else None
    )
    if change is None:
        raise Http404("No such bank change.")
    return change


def people_with_pending_bank_change(partner: Partner | int, person_ids: list[int] | None = None) -> set[int]:
    """Which of the partner's people (or of ``person_ids`` among them) have a bank change
    waiting: payroll keeps paying the old account meanwhile. Found from the few waiting
    changes rather than from the people, so a run of any size asks one small question."""
    employed = Employment.objects.for_partner(partner).values("person_id")
    waiting = BankDetailsChange.objects.unscoped(
        reason="a change asked for at any employer counts: each person is paid into one account"
    ).filter(status=BankChangeStatus.PENDING, person_id__in=employed)
    if person_ids is not None:
        waiting = waiting.filter(person_id__in=person_ids)
    return set(waiting.values_list("person_id", flat=True))


# --- the staff list -----------------------------------------------------------------------------


class StaffStatus:
    CURRENT = "current"
    LEFT = "left"
    FUTURE = "future"
    CHOICES = [("", "Any"), (CURRENT, "In post"), (LEFT, "Left"), (FUTURE, "Not yet started")]


@dataclass
class StaffFilters:
    unit: OrgUnit | None = None
    post: Post | None = None
    scheme_id: int | None = None
    status: str = ""


def staff_list(user: Any, *, partner: Partner, filters: StaffFilters, on: date) -> QuerySet[Employment]:
    """A partner's employments for HR, filtered by unit (the employment's, or its current
    post's), post held on ``on``, terms scheme in force on ``on`` and status on ``on``."""
    authorise(user, "people.view", partner)
    rows = Employment.objects.for_partner(partner).select_related("person", "org_unit")
    rows = rows.defer("person__bank_sort_code", "person__bank_account_number")
    holding = PostHolding.objects.for_partner(partner).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
    )
    if filters.unit is not None:
        in_unit_posts = holding.filter(post__org_unit=filters.unit).values("employment_id")
        rows = rows.filter(Q(org_unit=filters.unit) | Q(pk__in=in_unit_posts))
    if filters.post is not None:
        rows = rows.filter(pk__in=holding.filter(post=filters.post).values("employment_id"))
    if filters.scheme_id is not None:
        # The terms in force on the date: the latest row from on or before it.
        latest = (
            EmploymentTerms.objects.for_partner(partner)
            .filter(employment=OuterRef("pk"), effective_from__lte=on)
            .order_by("-effective_from")
            .values("scheme_id")[:1]
        )
        rows = rows.filter(
            pk__in=rows.annotate(scheme_on=Subquery(latest)).filter(scheme_on=filters.scheme_id).values("pk")
        )
    if filters.status == StaffStatus.CURRENT:
        rows = rows.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)
    elif filters.status == StaffStatus.LEFT:
        rows = rows.filter(end_date__lt=on)
    elif filters.status == StaffStatus.FUTURE:
        rows = rows.filter(start_date__gt=on)
    return rows.order_by("person__family_name", "person__given_name", "payroll_number")


def line_manager_choices(user: Any, *, employment: Employment) -> QuerySet[Employment]:
    """Current employments of the same partner, other than the person's own."""
    authorise(user, "people.view", employment.partner_id)
    return (
        Employment.objects.for_partner(employment.partner_id)
        .filter(end_date__isnull=True)
        .exclude(person_id=employment.person_id)
        .select_related("person")
        .defer("person__bank_sort_code", "person__bank_account_number")
        .order_by("person__family_name", "person__given_name")
    )


def own_absences(user: Any) -> QuerySet[Absence]:
    """Every absence of the signed-in user's own employments, newest first: their leave history."""
    return (
        Absence.objects.unscoped(reason="an employee reads their own absences")
        .filter(employment__person__user_id=_user_id(user))
        .select_related("employment__partner")
        .order_by("-start_date", "-id")
    )


def own_absence(user: Any, *, absence_id: int) -> Absence:
    found = own_absences(user).filter(pk=absence_id).first()
    if found is None:
        raise Http404("No such absence.")
    return found
