"""What a text export lost in reading, counted and named: malformed rows left out, rows read
inside another row's quoted cell (a stray quote), and NUL characters removed from cells."""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cxcommit.errors import FileReadError, Problem
from cxcommit.io.raw_table import RawTable
from cxcommit.io.read_checks import SHOWN


@dataclass(frozen=True)
class InvalidRow:
    """A row the parser left out: its line number, its number of fields, how many line breaks it
    holds inside quotes, how many of those lines look like rows of their own, and its first line."""

    number: int | None
    fields: int
    newlines: int = 0
    rowlike: int = 0
    first_line: str = ""


def note_malformed(raw: RawTable, invalid: list[InvalidRow], width: int, first_row: int = 0) -> None:
    """Malformed rows left out by the parser, each reported with its row number (the first 1,000) and counted."""
    for bad in invalid[:SHOWN]:
        raw.problems.append(Problem(f"row has {bad.fields} fields where the header has {width}; the row was left out",
                                    row=None if bad.number is None else first_row + bad.number, severity="warning"))
    if len(invalid) > SHOWN:
        raw.problems.append(Problem(f"{len(invalid) - SHOWN:,} more malformed rows were left out", severity="warning"))
    raw.skipped_rows = len(invalid)


def rowlike_lines(text: str, delimiter: str, width: int) -> int:
    """Lines after the first of ``text`` that hold as many delimiters as a row (or more, with a
    quote): rows swallowed by a stray quote that opened a cell and was not closed where it should
    have been. A cell or a left-out row with such lines counts all its lines as rows lost."""
    if width < 2:
        return 0
    return sum(1 for line in text.splitlines()[1:]
               if line.count(delimiter) == width - 1 or ('"' in line and line.count(delimiter) > width - 1))


def check_lost(raw: RawTable, invalid: list[InvalidRow], unexplained: int | None, delimiter: str, width: int,
               first_row: int = 0) -> None:
    """Rows merged into a quoted cell by a stray quote, or left out as malformed, are counted
    (``merged_rows``, ``skipped_rows``) and named; if they are most of the file, reading stops.

    A stray quote shows as a row holding line breaks whose lines look like rows: left out (its
    fields no longer match the header) or kept with a cell holding them. Line breaks that no row
    explains (``unexplained``: lines not read as rows; None where they were not counted) are looked
    for in the cells; a file without any costs nothing more."""
    merged = [(None if b.number is None else first_row + b.number, None, b.newlines, b.first_line)
              for b in invalid if b.rowlike]
    if unexplained is None or unexplained > sum(b.newlines for b in invalid):
        merged += merged_cells(raw, delimiter, width)
    raw.merged_rows = sum(count for _, _, count, _ in merged)
    total = raw.n_rows + raw.merged_rows + raw.skipped_rows
    if merged:
        _name_merged(raw, merged, total)
    elif raw.skipped_rows * 2 > total and raw.skipped_rows > 1:
        raise _mostly_malformed(raw, invalid[0], total, width, first_row)


def _name_merged(raw: RawTable, merged: list[tuple[int | None, str | None, int, str]], total: int) -> None:
    """Each cell a stray quote ran on over, as a warning; an error if most rows would be lost."""
    lost = raw.merged_rows + raw.skipped_rows
    row, _, count, line = merged[0]
    where = f"row {row}" if row is not None else "a row"
    if lost * 2 > total:
        raise FileReadError(
            f"{raw.source}: a quote (\") in {where} opens a cell that runs on over {count:,} more lines that "
            f"look like rows, so {lost:,} of {total:,} rows would be lost. {where.capitalize()} reads: {line[:100]!r}.",
            hint=STRAY_QUOTE_HINT,
            problems=[Problem(f"a quote opens a cell that runs on over {c:,} more lines that look like rows", row=r,
                              column=col, value=v[:80]) for r, col, c, v in merged[:SHOWN]])
    for r, col, c, v in merged[:SHOWN]:
        raw.problems.append(Problem(
            f"a quote (\") opens a cell that runs on over {c:,} more lines that look like rows: they were read "
            "as part of this row, not as rows. Remove or double the quote and read the file again", row=r, column=col,
            value=v[:80], severity="warning"))


