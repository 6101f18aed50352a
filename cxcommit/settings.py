"""Settings: one frozen object passed explicitly, documented in one table.

``SETTINGS`` is the single source of truth for every setting's name, default and help text;
the README documents each of them (a test checks that).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from cxcommit.errors import SettingsError
from cxcommit.stats.methods import CI_METHOD_NAMES

MIN_GROUP_SIZE_FLOOR = 3

# (name, default, help) — the README's settings table is checked against this list.
SETTINGS: tuple[tuple[str, object, str], ...] = (
    ("min_group_size", 5,
     "Smallest number of answers a group needs before any number about it is shown, charted or "
     "exported; never below 3."),
    ("confidence", 0.95, "Confidence level of intervals (between 0.5 and 0.999)."),
    ("ci_method", "wilson", "Interval for shares: wilson, clopper_pearson or agresti_coull."),
    ("min_difference", 0.05,
     "Smallest difference between two shares that matters, as a fraction (0.05: 5 points); a difference is "
     "called significant only when it is at least this large and holds after adjusting for the number of "
     "tests (between 0 and 0.5)."),
    ("dont_know", "not_yes",
     "How a \"don't know\" answer to a yes/no item counts: not_yes (in the base, not a yes — a sign "
     "staff cannot see is not met) or missing (left out of the base)."),
    ("test_responses", "auto",
     "Qualtrics preview/test/spam responses: exclude, keep, or auto (exclude unless every response "
     "is one, then keep them and warn)."),
    ("drop_personal_data", True,
     "Drop direct identifiers (names, emails, phone numbers, addresses, dates of birth, employee and national "
     "numbers, IP addresses, locations, recipient fields, profile links, free-text answers) at import, found by "
     "column name and by content."),
)

_CHOICES = {
    "dont_know": ("not_yes", "missing"),
    "test_responses": ("auto", "exclude", "keep"),
}


@dataclass(frozen=True)
class Settings:
    """Analysis and import settings; see ``SETTINGS`` for what each one means."""

    min_group_size: int = 5
    confidence: float = 0.95
    ci_method: str = "wilson"
    min_difference: float = 0.05
    dont_know: str = "not_yes"
    test_responses: str = "auto"
    drop_personal_data: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.min_group_size, bool) or not isinstance(self.min_group_size, int) or (
            self.min_group_size < MIN_GROUP_SIZE_FLOOR
        ):
            raise SettingsError(
                f"min_group_size must be a whole number of at least {MIN_GROUP_SIZE_FLOOR}; "
                f"got {self.min_group_size!r}.",
                hint="Groups smaller than 3 could identify individual respondents.",
            )
        if not 0.5 <= float(self.confidence) <= 0.999:
            raise SettingsError(f"confidence must be between 0.5 and 0.999; got {self.confidence!r}.")
        if not 0 <= float(self.min_difference) <= 0.5:
            raise SettingsError(f"min_difference must be between 0 and 0.5 (0.05 is 5 points); got {self.min_difference!r}.")
        if self.ci_method not in CI_METHOD_NAMES:
            raise SettingsError(
                f"Unknown ci_method {self.ci_method!r}.", hint=f"Use one of: {', '.join(CI_METHOD_NAMES)}."
            )
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(
                    f"Unknown {name} {getattr(self, name)!r}.", hint=f"Use one of: {', '.join(allowed)}."
                )



MAX_MIN_DIFFERENCE_POINTS = 50  # the largest smallest difference that matters, in points (Settings: 0.5)
MAX_MIN_GROUP_SIZE = 1_000_000_000  # the largest minimum a link or the sidebar sets: more than any export holds


def setting_from_text(name: str, texts: list[str] | tuple[str, ...]) -> tuple[object, str | None]:
    """A setting's value from text, as a link gives it (``?min_group_size=10``), and a note when the
    text was refused or changed: never a smaller minimum group size than asked, and otherwise the
    default with a note saying what is allowed.

    For ``min_group_size`` a decimal is rounded up, a value under 3 is raised to 3, one over
    :data:`MAX_MIN_GROUP_SIZE` (or too large to read, 1e400) lowered to it, and the largest number of
    several values is used (text among them passed over; text alone gives the default).

    >>> setting_from_text("min_group_size", ["10"])
    (10, None)
    >>> setting_from_text("min_group_size", ["2"])
    (3, "The link's min_group_size 2 is below the smallest allowed, 3; 3 is used.")
    >>> setting_from_text("ci_method", ["exact"])[1]
    "The link's ci_method 'exact' is not one of wilson, clopper_pearson, agresti_coull; the default wilson is used."

    ``min_difference`` is given in percentage points, as the sidebar shows it (``?min_difference=10``:
    0.10), from 0 to :data:`MAX_MIN_DIFFERENCE_POINTS`:

    >>> setting_from_text("min_difference", ["10"])
    (0.1, None)
    """
    default = dict((n, d) for n, d, _ in SETTINGS)[name]
    texts = [str(t).strip() for t in texts]
    if name == "min_group_size":
        return _min_group_size_from(texts, default)
    if not texts:
        return default, None
    text = texts[0]
    twice = (f" (the link gives {name} {len(texts)} times: {', '.join(texts)}; the first is read)"
             if len(texts) > 1 else "")
    if name == "confidence":
        return _confidence_from(text, default, twice)
    if name == "min_difference":
        return _min_difference_from(text, default, twice)
    allowed = CI_METHOD_NAMES if name == "ci_method" else _CHOICES.get(name, ())
    if text not in allowed:
        return default, (f"The link's {name} {text[:30]!r} is not one of {', '.join(allowed)}; the default "
                         f"{default} is used{twice}.")
    return text, (f"The link's {name} {text} is used{twice}." if twice else None)


def _link_number(text: str) -> float:
    """A number as a link writes it (thousands separators allowed); NaN if it is none."""
    try:
        return float(text.replace(",", "").replace("_", ""))
    except ValueError:
        return math.nan


def _min_group_size_from(texts: list[str], default: int) -> tuple[int, str | None]:
    """The minimum group size from a link's values: the largest number, rounded up and kept within
    the allowed range; the default when there is no number."""
    numbers = [_link_number(t) for t in texts]
    words = [t for t, number in zip(texts, numbers) if math.isnan(number)]
    numbers = [number for number in numbers if not math.isnan(number)]  # 1e400 is infinity: above the largest
    if words and not numbers:
        return default, (f"The link's min_group_size {words[0][:20]!r} is not a whole number; the default "
                         f"minimum of {default} is used.")
    if not numbers:
        return default, None
    asked = max(numbers)
    value = _allowed_minimum(asked)
    shown = (f"{asked:,.0f}" if asked.is_integer() else f"{asked:g}") if math.isfinite(asked) else (
        next(t for t in texts if t not in words and _link_number(t) == asked)[:20])
    return value, _min_group_size_note(texts, asked, shown, value)


def _allowed_minimum(asked: float) -> int:
    """``asked`` rounded up, at least :data:`MIN_GROUP_SIZE_FLOOR` and at most :data:`MAX_MIN_GROUP_SIZE`."""
    if not math.isfinite(asked):
        return MAX_MIN_GROUP_SIZE if asked > 0 else MIN_GROUP_SIZE_FLOOR
    return min(max(math.ceil(asked), MIN_GROUP_SIZE_FLOOR), MAX_MIN_GROUP_SIZE)


def _min_group_size_note(texts: list[str], asked: float, shown: str, value: int) -> str | None:
    """Why the minimum used differs from the one asked: several values, below or above the allowed
    range, or a decimal rounded up."""
    if len(texts) > 1:
        shown_texts = ", ".join(t[:20] for t in texts)
        return (f"The link gives min_group_size {len(texts)} times ({shown_texts}); the largest, {value:,}, "
                "is used.")
    if asked < MIN_GROUP_SIZE_FLOOR:
        return f"The link's min_group_size {shown} is below the smallest allowed, {MIN_GROUP_SIZE_FLOOR}; {value} is used."
    if asked > MAX_MIN_GROUP_SIZE:
        return (f"The link's min_group_size {shown} is above the largest allowed, {MAX_MIN_GROUP_SIZE:,}; "
                f"{value:,} is used.")
    if not asked.is_integer():
        return (f"The link's min_group_size {shown} is not a whole number; {value} is used (rounded up: never a "
                "smaller minimum than asked).")
    return None


def setting_link_text(name: str, value: object) -> str:
    """A setting's value as a link writes it (read back by :func:`setting_from_text`):
    ``min_difference`` in percentage points, the others as they are.

    >>> setting_link_text("min_difference", 0.1), setting_link_text("confidence", 0.9)
    ('10', '0.9')
    """
    return f"{round(float(value) * 100, 6):g}" if name == "min_difference" else str(value)


def _min_difference_from(text: str, default: float, twice: str) -> tuple[float, str | None]:
    """The smallest difference that matters from a link's text in percentage points (``5`` or
    ``5%``), from 0 to :data:`MAX_MIN_DIFFERENCE_POINTS`; else the default, with a note."""
    points = _link_number(text.removesuffix("%").strip())
    if not 0 <= points <= MAX_MIN_DIFFERENCE_POINTS:  # NaN fails too
        return default, (f"The link's min_difference {text[:20]!r} is not a number of points from 0 to "
                         f"{MAX_MIN_DIFFERENCE_POINTS}; the default {default * 100:g} points is used{twice}.")
    value = points / 100
    return value, (f"The link's min_difference {points:g} points is used{twice}." if twice else None)


def _confidence_from(text: str, default: float, twice: str) -> tuple[float, str | None]:
    """The confidence level from a link's text, between 0.5 and 0.999; else the default."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.5 <= value <= 0.999:  # NaN fails too
        return default, (f"The link's confidence {text[:20]!r} is not between 0.5 and 0.999; the default "
                         f"{default} is used{twice}.")
    return value, (f"The link's confidence {value} is used{twice}." if twice else None)
