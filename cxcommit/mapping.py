"""The mapping: how an export's columns become items and groupings, stored as a small JSON file.

A mapping is suggested automatically (:func:`cxcommit.suggest.suggest_mapping`), checked and
edited by a person, saved, and reused for the next wave. The same mapping gives the same result
from the command line, the library and the dashboard. The JSON format is documented in
``docs/mapping.md``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cxcommit.columns import ATTRIBUTES
from cxcommit.errors import MappingError, Problem
from cxcommit.formats import FORMATS
from cxcommit.scales import DONT_KNOW_LABEL, MISSING_LABEL, SCALE_KINDS, Scale, make_scale
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

    def make_scale(self) -> Scale:
        return make_scale(self.scale, self.low, self.high, self.favourable_from)


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
            entry = {k: v for k, v in asdict(m).items() if v not in (None, "", {})}
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


def load_mapping(source: str | Path | bytes, name: str | None = None) -> Mapping:
    """Read a mapping JSON file (path or bytes); every problem is reported at once."""
    if isinstance(source, (str, Path)):
        name = name or str(source)
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise MappingError(f"There is no mapping file {name!r}.", hint="Check the path.") from None
        except UnicodeDecodeError:
            raise MappingError(f"{name} is not a UTF-8 text file.", hint="A mapping is a JSON text file.") from None
    else:
        name = name or "mapping"
        text = bytes(source).decode("utf-8-sig", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                           hint="Fix the JSON (a missing comma or quote is usual) or suggest a new mapping.") from None
    return mapping_from_dict(data, name)


def mapping_from_dict(data: object, name: str = "mapping") -> Mapping:
    """A :class:`Mapping` from its JSON form, checking every field."""
    problems: list[Problem] = []

    def bad(where: str, what: str, value: object = None) -> None:
        problems.append(Problem(what, column=where, value=None if value is None else str(value)[:80]))

    if not isinstance(data, dict) or data.get("cxcommit_mapping") != MAPPING_VERSION:
        raise MappingError(f"{name} is not a cxcommit mapping (version {MAPPING_VERSION}).",
                           hint='A mapping starts with "cxcommit_mapping": 1; make one with `mapping suggest`.')
    fmt = data.get("format", "auto")
    if fmt not in FORMATS:
        bad("format", f"unknown format; use one of {', '.join(FORMATS)}", fmt)
    wave_data = data.get("wave") or {"value": "Wave 1"}
    wave = WaveRule(wave_data.get("column"), wave_data.get("period"), bool(wave_data.get("whole_file", False)),
                    None if wave_data.get("value") is None else str(wave_data.get("value")))
    if (wave.column is None) == (wave.value is None):
        bad("wave", 'give either "column" or "value"', wave_data)
    if wave.period is not None and wave.period not in PERIODS:
        bad("wave.period", f"unknown period; use one of {', '.join(PERIODS)}", wave.period)
    attributes = data.get("attributes") or {}
    for attribute in attributes:
        if attribute not in ATTRIBUTES:
            bad(f"attributes.{attribute}", f"unknown attribute; use {', '.join(ATTRIBUTES)} "
                                           "(any other column goes in groupings)", attribute)
    role_values = data.get("role_values") or {}
    for raw, role in role_values.items():
        if role is not None and role not in ROLES:
            bad(f"role_values.{raw}", f"unknown role; use {', '.join(ROLES)} or null", role)
    items, seen = [], set()
    for i, entry in enumerate(data.get("items") or []):
        where = f"items[{i}]"
        if not isinstance(entry, dict) or not entry.get("column") or not entry.get("item"):
            bad(where, 'each item needs "column" and "item"', entry)
            continue
        if entry["item"] in seen:
            bad(where, "this item id is used twice", entry["item"])
        seen.add(entry["item"])
        if entry.get("scale") not in SCALE_KINDS:
            bad(where, f"unknown scale; use one of {', '.join(SCALE_KINDS)}", entry.get("scale"))
            continue
        labels = entry.get("labels") or {}
        for label, value in labels.items():
            if not (isinstance(value, (int, float)) and not isinstance(value, bool)) and value not in (
                    DONT_KNOW_LABEL, MISSING_LABEL):
                bad(where, f'answer label {label!r} must map to a number, "dont_know" or "missing"', value)
        item = ItemMapping(
            column=entry["column"], item=entry["item"], scale=entry["scale"], label=entry.get("label", ""),
            question=entry.get("question", ""), low=entry.get("low"), high=entry.get("high"),
            favourable_from=entry.get("favourable_from"),
            labels={k: (float(v) if isinstance(v, (int, float)) else v) for k, v in labels.items()},
            review=entry.get("review"),
        )
        try:
            scale = item.make_scale()
        except MappingError as exc:
            bad(where, exc.message, entry["item"])
            continue
        for label, value in item.labels.items():
            if isinstance(value, float) and not scale.in_range(value):
                bad(where, f"answer label {label!r} maps to {value:g}, outside the scale "
                           f"{scale.describe()}", value)
        items.append(item)
    if problems:
        raise MappingError(f"{name} has {len(problems)} problem(s).",
                           hint="Fix them in the file, or start again from `mapping suggest`.", problems=problems)
    return Mapping(
        format=fmt, respondent_id=data.get("respondent_id"), wave=wave, attributes=dict(attributes),
        role_values=dict(role_values), groupings=tuple(data.get("groupings") or ()), items=tuple(items),
        missing_codes=tuple(float(c) for c in data.get("missing_codes", DEFAULT_MISSING_CODES)),
        personal=dict(data.get("personal") or {}), ignored=dict(data.get("ignored") or {}),
    )


def label_lookup(item: ItemMapping) -> dict[str, float | str]:
    """The item's answer labels keyed by their normalised spelling."""
    return {normalize_label(k): v for k, v in item.labels.items()}
