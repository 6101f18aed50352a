"""The mapping: how an export's columns become items and groupings, stored as a small JSON file.

A mapping is suggested automatically (:func:`cxcommit.mapping.suggest.suggest_mapping`), checked and
edited by a person, saved, and reused for the next wave. The same mapping gives the same result
from the command line, the library and the dashboard. The JSON format is documented in
``docs/mapping.md``.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cxcommit.errors import MappingError, Problem
from cxcommit.instrument.scales import DONT_KNOW_LABEL, MISSING_LABEL, SCALE_KINDS, Scale, make_scale
from cxcommit.io.columns import ATTRIBUTES
from cxcommit.io.formats import FORMATS
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


MAX_MAPPING_BYTES = 16 * 2**20  # a mapping of thousands of items is well under 2 MB


def load_mapping(source: str | Path | bytes, name: str | None = None) -> Mapping:
    """Read a mapping JSON file (path or bytes); every problem is reported at once.

    A file over :data:`MAX_MAPPING_BYTES`, one that is not UTF-8 JSON, or JSON nested too deeply
    to read is refused with a :class:`~cxcommit.errors.MappingError`; the rest is checked by
    :func:`mapping_from_dict`.
    """
    if isinstance(source, (str, Path)):
        name = name or str(source)
        path = Path(source)
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise MappingError(f"{name} is a folder, not a mapping file.", hint="Give the path of the JSON file.")
            if size > MAX_MAPPING_BYTES:
                raise _too_large(name, size)
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise MappingError(f"There is no mapping file {name!r}.", hint="Check the path.") from None
        except PermissionError:
            raise MappingError(f"{name} cannot be read: permission denied.",
                               hint="Check the file's permissions, or copy it somewhere you can read.") from None
        except UnicodeDecodeError:
            raise MappingError(f"{name} is not a UTF-8 text file.", hint="A mapping is a JSON text file.") from None
    else:
        name = name or "mapping"
        if len(source) > MAX_MAPPING_BYTES:
            raise _too_large(name, len(source))
        text = bytes(source).decode("utf-8-sig", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                           hint="Fix the JSON (a missing comma or quote is usual) or suggest a new mapping.") from None
    except RecursionError:
        raise MappingError(f"{name} is nested too deeply to read: lists or objects inside each other thousands of "
                           "levels deep.",
                           hint="A mapping is nested 4 levels at most (items → an item → its labels); "
                                "make one with `mapping suggest`.") from None
    return mapping_from_dict(data, name)


def _too_large(name: str, size: int) -> MappingError:
    return MappingError(f"{name} is {size / 2**20:,.1f} MB; a mapping file is at most "
                        f"{MAX_MAPPING_BYTES // 2**20} MB.",
                        hint="Check that this is the mapping (a small JSON file), not an export; "
                             "make one with `mapping suggest`.")


def _received(value: object) -> str:
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


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_TOP_FIELDS = ("cxcommit_mapping", "format", "respondent_id", "wave", "attributes", "role_values", "groupings",
               "items", "missing_codes", "personal", "ignored")
_WAVE_FIELDS = ("column", "period", "whole_file", "value")
_ITEM_FIELDS = ("column", "item", "scale", "label", "question", "low", "high", "favourable_from", "labels", "review")
_TEXT = "text"
_COLUMN = "text (a column's header as in the export)"


class _Checker:
    """Collects every problem of a mapping's JSON, each at its path (``items[3].scale``)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def bad(self, where: str, what: str, value: object = None) -> None:
        """A problem at ``where``; ``value`` as written (text as it is, containers described)."""
        shown = value if isinstance(value, str) or value is None else _short(value) or _received(value)
        self.problems.append(Problem(what, column=where, value=None if shown is None else shown[:80]))

    def wrong_type(self, where: str, allowed: str, value: object) -> None:
        self.bad(where, f"must be {allowed}; got {_received(value)}")  # what was received is in the sentence

    def known_fields(self, data: dict, fields: tuple[str, ...], where: str) -> None:
        for key in data:
            if key not in fields:
                self.bad(f"{where}{key}", f"unknown field; the fields are {', '.join(fields)}", key)

    def text(self, value: object, where: str, *, allowed: str = _TEXT, null: bool = False) -> str | None:
        if isinstance(value, str) or (null and value is None):
            return value
        self.wrong_type(where, allowed + (" or null" if null else ""), value)
        return None

    def number(self, value: object, where: str, *, null: bool = False) -> float | None:
        if _is_number(value) or (null and value is None):
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


