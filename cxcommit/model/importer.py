"""Applying a mapping to a raw export: validated, encoded responses and a full import report.

Nothing is dropped silently: every excluded row is counted with its reason, every answer that
could not be read is reported with its row, column and value, and identifier columns dropped
as personal data are named.
"""
from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import replace
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxcommit.errors import DataValidationError, MappingError, Problem
from cxcommit.instrument.items import Item, built_in_item
from cxcommit.instrument.scales import DONT_KNOW, DONT_KNOW_LABEL, MISSING_LABEL, label_kind, parse_number, yes_no_value
from cxcommit.io.columns import is_comment, is_pooled_label, per_respondent_reason
from cxcommit.io.personal import personal_reason
from cxcommit.io.dates import parse_dates, period_label
from cxcommit.io.readers import RawTable, encode
from cxcommit.mapping.schema import ROLE_LABELS, ItemMapping, Mapping, WaveRule, label_lookup
from cxcommit.mapping.suggest import head_sample, personal_from_omitted
from cxcommit.model.levels import level_codes
from cxcommit.model.survey import ImportReport, Survey, drop_unused, ordered_categories, unit_division_counts
from cxcommit.settings import Settings
from cxcommit.text import normalize_label, one_line, without_controls

_TEST_STATUS = {"survey preview", "survey test", "spam", "preview spam", "imported spam", "offline preview",
                "test", "preview", "1", "2", "8", "9", "12", "17"}
MAX_LISTED = 50  # problems listed one by one per kind; the rest are counted


def apply_mapping(raw: RawTable, mapping: Mapping, settings: Settings = Settings()) -> Survey:
    """Validated, encoded :class:`Survey` from a raw table and a mapping: every row as imported, to
    be published (:func:`cxcommit.privacy.publish.publish`) before any analysis."""
    _check_columns(raw, mapping)
    raw.encode_all(sorted(mapping.columns_used - {mapping.respondent_id}))
    problems: list[Problem] = list(raw.problems)
    notes = list(raw.notes)
    excluded: Counter = Counter()
    if raw.skipped_rows:
        excluded["malformed row (wrong number of fields)"] += raw.skipped_rows
    if raw.merged_rows:
        excluded["line read inside another row's quoted cell (a stray quote)"] += raw.merged_rows
    n = raw.n_rows
    keep = np.ones(n, dtype=bool)

    personal = _personal_columns(raw, mapping) if settings.drop_personal_data else {}
    for key in sorted(mapping.columns_used & set(personal)):
        problems.append(Problem("column holds personal data and was dropped, though the mapping uses it",
                                column=key, value=personal[key], severity="warning"))

    keep &= _exclude_tests(raw, settings, excluded, problems)

    frame: dict[str, object] = {"source_row": np.arange(raw.header_rows + 1, raw.header_rows + 1 + n, dtype=np.int32)}
    if mapping.respondent_id and mapping.respondent_id not in personal:
        frame["respondent_id"] = pd.Series(pd.arrays.ArrowExtensionArray(
            pc.utf8_trim_whitespace(raw.strings(mapping.respondent_id))))
    # hashing a million ids takes a tenth of a second: done in a thread beside the items' encoding
    pool = ThreadPoolExecutor(max_workers=1)
    ids_hashed = pool.submit(pc.dictionary_encode, frame["respondent_id"].array._pa_array) if "respondent_id" in frame else None
    try:
        return _build(raw, mapping, settings, frame, ids_hashed, keep, excluded, personal, problems, notes)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def distinct_labels(items: list[Item]) -> tuple[Item, ...]:
    """The items with labels that tell them apart: a label already taken (two questions shortened
    to the same words) gets " (2)", " (3)"… Charts and tables name items by label.

    >>> first, second = built_in_item("sign_1"), built_in_item("sign_2")
    >>> [i.label for i in distinct_labels([first, replace(second, label=first.label)])]
    ['CX on the executive agenda', 'CX on the executive agenda (2)']
    """
    seen: dict[str, int] = {}
    out = []
    for item in items:
        seen[item.label] = seen.get(item.label, 0) + 1
        out.append(item if seen[item.label] == 1 else replace(item, label=f"{item.label} ({seen[item.label]})"))
    return tuple(out)


