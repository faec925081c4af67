"""Loads and validates the national terms-and-conditions scheme files in ``rules/``.

One TOML file per scheme (``rules/njc.toml`` is the scheme coded ``njc``), read with the
standard library's ``tomllib`` and validated completely on load. A missing, misspelt or mistyped
key raises :class:`SchemeError` naming the file and the dotted key, e.g.
``njc.toml: scale[1].points[3].annual: '25,989' is not a money amount``.

Money is a string of pounds and pence (``"25989.00"``) parsed to ``Decimal``; a TOML float or
integer where money belongs is refused. A pay award is a new ``[[scale]]`` with its own
``effective_from``: earlier sets are never edited. Every set after the first has the same point
codes as the one before it, except for codes it lists in ``deleted`` or ``added``.

A set marked ``unconfirmed = true`` must say why in ``note``. Only such a set may leave a point's
``annual`` out, meaning "not published to us": asking for that value raises
:class:`UnpublishedRateError` rather than paying a guess.

Nothing here imports Django: the people app seeds its ``TermsScheme``/``PayPoint``/``PayRate``
rows from these objects, and payroll code can read them directly.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, cast

RULES_DIR = Path(__file__).with_name("rules")

IncrementRule = Literal["april_1", "incremental_date", "competence"]
Proration = Literal["calendar_days", "working_days"]
INCREMENT_RULES: tuple[IncrementRule, ...] = ("april_1", "incremental_date", "competence")
PRORATIONS: tuple[Proration, ...] = ("calendar_days", "working_days")

_SCHEME_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_POINT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
_MONEY = re.compile(r"^[0-9]+\.[0-9]{2}$")
_HOURS = re.compile(r"^[0-9]+(\.[0-9]+)?$")

_SCHEME_KEYS = {
    "code": True,
    "name": True,
    "body": True,
    "source": True,
    "standard_weekly_hours": True,
    "increment_rule": True,
    "increment_note": False,
    "proration": True,
    "proration_note": False,
    "spine": True,
    "bank_holidays_extra": True,
    "leave": True,
    "leave_extra_days": False,
    "leave_basis": True,
    "leave_note": False,
    "unconfirmed_terms": False,
    "note": False,
    "scale": True,
}
_LEAVE_KEYS = {"min_years": True, "days": True}
_SCALE_KEYS = {
    "effective_from": True,
    "source": True,
    "unconfirmed": True,
    "note": False,
    "deleted": False,
    "added": False,
    "points": True,
}
_POINT_KEYS = {"code": True, "label": True, "sort": True, "annual": False}
# Terms a file may flag as not checked against their primary source.
_TERMS = ("standard_weekly_hours", "increment_rule", "proration", "leave")


class SchemeError(ValueError):
    """A scheme file is missing, malformed, or breaks one of the rules above."""


class SchemeLookupError(LookupError):
    """A request the data cannot answer: an unknown scheme or point, or a date before the
    first pay set."""


class UnpublishedRateError(SchemeLookupError):
    """The point exists but its value in this set was not published to us (see the set's note)."""


# --- the typed, frozen scheme ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LeaveTier:
    min_years: int  # complete years of qualifying service from which ``days`` applies
    days: int  # full-time days of annual leave a year, public holidays not included


@dataclass(frozen=True, slots=True)
class Point:
    code: str  # stable across awards: "SCP5", "B5-1", "FF-COMPETENT"
    label: str
    sort: int
    annual: Decimal | None  # full-time annual salary; None only in an unconfirmed set


@dataclass(frozen=True, slots=True)
class Scale:
    """One dated set of values: the scheme's pay from ``effective_from`` until the next set."""

    scheme_code: str
    effective_from: date
    source: str
    unconfirmed: bool
    note: str | None
    points: tuple[Point, ...]  # in ``sort`` order
    deleted: tuple[str, ...]  # codes removed from the previous set on this date
    added: tuple[str, ...]  # codes new in this set

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(point.code for point in self.points)

    def point(self, code: str) -> Point:
        for point in self.points:
            if point.code == code:
                return point
        why = f" (deleted on {self.effective_from.isoformat()})" if code in self.deleted else ""
        raise SchemeLookupError(
            f"{self.scheme_code}: the set from {self.effective_from.isoformat()} has no point {code!r}{why}"
        )

    def annual(self, code: str) -> Decimal:
        """The full-time annual salary of point ``code`` in this set."""
        point = self.point(code)
        if point.annual is None:
            raise UnpublishedRateError(
                f"{self.scheme_code}: {code} has no published value in the set from "
                f"{self.effective_from.isoformat()}: {self.note}"
            )
        return point.annual


@dataclass(frozen=True, slots=True)
class Scheme:
    code: str
    name: str
    body: str  # the negotiating body
    source: str  # where the terms (hours, leave, increments) come from
    standard_weekly_hours: Decimal
    increment_rule: IncrementRule
    increment_note: str | None
    proration: Proration
    proration_note: str | None
    spine: bool  # a pay spine: values rise strictly with ``sort`` in every set
    bank_holidays_extra: bool  # public holidays are given on top of ``leave``
    leave: tuple[LeaveTier, ...]  # ascending ``min_years``, the first at 0
    leave_extra_days: int  # further days every year (the Green Book's extra statutory days)
    leave_basis: str
    leave_note: str | None
    unconfirmed_terms: tuple[str, ...]  # terms not checked against their primary source
    note: str | None
    scales: tuple[Scale, ...]  # ascending ``effective_from``
    path: Path

    def scale_on(self, on: date) -> Scale:
        """The set in force on ``on``: the latest whose ``effective_from`` is on or before it."""
        current: Scale | None = None
        for scale in self.scales:
            if scale.effective_from <= on:
                current = scale
        if current is None:
            first = self.scales[0].effective_from
            raise SchemeLookupError(
                f"{self.code}: no pay set is in force on {on.isoformat()}; "
                f"the earliest held starts on {first.isoformat()}"
            )
        return current

    def annual(self, point_code: str, on: date) -> Decimal:
        return self.scale_on(on).annual(point_code)

    def leave_days(self, years_of_service: int) -> int:
        """Full-time annual leave days after ``years_of_service`` complete years, not counting
        public holidays (see ``bank_holidays_extra``) or ``leave_extra_days``."""
        if years_of_service < 0:
            raise ValueError(f"years of service cannot be negative: {years_of_service}")
        days = self.leave[0].days
        for tier in self.leave:
            if years_of_service >= tier.min_years:
                days = tier.days
        return days

    @property
    def point_codes(self) -> tuple[str, ...]:
        """Every point code that appears in any set, in ``sort`` order."""
        seen: dict[str, int] = {}
        for scale in self.scales:
            for point in scale.points:
                seen[point.code] = point.sort
        return tuple(sorted(seen, key=lambda code: seen[code]))


# --- public loading API ---------------------------------------------------------------------


def available_codes(rules_dir: Path = RULES_DIR) -> list[str]:
    return sorted(path.stem for path in rules_dir.glob("*.toml") if _SCHEME_CODE.match(path.stem))


@functools.cache
def load_scheme(code: str) -> Scheme:
    """The validated scheme ``code`` (cached)."""
    if not _SCHEME_CODE.match(code) or not (RULES_DIR / f"{code}.toml").is_file():
        known = ", ".join(available_codes()) or "none"
        raise SchemeLookupError(f"no scheme file for {code!r} (have: {known})")
    return load_scheme_file(RULES_DIR / f"{code}.toml")


def all_schemes() -> list[Scheme]:
    """Every scheme in ``rules/``, by code."""
    return [load_scheme(code) for code in available_codes()]


def load_scheme_file(path: Path) -> Scheme:
    """Parse and validate one scheme file (uncached; tests use it on broken copies)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SchemeError(f"{path.name}: cannot read: {error}") from error
    return _Reader(path).scheme(data)


# --- validation -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> SchemeError:
        return SchemeError(f"{self.path.name}: {key}: {problem}")

    # generic accessors

    def keys(self, table: Mapping[str, Any], allowed: Mapping[str, bool], where: str) -> None:
        prefix = f"{where}." if where else ""
        for name in table:
            if name not in allowed:
                expected = ", ".join(allowed)
                raise self.fail(f"{prefix}{name}", f"unknown key (expected one of: {expected})")
        for name, required in allowed.items():
            if required and name not in table:
                raise self.fail(f"{prefix}{name}", "missing")

    def text(self, table: Mapping[str, Any], name: str, key: str, *, required: bool = True) -> str | None:
        value = table.get(name)
        if value is None:
            if required:
                raise self.fail(key, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected non-empty text, got {value!r}")
        return value.strip()

    def required_text(self, table: Mapping[str, Any], name: str, key: str) -> str:
        value = self.text(table, name, key)
        if value is None:  # pragma: no cover - text() has raised already
            raise self.fail(key, "missing")
        return value

    def boolean(self, table: Mapping[str, Any], name: str, key: str) -> bool:
        value = table.get(name)
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def integer(self, table: Mapping[str, Any], name: str, key: str, *, minimum: int = 0) -> int:
        value = table.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, got {value!r}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}, got {value}")
        return value

    def table_list(self, table: Mapping[str, Any], name: str, key: str) -> list[Mapping[str, Any]]:
        value = table.get(name)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "expected a non-empty list of tables")
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{index}]", f"expected a table, got {item!r}")
        return cast("list[Mapping[str, Any]]", value)

    def code_list(self, table: Mapping[str, Any], name: str, key: str) -> tuple[str, ...]:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, f"expected a list of point codes, got {value!r}")
        codes = cast("list[str]", value)
        if len(set(codes)) != len(codes):
            raise self.fail(key, "lists a code twice")
        return tuple(codes)

    def money(self, value: object, key: str) -> Decimal:
        if isinstance(value, float):
            raise self.fail(key, f'{value!r} is a TOML float; write money as a string, e.g. "25989.00"')
        if isinstance(value, int) and not isinstance(value, bool):
            raise self.fail(key, f'{value!r} is a TOML integer; write money as a string, e.g. "25989.00"')
        if not isinstance(value, str) or not _MONEY.match(value):
            raise self.fail(key, f'{value!r} is not a money amount (pounds and pence, e.g. "25989.00")')
        amount = Decimal(value)
        if amount <= 0:
            raise self.fail(key, f"{value!r} must be more than nothing")
        return amount

    # the scheme

    def scheme(self, data: Mapping[str, Any]) -> Scheme:
        self.keys(data, _SCHEME_KEYS, "")
        code = self.required_text(data, "code", "code")
        if code != self.path.stem:
            raise self.fail("code", f"{code!r} does not match the file name {self.path.stem!r}")
        if not _SCHEME_CODE.match(code):
            raise self.fail("code", f"{code!r} is not lower-case letters, digits and underscores")
        increment_rule = self.required_text(data, "increment_rule", "increment_rule")
        if increment_rule not in INCREMENT_RULES:
            raise self.fail(
                "increment_rule", f"{increment_rule!r} is not one of {', '.join(INCREMENT_RULES)}"
            )
        proration = self.required_text(data, "proration", "proration")
        if proration not in PRORATIONS:
            raise self.fail("proration", f"{proration!r} is not one of {', '.join(PRORATIONS)}")
        unconfirmed_terms = self.code_list(data, "unconfirmed_terms", "unconfirmed_terms")
        for term in unconfirmed_terms:
            if term not in _TERMS:
                raise self.fail("unconfirmed_terms", f"{term!r} is not one of {', '.join(_TERMS)}")
        spine = self.boolean(data, "spine", "spine")
        return Scheme(
            code=code,
            name=self.required_text(data, "name", "name"),
            body=self.required_text(data, "body", "body"),
            source=self.required_text(data, "source", "source"),
            standard_weekly_hours=self.hours(data.get("standard_weekly_hours")),
            increment_rule=cast("IncrementRule", increment_rule),
            increment_note=self.text(data, "increment_note", "increment_note", required=False),
            proration=cast("Proration", proration),
            proration_note=self.text(data, "proration_note", "proration_note", required=False),
            spine=spine,
            bank_holidays_extra=self.boolean(data, "bank_holidays_extra", "bank_holidays_extra"),
            leave=self.leave(data),
            leave_extra_days=self.integer(data, "leave_extra_days", "leave_extra_days")
            if "leave_extra_days" in data
            else 0,
            leave_basis=self.required_text(data, "leave_basis", "leave_basis"),
            leave_note=self.text(data, "leave_note", "leave_note", required=False),
            unconfirmed_terms=unconfirmed_terms,
            note=self.text(data, "note", "note", required=False),
            scales=self.scales(code, data, spine=spine),
            path=self.path,
        )

    def hours(self, value: object) -> Decimal:
        key = "standard_weekly_hours"
        if isinstance(value, float):
            raise self.fail(key, f'{value!r} is a TOML float; write hours as a string, e.g. "37.5"')
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not _HOURS.match(value) or Decimal(value) <= 0:
            raise self.fail(key, f'{value!r} is not a number of hours (e.g. "37" or "37.5")')
        return Decimal(value)

    def leave(self, data: Mapping[str, Any]) -> tuple[LeaveTier, ...]:
        tiers: list[LeaveTier] = []
        for index, row in enumerate(self.table_list(data, "leave", "leave")):
            key = f"leave[{index}]"
            self.keys(row, _LEAVE_KEYS, key)
            tier = LeaveTier(
                min_years=self.integer(row, "min_years", f"{key}.min_years"),
                days=self.integer(row, "days", f"{key}.days", minimum=1),
            )
            if index == 0 and tier.min_years != 0:
                raise self.fail(f"{key}.min_years", "the first tier must start at 0 years")
            if tiers and tier.min_years <= tiers[-1].min_years:
                raise self.fail(f"{key}.min_years", "tiers must be in ascending years of service")
            if tiers and tier.days < tiers[-1].days:
                raise self.fail(f"{key}.days", "leave cannot fall with longer service")
            tiers.append(tier)
        return tuple(tiers)

    def scales(self, code: str, data: Mapping[str, Any], *, spine: bool) -> tuple[Scale, ...]:
        scales: list[Scale] = []
        for index, row in enumerate(self.table_list(data, "scale", "scale")):
            scale = self.scale(code, row, f"scale[{index}]", spine=spine)
            if scales:
                self.check_succession(scales[-1], scale, f"scale[{index}]")
            elif scale.deleted or scale.added:
                raise self.fail(f"scale[{index}]", "the first set cannot delete or add points")
            scales.append(scale)
        return tuple(scales)

    def scale(self, code: str, row: Mapping[str, Any], key: str, *, spine: bool) -> Scale:
        self.keys(row, _SCALE_KEYS, key)
        effective = row.get("effective_from")
        if isinstance(effective, datetime) or not isinstance(effective, date):
            raise self.fail(f"{key}.effective_from", f"expected a TOML date (2025-04-01), got {effective!r}")
        unconfirmed = self.boolean(row, "unconfirmed", f"{key}.unconfirmed")
        note = self.text(row, "note", f"{key}.note", required=unconfirmed)
        points: list[Point] = []
        for index, item in enumerate(self.table_list(row, "points", f"{key}.points")):
            where = f"{key}.points[{index}]"
            self.keys(item, _POINT_KEYS, where)
            point_code = self.required_text(item, "code", f"{where}.code")
            if not _POINT_CODE.match(point_code):
                raise self.fail(
                    f"{where}.code", f"{point_code!r} is not upper-case letters, digits and hyphens"
                )
            if "annual" in item:
                annual: Decimal | None = self.money(item["annual"], f"{where}.annual")
            elif unconfirmed:
                annual = None
            else:
                raise self.fail(f"{where}.annual", "missing (only an unconfirmed set may leave a value out)")
            points.append(
                Point(
                    code=point_code,
                    label=self.required_text(item, "label", f"{where}.label"),
                    sort=self.integer(item, "sort", f"{where}.sort"),
                    annual=annual,
                )
            )
        self.check_points(points, f"{key}.points", spine=spine)
        return Scale(
            scheme_code=code,
            effective_from=effective,
            source=self.required_text(row, "source", f"{key}.source"),
            unconfirmed=unconfirmed,
            note=note,
            points=tuple(sorted(points, key=lambda point: point.sort)),
            deleted=self.code_list(row, "deleted", f"{key}.deleted"),
            added=self.code_list(row, "added", f"{key}.added"),
        )

    def check_points(self, points: list[Point], key: str, *, spine: bool) -> None:
        codes: set[str] = set()
        sorts: set[int] = set()
        for index, point in enumerate(points):
            if point.code in codes:
                raise self.fail(f"{key}[{index}].code", f"{point.code!r} appears twice in this set")
            if point.sort in sorts:
                raise self.fail(f"{key}[{index}].sort", f"{point.sort} is used twice in this set")
            codes.add(point.code)
            sorts.add(point.sort)
        if not spine:
            return
        # A spine: in ``sort`` order each published value is higher than the one before.
        ordered = sorted(enumerate(points), key=lambda pair: pair[1].sort)
        previous: Point | None = None
        for index, point in ordered:
            if point.annual is None:
                continue
            if previous is not None and previous.annual is not None and point.annual <= previous.annual:
                raise self.fail(
                    f"{key}[{index}].annual",
                    f"{point.code} ({point.annual}) is not above {previous.code} ({previous.annual}): "
                    "a spine's values must rise with its sort order",
                )
            previous = point

    def check_succession(self, before: Scale, after: Scale, key: str) -> None:
        if after.effective_from <= before.effective_from:
            raise self.fail(f"{key}.effective_from", "sets must be in ascending date order, one per date")
        old, new = set(before.codes), set(after.codes)
        for code in after.deleted:
            if code not in old:
                raise self.fail(f"{key}.deleted", f"{code!r} is not in the previous set")
        for code in after.added:
            if code in old:
                raise self.fail(f"{key}.added", f"{code!r} is already in the previous set")
        expected = (old - set(after.deleted)) | set(after.added)
        if new != expected:
            missing = ", ".join(sorted(expected - new)) or "none"
            extra = ", ".join(sorted(new - expected)) or "none"
            raise self.fail(
                f"{key}.points",
                f"codes differ from the previous set without being listed in deleted/added "
                f"(missing: {missing}; unexpected: {extra}); list a removed code in deleted = [...] "
                "and a new one in added = [...]",
            )
        earlier = {point.code: point for point in before.points}
        for point in after.points:
            was = earlier.get(point.code)
            if was is not None and (was.label, was.sort) != (point.label, point.sort):
                raise self.fail(
                    f"{key}.points",
                    f"{point.code} must keep the label and sort it had in the previous set",
                )
