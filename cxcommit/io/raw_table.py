"""The result of reading an export: :class:`RawTable`, one text column per file column, and how
a parsed table becomes one (keys, labels, duplicate and empty columns)."""
from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cxcommit.errors import FileReadError, Problem
from cxcommit.io.formats import FORMAT_NAMES, Layout


@dataclass
class RawTable:
    """An export read as text: one string column per file column, keyed by the column key.

    ``keys`` are the names a mapping refers to (column ids for Qualtrics, headers elsewhere),
    ``labels`` the question texts. ``header_rows`` counts every row above the first response
    (title lines too), so response ``i`` (0-based) is spreadsheet row ``header_rows + i + 1``.
    """

    table: pa.Table
    keys: list[str]
    labels: list[str]
    source: str
    format: str
    header_rows: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped_rows: int = 0  # malformed rows left out (each is in ``problems``)
    merged_rows: int = 0  # lines that look like rows, read inside another row's quoted cell (in ``problems``)
    omitted: dict = field(default_factory=dict)  # columns not loaded from a large file: key -> reason
    _encoded: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_rows(self) -> int:
        return self.table.num_rows

    def strings(self, key: str, rows: int | None = None) -> pa.ChunkedArray:
        """A column (or its first ``rows``) as text; columns read as dictionaries are decoded."""
        column = self.table.column(key)
        if rows is not None:
            column = column.slice(0, rows)
        return column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column

    def encoded(self, key: str) -> tuple[list, np.ndarray]:
        """A column's distinct values and each row's index into them (-1 for blank), computed once."""
        if key not in self._encoded:
            self._encoded[key] = encode(self.table.column(key))
        return self._encoded[key]

    def release(self, key: str) -> tuple[list, np.ndarray]:
        """A column's encoding, no longer kept (for its last user)."""
        found = self.encoded(key)
        del self._encoded[key]
        return found

    def replace_table(self, table: pa.Table) -> None:
        """New cells for the same columns (encodings made from the old ones are dropped)."""
        self.table = table
        self._encoded.clear()

    def encode_all(self, keys: list[str]) -> None:
        """Encode several columns at once, two at a time (Arrow releases the GIL while hashing)."""
        todo = [k for k in keys if k not in self._encoded]
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(self.encoded, todo))

    def loss_text(self) -> str:
        """What reading left out, in a sentence (empty if nothing): malformed rows and lines read
        inside another row's quoted cell, with where the first ones are (see ``problems``)."""
        parts = []
        if self.skipped_rows:
            parts.append(f"{self.skipped_rows:,} malformed row(s) were left out")
        if self.merged_rows:
            parts.append(f"{self.merged_rows:,} line(s) that look like rows were read inside another row's quoted "
                         "cell (a stray quote)")
        if not parts:
            return ""
        rows = sorted({p.row for p in self.problems if p.row is not None and (
            p.problem.startswith("row has ") or p.problem.startswith("a quote"))})[:5]
        where = f" (row {', '.join(str(r) for r in rows)}{', …' if len(rows) == 5 else ''})" if rows else ""
        return (f"{self.source}: {' and '.join(parts)}{where}, of {self.n_rows + self.skipped_rows + self.merged_rows:,} "
                "rows. The import report lists each; to keep them, correct the file and read it again.")

    def label_of(self, key: str) -> str:
        return self.labels[self.keys.index(key)]

    def row_number(self, index: int) -> int:
        """Spreadsheet row number of response ``index`` (0-based)."""
        return self.header_rows + index + 1


def encode(column: pa.ChunkedArray) -> tuple[list, np.ndarray]:
    """A column's distinct values and each row's index into them (-1 for blank); columns already
    read as dictionaries are only unified across chunks."""
    if pa.types.is_dictionary(column.type):
        encoded = pa.table({"c": column}).unify_dictionaries().column("c").combine_chunks()
    else:
        encoded = pc.dictionary_encode(column).combine_chunks()
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return encoded.dictionary.to_pylist(), indices


def finish(table: pa.Table, layout: Layout, name: str, fmt: str, *, header_rows: int,
           notes: list[str], encoded: list | None = None) -> RawTable:
    """The :class:`RawTable` of a parsed ``table``: columns named by their keys (a column without one
    is called by its number, or left out if empty; a repeated name is numbered). ``encoded``: the
    columns' encodings where the reader made them (``(values, indices)`` or None, by column)."""
    if table.num_rows == 0:
        raise FileReadError(
            f"{name} has header rows but no responses ({FORMAT_NAMES[fmt]} layout, "
            f"{header_rows} header row(s)).",
            hint="Export the survey again after responses have come in, or check the date filter of the export.",
        )
    keys, labels, columns, problems, known = [], [], [], [], {}
    seen: Counter = Counter()
    dropped_empty = 0
    for i, (key, label) in enumerate(zip(layout.keys, layout.labels)):
        column = table.column(i)
        if not key:
            if column.null_count == len(column):
                dropped_empty += 1
                continue
            key = f"Column {i + 1}"
        seen[key] += 1
        if seen[key] > 1:
            new_key = f"{key} ({seen[key]})"
            problems.append(Problem(
                f"two columns have this name; column {i + 1} is called {new_key!r}",
                column=key, severity="warning"))
            key = new_key
        keys.append(key)
        if encoded is not None and encoded[i] is not None:
            known[key] = encoded[i]
        labels.append(label if label and label != layout.keys[i] else key)
        columns.append(column)
    if dropped_empty:
        notes.append(f"left out {dropped_empty} empty column(s) without a header")
    return RawTable(pa.table(columns, names=keys), keys, labels, name, fmt, header_rows,
                    problems=problems, notes=notes, _encoded=known)