def _build(raw: RawTable, mapping: Mapping, settings: Settings, frame: dict, ids_hashed, keep: np.ndarray,
           excluded: Counter, personal: dict, problems: list[Problem], notes: list[str]) -> Survey:
    n = raw.n_rows
    groupings: dict[str, str] = {}
    frame["wave"] = _waves(raw, mapping, problems)
    groupings["wave"] = mapping.wave.column or "(fixed)"
    keep &= _with_wave(raw, mapping.wave, frame["wave"], excluded, problems)
    for attribute, key in mapping.attributes.items():
        if key in personal:
            continue
        values = _categorical(raw, key)
        if _refused_grouping(raw, key, values, problems):
            continue
        if attribute == "role" and mapping.role_values:
            values = _canonical_roles(values, mapping.role_values)
        frame[attribute] = _unreserved(values, key, problems)
        groupings[attribute] = key
    for key in mapping.groupings:
        if key in personal:
            continue
        name = key if key not in frame else f"{key} (column)"
        values = _categorical(raw, key)
        if _refused_grouping(raw, key, values, problems):
            continue
        frame[name] = _unreserved(values, key, problems)
        groupings[name] = key
    items: list[Item] = []
    levels = {}
    for item_mapping in mapping.items:
        if item_mapping.column in personal:  # dropped, as the warning says
            continue
        if item_mapping.item in frame:
            raise MappingError(f"Item id {item_mapping.item!r} is also the name of a grouping.",
                               hint="Give the item another id in the mapping.")
        values, indices = _encode_item(raw, item_mapping, mapping.missing_codes, problems)
        frame[item_mapping.item] = values[indices]
        items.append(_item(item_mapping))
        coded = level_codes(values, items[-1])  # per distinct answer, then looked up per respondent
        if coded is not None:
            levels[item_mapping.item] = (coded[0][indices], coded[1])
    responses = pd.DataFrame(frame, copy=False)  # no consolidation copy of a million rows
    if "respondent_id" in responses:
        keep &= _exclude_duplicates(mapping.respondent_id, responses, ids_hashed.result(), keep, excluded, problems)
        notes += _repeat_respondents(ids_hashed.result(), responses["wave"], keep)
    if "division" in responses and "business_unit" in responses:
        problems += _nesting_problems(responses, keep)
    if not keep.all():
        responses = responses[keep].reset_index(drop=True)
        levels = {item: (codes[keep], values) for item, (codes, values) in levels.items()}
    if responses.empty:
        raise DataValidationError(
            f"No responses are left in {raw.source} after excluding {sum(excluded.values())} row(s): "
            + "; ".join(f"{reason}: {count}" for reason, count in excluded.items()) + ".",
            hint="Check the file, or keep test responses (test_responses=keep / --keep-test-responses).",
            problems=problems,
        )
    for name in groupings:
        if name in responses and isinstance(responses[name].dtype, pd.CategoricalDtype):
            responses[name] = ordered_categories(drop_unused(responses[name]), name)
    report = ImportReport(
        source=raw.source, format=raw.format, encoding=raw.encoding, delimiter=raw.delimiter, sheet=raw.sheet,
        header_rows=raw.header_rows, rows_in_file=n + raw.skipped_rows + raw.merged_rows, rows_kept=len(responses),
        excluded=dict(excluded), personal_dropped=personal, problems=tuple(problems), notes=tuple(notes),
        waves=tuple(str(w) for w in responses["wave"].cat.categories),
    )
    return Survey(responses, distinct_labels(items), groupings, mapping, report, levels=levels)


