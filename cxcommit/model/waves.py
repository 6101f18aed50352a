"""The wave of each response: a column as it is, a date column cut into periods (per row, or the
period most of the file falls in), or one value; rows without a wave are left out and counted."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxcommit.errors import DataValidationError, Problem
from cxcommit.io.dates import parse_dates, period_label
from cxcommit.io.readers import RawTable, encode
from cxcommit.mapping.schema import Mapping, WaveRule
from cxcommit.model.categories import MAX_LISTED, categorical, categories_from
from cxcommit.stats.tallies import code_counts
from cxcommit.text import one_line


def waves(raw: RawTable, mapping: Mapping, problems: list[Problem]) -> pd.Categorical:
    rule = mapping.wave
    if rule.value is not None:
        return pd.Categorical([one_line(rule.value) or rule.value] * raw.n_rows)
    if rule.period is None:
        return categorical(raw, rule.column)
    column = raw.strings(rule.column)
    values = categories_from(*encode(_date_part(column)))
    stamps = parse_dates(pd.Series(values.categories))
    if stamps.isna().mean() > 0.5:  # not "date time" texts ("December 14, 2019"): parse them whole
        values = categorical(raw, rule.column)
        stamps = parse_dates(pd.Series(values.categories))
    categories = list(values.categories)
    labels = period_label(stamps, rule.period)
    for position in np.flatnonzero(stamps.isna().to_numpy())[:MAX_LISTED]:
        row = raw.row_number(int(np.argmax(values.codes == position)))
        problems.append(Problem("not a date; the wave of this response is unknown",
                                row=row, column=rule.column, value=str(categories[position]), severity="warning"))
    per_category = np.append(labels.to_numpy(dtype=object, na_value=None), None)
    if rule.whole_file:
        counts = pd.Series(code_counts(values.codes, len(categories)))
        by_period = counts.groupby(per_category[:-1]).sum()
        return pd.Categorical([by_period.idxmax() if len(by_period) else None] * raw.n_rows)
    return pd.Categorical(per_category[values.codes])


def with_wave(raw: RawTable, rule: WaveRule, waves: pd.Categorical, excluded: Counter,
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
        if rule.period is None:  # non-dates are listed by waves already
            problems.append(Problem("no wave (the wave cell is blank); the response was left out",
                                    row=raw.row_number(int(row)), column=rule.column, value="", severity="warning"))
    excluded[f"no wave (the wave column {rule.column!r} {what})"] += missing
    return has_wave


def _first_values(raw: RawTable, key: str, count: int = 3) -> list[str]:
    """A few distinct non-blank values of a column."""
    return [str(v) for v in list(categorical(raw, key).categories)[:count]]


def _date_part(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The date of "date time" texts, so that a million timestamps become a few hundred dates to parse."""
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.replace_substring_regex(trimmed, r"[ T].*$", "")
