"""A ticket's priority from its impact and urgency: the ITIL priority matrix, pure.

Impact is how widely the problem reaches (``high``: a whole service, site or team down;
``medium``: several people or one important function; ``low``: one person, with a
workaround). Urgency is how soon the harm grows (``high``: work stops now; ``medium``: work is
slowed; ``low``: it can wait). ITIL 4's incident management practice orders priority by the two
together; the service desk's four priorities (P1 Critical … P4 Low) sit on the 3 by 3 matrix
below, read row by impact and column by urgency:

                urgency high   urgency medium   urgency low
    impact high     p1             p2               p3
    impact medium   p2             p3               p4
    impact low      p3             p4               p4

So only a high impact that is also urgent is critical, a step down on either axis is high, and
so on along the diagonals. An agent may change the priority afterwards with a reason (the
service records it); the matrix is the starting point, not a cap.
"""

from __future__ import annotations

LEVELS = ("high", "medium", "low")

MATRIX: dict[tuple[str, str], str] = {
    ("high", "high"): "p1",
    ("high", "medium"): "p2",
    ("high", "low"): "p3",
    ("medium", "high"): "p2",
    ("medium", "medium"): "p3",
    ("medium", "low"): "p4",
    ("low", "high"): "p3",
    ("low", "medium"): "p4",
    ("low", "low"): "p4",
}


def priority_of(impact: str, urgency: str) -> str:
    """The priority (``p1``…``p4``) of a ticket with this impact and urgency; ValueError for a
    level that is not high, medium or low."""
    for name, level in (("impact", impact), ("urgency", urgency)):
        if level not in LEVELS:
            raise ValueError(f"The {name} must be high, medium or low, not {level!r}.")
    return MATRIX[(impact, urgency)]
