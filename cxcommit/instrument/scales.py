"""Answer scales, and what an answer label says (don't know, missing, yes or no, a place on an ordered
scale); :mod:`cxcommit.instrument.guess` guesses a column's scale from them.

A scale says what the numbers of an item mean:

- ``yes_no``: 1 = yes, 0 = no; "don't know" is the code :data:`DONT_KNOW`.
- ``likert``: whole numbers ``low..high`` (3 to 11 points); favourable = values ``>= favourable_from``
  (the top boxes); "don't know" (:data:`DONT_KNOW`) is left out of the base.
- ``nps``: 0–10 likelihood to recommend; promoters 9–10 are favourable, detractors 0–6.
- ``numeric``: a metric with an optional range; no favourable share.

Which way an item points (its ``direction``, :data:`DIRECTIONS`):

- ``higher`` (the default): the top of the scale is favourable, as above.
- ``lower``: a reverse-worded item ("How difficult do you expect learning R to be?", 5 = very
  difficult): the bottom boxes are favourable, values ``<= favourable_from``, by default as many
  boxes as the top boxes of the same scale (1–2 of 1–5); a yes/no item's "no". Reverse-scoring
  negatively worded items before counting them is the usual practice (Spector 1992, *Summated
  Rating Scale Construction*, Sage, ch. 3; DeVellis 2017, *Scale Development*, 4th ed., ch. 5).
- ``none``: a factual or descriptive question ("Have you seen any of the films?", "Are you
  familiar with …?") has no favourable answer: no favourable share, so it takes part in no
  ranking, gap, best group, index or finding; its distribution (the share answering yes, the
  mean) is still described.

:meth:`Scale.favourable` is the one place answers are counted favourable.

Answers that mean "not applicable", "no basis to judge" or "seen but not answered" (Qualtrics
codes -1, -99 and 997–999 among them) are missing values, never averaged.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from cxcommit.errors import MappingError
from cxcommit.text import normalize_label

DONT_KNOW = -1.0  # code of a "don't know" answer in yes_no and likert items (never a scale value there)
SCALE_KINDS = ("yes_no", "likert", "nps", "numeric")
DONT_KNOW_LABEL = "dont_know"
MISSING_LABEL = "missing"

DIRECTIONS = ("higher", "lower", "none")
DIRECTION_WORDS = {"higher": "the top boxes are favourable", "lower": "reverse-worded, the bottom boxes are favourable",
                   "none": "a factual question, not rated"}
# Top boxes counted as favourable, by number of points (user can override per item).
TOP_BOXES = {3: 1, 4: 2, 5: 2, 6: 3, 7: 3, 8: 3, 9: 3, 10: 3, 11: 3}


@dataclass(frozen=True)
class Scale:
    """What an item's numbers mean; build one with :func:`make_scale`."""

    kind: str
    low: float | None = None
    high: float | None = None
    favourable_from: float | None = None  # None: no favourable answer (numeric, or not rated)
    direction: str = "higher"

    @property
    def points(self) -> int | None:
        if self.kind == "likert":
            return int(self.high - self.low + 1)
        return None

    @property
    def rated(self) -> bool:
        """Whether the item has favourable answers (a share favourable, rankings, gaps)."""
        return self.favourable_from is not None

    @property
    def favourable_range(self) -> tuple[float, float] | None:
        """The scale values counted favourable, both ends included; None where none is.

        >>> make_scale("likert", 1, 5).favourable_range, make_scale("likert", 1, 5, direction="lower").favourable_range
        ((4.0, 5.0), (1.0, 2.0))
        """
        if not self.rated:
            return None
        return (self.low, self.favourable_from) if self.direction == "lower" else (self.favourable_from, self.high)

    def favourable(self, values: np.ndarray) -> np.ndarray:
        """Which of ``values`` are favourable answers (NaN, "don't know" and every answer of an
        item without favourable answers are not): the one place the direction is applied.

        >>> make_scale("likert", 1, 5, direction="lower").favourable(np.array([1.0, 2.0, 3.0, 5.0, np.nan]))
        array([ True,  True, False, False, False])
        """
        values = np.asarray(values)
        if not self.rated:
            return np.zeros(values.shape, dtype=bool)
        low, high = self.favourable_range
        with np.errstate(invalid="ignore"):
            return (values >= low) & (values <= high)

    def favourable_text(self) -> str:
        """The favourable answers in words: ``"yes"``, ``"no"``, ``"4–5"``, ``"9–10"``; empty if none."""
        if not self.rated:
            return ""
        if self.kind == "yes_no":
            return "no" if self.direction == "lower" else "yes"
        low, high = self.favourable_range
        return _fmt(low) if low == high else f"{_fmt(low)}–{_fmt(high)}"

    def direction_note(self) -> str:
        """What a reader must know of the item's direction, for a method line or a caption: empty for
        an item read the usual way.

        >>> make_scale("likert", 1, 5, direction="lower").direction_note()
        'reverse-worded: 1–2 counted favourable'
        >>> make_scale("yes_no", direction="none").direction_note()
        'factual: no answer counted favourable'
        """
        if self.direction == "lower":
            return f"reverse-worded: {self.favourable_text()} counted favourable"
        if self.direction == "none" and self.kind != "numeric":
            return "factual: no answer counted favourable"
        return ""

    def describe(self) -> str:
        note = self.direction_note()
        if self.kind == "yes_no":
            return f"yes/no ({note})" if note else "yes/no"
        if self.kind == "nps":
            return f"0–10 likelihood (NPS, {note})" if note else "0–10 likelihood (NPS)"
        if self.kind == "likert":
            rule = note or f"favourable ≥ {_fmt(self.favourable_from)}"
            return f"{self.points}-point ({_fmt(self.low)}–{_fmt(self.high)}, {rule})"
        if self.low is not None or self.high is not None:
            return f"number {_fmt(self.low)}–{_fmt(self.high)}"
        return "number"

    def in_range(self, value: float) -> bool:
        if self.kind in ("yes_no", "likert", "nps"):
            return self.low <= value <= self.high and float(value).is_integer()
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def _fmt(x: float | None) -> str:
    if x is None:
        return "…"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def make_scale(kind: str, low: float | None = None, high: float | None = None,
               favourable_from: float | None = None, direction: str = "higher") -> Scale:
    """A validated :class:`Scale` with the usual defaults filled in; ``direction`` is one of
    :data:`DIRECTIONS` (for ``lower``, ``favourable_from`` is the highest value counted favourable).

    >>> make_scale("likert", 1, 5).favourable_from
    4.0
    >>> make_scale("likert", 1, 5, direction="lower").favourable_from
    2.0
    >>> make_scale("nps").describe()
    '0–10 likelihood (NPS)'
    """
    if kind not in SCALE_KINDS:
        raise MappingError(f"Unknown scale {kind!r}.", hint=f"Use one of: {', '.join(SCALE_KINDS)}.")
    _check_direction(kind, direction)
    if kind == "yes_no":
        return Scale("yes_no", 0.0, 1.0, None if direction == "none" else 0.0 if direction == "lower" else 1.0,
                     direction)
    if kind == "nps":
        return Scale("nps", 0.0, 10.0, None if direction == "none" else
                     9.0 if favourable_from is None else float(favourable_from), direction)
    if kind == "likert":
        return _likert_scale(low, high, favourable_from, direction)
    if low is not None and high is not None and low > high:
        raise MappingError(f"A numeric range needs low <= high; got {low!r} > {high!r}.")
    return Scale("numeric", None if low is None else float(low), None if high is None else float(high), None,
                 direction)


