"""Reading a mapping from its JSON file: the file's size and encoding, then every field checked,
all problems reported at once (the format: ``docs/mapping.md``)."""
from __future__ import annotations

import json
from pathlib import Path

from cxcommit.errors import MappingError
from cxcommit.instrument.scales import DIRECTION_WORDS, DIRECTIONS, DONT_KNOW_LABEL, MISSING_LABEL, SCALE_KINDS
from cxcommit.io.columns import ATTRIBUTES
from cxcommit.io.formats import FORMATS
from cxcommit.mapping.json_checks import (COLUMN, ITEM_FIELDS, TOP_FIELDS, WAVE_FIELDS, Checker, is_number, received,
                                          scalar_text)
from cxcommit.mapping.schema import (DEFAULT_MISSING_CODES, MAPPING_VERSION, PERIODS, ROLES, ItemMapping, Mapping,
                                     WaveRule)


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


def mapping_from_dict(data: object, name: str = "mapping") -> Mapping:
    """A :class:`Mapping` from its JSON form, checking every field.

    Every problem is collected into one :class:`~cxcommit.errors.MappingError`: ``problems`` has
    one row per problem with its path in the JSON as ``column`` (``items[3].scale``), what is
    allowed in ``problem`` and the value received in ``value``.
    """
    _check_version(data, name)
    check = Checker()
    check.known_fields(data, TOP_FIELDS, "")
    fmt = check.choice(data.get("format", "auto"), "format", FORMATS, "format") or "auto"
    respondent_id = check.text(data.get("respondent_id"), "respondent_id", allowed=COLUMN, null=True)
    wave = _wave_rule(check, data.get("wave"))
    attributes = _attributes(check, data.get("attributes"))
    role_values = _role_values(check, data.get("role_values"))
    groupings = [g for i, g in enumerate(check.array(data.get("groupings"), "groupings", "a list of column headers"))
                 if check.text(g, f"groupings[{i}]", allowed=COLUMN) is not None]
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


def _check_version(data: object, name: str) -> None:
    """An error unless ``data`` is an object that says it is a mapping of this version."""
    if not isinstance(data, dict):
        raise MappingError(f"{name} is not a cxcommit mapping (version {MAPPING_VERSION}).",
                           hint=f"It holds {received(data)}; a mapping is a JSON object that starts with "
                                f'"cxcommit_mapping": {MAPPING_VERSION}. Make one with `mapping suggest`.')
    version = data.get("cxcommit_mapping")
    if not (is_number(version) and version == MAPPING_VERSION):
        said = "has no \"cxcommit_mapping\" field" if "cxcommit_mapping" not in data else \
            f'says "cxcommit_mapping": {scalar_text(version) or received(version)}'
        raise MappingError(f"{name} is not a cxcommit mapping (version {MAPPING_VERSION}).",
                           hint=f'It {said}; a mapping starts with "cxcommit_mapping": {MAPPING_VERSION}. '
                                "Make one with `mapping suggest`.")


def _attributes(check: Checker, value: object) -> dict[str, str]:
    """The ``attributes`` entry: standard attribute → column."""
    attributes = {}
    for attribute, column in check.obj(value, "attributes", "an object of attribute → column").items():
        if attribute not in ATTRIBUTES:
            check.bad(f"attributes.{attribute}", f"unknown attribute; use {', '.join(ATTRIBUTES)} "
                                                 "(any other column goes in groupings)", attribute)
        elif check.text(column, f"attributes.{attribute}", allowed=COLUMN) is not None:
            attributes[attribute] = column
    return attributes


def _role_values(check: Checker, value: object) -> dict[str, str | None]:
    """The ``role_values`` entry: role label → executive, manager, employee or null."""
    role_values = {}
    for raw, role in check.obj(value, "role_values", "an object of role label → role").items():
        where = f"role_values.{raw}"
        if role is not None and not isinstance(role, str):
            check.wrong_type(where, f"one of {', '.join(ROLES)} or null", role)
        elif role is not None and role not in ROLES:
            check.bad(where, f"unknown role; use {', '.join(ROLES)} or null", role)
        else:
            role_values[raw] = role
    return role_values


def _wave_rule(check: Checker, value: object) -> WaveRule:
    """The ``wave`` entry (absent or null: every response is "Wave 1")."""
    wave_data = check.obj(value, "wave", 'an object such as {"column": "Wave"} or {"value": "2026-Q3"}')
    if not wave_data:
        return WaveRule(value="Wave 1")
    before = len(check.problems)
    check.known_fields(wave_data, WAVE_FIELDS, "wave.")
    column = check.text(wave_data.get("column"), "wave.column", allowed=COLUMN, null=True)
    period = check.choice(wave_data.get("period"), "wave.period", PERIODS, "period", null=True)
    whole_file = wave_data.get("whole_file", False)
    if not isinstance(whole_file, bool):
        check.wrong_type("wave.whole_file", "true or false", whole_file)
    fixed = wave_data.get("value")
    if fixed is not None and not isinstance(fixed, str) and not (is_number(fixed) and float(fixed).is_integer()):
        check.wrong_type("wave.value", 'text (the wave\'s name, e.g. "2026-Q3") or a whole number', fixed)
    elif fixed is not None:
        fixed = fixed if isinstance(fixed, str) else str(int(fixed))
    if len(check.problems) == before and (column is None) == (fixed is None):
        check.bad("wave", 'give either "column" (where the wave is read) or "value" (one wave for the whole file)',
                  _short_entry(wave_data))
    return WaveRule(column, period, whole_file is True, fixed)