def _check_columns(raw: RawTable, mapping: Mapping) -> None:
    unloaded = sorted(mapping.columns_used & set(raw.omitted))
    if unloaded:
        raise MappingError(
            "The mapping uses column(s) that a large file's first rows show to be free text or personal data: "
            + ", ".join(repr(k) for k in unloaded) + ".",
            hint="Check the mapping; to load every column of a large file, keep personal data (--keep-personal-data).")
    missing = sorted(mapping.columns_used - set(raw.keys))
    if not missing:
        return
    problems = []
    for key in missing:
        close = difflib.get_close_matches(key, raw.keys, n=1, cutoff=0.6)
        problems.append(Problem("the mapping names this column but the file has none like it"
                                + (f"; closest: {close[0]!r}" if close else ""), column=key))
    raise MappingError(
        f"The mapping names {len(missing)} column(s) that are not in {raw.source}: "
        + ", ".join(repr(k) for k in missing[:5]) + ("…" if len(missing) > 5 else "") + ".",
        hint="Is this the right file for this mapping? Fix the column names in the mapping, "
             "or suggest a new mapping for this file.",
        problems=problems,
    )


def _personal_columns(raw: RawTable, mapping: Mapping) -> dict[str, str]:
    """Identifier columns: those the mapping names, and any other that looks like one (by name or
    by a sample of its values), so that a hand-edited mapping cannot let identifiers through."""
    found = {k: v for k, v in mapping.personal.items() if k in raw.keys or k in raw.omitted}
    found.update(personal_from_omitted(raw.omitted))
    for key, label in zip(raw.keys, raw.labels):
        if key not in found:
            reason = personal_reason(key, label, *head_sample(raw, key))
            if reason:
                found[key] = reason
    return found


def _unreserved(values: pd.Categorical, key: str, problems: list[Problem]) -> pd.Categorical:
    """``values`` with any value named like a pooled group of published data ("Other units",
    "Other units of Digital", "Other roles", …) renamed "… (so named in the file)", with a warning:
    a real unit called "Other units" is never taken for the pool of small units."""
    renamed = {value: f"{value} (so named in the file)" for value in values.categories
               if is_pooled_label(value)}
    for value, new in renamed.items():
        problems.append(Problem(f"value named like a pooled group of small groups; reported as “{new}”",
                                column=key, value=value, severity="warning"))
    return values.rename_categories(renamed) if renamed else values


def _refused_grouping(raw: RawTable, key: str, values: pd.Categorical, problems: list[Problem]) -> bool:
    """True, with a warning in ``problems``, for a column the mapping uses as a grouping that cannot be
    one: free-text comments, or values nearly one per respondent (a grouping's values are listed in
    filters and charts, and a group of one is a person)."""
    if is_comment(key, raw.label_of(key)):
        why = "it holds free-text comments, which are never listed or compared by"
    else:
        why = per_respondent_reason(np.bincount(values.codes[values.codes >= 0]))
        if why is None:
            return False
        why += ", so most of its groups would be single people"
    problems.append(Problem(f"not used as a grouping: {why}. Take it out of the mapping's groupings, or group its "
                            "answers into fewer, larger categories (bands, sites, units) in the export",
                            column=key, severity="warning"))
    return True


def _exclude_tests(raw: RawTable, settings: Settings, excluded: Counter, problems: list[Problem]) -> np.ndarray:
    if not raw.format.startswith("qualtrics") or "Status" not in raw.keys or settings.test_responses == "keep":
        return np.ones(raw.n_rows, dtype=bool)
    values, indices = raw.encoded("Status")
    statuses = [str(v).strip().casefold() if v is not None else "" for v in values]
    test_code = np.array([v in _TEST_STATUS for v in statuses] + [False])
    is_test = test_code[indices]
    status = pd.Series(np.append(np.array(statuses, dtype=object), "")[indices])
    if not is_test.any():
        return np.ones(raw.n_rows, dtype=bool)
    if is_test.all() and settings.test_responses == "auto":
        problems.append(Problem(
            f"all {raw.n_rows} responses are Qualtrics preview/test responses (Status); they were kept so "
            "that the file can be looked at. Exclude them once real responses come in", column="Status",
            value=", ".join(sorted(set(status.dropna())))[:80], severity="warning"))
        return np.ones(raw.n_rows, dtype=bool)
    for value, count in status[is_test].value_counts(sort=False).items():
        excluded[f"Qualtrics {value} response (Status)" if not value.isdigit() else
                 f"Qualtrics preview/test/spam response (Status {value})"] += int(count)
    return ~is_test


