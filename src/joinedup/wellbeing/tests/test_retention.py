"""Retention of occupational-health records (wellbeing/rules/retention.toml, wellbeing/retention.py):
COSHH's and the asbestos regulations' 40 years from the last entry, six years after the employment
ends for case records (NHS Records Management Code of Practice; Limitation Act 1980), and the
statutory bases of surveillance (rules/surveillance.toml), each with its source."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.wellbeing.retention import kinds, retention_ends, rule_on, surveillance_record_kind
from joinedup.wellbeing.surveillance_rules import basis_keys, basis_on, load


def test_a_coshh_health_record_is_kept_40_years_from_its_last_entry_whether_or_not_employed() -> None:
    # COSHH 2002 reg 11(3).
    assert retention_ends("health_surveillance_coshh", date(2026, 3, 31), None) == date(2066, 3, 31)
    assert retention_ends("health_surveillance_coshh", date(2028, 2, 29), date(2029, 1, 1)) == date(
        2068, 2, 29
    )


def test_an_asbestos_health_record_is_kept_40_years_too() -> None:
    # Control of Asbestos Regulations 2012 reg 22(1)(a).
    assert retention_ends("health_surveillance_asbestos", date(2026, 6, 1), None) == date(2066, 6, 1)


def test_an_oh_case_is_kept_six_years_after_the_employment_ends() -> None:
    assert retention_ends("occupational_health", date(2026, 3, 1), date(2026, 7, 31)) == date(2032, 7, 31)


def test_an_oh_case_of_someone_still_employed_is_kept() -> None:
    assert retention_ends("occupational_health", date(2026, 3, 1), None) is None


def test_a_case_closed_after_the_person_left_runs_from_its_closing() -> None:
    assert retention_ends("occupational_health", date(2026, 9, 30), date(2026, 7, 31)) == date(2032, 9, 30)


def test_the_75th_birthday_limb_ends_it_sooner_when_the_date_of_birth_is_given() -> None:
    # NHS code: "until 75th birthday or six years after they leave, whichever is sooner".
    ends = retention_ends(
        "occupational_health", date(2026, 3, 1), date(2026, 3, 31), born_on=date(1954, 5, 2)
    )
    assert ends == date(2029, 5, 2)
    younger = retention_ends(
        "occupational_health", date(2026, 3, 1), date(2026, 3, 31), born_on=date(1980, 5, 2)
    )
    assert younger == date(2032, 3, 31)


def test_other_surveillance_follows_the_partners_policy_default_of_six_years_after_leaving() -> None:
    assert retention_ends("health_surveillance", date(2026, 3, 1), date(2027, 1, 15)) == date(2033, 1, 15)


def test_every_rule_names_its_source_and_an_unknown_kind_is_refused() -> None:
    assert kinds() == [
        "health_surveillance",
        "health_surveillance_asbestos",
        "health_surveillance_coshh",
        "occupational_health",
    ]
    assert "reg 11(3)" in rule_on("health_surveillance_coshh", date(2026, 1, 1)).source
    with pytest.raises(KeyError):
        retention_ends("payslips", date(2026, 1, 1), None)


def test_the_surveillance_bases_cite_their_law_and_set_an_interval_only_where_a_source_does() -> None:
    assert basis_keys() == ["coshh", "driver_group2", "fitness", "night_worker", "noise", "partner_policy"]
    assert all(b.source and b.law for b in load())
    night = basis_on("night_worker", date(2026, 1, 1))
    assert (night.law, night.sets_interval) == ("Working Time Regulations 1998 (SI 1998/1833) reg 7", False)
    assert "sets no interval" in night.source
    assert basis_on("coshh", date(2026, 1, 1)).sets_interval is False
    assert basis_on("driver_group2", date(2026, 1, 1)).sets_interval is True
    with pytest.raises(KeyError, match="in force on 2005-01-01"):
        basis_on("noise", date(2005, 1, 1))  # before the 2005 Regulations came into force


def test_a_coshh_programmes_checks_are_kept_as_coshh_records_and_the_rest_by_the_partners_policy() -> None:
    assert surveillance_record_kind("coshh") == "health_surveillance_coshh"
    assert [surveillance_record_kind(b) for b in ("noise", "night_worker", "driver_group2")] == [
        "health_surveillance"
    ] * 3
    assert set(map(surveillance_record_kind, basis_keys())) <= set(kinds())
