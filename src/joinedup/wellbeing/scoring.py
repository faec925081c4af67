"""The questionnaires a clinician sends from a case (rules/questionnaires.toml) and their scoring.
Pure (standard library): the file is read once; :func:`questionnaire_on` answers for a day (the
latest entry of a key on or before it) and :func:`score` scores a list of answers by the entry's
published bands (PHQ-9: Kroenke, Spitzer and Williams 2001; GAD-7: Spitzer et al. 2006). A
questionnaire without bands (the night-worker health assessment) has no total, only the answers
the clinician must follow up."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

RULES = Path(__file__).with_name("rules") / "questionnaires.toml"

__all__ = [
    "RULES",
    "Band",
    "Questionnaire",
    "Score",
    "load",
    "questionnaire_keys",
    "questionnaire_on",
    "score",
]


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Questionnaire:
    key: str
    effective_from: date
    title: str
    source: str
    stem: str
    options: tuple[tuple[str, int], ...]
    questions: tuple[str, ...]
    alert_questions: tuple[int, ...]  # 1-based
    bands: tuple[Band, ...]

    @property
    def scored(self) -> bool:
        return bool(self.bands)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(value for _, value in self.options)

    def option_label(self, value: int) -> str:
        return next(label for label, v in self.options if v == value)


@dataclass(frozen=True)
class Score:
    total: int | None  # None: not a scored questionnaire
    band: str
    alerts: tuple[int, ...]  # the 1-based questions answered above 0 that the clinician must see


@cache
def load(path: Path = RULES) -> tuple[Questionnaire, ...]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return tuple(
        Questionnaire(
            key=entry["key"],
            effective_from=entry["effective_from"],
            title=entry["title"],
            source=entry["source"],
            stem=entry["stem"],
            options=tuple((str(label), int(value)) for label, value in entry["options"]),
            questions=tuple(entry["questions"]),
            alert_questions=tuple(entry.get("alert_questions", ())),
            bands=tuple(Band(low=b["from"], high=b["to"], label=b["label"]) for b in entry.get("bands", ())),
        )
        for entry in raw["questionnaire"]
    )


def questionnaire_keys() -> list[str]:
    return sorted({q.key for q in load()})


def questionnaire_on(key: str, day: date) -> Questionnaire:
    """The entry for ``key`` in force on ``day``; KeyError for an unknown key or an earlier day."""
    entries = [q for q in load() if q.key == key and q.effective_from <= day]
    if not entries:
        raise KeyError(f"No questionnaire {key!r} in force on {day.isoformat()}.")
    return max(entries, key=lambda q: q.effective_from)


def score(questionnaire: Questionnaire, answers: list[int] | tuple[int, ...]) -> Score:
    """The total and its band (for a scored questionnaire), and the alert questions answered above
    0. ValueError for a wrong number of answers or a value the questionnaire does not offer."""
    if len(answers) != len(questionnaire.questions):
        raise ValueError(f"Answer all {len(questionnaire.questions)} questions.")
    if any(a not in questionnaire.values for a in answers):
        raise ValueError("Choose one of the answers offered for each question.")
    alerts = tuple(n for n in questionnaire.alert_questions if answers[n - 1] > 0)
    if not questionnaire.scored:
        return Score(total=None, band="", alerts=alerts)
    total = sum(answers)
    band = next(b.label for b in questionnaire.bands if b.low <= total <= b.high)
    return Score(total=total, band=band, alerts=alerts)