def _categorical(raw: RawTable, key: str) -> pd.Categorical:
    """A column as categories, white space tidied and control characters removed
    (:func:`cxcommit.text.one_line`), blanks as missing."""
    return _categories_from(*raw.release(key))


def _categories_from(dictionary: list, indices: np.ndarray) -> pd.Categorical:
    uniques = pd.Series(dictionary, dtype="object").map(lambda v: one_line(v) or None)
    categories = pd.Index(uniques.dropna().unique())
    remap = np.append(categories.get_indexer(uniques.where(uniques.notna(), None)), -1)
    return pd.Categorical.from_codes(remap[indices], categories=categories)


def _canonical_roles(values: pd.Categorical, role_values: dict[str, str | None]) -> pd.Categorical:
    """Role labels renamed to Executive / Manager / Employee where the mapping says so (its
    role_values name them executive, manager, employee)."""
    lookup = {normalize_label(k): ROLE_LABELS[v] for k, v in role_values.items() if v}
    renamed = [lookup.get(normalize_label(c), c) for c in values.categories]
    categories = list(dict.fromkeys(renamed))
    remap = np.append(np.array([categories.index(r) for r in renamed], dtype=np.int64), -1)
    return pd.Categorical.from_codes(remap[values.codes], categories=categories)


def _waves(raw: RawTable, mapping: Mapping, problems: list[Problem]) -> pd.Categorical:
    rule = mapping.wave
    if rule.value is not None:
        return pd.Categorical([one_line(rule.value) or rule.value] * raw.n_rows)
    if rule.period is None:
        return _categorical(raw, rule.column)
    column = raw.strings(rule.column)
    values = _categories_from(*encode(_date_part(column)))
    stamps = parse_dates(pd.Series(values.categories))
    if stamps.isna().mean() > 0.5:  # not "date time" texts ("December 14, 2019"): parse them whole
        values = _categorical(raw, rule.column)
        stamps = parse_dates(pd.Series(values.categories))
    categories = list(values.categories)
    labels = period_label(stamps, rule.period)
    for position in np.flatnonzero(stamps.isna().to_numpy())[:MAX_LISTED]:
        row = raw.row_number(int(np.argmax(values.codes == position)))
        problems.append(Problem("not a date; the wave of this response is unknown",
                                row=row, column=rule.column, value=str(categories[position]), severity="warning"))
    per_category = np.append(labels.to_numpy(dtype=object, na_value=None), None)
    if rule.whole_file:
        counts = pd.Series(np.bincount(values.codes[values.codes >= 0], minlength=len(categories)))
        by_period = counts.groupby(per_category[:-1]).sum()
        return pd.Categorical([by_period.idxmax() if len(by_period) else None] * raw.n_rows)
    return pd.Categorical(per_category[values.codes])