def _mostly_malformed(raw: RawTable, first: InvalidRow, total: int, width: int, first_row: int) -> FileReadError:
    """The error for a file most of whose rows were left out as malformed, naming the first."""
    return FileReadError(
        f"{raw.source}: {raw.skipped_rows:,} of {total:,} rows have a different number of fields than the header "
        f"({width}); the first is row {first_row + (first.number or 0)} (listed with the others).",
        hint="Check that the file is one table with one header row; open it in a spreadsheet program and save "
             "it again as CSV (UTF-8), or export the survey again.",
        problems=[Problem(f"row has {first.fields} fields where the header has {width}; it reads",
                          row=first_row + (first.number or 0), value=first.first_line[:100])]
        + [p for p in raw.problems if p.problem.startswith("row has ")][1:SHOWN])


def cells_hold(column: pa.ChunkedArray, text: str) -> bool:
    """Whether some cell of ``column`` holds ``text``; of a dictionary column only the (few) distinct
    values are searched."""
    parts = [chunk.dictionary for chunk in column.chunks] if pa.types.is_dictionary(column.type) else column.chunks
    return any(pc.any(pc.match_substring(part, text)).as_py() for part in parts)


def merged_cells(raw: RawTable, delimiter: str, width: int) -> list[tuple[int, str, int, str]]:
    """Cells holding line breaks whose lines look like rows: (row, column, those lines, first line)."""
    found = []
    for key in raw.keys:
        column = raw.table.column(key)
        if not cells_hold(column, "\n"):
            continue
        if pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        hits = pc.match_substring(column, "\n")
        for index in np.flatnonzero(hits.to_numpy(zero_copy_only=False) == True):  # noqa: E712 — nulls are None
            text = column[int(index)].as_py()
            if rowlike_lines(text, delimiter, width):
                found.append((raw.row_number(int(index)), key, len(text.splitlines()) - 1, text.splitlines()[0]))
    return sorted(found, key=lambda f: f[0])


def unclosed_quote_line(data: bytes) -> int | None:
    """The line (from 1) where a quote opens a cell that is never closed: the file has an odd number
    of quotes, and this is the line after which the count stays odd. None if the quotes pair up.

    >>> unclosed_quote_line(b'id,unit\\nR1,"Sales\\nR2,Service\\n'), unclosed_quote_line(b'a,"b"\\n')
    (2, None)
    """
    if data.count(b'"') % 2 == 0:
        return None
    odd, opened = False, None
    for number, line in enumerate(io.BytesIO(data), start=1):
        if line.count(b'"') % 2:
            odd = not odd
            opened = number if odd else None
    return opened


STRAY_QUOTE_HINT = ("Open the file in a text editor and remove that quote, or double it (\"\") if it belongs to the "
                     "answer; then read the file again. Or export the survey again.")


def unclosed_quote(name: str, line: int) -> FileReadError:
    return FileReadError(
        f"{name}: a quote (\") on line {line} opens a cell that is never closed, so every line after it would "
        "be read as that one cell.",
        hint=STRAY_QUOTE_HINT,
        problems=[Problem("a quote opens a cell that is never closed", row=line, severity="error")])


def remove_nuls(raw: RawTable) -> None:
    """NUL characters are removed from every cell (they are never an answer, and no spreadsheet or
    image can hold them); each cell that had one is named (the first 1,000) and all are counted."""
    places, columns = [], []
    for key in raw.keys:
        column = raw.table.column(key)
        dictionary = pa.types.is_dictionary(column.type)
        text = column.cast(pa.string()) if dictionary else column
        hits = pc.match_substring(text, "\x00")
        if pc.any(hits).as_py():
            rows = np.flatnonzero(hits.to_numpy(zero_copy_only=False) == True)  # noqa: E712
            places += [(raw.row_number(int(i)), key) for i in rows[:SHOWN]]
            text = pc.replace_substring(text, "\x00", "")
            column = pc.dictionary_encode(text) if dictionary else text
        columns.append(column)
    raw.replace_table(pa.table(columns, names=raw.keys))
    for row, key in sorted(places)[:SHOWN]:
        raw.problems.append(Problem("cell held a NUL character (byte 0); it was removed", row=row, column=key,
                                    severity="warning"))
    if places:
        raw.notes.append(f"removed NUL characters (byte 0) from {len(places):,}{'+' if len(places) >= SHOWN else ''} "
                         "cell(s); nothing else in them was changed")
    else:  # the file had one, and no cell holds it: it was in the header row or a title line above it
        raw.notes.append("removed NUL characters (byte 0) from the header row (or a title line above it); no "
                         "answer held one")
