"""Applying a mapping to a raw export: validated, encoded responses and a full import report.

Nothing is dropped silently: every excluded row is counted with its reason, every answer that
could not be read is reported with its row, column and value, and identifier columns dropped
as personal data are named.
"""
from __future__ import annotations

import difflib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from cxcommit.errors import DataValidationError, MappingError, Problem
from cxcommit.instrument.items import Item
from cxcommit.io.personal import personal_reason
from cxcommit.io.readers import RawTable
from cxcommit.mapping.schema import Mapping
from cxcommit.mapping.suggest import head_sample, personal_from_omitted
from cxcommit.model.answers import item_columns
from cxcommit.model.categories import MAX_LISTED, grouping_columns
from cxcommit.model.persons import numbered, repeat_note, repeated_people
from cxcommit.model.survey import ImportReport, Survey, drop_unused, ordered_categories, unit_division_counts
from cxcommit.model.waves import waves, with_wave
from cxcommit.settings import Settings

_TEST_STATUS = {"survey preview", "survey test", "spam", "preview spam", "imported spam", "offline preview",
                "test", "preview", "1", "2", "8", "9", "12", "17"}


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

    is_test, status = _test_rows(raw)
    keep &= _exclude_tests(raw, settings, is_test, status, excluded, problems)

    frame: dict[str, object] = {"source_row": np.arange(raw.header_rows + 1, raw.header_rows + 1 + n, dtype=np.int32)}
    if mapping.respondent_id and mapping.respondent_id not in personal:
        frame["respondent_id"] = pd.Series(pd.arrays.ArrowExtensionArray(
            pc.utf8_trim_whitespace(raw.strings(mapping.respondent_id))))
    # hashing a million ids takes a tenth of a second: done in a thread beside the items' encoding
    pool = ThreadPoolExecutor(max_workers=1)
    ids_hashed = pool.submit(pc.dictionary_encode, frame["respondent_id"].array._pa_array) if "respondent_id" in frame else None
    try:
        return _build(raw, mapping, settings, frame, ids_hashed, keep, excluded, personal, problems, notes,
                      is_test=is_test)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def distinct_labels(items: list[Item]) -> tuple[Item, ...]:
    """The items with labels that tell them apart: a label already taken (two questions shortened
    to the same words) gets " (2)", " (3)"… Charts and tables name items by label.

    >>> from cxcommit.instrument.items import built_in_item
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
           excluded: Counter, personal: dict, problems: list[Problem], notes: list[str], *,
           is_test: np.ndarray) -> Survey:
    frame["wave"] = waves(raw, mapping, problems)
    groupings: dict[str, str] = {"wave": mapping.wave.column or "(fixed)"}
    keep &= with_wave(raw, mapping.wave, frame["wave"], excluded, problems)
    groupings.update(grouping_columns(raw, mapping, personal, frame, problems))
    items, levels = item_columns(raw, mapping, personal, frame, problems)
    responses = pd.DataFrame(frame, copy=False)  # no consolidation copy of a million rows
    persons, repeated = None, 0
    if "respondent_id" in responses:
        keep &= _exclude_duplicates(mapping.respondent_id, responses, ids_hashed.result(), keep, excluded, problems)
        persons, repeated = _repeat_respondents(ids_hashed.result(), responses["wave"], keep)
        notes += [repeat_note(repeated)] if repeated else []
    if "division" in responses and "business_unit" in responses:
        problems += _nesting_problems(responses, keep)
    test_responses = int(np.count_nonzero(is_test & keep))  # kept: all of them under auto, any under keep
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
        header_rows=raw.header_rows, rows_in_file=raw.n_rows + raw.skipped_rows + raw.merged_rows,
        rows_kept=len(responses), excluded=dict(excluded), personal_dropped=personal, problems=tuple(problems),
        notes=tuple(notes), waves=tuple(str(w) for w in responses["wave"].cat.categories), repeat_respondents=repeated,
        test_responses=test_responses,
    )
    return Survey(responses, distinct_labels(items), groupings, mapping, report, levels=levels,
                  persons=numbered(persons, keep))


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


def _test_rows(raw: RawTable) -> tuple[np.ndarray, pd.Series]:
    """Which rows are Qualtrics preview, test or spam responses (by their Status), and each row's
    Status as read (casefolded); none outside a Qualtrics export with a Status column."""
    if not raw.format.startswith("qualtrics") or "Status" not in raw.keys:
        return np.zeros(raw.n_rows, dtype=bool), pd.Series("", index=range(raw.n_rows))
    values, indices = raw.encoded("Status")
    statuses = [str(v).strip().casefold() if v is not None else "" for v in values]
    test_code = np.array([v in _TEST_STATUS for v in statuses] + [False])
    return test_code[indices], pd.Series(np.append(np.array(statuses, dtype=object), "")[indices])


def _exclude_tests(raw: RawTable, settings: Settings, is_test: np.ndarray, status: pd.Series, excluded: Counter,
                   problems: list[Problem]) -> np.ndarray:
    """The rows kept: test responses left out (counted by Status), unless the settings keep them or,
    under ``auto``, every response is one (said as a warning)."""
    if settings.test_responses == "keep" or not is_test.any():
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


def _repeat_respondents(encoded, waves: pd.Series, keep: np.ndarray) -> tuple[np.ndarray | None, int]:
    """Each row's person (the ids' codes; -1 blank) where some id answers in more than one wave,
    and how many ids do; ``encoded``: the ids dictionary-encoded."""
    encoded = encoded.combine_chunks()
    if len(encoded.dictionary) == len(encoded) - encoded.null_count:  # every id distinct
        return None, 0
    ids = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    ids = np.where(pc.equal(encoded.dictionary, "").to_numpy(zero_copy_only=False)[np.maximum(ids, 0)], -1, ids)
    repeated = repeated_people(np.where(keep, ids, -1), waves.cat.codes.to_numpy())
    return (ids, repeated) if repeated else (None, 0)


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