def _with_wave(raw: RawTable, rule: WaveRule, waves: pd.Categorical, excluded: Counter,
               problems: list[Problem]) -> np.ndarray:
    """The rows that have a wave. Rows without one (a blank wave cell, or a text that is not a date
    where dates are cut into periods) are left out and counted; when no row has a wave the mapping
    cannot be right, and it is refused (with the column, the count and what to do)."""
    has_wave = np.asarray(waves.codes) >= 0
    missing = int((~has_wave).sum())
    if not missing:
        return has_wave
    what = ("is blank or not a date" if rule.period else "is blank")
    if missing == raw.n_rows:
        sample = _first_values(raw, rule.column) if rule.column else []  # its values are in the problems
        if rule.period:
            hint = ("Choose the column that holds the date of each response, or take the wave from a column as it is "
                    "(a mapping file: \"wave\": {\"column\": \"Wave\"}), or name one wave for the whole file "
                    "(\"wave\": {\"value\": \"2026-Q3\"}).")
        else:
            hint = ("Choose the column that names each response's wave, or name one wave for the whole file "
                    "(a mapping file: \"wave\": {\"value\": \"2026-Q3\"}).")
        where = (f"the column {rule.column!r} holds no date in any of the" if sample
                 else f"the wave column {rule.column!r} is blank in all")
        raise DataValidationError(
            f"No response has a wave: {where} {raw.n_rows:,} rows of {raw.source}.",
            hint=hint, problems=problems)
    for row in np.flatnonzero(~has_wave)[:MAX_LISTED]:
        if rule.period is None:  # non-dates are listed by _waves already
            problems.append(Problem("no wave (the wave cell is blank); the response was left out",
                                    row=raw.row_number(int(row)), column=rule.column, value="", severity="warning"))
    excluded[f"no wave (the wave column {rule.column!r} {what})"] += missing
    return has_wave


def _first_values(raw: RawTable, key: str, count: int = 3) -> list[str]:
    """A few distinct non-blank values of a column."""
    return [str(v) for v in list(_categorical(raw, key).categories)[:count]]


