"""The field-error collector every people service validates with, so a caller hears about
every problem at once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class Errors:
    """Collects field errors so a caller hears about every problem at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field_name: str, message: str) -> None:
        self.fields.setdefault(field_name, []).append(message)

    def check(self, field_name: str, fn: Any, value: Any) -> Any:
        try:
            return fn(value)
        except ValueError as exc:
            self.add(field_name, str(exc))
            return value

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)
