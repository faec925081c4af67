"""Every app's personal-data declarations, collected through the app registry.

An app that holds personal data has a module ``<app>/personal_data.py`` with a tuple
``DECLARATIONS`` (core/personal_data.py). They are found by module name, so privacy names no
app and a new app's declarations are read the day it is installed."""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache

from django.apps import apps

from joinedup.core.personal_data import Declaration

MODULE = "personal_data"


@cache
def all_declarations() -> tuple[Declaration, ...]:
    found: list[Declaration] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.{MODULE}"
        # core.personal_data is the vocabulary itself, not an app's declarations.
        if config.name in ("joinedup.core",) or not config.name.startswith("joinedup."):
            continue
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        declared = getattr(module, "DECLARATIONS", None)
        if not isinstance(declared, tuple) or not all(isinstance(d, Declaration) for d in declared):
            raise TypeError(f"{name}.DECLARATIONS must be a tuple of core.personal_data.Declaration.")
        found.extend(declared)
    keys = [d.key for d in found]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise ValueError(f"Personal-data declarations declared twice: {duplicated}")
    return tuple(sorted(found, key=lambda d: d.key))


def declaration_fields(declaration: Declaration) -> dict[str, str]:
    """The declaration as a record's editable fields: lists one item a line."""
    retention = declaration.retention
    rule = f" (rule: {retention.rule_file})" if retention.rule_file else ""
    return {
        "record_type": declaration.record_type,
        "purpose": declaration.purpose,
        "data_categories": "\n".join(declaration.data_categories),
        "data_subjects": "\n".join(declaration.data_subjects),
        "special_categories": "\n".join(declaration.special_categories),
        "lawful_basis": declaration.lawful_basis_text,
        "article_9_condition": declaration.article_9_text,
        "schedule_1_condition": declaration.schedule_1_condition,
        "recipients": "\n".join(declaration.recipients),
        "retention": f"{retention.period}{rule}. Source: {retention.source}",
        "security_measures": "\n".join(declaration.security_measures),
    }