def _check_direction(kind: str, direction: str) -> None:
    """A direction the scale can have: any of :data:`DIRECTIONS` for yes/no and Likert items;
    an NPS item is never reversed (its promoters are defined at the top), a number is never rated."""
    if direction not in DIRECTIONS:
        raise MappingError(f"Unknown direction {direction!r}.",
                           hint=f"Use one of: {', '.join(DIRECTIONS)} ({'; '.join(f'{d}: {w}' for d, w in DIRECTION_WORDS.items())}).")
    if direction == "lower" and kind in ("nps", "numeric"):
        raise MappingError(f"{'An NPS' if kind == 'nps' else 'A numeric'} item cannot be reverse-worded "
                           "(direction 'lower').",
                           hint="Use direction 'higher' or 'none'; reverse a Likert or yes/no item only.")


def _likert_scale(low: float | None, high: float | None, favourable_from: float | None, direction: str) -> Scale:
    """A likert scale of whole points from 0 upwards, 3 to 11 of them; favourable from the top boxes
    (:data:`TOP_BOXES`) unless said, or as many bottom boxes for a reverse-worded item."""
    if low is None or high is None or not float(low).is_integer() or not float(high).is_integer():
        raise MappingError(f"A likert scale needs whole-number low and high values; got low={low!r}, high={high!r}.",
                           hint='Write e.g. "low": 1, "high": 5.')
    points = int(high) - int(low) + 1
    if not 3 <= points <= 11 or low < 0:
        raise MappingError(f"A likert scale has 3 to 11 points from 0 upwards; got {_fmt(low)}–{_fmt(high)}.")
    if direction == "none":
        return Scale("likert", float(low), float(high), None, direction)
    if direction == "lower":
        favourable_from = float(low) + TOP_BOXES[points] - 1 if favourable_from is None else favourable_from
        if not low <= favourable_from < high:
            raise MappingError(f"A reverse-worded item's favourable_from (the highest value counted favourable) must "
                               f"lie at least {_fmt(low)} and below {_fmt(high)}; got {favourable_from!r}.")
        return Scale("likert", float(low), float(high), float(favourable_from), direction)
    if favourable_from is None:
        favourable_from = float(high) - TOP_BOXES[points] + 1
    if not low < favourable_from <= high:
        raise MappingError(f"favourable_from must lie above {_fmt(low)} and at most {_fmt(high)}; got {favourable_from!r}.")
    return Scale("likert", float(low), float(high), float(favourable_from), direction)


