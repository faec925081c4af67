"""Every model holding personal data is declared (issue 17), so a new app cannot forget to."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from joinedup.core.personal_data import Declaration, Retention
from joinedup.core.tenancy import PartnerScopedQuerySet
from joinedup.privacy.declarations import all_declarations

# A field whose name says it holds a person's identifier, contact or bank details.
PERSONAL_FIELD = re.compile(
    r"(^|_)(email|phone|sort_code|account_number|ni_number|date_of_birth|postcode|address_line1|"
    r"given_name|family_name|first_name|last_name)($|_)"
)
PERSON_MODELS = {"people.person", "people.employment"}

# Models a field of which matches, that hold no one's personal data, and why.
NOT_PERSONAL = {
    # The partner's own bank account, from which it pays (an organisation's, not a person's).
    "payroll.PayrollSettings": "the partner's own bank account",
    "purchasing.PurchasingSettings": "the partner's own bank account",
}


def personal_fields(model: type[models.Model]) -> list[str]:
    """A model's fields that point at a person or an employment, name the user the row is
    about (``user``), or by their name hold personal details."""
    found = []
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        related: Any = field.related_model
        target = related._meta.label_lower if field.is_relation and related else ""
        if (
            target in PERSON_MODELS
            or (field.name == "user" and target == settings.AUTH_USER_MODEL.lower())
            or PERSONAL_FIELD.search(field.name)
        ):
            found.append(field.name)
    return found


def test_every_model_holding_personal_data_is_named_by_a_declaration() -> None:
    declared = {label for d in all_declarations() for label in d.models}
    undeclared = [
        f"{model._meta.label}: {', '.join(personal_fields(model))}"
        for model in apps.get_models()
        if model.__module__.startswith("joinedup.")
        and model._meta.label not in declared
        and model._meta.label not in NOT_PERSONAL
        and personal_fields(model)
    ]
    assert not undeclared, (
        "Models holding personal data that no <app>/personal_data.py declares (name each in a "
        "Declaration's models, or in NOT_PERSONAL with why it holds no one's data):\n" + "\n".join(undeclared)
    )


def test_the_scan_finds_what_it_must() -> None:
    # The scan itself: the person, a payslip (by its employment), a supplier contact (by email),
    # a union representative (the user the row is about); and not a cost centre.
    person = apps.get_model("people.Person")
    assert "ni_number" in personal_fields(person) and "email" in personal_fields(person)
    assert personal_fields(apps.get_model("payroll.Payslip")) == ["employment"]
    assert personal_fields(apps.get_model("purchasing.SupplierContact")) == ["email", "phone", "phone_since"]
    assert personal_fields(apps.get_model("change.UnionRepresentative")) == ["user"]
    assert personal_fields(apps.get_model("ledger.CostCentre")) == []


def test_declarations_name_real_models_and_partner_owned_evidence() -> None:
    for declaration in all_declarations():
        for label in declaration.models:
            apps.get_model(label)  # raises LookupError for a model that does not exist
        if declaration.evidence:
            model = apps.get_model(declaration.evidence)
            assert isinstance(model._default_manager.get_queryset(), PartnerScopedQuerySet), declaration.key


def test_the_apps_holding_personal_data_each_declare_it() -> None:
    assert sorted({d.app for d in all_declarations()}) == [
        "audit",
        "change",
        "partnership",
        "payroll",
        "people",
        "privacy",
        "purchasing",
        "servicedesk",
        "wellbeing",
    ]
    assert len(all_declarations()) == 19


def test_special_category_data_carries_its_article_9_and_schedule_1_conditions() -> None:
    # UK GDPR Article 9(2)(h) with DPA 2018 s.10(2) and Schedule 1 paragraph 2: occupational medicine.
    oh = {d.key: d for d in all_declarations()}["wellbeing.occupational_health"]
    assert oh.special_categories == ("health",)
    assert oh.article_9_text == "Article 9(2)(h) health or social care (occupational medicine)"
    assert (
        oh.schedule_1_condition == "DPA 2018 Schedule 1 Part 1 paragraph 2 (health or social care purposes)"
    )
    assert oh.retention.rule_file == "wellbeing/rules/retention.toml (occupational_health)"
    # Trade union membership is special category data (Article 9(1)).
    unions = {d.key: d for d in all_declarations()}["change.union_representatives"]
    assert unions.special_categories == ("trade union membership",)


def _declaration(**overrides: object) -> Declaration:
    values: dict[str, object] = {
        "key": "x.y",
        "record_type": "Things",
        "models": ("x.Thing",),
        "evidence": "",
        "data_categories": ("name",),
        "data_subjects": ("staff",),
        "purpose": "Testing",
        "lawful_basis": "6(1)(b)",
        "recipients": (),
        "retention": Retention(period="1 year", source="policy"),
        "security_measures": (),
    }
    values.update(overrides)
    return Declaration(**values)  # type: ignore[arg-type]


def test_a_declaration_refuses_special_category_data_without_its_conditions() -> None:
    with pytest.raises(ValueError, match=r"x.y: special-category data needs an Article 9\(2\) condition."):
        _declaration(special_categories=("health",))
    # DPA 2018 s.10(1)(a): 9(2)(b) is met only with a Schedule 1 Part 1 condition.
    with pytest.raises(ValueError, match=r"Article 9\(2\)\(b\) needs a DPA 2018 Schedule 1 condition"):
        _declaration(special_categories=("health",), article_9_condition="9(2)(b)")
    # 9(2)(a) explicit consent needs no Schedule 1 condition.
    assert (
        _declaration(special_categories=("health",), article_9_condition="9(2)(a)").article_9_condition
        == "9(2)(a)"
    )


def test_a_declaration_refuses_a_basis_that_is_not_article_6_and_a_period_without_source() -> None:
    with pytest.raises(ValueError, match=r"lawful basis '6\(1\)\(z\)' is not one of Article 6\(1\)"):
        _declaration(lawful_basis="6(1)(z)")
    with pytest.raises(ValueError, match="a retention period and its source are needed"):
        _declaration(retention=Retention(period="forever", source=""))
