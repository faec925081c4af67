"""What personal data an app holds, why, on what basis and for how long (issue 17).

Each app that holds personal data says so in its own ``<app>/personal_data.py`` module, as a
tuple ``DECLARATIONS`` of ``Declaration`` values. The privacy app collects them by module name
through the app registry (``importlib``, so no domain is imported by name and the layers
contract holds) and builds each partner's records of processing (UK GDPR Article 30(1)) from
the declarations of the apps the partner uses.

A declaration is checked when it is made: a lawful basis from Article 6(1); special-category
data only with an Article 9(2) condition and, where the condition needs one (9(2)(b), (g),
(h), (j): DPA 2018 s.10), a DPA 2018 Schedule 1 condition; a retention period with its source.
Pure: no Django, nothing from joinedup.
"""

from __future__ import annotations

from dataclasses import dataclass

# UK GDPR Article 6(1): the lawful bases, by their letters.
LAWFUL_BASES: dict[str, str] = {
    "6(1)(a)": "Article 6(1)(a) consent",
    "6(1)(b)": "Article 6(1)(b) contract",
    "6(1)(c)": "Article 6(1)(c) legal obligation",
    "6(1)(d)": "Article 6(1)(d) vital interests",
    "6(1)(e)": "Article 6(1)(e) public task",
    "6(1)(f)": "Article 6(1)(f) legitimate interests",
}

# UK GDPR Article 9(2) conditions for special-category data, as the declarations use them.
ARTICLE_9_CONDITIONS: dict[str, str] = {
    "9(2)(a)": "Article 9(2)(a) explicit consent",
    "9(2)(b)": "Article 9(2)(b) employment, social security and social protection",
    "9(2)(f)": "Article 9(2)(f) legal claims",
    "9(2)(g)": "Article 9(2)(g) substantial public interest",
    "9(2)(h)": "Article 9(2)(h) health or social care (occupational medicine)",
    "9(2)(j)": "Article 9(2)(j) archiving, research and statistics",
}
# DPA 2018 s.10(1)-(3): these conditions are met only with a Schedule 1 condition.
NEEDS_SCHEDULE_1 = frozenset({"9(2)(b)", "9(2)(g)", "9(2)(h)", "9(2)(j)"})

# The categories of special-category data (Article 9(1)) a declaration may name.
SPECIAL_CATEGORIES = frozenset(
    {
        "health",
        "racial or ethnic origin",
        "religious or philosophical beliefs",
        "trade union membership",
        "sex life or sexual orientation",
        "genetic data",
        "biometric data",
    }
)


@dataclass(frozen=True)
class Retention:
    """How long the records are kept: the period in words, the rule file that holds it when
    one does (``""`` when the period is the partner's policy), and where the period comes from."""

    period: str
    source: str
    rule_file: str = ""


@dataclass(frozen=True)
class Declaration:
    """One record type an app holds about people.

    ``models`` are the model labels (``"people.Person"``) holding it; ``evidence`` is the one
    partner-owned model whose rows for a partner show the partner uses this processing (a
    partner with no such row gets no record of it)."""

    key: str
    record_type: str
    models: tuple[str, ...]
    evidence: str
    data_categories: tuple[str, ...]
    data_subjects: tuple[str, ...]
    purpose: str
    lawful_basis: str
    recipients: tuple[str, ...]
    retention: Retention
    security_measures: tuple[str, ...]
    special_categories: tuple[str, ...] = ()
    article_9_condition: str = ""
    schedule_1_condition: str = ""

    def __post_init__(self) -> None:
        if self.lawful_basis not in LAWFUL_BASES:
            raise ValueError(f"{self.key}: lawful basis {self.lawful_basis!r} is not one of Article 6(1).")
        unknown = set(self.special_categories) - SPECIAL_CATEGORIES
        if unknown:
            raise ValueError(f"{self.key}: {sorted(unknown)} are not special categories of Article 9(1).")
        if self.special_categories and self.article_9_condition not in ARTICLE_9_CONDITIONS:
            raise ValueError(f"{self.key}: special-category data needs an Article 9(2) condition.")
        if not self.special_categories and self.article_9_condition:
            raise ValueError(f"{self.key}: an Article 9 condition without special-category data.")
        if self.article_9_condition in NEEDS_SCHEDULE_1 and not self.schedule_1_condition:
            raise ValueError(
                f"{self.key}: Article {self.article_9_condition} needs a DPA 2018 Schedule 1 "
                "condition (s.10)."
            )
        if not (self.models and self.data_categories and self.data_subjects and self.purpose):
            raise ValueError(
                f"{self.key}: models, categories of data and of people, and a purpose are needed."
            )
        if not (self.retention.period and self.retention.source):
            raise ValueError(f"{self.key}: a retention period and its source are needed.")

    @property
    def app(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def lawful_basis_text(self) -> str:
        return LAWFUL_BASES[self.lawful_basis]

    @property
    def article_9_text(self) -> str:
        return ARTICLE_9_CONDITIONS.get(self.article_9_condition, "")
