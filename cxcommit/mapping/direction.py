"""Which way a suggested item points, read from its question's wording (see
:data:`cxcommit.instrument.scales.DIRECTIONS`).

Two small word lists, kept short on purpose: a wrong guess turns a ranking upside down, so each
one is shown to the user as a note to check.

- **Factual** (``none``): a yes/no question that asks what someone did, has or is, not how well
  something went: one that opens with :data:`FACTUAL_OPENINGS` ("Have you seen any of the 6
  films?", "Are you familiar with the Expanded Universe?", "Do you consider yourself a fan?", "Did
  you use tidyverse packages to learn R?"). Such a question has no favourable answer.
- **Reverse-worded** (``lower``): a Likert question answered with bare numbers whose wording names
  a burden (:data:`BURDEN_WORDS`: "How difficult do you expect learning R to be?" on 1 to 5), so a
  high number is the unfavourable end. When the answers are words ("Extremely easy" …
  "Extremely difficult") the labels already place the favourable end at the top, and when the
  question names both ends ("How easy or difficult …") it points nowhere in particular: both stay
  ``higher``.

Items of the instrument (the 8 signs, the CEO and practice items, NPS) are never guessed: their
direction is theirs (``higher``).
"""
from __future__ import annotations

import re

from cxcommit.instrument.scales import parse_number

# A yes/no question opening (or a sentence of it opening) with one of these asks a fact.
FACTUAL_OPENINGS = ("have you", "has your", "did you", "were you", "are you familiar", "do you consider yourself")
# A question naming one of these words (and none of BALANCING_WORDS) asks how much of a burden something is.
BURDEN_WORDS = ("difficult", "difficulty", "hard", "harder", "worry", "worried", "worrying", "confusing", "confused",
                "frustrating", "frustrated", "effort")
# Words of the favourable end: a question naming them too is balanced ("How easy or difficult …").
BALANCING_WORDS = ("easy", "easier", "simple", "clear", "enjoy", "satisfied", "satisfying", "helpful")

_FACTUAL = re.compile(r"(?:^|[.?!:;]\s+)(?:" + "|".join(FACTUAL_OPENINGS) + r")\b", re.I)
_BURDEN = re.compile(r"\b(?:" + "|".join(BURDEN_WORDS) + r")\b", re.I)
_BALANCING = re.compile(r"\b(?:" + "|".join(BALANCING_WORDS) + r")\b", re.I)


def suggested_direction(question: str, scale: str, labels: dict) -> tuple[str, str | None]:
    """The direction of an item of one's own from its ``question``, its ``scale`` kind and the
    answer ``labels`` read from the file (text → value), with a note to check (None for
    ``higher``).

    >>> suggested_direction("Are you familiar with the Expanded Universe?", "yes_no", {"Yes": 1.0, "No": 0.0})[0]
    'none'
    >>> suggested_direction("On a scale of 1 to 5, how difficult do you expect learning R to be?", "likert", {})
    ('lower', "reverse-worded ('difficult'): the bottom boxes are counted favourable; check")
    >>> suggested_direction("How easy or difficult is it to register?", "likert", {})[0]
    'higher'
    >>> suggested_direction("Does the executive team have clear CX objectives?", "yes_no", {})[0]
    'higher'
    """
    text = " ".join(str(question or "").split())
    if scale == "yes_no":
        found = _FACTUAL.search(text)
        if found:
            opening = found.group(0).strip(" .?!:;").lower()
            return "none", f"a factual question ('{opening} …'): no answer counted favourable; check"
        return "higher", None
    if scale != "likert" or _worded(labels) or _BALANCING.search(text):
        return "higher", None
    burden = _BURDEN.search(text)
    if burden:
        return "lower", f"reverse-worded ('{burden.group(0).lower()}'): the bottom boxes are counted favourable; check"
    return "higher", None


def _worded(labels: dict) -> bool:
    """Whether answers are words placed on the scale (their order comes from the labels, not the
    question): any label that is not a number and maps to a scale value."""
    return any(parse_number(text) is None and isinstance(value, float) for text, value in labels.items())


_HIGHER_BETTER = re.compile(r"(?:;\s*)?higher numbers are taken as better")


def with_direction(note: str | None, review: str | None, direction: str) -> str | None:
    """An item's review note with its direction's ``note`` first; the guess's "higher numbers are
    taken as better" goes where the direction says otherwise.

    >>> with_direction("reverse-worded ('difficult'): …; check", "higher numbers are taken as better", "lower")
    "reverse-worded ('difficult'): …; check"
    >>> with_direction(None, "range 1–5 taken from the answers seen; higher numbers are taken as better", "higher")
    'range 1–5 taken from the answers seen; higher numbers are taken as better'
    """
    if direction != "higher" and review:
        review = _HIGHER_BETTER.sub("", review).strip("; ") or None
    return "; ".join(filter(None, (note, review))) or None
