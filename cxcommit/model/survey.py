"""The imported survey: validated, encoded responses with their items, groupings and import report."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import pandas as pd

from cxcommit.errors import Problem, SettingsError, problems_frame
from cxcommit.instrument.items import SIGN_IDS, Item
from cxcommit.mapping.schema import ROLE_LABELS, Mapping
from cxcommit.model.derived import Derived, key
from cxcommit.stats.tallies import used_codes
from cxcommit.text import normalize_label


def chosen_rows(codes: np.ndarray, chosen: list[int]) -> np.ndarray:
    """Where ``codes`` is one of ``chosen`` (a comparison per code chosen: cheaper than a lookup
    table over a million rows for up to about eight)."""
    if len(chosen) > 8 and codes.itemsize > 2:
        return np.isin(codes, chosen)
    if len(chosen) > 8:
        table = np.zeros(1 << (8 * codes.itemsize), dtype=bool)  # indexed by the codes' bits, blank (-1) too
        table[chosen] = True
        return table.take(codes.view(f"u{codes.itemsize}"))
    mask = np.zeros(len(codes), dtype=bool)
    for code in chosen:
        mask |= codes == code
    return mask


def drop_unused(column: pd.Series) -> pd.Series:
    """A categorical column without the categories no row uses."""
    used = used_codes(column.cat.codes.to_numpy(), len(column.cat.categories))
    if used.all():
        return column
    return column.cat.remove_categories(column.cat.categories[~used])


def unit_division_counts(units: np.ndarray, n_units: int, divisions: np.ndarray, n_divisions: int,
                         rows: np.ndarray | None = None) -> np.ndarray:
    """Respondents per business unit (rows) and division (columns), counted from their category
    codes (-1 blank); only ``rows`` (a boolean mask) where given."""
    width = n_divisions + 1
    dtype = np.uint16 if (n_units + 1) * width <= 1 << 16 else np.int64
    # shifted by one so that blank (-1) is 0: in unsigned arithmetic -1 + 1 wraps round to 0
    key = (units.astype(dtype) + dtype(1)) * dtype(width) + (divisions.astype(dtype) + dtype(1))
    counts = np.bincount(key if rows is None else key[rows], minlength=(n_units + 1) * width)
    return counts.reshape(n_units + 1, width)[1:, 1:]


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
    waves_stored: tuple[str, ...] = ()  # a stored survey's waves in the order they were stored (cxcommit.privacy.pairing)
    repeat_respondents: int = 0  # people (respondent ids) with answers in more than one wave
    test_responses: int = 0  # kept rows that are Qualtrics preview/test responses (kept by choice, or all of them)

    @property
    def tests_note(self) -> str:
        """What every chart of these data must say when responses kept are test or preview
        responses, not real ones: "All 25 responses are Qualtrics test/preview responses" (some only:
        said without their count, which may be under the minimum group size); empty when none is."""
        if not self.test_responses:
            return ""
        if self.test_responses >= self.rows_kept:
            return f"All {self.rows_kept:,} responses are Qualtrics test/preview responses"
        return f"Qualtrics test/preview responses are kept among the {self.rows_kept:,} responses"  # no small count

    @property
    def warnings(self) -> pd.DataFrame:
        return problems_frame(self.problems)


@dataclass(frozen=True)
class Survey:
    """Responses (one row per respondent per wave) and what their columns mean.

    ``frame`` holds every imported row: a ``source_row`` column (the row in the file), then
    ``respondent_id`` (if mapped), ``wave`` and the mapped standard attributes (division,
    business_unit, role, region) and other groupings as categoricals, then one float column per
    item holding scale values (NaN missing, :data:`cxcommit.instrument.scales.DONT_KNOW` for "don't know").
    A filtered survey shares its parent's ``frame`` and keeps which of its rows are ``selected`` (a
    mask); their positions (``rows``) and ``responses`` are taken only when asked for, so a filter
    costs a mask, not a copy.

    As imported, a survey holds every row and cannot be analysed; :func:`cxcommit.privacy.publish.publish`
    makes the publishable survey every analysis takes (``minimum`` set, ``frame`` reduced to the
    reporting attributes and the items, small groups generalised).
    """

    frame: pd.DataFrame
    items: tuple[Item, ...]
    groupings: dict[str, str]  # column in responses -> the export column it came from
    mapping: Mapping
    report: ImportReport
    levels: dict = field(default_factory=dict, repr=False, compare=False)  # item -> (level codes, level values) of frame
    selected: np.ndarray | None = field(default=None, repr=False, compare=False)  # mask over frame; None: all
    # made by filter(): the survey it filtered (unfiltered itself) and the filters, ((name, values), ...)
    base: "Survey | None" = field(default=None, repr=False, compare=False)
    filters: tuple = field(default=(), compare=False)
    # made by cxcommit.privacy.publish: the minimum group size ``frame`` is publishable for (None: as imported),
    # each row's class (people who share every published value within a wave), and what publishing did
    minimum: int | None = field(default=None, compare=False)
    classes: np.ndarray | None = field(default=None, repr=False, compare=False)
    disclosure: object = field(default=None, repr=False, compare=False)
    unscored: dict = field(default_factory=dict, repr=False, compare=False)  # "don't know" setting -> rows out of the index
    # each row's person (cxcommit.model.persons: a number, not the id; -1 blank); None: nobody answered twice
    persons: np.ndarray | None = field(default=None, repr=False, compare=False)
    # made by publishing: per item, the rows whose answers may be paired across waves (cxcommit.privacy.pairing)
    paired: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Shared by every session that analyses it (the demo, a file opened with --data): read-only.
        for name in ("groupings", "levels", "unscored", "paired"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        object.__setattr__(self, "_derived", Derived())

    @property
    def derived(self) -> Derived:
        """What has been computed from this survey, kept (:mod:`cxcommit.model.derived`): not data."""
        return self._derived

    @property
    def size(self) -> int:
        """Number of respondents (rows) in this survey."""
        if self.selected is None:
            return len(self.frame)
        return self._cached("size", compute=lambda: int(np.count_nonzero(self.selected)))

    @property
    def rows(self) -> np.ndarray | None:
        """Positions in ``frame`` of this survey's rows (None: all), found when first asked."""
        if self.selected is None:
            return None
        return self._cached("rows", compute=lambda: np.flatnonzero(self.selected))

    @property
    def responses(self) -> pd.DataFrame:
        """This survey's rows of ``frame`` (a filtered survey takes them once, when first asked)."""
        if self.rows is None:
            return self.frame
        return self._cached("responses", compute=self._take_responses)

    def _take_responses(self) -> pd.DataFrame:
        responses = self.frame.take(self.rows).reset_index(drop=True)
        for name in self.groupings:
            if name in responses and isinstance(responses[name].dtype, pd.CategoricalDtype):
                responses[name] = drop_unused(responses[name])
        return responses

    def _cached(self, kind: str, *parts, compute):
        return self._derived.get(key(kind, *parts), compute)

    def values(self, column: str) -> np.ndarray:
        """One column's values for this survey's rows, as a numpy array."""
        values = self.frame[column].to_numpy()
        return values if self.rows is None else values.take(self.rows)

    def codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        """A grouping's category codes for this survey's rows (-1 where blank) and the labels of the
        categories, without those no row of a filtered survey uses; computed once."""
        return self._cached("codes", column, compute=lambda: self._codes(column))

    def _codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        series = self.frame[column]
        categorical = series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
        codes = categorical.cat.codes.to_numpy()
        labels = [str(c) for c in categorical.cat.categories]
        if self.rows is None:
            return codes, labels
        codes = codes.take(self.rows)
        used = used_codes(codes, len(labels))
        if used.all():
            return codes, labels
        renumber = np.full(len(labels) + 1, -1, dtype=codes.dtype)  # the last entry maps blank (-1) to -1
        renumber[np.flatnonzero(used)] = np.arange(int(used.sum()))
        return renumber[codes], [label for label, kept in zip(labels, used) if kept]

    def item_levels(self, item_id: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The item's level codes made at import, for this survey's rows (None if it has none)."""
        if item_id not in self.levels:
            return None
        codes, values = self.levels[item_id]
        if self.rows is None:
            return codes, values
        return self._cached("levels", item_id, compute=lambda: (codes.take(self.rows), values))

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise SettingsError(f"There is no item {item_id!r} in this survey.",
                            hint=f"Its items are: {', '.join(self.item_ids) or 'none'}.")

    def index_excluded(self, dont_know: str) -> np.ndarray | None:
        """Rows scored on the signs (6 or more of 8 answered) that the commitment index leaves out (see :mod:`cxcommit.privacy.publish`)."""
        rows = self.unscored.get(dont_know)
        if rows is None or self.rows is None:
            return rows
        return self._cached("unscored", dont_know, compute=lambda: rows.take(self.rows))

    def class_codes(self) -> np.ndarray:
        """Each row's class (see :mod:`cxcommit.privacy.publish`) for this survey's rows; -1 where not published."""
        if self.classes is None:
            return np.full(self.size, -1, dtype=np.int64)
        return self.classes if self.rows is None else self._cached("classes", compute=lambda: self.classes.take(self.rows))

    def person_codes(self) -> np.ndarray | None:
        """Each row's person for this survey's rows (-1 where unknown), or None where no respondent
        answered more than one wave (:mod:`cxcommit.model.persons`)."""
        if self.persons is None or self.rows is None:
            return self.persons
        return self._cached("persons", compute=lambda: self.persons.take(self.rows))

    def paired_runs(self, item_id: str) -> np.ndarray:
        """Each of this survey's rows' run for ``item_id`` (-1 none): two rows of a person are paired
        where both are in one run (see :mod:`cxcommit.privacy.pairing`); none where publishing kept
        no pairing."""
        runs = self.paired.get(item_id)
        if runs is None:
            return np.full(self.size, -1, dtype=np.int64)
        return runs if self.rows is None else self._cached("paired", item_id, compute=lambda: runs.take(self.rows))

    def paired_rows(self, item_id: str) -> np.ndarray:
        """Which of this survey's rows are in a run for ``item_id`` (:meth:`paired_runs`)."""
        return self.paired_runs(item_id) >= 0

    def filter(self, **values) -> "Survey":
        """Rows whose groupings take the given values, e.g. ``filter(division=["Digital"], wave=["2026-Q3"])``.

        Only the survey's groupings (its reporting attributes) can be filters. The result remembers
        the survey before any filter (``base``) and every filter applied (``filters``): its counts
        are sums of the base's (:func:`cxcommit.analyses.groups.rolled_up`).
        """
        unknown = [name for name in values if name not in self.groupings]
        if unknown:
            raise SettingsError(f"{', '.join(map(repr, unknown))} cannot be a filter: only the reporting attributes can.",
                                hint=f"Filter by one of: {', '.join(self.groupings)}.")
        mask = np.ones(self.size, dtype=bool)
        applied = dict(self.filters)
        for name, wanted in values.items():
            wanted = {str(w) for w in ([wanted] if isinstance(wanted, str) else wanted)}
            applied[name] = tuple(sorted(wanted & set(applied[name]) if name in applied else wanted))
            codes, labels = self.codes(name)
            mask &= chosen_rows(codes, [code for code, label in enumerate(labels) if label in wanted])
        if self.selected is not None:  # a mask over this survey's rows, made one over frame's
            mask, within = self.selected.copy(), mask
            mask[self.selected] = within
        return replace(self, selected=mask, base=self.base or self, filters=tuple(sorted(applied.items())))

    @property
    def has_signs(self) -> bool:
        """True when all 8 signs of executive commitment are mapped."""
        return set(SIGN_IDS) <= set(self.item_ids)


def resolve_grouping(survey: Survey, by: str) -> str:
    """The responses column for a grouping named by its attribute name, its export column or its label."""
    if by in survey.groupings:
        return by
    wanted = normalize_label(by)
    for name, source in survey.groupings.items():
        if wanted in (normalize_label(name), normalize_label(source), normalize_label(name.replace("_", " "))):
            return name
    why = {**{k: f"it is {v}" for k, v in survey.mapping.ignored.items()},
           **{k: f"it holds personal data ({v}) and was dropped" for k, v in survey.report.personal_dropped.items()},
           **{m.column: f"it is the item {m.item}" for m in survey.mapping.items}}
    reason = next((f" {by!r} cannot be a grouping: {text}." for key, text in why.items()
                   if normalize_label(key) == wanted), "")
    available = [n for n in survey.groupings if n in survey.frame]
    raise SettingsError(
        f"There is no grouping {by!r} in this survey.{reason}",
        hint="Group by one of: " + ", ".join(repr(a) for a in available) + ".",
    )


def _natural_key(text: str) -> list:
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", str(text))]


def ordered_categories(column: pd.Series, name: str) -> pd.Series:
    """A categorical column with its categories in the order people expect: roles by seniority,
    everything else naturally sorted (so waves run in time order: 2025-Q4 before 2026-Q1, Wave 2
    before Wave 10). Importing, combining waves and publishing order every grouping so."""
    categories = sorted(column.cat.categories, key=_natural_key)
    if name == "role":
        rank = {role: i for i, role in enumerate(ROLE_LABELS.values())}
        categories = sorted(categories, key=lambda c: (rank.get(c, len(rank)), _natural_key(c)))
    return column.cat.reorder_categories(categories)
