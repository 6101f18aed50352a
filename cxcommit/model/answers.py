"""Item columns read as scale values: each distinct answer mapped once (labels, numbers, missing
codes, don't know), then looked up per respondent; answers that cannot be read are listed."""
from __future__ import annotations

import numpy as np

from cxcommit.errors import MappingError, Problem
from cxcommit.instrument.items import Item, built_in_item
from cxcommit.instrument.scales import DONT_KNOW, DONT_KNOW_LABEL, MISSING_LABEL, Scale, label_kind, parse_number, yes_no_value
from cxcommit.io.readers import RawTable
from cxcommit.mapping.schema import ItemMapping, Mapping, label_lookup
from cxcommit.model.categories import MAX_LISTED
from cxcommit.model.levels import level_codes
from cxcommit.stats.tallies import used_codes
from cxcommit.text import normalize_label, one_line, without_controls


def item_columns(raw: RawTable, mapping: Mapping, personal: dict, frame: dict,
                 problems: list[Problem]) -> tuple[list[Item], dict]:
    """The mapping's items as columns of scale values in ``frame`` (those on personal data dropped),
    the items, and each one's level codes where its scale has levels."""
    items: list[Item] = []
    levels = {}
    for item_mapping in mapping.items:
        if item_mapping.column in personal:  # dropped, as the warning says
            continue
        if item_mapping.item in frame:
            raise MappingError(f"Item id {item_mapping.item!r} is also the name of a grouping.",
                               hint="Give the item another id in the mapping.")
        values, indices = encode_item(raw, item_mapping, mapping.missing_codes, problems)
        frame[item_mapping.item] = values[indices]
        items.append(item_of(item_mapping))
        coded = level_codes(values, items[-1])  # per distinct answer, then looked up per respondent
        if coded is not None:
            levels[item_mapping.item] = (coded[0][indices], coded[1])
    return items, levels


def item_of(m: ItemMapping) -> Item:
    """The item of a mapping entry; its label as one line and its question without control
    characters (they name the item in charts, tables and files)."""
    known = built_in_item(m.item)
    scale = m.make_scale()
    label = one_line(m.label or "") or (known.label if known else one_line(m.item) or m.item)
    question = without_controls(m.question or "").strip() or (known.question if known else m.column)
    return Item(m.item, label, question, known.module if known else "custom", scale)


def encode_item(raw: RawTable, m: ItemMapping, missing_codes, problems: list[Problem]) -> tuple[np.ndarray, np.ndarray]:
    """One item column's scale values: the value of each distinct answer as float32 (NaN missing,
    DONT_KNOW for don't know; the last entry NaN for blank) and each respondent's answer index
    into it (-1 blank), so that ``values[indices]`` are the respondents' values."""
    scale = m.make_scale()
    lookup = label_lookup(m)
    codes = set(missing_codes)
    uniques, indices = raw.release(m.column)
    values = np.full(len(uniques) + 1, np.nan, dtype=np.float32)
    unknown, out_of_range = [], []
    used = used_codes(indices, len(uniques))  # dictionaries may hold header text
    for i, text in enumerate(uniques):
        norm = normalize_label(text) if used[i] else ""
        if not norm:
            continue
        mapped = _mapped(text, norm, lookup, scale, codes)
        if mapped is _OUT_OF_RANGE:
            out_of_range.append(i)
        elif mapped is None:
            unknown.append(i)
        elif mapped == DONT_KNOW_LABEL:
            values[i] = DONT_KNOW if scale.kind in ("yes_no", "likert") else np.nan
        elif mapped != MISSING_LABEL:
            values[i] = mapped
    for kind, positions in (("answer label not in the mapping; read as missing. Add it to the item's labels "
                             "to count it", unknown),
                            (f"number outside the scale ({scale.describe()}); read as missing", out_of_range)):
        _list_answers(raw, m.column, kind, positions, uniques, indices, problems)
    return values, indices


_OUT_OF_RANGE = object()  # a number outside the item's scale


def _mapped(text: str, norm: str, lookup: dict, scale: Scale, codes: set) -> float | str | object | None:
    """What one distinct answer is: its label in the mapping (or a yes/no word), a number on the scale,
    a missing code, a don't-know or missing label; :data:`_OUT_OF_RANGE` for a number off the scale,
    None for a label the mapping does not name."""
    mapped = lookup.get(norm)
    if mapped is None and scale.kind == "yes_no":
        mapped = yes_no_value(text)
    if mapped is not None:
        return mapped
    number = parse_number(text)
    if number is None:
        return label_kind(text)
    if scale.kind != "numeric" and number in codes:
        return MISSING_LABEL
    return number if scale.in_range(number) else _OUT_OF_RANGE


def _list_answers(raw: RawTable, column: str, kind: str, positions: list[int], uniques: list, indices: np.ndarray,
                  problems: list[Problem]) -> None:
    """Answers that could not be read, each with its first row and how many gave it (the first
    :data:`MAX_LISTED`; the others counted)."""
    for i in positions[:MAX_LISTED]:
        rows = np.flatnonzero(indices == i)
        problems.append(Problem(f"{kind} ({len(rows)} answer{'s' if len(rows) != 1 else ''})",
                                row=raw.row_number(int(rows[0])), column=column, value=str(uniques[i])[:80],
                                severity="warning"))
    if len(positions) > MAX_LISTED:
        problems.append(Problem(f"{len(positions) - MAX_LISTED} more answer labels like these",
                                column=column, severity="warning"))
