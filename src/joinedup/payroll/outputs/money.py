"""Money as text for the output formats: the helpers of :mod:`joinedup.core.money` (pure, so the
outputs may import it) under the names the formats use. ``format_gbp`` is for people (payslips,
P45, P60), ``format_pounds`` HMRC's monetary type. Both refuse anything but integer pence (a
``bool`` or a ``float`` is a bug upstream, never rounded here)."""

from __future__ import annotations

from joinedup.core.money import gbp as format_gbp
from joinedup.core.money import is_whole_pounds
from joinedup.core.money import plain_pounds as format_pounds

__all__ = ["format_gbp", "format_pounds", "is_whole_pounds"]