# --- recognising labels -------------------------------------------------------------------------

_NA = re.compile(r"\bn/a\b|^na\b|not applicable|does ?n[o']t apply|no basis|unable to (judge|rate|say|answer|comment)"
                 r"|prefer not to|unfamiliar|not relevant|no opinion|^skip")
_DK = re.compile(r"^(i )?(don'?t|do not|dont) know\b|^not sure\b|^unsure\b|^no idea\b|^can'?t say\b|^cannot say\b|^dk$")
_NEUTRAL = re.compile(r"^neither\b|\bneutral\b|^undecided$|^no change\b|^about the same$|^the same$|^mixed$|^average$")
_YES = {"yes", "y", "ja", "oui", "sí", "si"}
_NO = {"no", "n", "nein", "non"}

# polar word -> (family, sign)
_POLAR: dict[str, tuple[str, int]] = {}
for _family, _pos, _neg in [
    ("agree", ["agree"], ["disagree"]),
    ("satisfied", ["satisfied"], ["dissatisfied", "unsatisfied"]),
    ("likely", ["likely"], ["unlikely"]),
    ("helpful", ["helpful"], ["unhelpful"]),
    ("easy", ["easy"], ["difficult", "hard"]),
    ("useful", ["useful"], ["useless"]),
    ("safe", ["safe"], ["unsafe"]),
    ("good", ["good"], ["bad"]),
    ("well", ["well"], []),
    ("reasonable", ["reasonable"], ["unreasonable"]),
    ("favorably", ["favorably", "favourably", "favorable", "favourable"],
     ["unfavorably", "unfavourably", "unfavorable", "unfavourable"]),
    ("important", ["important"], ["unimportant"]),
    ("effective", ["effective"], ["ineffective"]),
    ("positive", ["positive"], ["negative"]),
    ("able", ["able", "capable"], ["unable"]),
    ("more", ["more", "better", "increased"], ["less", "worse", "decreased"]),
    ("clear", ["clear"], ["unclear"]),
    ("confident", ["confident"], ["unconfident"]),
    ("valuable", ["valuable"], ["worthless"]),
    ("relevant", ["relevant"], ["irrelevant"]),
    ("comfortable", ["comfortable"], ["uncomfortable"]),
    ("committed", ["committed"], ["uncommitted"]),
    ("motivated", ["motivated"], ["unmotivated"]),
]:
    _POLAR.update({w: (_family, 1) for w in _pos})
    _POLAR.update({w: (_family, -1) for w in _neg})