def _short(value: object) -> str | None:
    """A scalar as it was written (cut to 80 characters); containers are described, not printed."""
    if isinstance(value, (dict, list)):
        return None
    return json.dumps(value, ensure_ascii=False)[:80]


def mapping_from_dict(data: object, name: str = "mapping") -> Mapping:
    """A :class:`Mapping` from its JSON form, checking every field.

    Every problem is collected into one :class:`~cxcommit.errors.MappingError`: ``problems`` has
    one row per problem with its path in the JSON as ``column`` (``items[3].scale``), what is
    allowed in ``problem`` and the value received in ``value``.
    """
    if not isinstance(data, dict):
        raise MappingError(f"{name} is not a cxcommit mapping (version {MAPPING_VERSION}).",
                           hint=f"It holds {_received(data)}; a mapping is a JSON object that starts with "
                                f'"cxcommit_mapping": {MAPPING_VERSION}. Make one with `mapping suggest`.')
    version = data.get("cxcommit_mapping")
    if not (_is_number(version) and version == MAPPING_VERSION):
        said = "has no \"cxcommit_mapping\" field" if "cxcommit_mapping" not in data else \
            f'says "cxcommit_mapping": {_short(version) or _received(version)}'
        raise MappingError(f"{name} is not a cxcommit mapping (version {MAPPING_VERSION}).",
                           hint=f'It {said}; a mapping starts with "cxcommit_mapping": {MAPPING_VERSION}. '
                                "Make one with `mapping suggest`.")
    check = _Checker()
    bad = check.bad
    check.known_fields(data, _TOP_FIELDS, "")
    fmt = check.choice(data.get("format", "auto"), "format", FORMATS, "format") or "auto"
    respondent_id = check.text(data.get("respondent_id"), "respondent_id", allowed=_COLUMN, null=True)
    wave = _wave_rule(check, data.get("wave"))
    attributes = {}
    for attribute, column in check.obj(data.get("attributes"), "attributes",
                                       "an object of attribute → column").items():
        if attribute not in ATTRIBUTES:
            bad(f"attributes.{attribute}", f"unknown attribute; use {', '.join(ATTRIBUTES)} "
                                           "(any other column goes in groupings)", attribute)
        elif check.text(column, f"attributes.{attribute}", allowed=_COLUMN) is not None:
            attributes[attribute] = column
    role_values = {}
    for raw, role in check.obj(data.get("role_values"), "role_values",
                               "an object of role label → role").items():
        where = f"role_values.{raw}"
        if role is not None and not isinstance(role, str):
            check.wrong_type(where, f"one of {', '.join(ROLES)} or null", role)
        elif role is not None and role not in ROLES:
            bad(where, f"unknown role; use {', '.join(ROLES)} or null", role)
        else:
            role_values[raw] = role
    groupings = [g for i, g in enumerate(check.array(data.get("groupings"), "groupings", "a list of column headers"))
                 if check.text(g, f"groupings[{i}]", allowed=_COLUMN) is not None]
    items, seen = [], set()
    for i, entry in enumerate(check.array(data.get("items"), "items", "a list of items (objects)")):
        item = _item(check, entry, f"items[{i}]", seen)
        if item is not None:
            items.append(item)
    codes = [c for i, c in enumerate(check.array(data.get("missing_codes", list(DEFAULT_MISSING_CODES)),
                                                 "missing_codes", "a list of numbers"))
             if check.number(c, f"missing_codes[{i}]") is not None]
    personal = check.text_map(data.get("personal"), "personal", "column → reason")
    ignored = check.text_map(data.get("ignored"), "ignored", "column → reason")
    if check.problems:
        raise MappingError(f"{name} has {len(check.problems)} problem(s).",
                           hint="Fix them in the file, or start again from `mapping suggest`.",
                           problems=check.problems)
    return Mapping(
        format=fmt, respondent_id=respondent_id, wave=wave, attributes=attributes, role_values=role_values,
        groupings=tuple(groupings), items=tuple(items), missing_codes=tuple(float(c) for c in codes),
        personal=personal, ignored=ignored,
    )


