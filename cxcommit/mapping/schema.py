"""The mapping: how an export's columns become items and groupings, stored as a small JSON file.

A mapping is suggested automatically (:func:`cxcommit.mapping.suggest.suggest_mapping`), checked and
edited by a person, saved, and reused for the next wave (read back, every field checked, by
:func:`cxcommit.mapping.mapping_file.load_mapping`). The same mapping gives the same result
from the command line, the library and the dashboard. The JSON format is documented in
``docs/mapping.md``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from cxcommit.instrument.scales import Scale, make_scale
from cxcommit.text import normalize_label

MAPPING_VERSION = 1
PERIODS = ("quarter", "month", "year")
ROLES = ("executive", "manager", "employee")  # what a mapping's role_values say
ROLE_LABELS = {"executive": "Executive", "manager": "Manager", "employee": "Employee"}  # the values imported
DEFAULT_MISSING_CODES = (-99.0, -98.0, -97.0, -1.0, 997.0, 998.0, 999.0)


@dataclass(frozen=True)
class ItemMapping:
    """One export column read as one item.

    ``labels`` maps answer texts as they appear in the file to scale values, or to
    ``"dont_know"`` / ``"missing"``. Numeric answers within the scale's range need no entry.
    ``direction`` says which way the item points (:data:`cxcommit.instrument.scales.DIRECTIONS`):
    ``higher`` (the top boxes favourable), ``lower`` (reverse-worded: the bottom boxes favourable,
    ``favourable_from`` then the highest of them) or ``none`` (a factual question, not rated).
    """

    column: str
    item: str
    scale: str
    label: str = ""
    question: str = ""
    low: float | None = None
    high: float | None = None
    favourable_from: float | None = None
    labels: dict[str, float | str] = field(default_factory=dict)
    review: str | None = None
    direction: str = "higher"

    def make_scale(self) -> Scale:
        return make_scale(self.scale, self.low, self.high, self.favourable_from, self.direction)


@dataclass(frozen=True)
class WaveRule:
    """Where the wave of a response comes from: a column as it is, a date column cut into
    periods (per row, or the period most responses of the file fall in), or one fixed value."""

    column: str | None = None
    period: str | None = None
    whole_file: bool = False
    value: str | None = None

    def describe(self) -> str:
        if self.value is not None:
            return f"all responses are wave {self.value!r}"
        if self.period is None:
            return f"from column {self.column!r}"
        if self.whole_file:
            return f"the {self.period} most responses were recorded in ({self.column!r})"
        return f"the {self.period} of {self.column!r}"


@dataclass(frozen=True)
class Mapping:
    """How to read one export: see ``docs/mapping.md`` for each field."""

    format: str = "auto"
    respondent_id: str | None = None
    wave: WaveRule = WaveRule(value="Wave 1")
    attributes: dict[str, str] = field(default_factory=dict)
    role_values: dict[str, str | None] = field(default_factory=dict)
    groupings: tuple[str, ...] = ()
    items: tuple[ItemMapping, ...] = ()
    missing_codes: tuple[float, ...] = DEFAULT_MISSING_CODES
    personal: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, str] = field(default_factory=dict)

    @property
    def columns_used(self) -> set[str]:
        used = {m.column for m in self.items} | set(self.attributes.values()) | set(self.groupings)
        if self.respondent_id:
            used.add(self.respondent_id)
        if self.wave.column:
            used.add(self.wave.column)
        return used

    def to_dict(self) -> dict:
        items = []
        for m in self.items:
            entry = {k: v for k, v in asdict(m).items() if v not in (None, "", {})
                     and not (k == "direction" and v == "higher")}  # the default, as older files have it
            items.append(entry)
        return {
            "cxcommit_mapping": MAPPING_VERSION,
            "format": self.format,
            "respondent_id": self.respondent_id,
            "wave": {k: v for k, v in asdict(self.wave).items() if v not in (None, False)},
            "attributes": dict(self.attributes),
            "role_values": dict(self.role_values),
            "groupings": list(self.groupings),
            "items": items,
            "missing_codes": [_num(c) for c in self.missing_codes],
            "personal": dict(self.personal),
            "ignored": dict(self.ignored),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def label_lookup(item: ItemMapping) -> dict[str, float | str]:
    """The item's answer labels keyed by their normalised spelling."""
    return {normalize_label(k): v for k, v in item.labels.items()}
