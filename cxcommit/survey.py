"""The imported survey: validated, encoded responses with their items, groupings and import report."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from cxcommit.errors import Problem, problems_frame
from cxcommit.instrument import Item, SIGN_IDS
from cxcommit.mapping import Mapping

def drop_unused(column: pd.Series) -> pd.Series:
    """A categorical column without the categories no row uses (bincount: cheaper than unique on a
    million codes)."""
    codes = column.cat.codes.to_numpy()
    used = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)) > 0
    if used.all():
        return column
    return column.cat.remove_categories(column.cat.categories[~used])


def unit_division_counts(responses: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
    """Respondents per business unit (rows, in category order) and division (columns), counted
    from category codes; only ``rows`` (a boolean mask) where given."""
    units, divisions = responses["business_unit"], responses["division"]
    u, d = units.cat.codes.to_numpy(), divisions.cat.codes.to_numpy()
    both = (u >= 0) & (d >= 0) if rows is None else rows & (u >= 0) & (d >= 0)
    n_divisions = len(divisions.cat.categories)
    counts = np.bincount(u[both].astype(np.int64) * n_divisions + d[both],
                         minlength=len(units.cat.categories) * n_divisions)
    return counts.reshape(-1, n_divisions)


@dataclass(frozen=True)
class ImportReport:
    """What happened at import: what was detected, kept, excluded (with reasons) and dropped."""

    source: str
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_rows: int
    rows_in_file: int
    rows_kept: int
    excluded: dict[str, int] = field(default_factory=dict)
    personal_dropped: dict[str, str] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    waves: tuple[str, ...] = ()

    @property
    def warnings(self) -> pd.DataFrame:
        return problems_frame(self.problems)


@dataclass(frozen=True)
class Survey:
    """Responses (one row per respondent per wave) and what their columns mean.

    ``responses`` has a ``source_row`` column (the row in the file), then ``respondent_id``
    (if mapped), ``wave`` and the mapped standard attributes (division, business_unit, role,
    region) and other groupings as categoricals, then one float column per item holding scale
    values (NaN missing, :data:`cxcommit.scales.DONT_KNOW` for "don't know").
    """

    responses: pd.DataFrame
    items: tuple[Item, ...]
    groupings: dict[str, str]  # column in responses -> the export column it came from
    mapping: Mapping
    report: ImportReport
    levels: dict = field(default_factory=dict, repr=False, compare=False)  # item -> (level codes, level values)
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # derived arrays, computed once

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        from cxcommit.errors import SettingsError

        raise SettingsError(f"There is no item {item_id!r} in this survey.",
                            hint=f"Its items are: {', '.join(self.item_ids) or 'none'}.")

    def subset(self, mask) -> "Survey":
        """The same survey restricted to the rows where ``mask`` is true (a filter); groups left
        without respondents disappear from every breakdown."""
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        responses = self.responses.take(rows).reset_index(drop=True)
        for name in self.groupings:
            if name in responses and isinstance(responses[name].dtype, pd.CategoricalDtype):
                responses[name] = drop_unused(responses[name])
        levels = {item: (codes.take(rows), values) for item, (codes, values) in self.levels.items()}
        return replace(self, responses=responses, levels=levels, cache={})

    def filter(self, **values) -> "Survey":
        """Rows whose groupings take the given values, e.g. ``filter(division=["Digital"], wave=["2026-Q3"])``."""
        mask = np.ones(len(self.responses), dtype=bool)
        for name, wanted in values.items():
            wanted = {str(w) for w in ([wanted] if isinstance(wanted, str) else wanted)}
            column = self.responses[name]
            if isinstance(column.dtype, pd.CategoricalDtype):
                chosen = np.zeros(len(column.cat.categories) + 1, dtype=bool)  # last: blank (code -1)
                chosen[[i for i, c in enumerate(column.cat.categories) if str(c) in wanted]] = True
                mask &= chosen[column.cat.codes.to_numpy()]
            else:
                mask &= column.astype(str).isin(wanted).to_numpy()
        return self.subset(mask)

    @property
    def has_signs(self) -> bool:
        """True when all 8 signs of executive commitment are mapped."""
        return set(SIGN_IDS) <= set(self.item_ids)