def _date_part(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The date of "date time" texts, so that a million timestamps become a few hundred dates to parse."""
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.replace_substring_regex(trimmed, r"[ T].*$", "")


def _item(m: ItemMapping) -> Item:
    """The item of a mapping entry; its label as one line and its question without control
    characters (they name the item in charts, tables and files)."""
    known = built_in_item(m.item)
    scale = m.make_scale()
    label = one_line(m.label or "") or (known.label if known else one_line(m.item) or m.item)
    question = without_controls(m.question or "").strip() or (known.question if known else m.column)
    return Item(m.item, label, question, known.module if known else "custom", scale)


def _encode_item(raw: RawTable, m: ItemMapping, missing_codes, problems: list[Problem]) -> tuple[np.ndarray, np.ndarray]:
    """One item column's scale values: the value of each distinct answer as float32 (NaN missing,
    DONT_KNOW for don't know; the last entry NaN for blank) and each respondent's answer index
    into it (-1 blank), so that ``values[indices]`` are the respondents' values."""
    scale = m.make_scale()
    lookup = label_lookup(m)
    codes = set(missing_codes)
    uniques, indices = raw.release(m.column)
    values = np.full(len(uniques) + 1, np.nan, dtype=np.float32)
    unknown, out_of_range = [], []
    used = np.bincount(indices[indices >= 0], minlength=len(uniques)) > 0  # dictionaries may hold header text
    for i, text in enumerate(uniques):
        norm = normalize_label(text) if used[i] else ""
        if not norm:
            continue
        mapped = lookup.get(norm)
        if mapped is None and scale.kind == "yes_no":
            mapped = yes_no_value(text)
        if mapped is None:
            number = parse_number(text)
            if number is not None:
                if scale.kind != "numeric" and number in codes:
                    mapped = MISSING_LABEL
                elif scale.in_range(number):
                    mapped = number
                else:
                    out_of_range.append(i)
                    continue
            else:
                mapped = label_kind(text)
        if mapped is None:
            unknown.append(i)
        elif mapped == DONT_KNOW_LABEL:
            values[i] = DONT_KNOW if scale.kind in ("yes_no", "likert") else np.nan
        elif mapped != MISSING_LABEL:
            values[i] = mapped
    for kind, positions in (("answer label not in the mapping; read as missing. Add it to the item's labels "
                             "to count it", unknown),
                            (f"number outside the scale ({scale.describe()}); read as missing", out_of_range)):
        for i in positions[:MAX_LISTED]:
            rows = np.flatnonzero(indices == i)
            problems.append(Problem(f"{kind} ({len(rows)} answer{'s' if len(rows) != 1 else ''})",
                                    row=raw.row_number(int(rows[0])), column=m.column, value=str(uniques[i])[:80],
                                    severity="warning"))
        if len(positions) > MAX_LISTED:
            problems.append(Problem(f"{len(positions) - MAX_LISTED} more answer labels like these",
                                    column=m.column, severity="warning"))
    return values, indices


def _exclude_duplicates(raw_id_column: str, responses: pd.DataFrame, encoded, keep: np.ndarray, excluded: Counter,
                        problems: list[Problem]) -> np.ndarray:
    """Rows that repeat an earlier respondent id within one wave are left out (counted and listed);
    ``encoded``: the ids dictionary-encoded."""
    ids = responses["respondent_id"]
    encoded = encoded.combine_chunks()
    if len(encoded.dictionary) == len(encoded) - encoded.null_count:  # every id distinct: the usual case
        return np.ones(len(responses), dtype=bool)
    id_codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    wave_codes = responses["wave"].cat.codes.to_numpy().astype(np.int64) + 1
    candidates = keep & (id_codes >= 0) & (ids.fillna("") != "").to_numpy()
    key = pd.Series(id_codes * (wave_codes.max() + 1) + wave_codes)
    duplicated = key[candidates].duplicated(keep="first").reindex(key.index, fill_value=False).to_numpy()
    if not duplicated.any():
        return np.ones(len(responses), dtype=bool)
    rows = responses["source_row"].to_numpy()
    for position in np.flatnonzero(duplicated)[:MAX_LISTED]:
        problems.append(Problem("same respondent id as an earlier row in the same wave; the later row was left out",
                                row=int(rows[position]), column=raw_id_column,
                                value=str(ids.iloc[position]), severity="warning"))
    excluded["duplicate respondent id in the same wave (first kept)"] += int(duplicated.sum())
    return ~duplicated


def _repeat_respondents(encoded, waves: pd.Series, keep: np.ndarray) -> list[str]:
    """A note on respondent ids that answer in more than one wave: each is one person per wave."""
    encoded = encoded.combine_chunks()
    if len(encoded.dictionary) == len(encoded) - encoded.null_count:  # every id distinct
        return []
    ids = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    rows = keep & (ids >= 0)
    pairs = np.unique(np.column_stack([ids[rows], waves.cat.codes.to_numpy()[rows]]), axis=0)
    repeated = int((np.bincount(pairs[:, 0]) > 1).sum()) if len(pairs) else 0
    if not repeated:
        return []
    return [f"{repeated:,} respondent id(s) answered in more than one wave. Each is one person per wave: every "
            "group shown holds at least the minimum of different people within each of its waves, so nobody is "
            "counted twice toward a pooled group's minimum."]


def _nesting_problems(responses: pd.DataFrame, keep: np.ndarray) -> list[Problem]:
    """Business units found under more than one division (counted from category codes)."""
    units, divisions = responses["business_unit"], responses["division"]
    seen = unit_division_counts(units.cat.codes.to_numpy(), len(units.cat.categories),
                                divisions.cat.codes.to_numpy(), len(divisions.cat.categories), keep) > 0
    problems = []
    for unit_code in np.flatnonzero(seen.sum(axis=1) > 1):
        names = sorted(str(divisions.cat.categories[i]) for i in np.flatnonzero(seen[unit_code]))
        problems.append(Problem(
            f"business unit appears under {len(names)} divisions ({', '.join(names)}); units are "
            "expected to sit in one division", column="business_unit", value=str(units.cat.categories[unit_code]),
            severity="warning"))
    return problems
