"""Guessing the scale of a column from its distinct answers and its question: yes/no, a likert scale
of numbers or of ordered labels (completed where a bipolar scale shows one side), an NPS, or no
rating at all (free text, categories, ranks, large numbers)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from cxcommit.instrument.scales import (MISSING_LABEL, LabelScore, Scale, label_kind, make_scale, parse_number,
                                        score_label, yes_no_value)
from cxcommit.text import normalize_label


@dataclass(frozen=True)
class ScaleGuess:
    """A suggested scale for one column, with its answer labels mapped to values."""

    scale: Scale
    labels: dict[str, float | str]
    review: str | None = None  # why a person should check this suggestion


_RANGE_IN_TEXT = re.compile(r"\b(\d{1,2})\s*(?:to|-|–|through)\s*(\d{1,2})\b")
_NPS_TEXT = re.compile(r"recommend", re.I)
_NPS_NAME = re.compile(r"\bnps\b|net promoter|likelihood to recommend", re.I)
_SPECIAL_CODES = {97.0, 98.0, 99.0, 997.0, 998.0, 999.0, 9999.0}


def guess_scale(counts: dict[str, int], question: str = "") -> ScaleGuess | None:
    """Guess the scale of a column from its distinct answers (label -> count) and its question text.

    Returns None where the answers are not a rating (free text, categories, ranks, large numbers).

    >>> guess_scale({"Yes": 5, "No": 3, "Don't know": 1}).scale.kind
    'yes_no'
    >>> g = guess_scale({"Agree": 4, "Strongly agree": 2, "Disagree": 1, "Neither agree nor disagree": 3})
    >>> g.scale.points, g.labels["Strongly agree"]
    (5, 5.0)
    """
    labels = {label: n for label, n in counts.items() if normalize_label(label) != ""}
    if not labels:
        return None
    kinds = {label: label_kind(label) for label in labels}
    numbers = {label: parse_number(label) for label in labels}
    if all(numbers[label] is not None for label in labels):
        return _guess_numeric({label: numbers[label] for label in labels}, question)
    return _guess_yes_no(labels, kinds) or _guess_likert(labels, kinds)


def _guess_yes_no(labels: dict[str, int], kinds: dict[str, str | None]) -> ScaleGuess | None:
    """A yes/no scale where every ordinary answer is a yes or a no (in a few languages)."""
    ordinary = [label for label in labels if kinds[label] is None]
    answers = {label: yes_no_value(label) for label in ordinary}
    if not ordinary or None in answers.values():
        return None
    mapped: dict[str, float | str] = {label: kinds[label] for label in labels if kinds[label]}
    mapped.update(answers)
    return ScaleGuess(make_scale("yes_no"), mapped)


def _guess_numeric(numbers: dict[str, float], question: str) -> ScaleGuess | None:
    """A 0–10 NPS or a likert scale of whole numbers (missing codes apart), or None."""
    split = _points_and_codes(set(numbers.values()))
    if split is None:
        return None
    points, missing = split
    found = _numeric_range(points, question)
    if found is None:
        return None
    low, high, review = found
    labels: dict[str, float | str] = {
        label: (MISSING_LABEL if value in missing else value) for label, value in numbers.items()
    }
    if _is_nps(points, question):
        return ScaleGuess(make_scale("nps"), labels)
    if high - low + 1 > 11:
        return None
    return ScaleGuess(make_scale("likert", low, high), labels, review or "higher numbers are taken as better")


def _points_and_codes(values: set[float]) -> tuple[set[float], set[float]] | None:
    """The answers that are scale points, and the missing codes: negative whole numbers beside
    positive ones, and 97–99, 997–999, 9999 above a scale of at most 11. None unless the points are
    at least two whole numbers from 0 to 10."""
    positive = {v for v in values if v >= 0}
    missing = {v for v in values if v < 0 and float(v).is_integer()} if positive else set()
    rest = values - missing
    special = _special_codes(rest)
    missing, rest = missing | special, rest - special
    if len(rest) < 2 or not all(float(v).is_integer() for v in rest) or min(rest) < 0 or max(rest) > 10:
        return None
    return rest, missing


def _special_codes(values: set[float]) -> set[float]:
    """The special codes among answers above 11, if the other answers are at most 11."""
    if not values or max(values) <= 11:
        return set()
    special = {v for v in values if v in _SPECIAL_CODES}
    return special if values - special and max(values - special) <= 11 else set()


def _numeric_range(points: set[float], question: str) -> tuple[float, float, str | None] | None:
    """The scale's low and high: as the question states them ("0 to 10"), else from the answers
    seen (then with a note to review; None if fewer than 3 points)."""
    low, high = (0.0 if min(points) == 0 else 1.0), max(points)
    stated = _RANGE_IN_TEXT.search(question or "")
    if stated and int(stated.group(1)) in (0, 1) and int(stated.group(2)) >= max(points):
        return float(stated.group(1)), float(stated.group(2)), None
    if high - low + 1 < 3:
        return None
    return low, high, f"range {low:g}–{high:g} taken from the answers seen; higher numbers are taken as better"


def _is_nps(points: set[float], question: str) -> bool:
    """Named as an NPS, or asking about recommending with answers up to 9 or 10 on at least 5 points."""
    if _NPS_NAME.search(question or ""):
        return True
    return bool(_NPS_TEXT.search(question or "")) and max(points) >= 9 and len(points) >= 5


def _guess_likert(labels: dict[str, int], kinds: dict[str, str | None]) -> ScaleGuess | None:
    """A likert scale from ordered labels of one family (agree, satisfied, amount, ...), or None."""
    ordinary = [label for label in labels if kinds[label] is None]
    scored = _scored(ordinary)
    if scored is None:
        return None
    scores = sorted({s.score for s in scored.values()})
    bipolar = any(s.opposite for s in scored.values()) and scores[-1] > 0
    full = _symmetric(scores) if bipolar else scores
    if not 3 <= len(full) <= 11:
        return None
    position = {score: float(i + 1) for i, score in enumerate(full)}
    mapped: dict[str, float | str] = {label: kinds[label] for label in labels if kinds[label]}
    mapped.update({label: position[s.score] for label, s in scored.items()})
    return ScaleGuess(make_scale("likert", 1, len(full)), mapped, _likert_review(full, scores, bipolar))


def _likert_review(full: list[float], scores: list[float], bipolar: bool) -> str | None:
    """What a person should check of a likert scale read from labels: points added to complete it, or
    fewer than 5 points (a label nobody chose may be missing)."""
    if len(full) > len(scores):
        return f"{len(full)}-point scale completed from the {len(scores)} answers seen"
    if not bipolar and len(full) < 5:
        return f"{len(full)} points counted from the answers seen; add any label nobody chose"
    return None


def _scored(ordinary: list[str]) -> dict[str, LabelScore] | None:
    """Each label's place on one ordered scale; None unless there are at least 3 labels, all of one
    family, and no two different labels at one position."""
    scored = {label: score_label(label) for label in ordinary}
    if len(ordinary) < 3 or any(s is None for s in scored.values()):
        return None
    if len({s.family for s in scored.values() if s.family is not None}) != 1:
        return None
    by_score: dict[float, set[str]] = {}
    for label, s in scored.items():
        by_score.setdefault(s.score, set()).add(normalize_label(label))
    if any(len(same) > 1 for same in by_score.values()):
        return None  # two different labels at one position: not an ordered scale we understand
    return scored


def _symmetric(scores: list[float]) -> list[float]:
    """A bipolar scale's positions: a position seen on one side exists on the other too."""
    magnitudes = sorted({abs(s) for s in scores if s != 0})
    return [-m for m in reversed(magnitudes)] + ([0.0] if 0.0 in scores else []) + magnitudes