# Words that carry their own position on a quality scale (Excellent / Very good / Good / Fair / Poor).
_FIXED = {"excellent": 3.0, "outstanding": 3.0, "fair": 0.5, "poor": -2.0, "terrible": -3.0, "awful": -3.0}
_INTENSITY = [
    (re.compile(r"\b(extremely|completely|totally|strongly|absolutely|entirely|very much|much|definitely)\b"), 3.0),
    (re.compile(r"\bvery\b"), 2.5),
    (re.compile(r"\b(moderately|fairly|quite|mostly|reasonably|rather)\b"), 1.5),
    (re.compile(r"\b(somewhat|slightly|mildly|partly|partially|a little|a bit|kind of|a little bit)\b"), 1.0),
]
# Labels with no polar word: frequency and quantity scales, scored directly (first match wins).
_DIRECT = [
    (re.compile(r"\b(none of (it|the time|them)|not at all|never)\b"), "amount", -3.0),
    (re.compile(r"^(little or no|no|hardly any)\b"), "amount", -3.0),
    (re.compile(r"\balmost never\b"), "amount", -2.5),
    (re.compile(r"\b(rarely|seldom)\b"), "amount", -2.0),
    (re.compile(r"\balmost always\b"), "amount", 2.75),
    (re.compile(r"\b(always|all of (it|the time|them)|extensive|a great deal|a lot)\b"), "amount", 3.0),
    (re.compile(r"\b(most of (it|the time|them)|usually|frequently)\b"), "amount", 2.5),
    (re.compile(r"\boften\b"), "amount", 2.0),
    (re.compile(r"\b(about half|half of)\b"), "amount", 1.5),
    (re.compile(r"\b(some|sometimes|a moderate amount)\b"), "amount", 1.0),
    (re.compile(r"\b(occasionally)\b"), "amount", -1.0),
    (re.compile(r"\b(a little|little|few)\b"), "amount", -1.0),
]
_WORD = re.compile(r"[a-z]+")


def yes_no_value(label: str) -> float | None:
    """1.0 for a yes, 0.0 for a no (in a few languages), None otherwise.

    >>> yes_no_value(" YES "), yes_no_value("Nein"), yes_no_value("Maybe")
    (1.0, 0.0, None)
    """
    norm = normalize_label(label)
    return 1.0 if norm in _YES else 0.0 if norm in _NO else None


def label_kind(label: str) -> str | None:
    """``"dont_know"``, ``"missing"`` or None for an ordinary answer label.

    >>> label_kind("Don't know"), label_kind("Unfamiliar (N/A)"), label_kind("Agree")
    ('dont_know', 'missing', None)
    """
    norm = normalize_label(label)
    if _DK.search(norm):
        return DONT_KNOW_LABEL
    if _NA.search(norm):
        return MISSING_LABEL
    return None


class LabelScore(NamedTuple):
    """Where an answer label sits on an ordered scale."""

    family: str | None  # the scale the label belongs to ("agree", "amount", ...); None if neutral
    score: float  # signed position: negative below the midpoint, 0 neutral, positive above
    opposite: bool  # True where the label uses the negative word of a pair (disagree, unhelpful)


def score_label(label: str) -> LabelScore | None:
    """Position of an ordinal answer label, or None when it is not part of an ordered scale.

    >>> tuple(score_label("Strongly disagree"))
    ('agree', -3.0, True)
    >>> tuple(score_label("Not useful at all"))
    ('useful', -3.0, False)
    >>> tuple(score_label("Most of it"))
    ('amount', 2.5, False)
    """
    norm = normalize_label(label)
    if _NEUTRAL.search(norm):
        return LabelScore(None, 0.0, False)
    words = _WORD.findall(norm)
    fixed = next((w for w in words if w in _FIXED), None)
    if fixed is not None:
        intensity = 0.5 if re.search(r"\bvery\b", norm) else 0.0
        score = _FIXED[fixed]
        return LabelScore("good", score + (intensity if score > 0 else -intensity), False)
    polar = next((_POLAR[w] for w in words if w in _POLAR), None)
    if polar is not None:
        return _polar_score(norm, *polar)
    for pattern, family, value in _DIRECT:
        if pattern.search(norm):
            return LabelScore(family, value, False)
    return None


def _polar_score(norm: str, family: str, sign: int) -> LabelScore:
    """A label with a polar word (agree, unhelpful): negated by "not" (and "not at all"), else as
    strong as its intensity word."""
    if re.search(r"\bnot\b.*\bat all\b|\bnot at all\b", norm):
        return LabelScore(family, -3.0 * sign, False)
    if re.search(r"\bnot\b", norm):
        return LabelScore(family, -2.0 * sign, False)
    intensity = next((value for pattern, value in _INTENSITY if pattern.search(norm)), 2.0)
    return LabelScore(family, sign * intensity, sign < 0)


def parse_number(text: str) -> float | None:
    """A number written in an answer cell, or None.

    >>> parse_number(" 7 "), parse_number("1,5"), parse_number("three")
    (7.0, 1.5, None)
    """
    text = str(text).strip().replace(",", ".") if str(text).count(",") == 1 and "." not in str(text) else str(text).strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