def _item(check: Checker, entry: object, where: str, seen: set[str]) -> ItemMapping | None:
    """One entry of ``items``, or None after recording its problems."""
    if not isinstance(entry, dict):
        check.wrong_type(where, 'an object with "column", "item" and "scale"', entry)
        return None
    before = len(check.problems)
    check.known_fields(entry, ITEM_FIELDS, f"{where}.")
    missing = [f'"{key}"' for key in ("column", "item", "scale")
               if entry.get(key) is None or (isinstance(entry.get(key), str) and not entry[key].strip())]
    if missing:
        check.bad(where, f'each item needs "column", "item" and "scale"; this one has no {" and no ".join(missing)}',
                  _short_entry(entry))
        return None
    column = check.text(entry["column"], f"{where}.column", allowed=COLUMN)
    item_id = _item_id(check, entry["item"], where, seen)
    scale = _scale_kind(check, entry.get("scale"), where)
    if scale is None:
        return None
    label = check.text(entry.get("label", ""), f"{where}.label")
    question = check.text(entry.get("question", ""), f"{where}.question")
    review = check.text(entry.get("review"), f"{where}.review", null=True)
    low, high, favourable = (check.number(entry.get(key), f"{where}.{key}", null=True)
                             for key in ("low", "high", "favourable_from"))
    labels = _labels(check, entry.get("labels"), where)
    direction = check.choice(entry.get("direction", "higher"), f"{where}.direction", DIRECTIONS,
                             f"direction ({'; '.join(f'{d}: {w}' for d, w in DIRECTION_WORDS.items())})")
    if len(check.problems) > before:
        return None
    item = ItemMapping(column=column, item=item_id, scale=scale, label=label, question=question, low=low, high=high,
                       favourable_from=favourable, labels=labels, review=review, direction=direction)
    return item if _labels_on_scale(check, item, where) else None


def _item_id(check: Checker, value: object, where: str, seen: set[str]) -> str | None:
    """An item's id, which no other item may use (``seen``: the ids so far)."""
    item_id = check.text(value, f"{where}.item", allowed="text (the item id, e.g. \"sign_1\")")
    if item_id is not None:
        if item_id in seen:
            check.bad(f"{where}.item", "this item id is used twice", item_id)
        seen.add(item_id)
    return item_id


def _scale_kind(check: Checker, scale: object, where: str) -> str | None:
    """An item's ``scale``: one of the scale kinds."""
    if isinstance(scale, str) and scale in SCALE_KINDS:
        return scale
    if isinstance(scale, str):
        check.bad(f"{where}.scale", f"unknown scale; use one of {', '.join(SCALE_KINDS)}", scale)
    else:
        check.wrong_type(f"{where}.scale", f"one of {', '.join(SCALE_KINDS)}", scale)
    return None


def _labels(check: Checker, value: object, where: str) -> dict[str, float | str]:
    """An item's ``labels``: answer text → a number, "dont_know" or "missing"."""
    labels = {}
    for text, mapped in check.obj(value, f"{where}.labels",
                                  'an object of answer text → number, "dont_know" or "missing"').items():
        if is_number(mapped) or mapped in (DONT_KNOW_LABEL, MISSING_LABEL):
            labels[text] = float(mapped) if is_number(mapped) else mapped
        else:
            check.bad(f"{where}.labels", f'answer label {text!r} must map to a number, "dont_know" or "missing"',
                      mapped)
    return labels


def _labels_on_scale(check: Checker, item: ItemMapping, where: str) -> bool:
    """Whether the item's scale can be made (else a problem); answer labels outside it are problems."""
    try:
        made = item.make_scale()
    except MappingError as exc:
        check.bad(where, exc.message, item.item)
        return False
    for text, value in item.labels.items():
        if isinstance(value, float) and not made.in_range(value):
            check.bad(f"{where}.labels", f"answer label {text!r} maps to {value:g}, outside the scale "
                                         f"{made.describe()}", value)
    return True


def _short_entry(entry: dict) -> str | None:
    if all(not isinstance(v, (dict, list)) for v in entry.values()):
        return json.dumps(entry, ensure_ascii=False)[:80]
    return None