def _wave_rule(check: _Checker, value: object) -> WaveRule:
    """The ``wave`` entry (absent or null: every response is "Wave 1")."""
    wave_data = check.obj(value, "wave", 'an object such as {"column": "Wave"} or {"value": "2026-Q3"}')
    if not wave_data:
        return WaveRule(value="Wave 1")
    before = len(check.problems)
    check.known_fields(wave_data, _WAVE_FIELDS, "wave.")
    column = check.text(wave_data.get("column"), "wave.column", allowed=_COLUMN, null=True)
    period = check.choice(wave_data.get("period"), "wave.period", PERIODS, "period", null=True)
    whole_file = wave_data.get("whole_file", False)
    if not isinstance(whole_file, bool):
        check.wrong_type("wave.whole_file", "true or false", whole_file)
    fixed = wave_data.get("value")
    if fixed is not None and not isinstance(fixed, str) and not (_is_number(fixed) and float(fixed).is_integer()):
        check.wrong_type("wave.value", 'text (the wave\'s name, e.g. "2026-Q3") or a whole number', fixed)
    elif fixed is not None:
        fixed = fixed if isinstance(fixed, str) else str(int(fixed))
    if len(check.problems) == before and (column is None) == (fixed is None):
        check.bad("wave", 'give either "column" (where the wave is read) or "value" (one wave for the whole file)',
                  _short_entry(wave_data))
    return WaveRule(column, period, whole_file is True, fixed)


def _item(check: _Checker, entry: object, where: str, seen: set[str]) -> ItemMapping | None:
    """One entry of ``items``, or None after recording its problems."""
    bad = check.bad
    if not isinstance(entry, dict):
        check.wrong_type(where, 'an object with "column", "item" and "scale"', entry)
        return None
    before = len(check.problems)
    check.known_fields(entry, _ITEM_FIELDS, f"{where}.")
    missing = [f'"{key}"' for key in ("column", "item", "scale")
               if entry.get(key) is None or (isinstance(entry.get(key), str) and not entry[key].strip())]
    if missing:
        bad(where, f'each item needs "column", "item" and "scale"; this one has no {" and no ".join(missing)}',
            _short_entry(entry))
        return None
    column = check.text(entry["column"], f"{where}.column", allowed=_COLUMN)
    item_id = check.text(entry["item"], f"{where}.item", allowed="text (the item id, e.g. \"sign_1\")")
    if item_id is not None:
        if item_id in seen:
            bad(f"{where}.item", "this item id is used twice", item_id)
        seen.add(item_id)
    scale = entry.get("scale")
    if not isinstance(scale, str) or scale not in SCALE_KINDS:
        if isinstance(scale, str):
            bad(f"{where}.scale", f"unknown scale; use one of {', '.join(SCALE_KINDS)}", scale)
        else:
            check.wrong_type(f"{where}.scale", f"one of {', '.join(SCALE_KINDS)}", scale)
        return None
    label = check.text(entry.get("label", ""), f"{where}.label")
    question = check.text(entry.get("question", ""), f"{where}.question")
    review = check.text(entry.get("review"), f"{where}.review", null=True)
    low, high, favourable = (check.number(entry.get(key), f"{where}.{key}", null=True)
                             for key in ("low", "high", "favourable_from"))
    labels = {}
    for text, value in check.obj(entry.get("labels"), f"{where}.labels",
                                 'an object of answer text → number, "dont_know" or "missing"').items():
        if _is_number(value) or value in (DONT_KNOW_LABEL, MISSING_LABEL):
            labels[text] = float(value) if _is_number(value) else value
        else:
            bad(f"{where}.labels", f'answer label {text!r} must map to a number, "dont_know" or "missing"', value)
    if len(check.problems) > before:
        return None
    item = ItemMapping(column=column, item=item_id, scale=scale, label=label, question=question, low=low, high=high,
                       favourable_from=favourable, labels=labels, review=review)
    try:
        made = item.make_scale()
    except MappingError as exc:
        bad(where, exc.message, item_id)
        return None
    for text, value in item.labels.items():
        if isinstance(value, float) and not made.in_range(value):
            bad(f"{where}.labels", f"answer label {text!r} maps to {value:g}, outside the scale {made.describe()}", value)
    return item


def _short_entry(entry: dict) -> str | None:
    if all(not isinstance(v, (dict, list)) for v in entry.values()):
        return json.dumps(entry, ensure_ascii=False)[:80]
    return None


def label_lookup(item: ItemMapping) -> dict[str, float | str]:
    """The item's answer labels keyed by their normalised spelling."""
    return {normalize_label(k): v for k, v in item.labels.items()}
