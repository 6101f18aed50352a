"""Checking a mapping's JSON field by field: every problem collected at its path, each saying what
was received and what is allowed."""
from __future__ import annotations

import json
import math

from cxcommit.errors import Problem


def received(value: object) -> str:
    """What a JSON value is, in words, for a message: ``the number 5``, ``a list of 3 values``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} (not a number a mapping can hold)".replace("nan", "NaN").replace("inf", "Infinity")
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:60]!r}" + ("…" if len(value) > 60 else "") if value else "empty text"
    if isinstance(value, list):
        return f"a list of {len(value)} value{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return f"an object with {len(value)} field{'s' if len(value) != 1 else ''}"
    return type(value).__name__


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


TOP_FIELDS = ("cxcommit_mapping", "format", "respondent_id", "wave", "attributes", "role_values", "groupings",
               "items", "missing_codes", "personal", "ignored")
WAVE_FIELDS = ("column", "period", "whole_file", "value")
ITEM_FIELDS = ("column", "item", "scale", "label", "question", "low", "high", "favourable_from", "direction", "labels",
               "review")
TEXT = "text"
COLUMN = "text (a column's header as in the export)"


class Checker:
    """Collects every problem of a mapping's JSON, each at its path (``items[3].scale``)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def bad(self, where: str, what: str, value: object = None) -> None:
        """A problem at ``where``; ``value`` as written (text as it is, containers described)."""
        shown = value if isinstance(value, str) or value is None else scalar_text(value) or received(value)
        self.problems.append(Problem(what, column=where, value=None if shown is None else shown[:80]))

    def wrong_type(self, where: str, allowed: str, value: object) -> None:
        self.bad(where, f"must be {allowed}; got {received(value)}")  # what was received is in the sentence

    def known_fields(self, data: dict, fields: tuple[str, ...], where: str) -> None:
        for key in data:
            if key not in fields:
                self.bad(f"{where}{key}", f"unknown field; the fields are {', '.join(fields)}", key)

    def text(self, value: object, where: str, *, allowed: str = TEXT, null: bool = False) -> str | None:
        if isinstance(value, str) or (null and value is None):
            return value
        self.wrong_type(where, allowed + (" or null" if null else ""), value)
        return None

    def number(self, value: object, where: str, *, null: bool = False) -> float | None:
        if is_number(value) or (null and value is None):
            return value
        self.wrong_type(where, "a number" + (" or null" if null else ""), value)
        return None

    def choice(self, value: object, where: str, allowed: tuple[str, ...], what: str, *,
               null: bool = False) -> str | None:
        if (null and value is None) or (isinstance(value, str) and value in allowed):
            return value
        options = ", ".join(allowed) + (" or null" if null else "")
        if isinstance(value, str):
            self.bad(where, f"unknown {what}; use one of {options}", value)
        else:
            self.wrong_type(where, f"one of {options}", value)
        return None

    def obj(self, value: object, where: str, what: str = "an object") -> dict:
        """``value`` if it is an object; null counts as empty; else a problem and ``{}``."""
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        self.wrong_type(where, what, value)
        return {}

    def array(self, value: object, where: str, what: str) -> list:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.wrong_type(where, what, value)
        return []

    def text_map(self, value: object, where: str, what: str) -> dict[str, str]:
        """An object of text → text (``personal``, ``ignored``)."""
        kept = {}
        for key, text in self.obj(value, where, f"an object of {what}").items():
            if self.text(text, f"{where}.{key}") is not None:
                kept[key] = text
        return kept


def scalar_text(value: object) -> str | None:
    """A scalar as it was written (cut to 80 characters); containers are described, not printed."""
    if isinstance(value, (dict, list)):
        return None
    return json.dumps(value, ensure_ascii=False)[:80]
