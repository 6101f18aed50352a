"""Reading an export file into a raw table of text cells, whatever its container and layout.

Reads CSV/TSV/semicolon/pipe text in any usual encoding (see :mod:`cxcommit.io.decoding`), Excel
.xlsx workbooks, and a .zip holding one export (as Qualtrics and SurveyMonkey deliver them).
Every cell stays text here; meaning is given later by the mapping.
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
import xml.parsers.expat
import zlib
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cxcommit.errors import FileReadError, FileTooLargeError, Problem, SettingsError
from cxcommit.io.columns import date_rank, is_respondent_id, is_wave_column, personal_reason
from cxcommit.io.decoding import to_utf8
from cxcommit.io.formats import FORMAT_NAMES, FORMATS, Layout, detect_format, read_layout
from cxcommit.io.limits import ReadLimits, TextScan, count_line_ends, scan_text, size_text, too_large

DELIMITERS = [",", ";", "\t", "|"]
_BLANK = re.compile(rb"\s*\Z")
LEAN_BYTES = 20_000_000  # files larger than this are read lean (see read_raw)
HEAD_BYTES = 4_000_000  # matches without copying a large file; stops at the first character
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_MAGIC = [
    (b"\xd0\xcf\x11\xe0", "an old Excel 97–2003 (.xls) or other Office file",
     "Open it in Excel and save it as .xlsx or CSV (UTF-8), then upload that."),
    (b"%PDF", "a PDF document", "Download the survey's data export (CSV or Excel), not a report."),
    (b"\x89PNG", "a PNG image", "Upload the survey's CSV or Excel export."),
    (b"\xff\xd8\xff", "a JPEG image", "Upload the survey's CSV or Excel export."),
    (b"GIF8", "a GIF image", "Upload the survey's CSV or Excel export."),
    (b"\x1f\x8b", "a gzip archive", "Unpack it first and upload the CSV inside."),
    (b"SQLite format", "an SQLite database", "Export the responses as CSV and upload that."),
]


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


def read_raw(source: str | Path | bytes, name: str | None = None, *, fmt: str = "auto",
             sheet: str | None = None, lean: bool = True, limits: ReadLimits | None = None,
             progress: Progress | None = None) -> RawTable:
    """Read a file (path or bytes) into a :class:`RawTable`; raise :class:`FileReadError` if it cannot be read.

    ``fmt`` forces a layout (one of ``FORMATS``); ``sheet`` picks an Excel sheet by name. With
    ``lean`` (the default), a UTF-8 text file larger than ``LEAN_BYTES`` is read by pyarrow
    straight from disk, without the columns that its first rows show to be free text or personal
    data (they are named in ``omitted``): this keeps memory near the size of what is analysed.

    ``limits`` (default: :meth:`ReadLimits.from_env`) are checked before the work they bound: a file
    over one raises :class:`~cxcommit.errors.FileTooLargeError`. ``progress``, if given, is called
    from the calling thread about four times a second while a file is parsed, with the share done
    (0 to 1) and a short text; an exception it raises (such as Streamlit's stop) ends the read.
    """
    if fmt not in FORMATS:
        raise SettingsError(f"Unknown format {fmt!r}.", hint=f"Use one of: {', '.join(FORMATS)}.")
    job = _Job(ReadLimits.from_env() if limits is None else limits, progress, lean)
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            return _read_path(path, name, fmt, sheet, job)
        except (MemoryError, pa.ArrowMemoryError):
            raise _out_of_memory(name, path.stat().st_size, job.limits) from None
    raw, name = bytes(source), name or "upload"
    _check_size(name, len(raw), job.limits)
    size = len(raw)
    try:
        return _read_bytes(raw, name, fmt, sheet, job)
    except (MemoryError, pa.ArrowMemoryError):
        del raw
        raise _out_of_memory(name, size, job.limits) from None


def _out_of_memory(name: str, size: int, limits: ReadLimits):
    """The error for a file whose reading ran out of memory, though within the limits (the machine has
    less free memory than they assume): its size and the limits in force."""
    return FileTooLargeError(
        f"{name} ({size_text(size)}) could not be read: this machine ran out of memory while reading it, within "
        f"the read limits in force ({limits.max_rows:,} rows, {limits.max_columns:,} columns, "
        f"{limits.max_cells:,} cells).",
        hint=f"{_SMALLER} Or lower the limits so that such files are refused before reading (for example "
             "CXCOMMIT_MAX_CELLS), or read it on a machine with more free memory.")


Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class _Job:
    """How one file is read: its limits, the progress callback, lean or not, and how many archives
    it was found in (``depth``)."""

    limits: ReadLimits
    progress: Progress | None = None
    lean: bool = True
    depth: int = 0


def _read_path(path: Path, name: str, fmt: str, sheet: str | None, job: _Job) -> RawTable:
    try:
        if path.is_dir():
            raise IsADirectoryError(path)
        size = path.stat().st_size
        _check_size(name, size, job.limits)
        if size > LEAN_BYTES:
            table = _read_large_text(path, name, fmt, job)
            if table is not None:
                return table
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileReadError(f"There is no file {str(path)!r}.", hint="Check the path and the file name.") from None
    except IsADirectoryError:
        raise FileReadError(f"{str(path)!r} is a folder, not a file.", hint="Name one export file.") from None
    return _read_bytes(raw, name, fmt, sheet, job)


_SMALLER = "Export fewer responses or columns at a time (for example one wave per file) and read each file."


def _check_size(name: str, size: int, limits: ReadLimits, what: str = "is") -> None:
    if size > limits.max_bytes:
        raise too_large(name, f"{what} {size_text(size)}", "max_bytes", limits, _SMALLER)


def _read_bytes(raw: bytes, name: str, fmt: str, sheet: str | None, job: _Job) -> RawTable:
    if _BLANK.match(raw):
        raise FileReadError(f"{name} is empty ({len(raw)} bytes).",
                            hint="Export the survey again; the download may have failed.")
    if raw.startswith(b"PK\x03\x04"):
        return _read_zip(raw, name, fmt, sheet, job)
    for magic, what, hint in _MAGIC:
        if raw.startswith(magic):
            raise FileReadError(f"{name} is {what}, not a survey export.", hint=hint)
    # Before decoding (which may take a few times the file's size), the lines: too many or too long
    # and the file is refused. Counted in bytes, so UTF-16 lines count twice their characters.
    scan = scan_text(raw, job.limits.max_line_bytes)
    _check_scan(name, scan, job.limits)
    if _line_count(scan, raw) > job.limits.max_rows + 10:  # a few header rows above the responses
        raise too_large(name, f"has {_line_count(scan, raw):,} lines, each a response (or a line break inside an "
                        "answer)", "max_rows", job.limits, _SMALLER, "rows")
    decoded = to_utf8(raw)
    same, start = decoded.data is raw, raw[:8]  # UTF-8 is not copied: what was found still holds
    del raw  # a decoded copy is all that is needed from here on
    if _looks_binary(decoded.data[:4096]) or _looks_binary(decoded.data[:65536]):
        raise FileReadError(
            f"{name} does not look like a text table or an Excel workbook (it holds binary data; "
            f"it starts with bytes {start.hex(' ')}).",
            hint="Upload the survey's CSV, TSV or .xlsx export.",
        )
    table = _read_text(decoded.data, name, fmt, job, scan if same else None)
    table.encoding = decoded.encoding
    table.problems[:0] = list(decoded.problems)
    return table


def _looks_binary(sample: bytes) -> bool:
    """Whether a file's first bytes are not text: many control or undecodable characters. NULs count
    only when they are a large part of it: a text export with a few stray NULs is read, and its NULs
    removed and named (as NULs further into a file are)."""
    text = sample.decode("utf-8", errors="replace")
    nuls = text.count("\x00")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f\x00") + text.count("\ufffd")
    return len(text) > 0 and (controls / len(text) > 0.1 or nuls / len(text) > 0.3)


def _read_zip(raw: bytes, name: str, fmt: str, sheet: str | None, job: _Job) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise FileReadError(f"{name} looks like a zip file or workbook but is damaged.",
                            hint="Download the export again.") from None
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        return _read_xlsx(archive, name, fmt, sheet, job)
    if job.depth:
        raise FileReadError(f"{name} is a zip archive inside a zip archive; cxcommit opens one level of archive.",
                            hint="Unzip the archives and read the export inside.")
    inner = [n for n in names if n.lower().endswith((".csv", ".tsv", ".txt", ".xlsx")) and not n.startswith("__MACOSX")]
    if len(inner) != 1:
        listing = ", ".join(names[:8]) or "nothing"
        raise FileReadError(f"{name} is a zip archive with {len(inner)} exports in it ({listing}).",
                            hint="Unzip it and upload one export file.")
    info = archive.getinfo(inner[0])
    # The size a member claims bounds what reading it gives (zipfile stops there, and a false claim
    # fails its checksum), so the claim is checked before anything is unpacked.
    _check_size(f"{inner[0]} in the zip archive {name}", info.file_size, job.limits, "unpacks to")
    inner_job = _Job(job.limits, job.progress, job.lean, job.depth + 1)
    try:
        if info.file_size > LEAN_BYTES:  # unpacked to disk, to be read as a large file is
            with tempfile.TemporaryDirectory(prefix="cxcommit-") as folder:
                path = Path(folder) / ("export" + Path(inner[0]).suffix.lower())
                _unpack(archive, info, path, f"{inner[0]} in the zip archive {name}", job.limits)
                table = _read_path(path, inner[0], fmt, sheet, inner_job)
        else:
            table = _read_bytes(archive.read(info), inner[0], fmt, sheet, inner_job)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise FileReadError(f"{inner[0]} in the zip archive {name} is damaged and cannot be unpacked.",
                            hint="Download the export again.") from None
    table.notes.insert(0, f"read {inner[0]} from the zip archive {name}")
    table.source = f"{name}: {inner[0]}"
    return table


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, what: str, limits: ReadLimits) -> None:
    """Unpack a member to ``path``, stopping as soon as it has more lines than ``max_rows`` allows."""
    lines, after_cr = 0, False
    with archive.open(info) as member, path.open("wb") as out:
        while chunk := member.read(1 << 22):
            lines += count_line_ends(chunk, after_cr=after_cr)  # as the parser ends rows: \r too
            after_cr = chunk[-1] == 13
            if lines > limits.max_rows + 10:  # a few header rows above the responses
                raise too_large(what, f"has more than {limits.max_rows:,} lines, each a response (or a line break "
                                "inside an answer)", "max_rows", limits, _SMALLER, "rows")
            out.write(chunk)


# --- text --------------------------------------------------------------------------------------

def sniff_delimiter(text: str) -> str:
    """The delimiter among comma, semicolon, tab and pipe that splits the first lines most consistently.

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    best, best_key = ",", (False, 0.0, 0)
    for delim in DELIMITERS:
        counts = [len(r) for r in _first_records(text, delim, 30)[0]]
        if not counts:
            continue
        modal, freq = Counter(counts).most_common(1)[0]
        key = (modal > 1, round(freq / len(counts), 1), modal)
        if key > best_key:
            best, best_key = delim, key
    return best


def _first_records(text: str, delimiter: str, limit: int = 40) -> tuple[list[list[str]], list[int]]:
    """The first records and, for each, the number of lines read up to its end; up to the first
    record the csv module cannot read (a field over its limit of 131,072 characters)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, ends = [], []
    try:
        for record in reader:
            records.append(record)
            ends.append(reader.line_num)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records, ends


def _preamble(records: list[list[str]]) -> int:
    """How many title lines stand above the header row of a generic table."""
    if len(records) < 2:
        return 0
    counts = [len(r) for r in records[:-1]] or [len(records[0])]
    modal = Counter(counts).most_common(1)[0][0]
    skip = 0
    for record in records[:-1]:
        filled = sum(1 for c in record if c.strip())
        if modal > 2 and (len(record) < modal or filled <= 1):
            skip += 1
        else:
            break
    return skip if skip < len(records) - 1 else 0


_HEAD = 262_144


def _head(data) -> str:
    """The first 256 KB of a text file, cut after its last whole line; longer if its first line is
    (lines are already known to be within the limit)."""
    end = len(data) if len(data) <= _HEAD else _HEAD
    head = bytes(data[:end])
    if end < len(data):
        cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
        if cut >= 0:
            head = head[:cut + 1]
        else:  # the first line is longer than the head: take it whole
            stops = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
            head = bytes(data[:min(stops) + 1 if stops else len(data)])
    return head.decode("utf-8", errors="ignore")


def _check_head(name: str, data, delimiter: str, records: list[list[str]], limits: ReadLimits) -> int:
    """The number of columns, after checking it and the header's length against the limits."""
    stops = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    first_line = bytes(data[:min(stops) if stops else len(data)])
    fields = first_line.count(delimiter.encode()) + 1
    if fields > limits.max_columns:
        raise too_large(name, f"has {fields:,} columns ({DELIMITER_NAMES[delimiter]}-separated fields in its first "
                        "line)", "max_columns", limits, "Export only the columns the survey needs (questions, "
                        "division, unit, role, wave).", "columns")
    if not records:
        raise too_large(name, "has a column name longer than 131,072 characters in its first line", "max_name_chars",
                        limits, "Check that this is the survey's export and that its header row holds column "
                        "names; shorten them.", "characters")
    return len(records[0])


def _check_names(name: str, layout: Layout, limits: ReadLimits) -> None:
    for number, (key, label) in enumerate(zip(layout.keys, layout.labels), start=1):
        longest = max(key, label, key=len)
        if len(longest) > limits.max_name_chars:
            raise too_large(name, f"has a column name of {len(longest):,} characters (column {number}, starting "
                            f"{longest[:40]!r})", "max_name_chars", limits, "Shorten the column names in the "
                            "header row, or export the survey again with short question names.", "characters")


def _check_scan(name: str, scan: TextScan, limits: ReadLimits) -> None:
    if scan.long_line is not None:
        number, length = scan.long_line
        raise too_large(name, f"has a line of {size_text(length)} (line {number:,})", "max_line_bytes", limits,
                        "A line this long means the file is not a table of responses, or its line breaks were "
                        "lost: check that this is the survey's export, open it in a spreadsheet program and "
                        "save it again as CSV (UTF-8).")


def _check_rows(name: str, lines: int, width: int, limits: ReadLimits) -> None:
    """Before parsing: every response needs a line, so the line count bounds rows and cells."""
    if lines > limits.max_rows:
        raise too_large(name, f"has {lines:,} lines below its header, each a response (or a line break inside "
                        "an answer)", "max_rows", limits, _SMALLER, "rows")
    if lines * width > limits.max_cells:
        raise too_large(name, f"has {lines:,} lines of {width:,} columns: up to {lines * width:,} cells",
                        "max_cells", limits, _SMALLER, "cells")


def _check_table(name: str, rows: int, width: int, limits: ReadLimits) -> None:
    if rows > limits.max_rows:
        raise too_large(name, f"has {rows:,} rows", "max_rows", limits, _SMALLER, "rows")
    if rows * width > limits.max_cells:
        raise too_large(name, f"has {rows:,} rows of {width:,} columns: {rows * width:,} cells", "max_cells",
                        limits, _SMALLER, "cells")


def _read_text(data: bytes, name: str, fmt: str, job: _Job, scan: TextScan | None = None) -> RawTable:
    limits = job.limits
    if scan is None:
        scan = scan_text(data, limits.max_line_bytes)
        _check_scan(name, scan, limits)
    head = _head(data)
    delimiter = sniff_delimiter(head)
    records, ends = _first_records(head, delimiter)
    width = _check_head(name, data, delimiter, records, limits)
    records = [[c.replace("\x00", "") for c in r] for r in records] if scan.first_nul >= 0 else records
    detected = detect_format(records[:4]) if fmt == "auto" else fmt
    skip = _preamble(records) if detected == "generic" and fmt == "auto" else 0
    notes = []
    if skip:
        notes.append(f"skipped {skip} title line(s) above the header row")
        offset = _line_offset(data, ends[skip - 1])
        data = data[offset:]
        records = records[skip:]
        width = len(records[0])
    layout = read_layout(records[:4], detected)
    _check_names(name, layout, limits)
    if width < 2:
        raise FileReadError(
            f"{name} has only one column.",
            hint="A survey export is a table with a header row and one row per response, "
                 "separated by commas, semicolons, tabs or pipes.",
            problems=_first_line_problem(records),
        )
    _check_rows(name, _line_count(scan, data) - layout.header_rows, width, limits)
    table, invalid = _parse_csv(data, delimiter, width, name, progress=job.progress, block=_block(limits, width))
    records_read = table.num_rows + len(invalid)
    table = table.slice(layout.header_rows)
    _check_table(name, table.num_rows, width, limits)
    if table.num_rows == 0 and (line := unclosed_quote_line(data)):  # the responses ran into one cell
        raise _unclosed_quote(name, skip + line)
    raw = _finish(table, layout, name, detected, header_rows=skip + layout.header_rows, notes=notes)
    raw.delimiter = delimiter
    if scan.first_nul >= 0:
        _remove_nuls(raw)
    _note_malformed(raw, invalid, width, first_row=skip)
    _check_lost(raw, invalid, _line_count(scan, data) - skip - records_read, delimiter, width, first_row=skip)
    return raw


def _line_count(scan: TextScan, data) -> int:
    """Lines of the file, the last one counted also without a line break after it."""
    return scan.lines + (0 if len(data) == 0 or bytes(data[-1:]) in (b"\n", b"\r") else 1)


def _note_malformed(raw: RawTable, invalid: list[_Invalid], width: int, first_row: int = 0) -> None:
    """Malformed rows left out by the parser, each reported with its row number (the first 1,000) and counted."""
    for bad in invalid[:_SHOWN]:
        raw.problems.append(Problem(f"row has {bad.fields} fields where the header has {width}; the row was left out",
                                    row=None if bad.number is None else first_row + bad.number, severity="warning"))
    if len(invalid) > _SHOWN:
        raw.problems.append(Problem(f"{len(invalid) - _SHOWN:,} more malformed rows were left out", severity="warning"))
    raw.skipped_rows = len(invalid)


_SHOWN = 1000  # problems listed one by one; more are counted


@dataclass(frozen=True)
class _Invalid:
    """A row the parser left out: its line number, its number of fields, how many line breaks it
    holds inside quotes, how many of those lines look like rows of their own, and its first line."""

    number: int | None
    fields: int
    newlines: int = 0
    rowlike: int = 0
    first_line: str = ""


def _rowlike_lines(text: str, delimiter: str, width: int) -> int:
    """Lines after the first of ``text`` that hold as many delimiters as a row (or more, with a
    quote): rows swallowed by a stray quote that opened a cell and was not closed where it should
    have been. A cell or a left-out row with such lines counts all its lines as rows lost."""
    if width < 2:
        return 0
    return sum(1 for line in text.splitlines()[1:]
               if line.count(delimiter) == width - 1 or ('"' in line and line.count(delimiter) > width - 1))


def _check_lost(raw: RawTable, invalid: list[_Invalid], unexplained: int, delimiter: str, width: int,
                first_row: int = 0) -> None:
    """Rows merged into a quoted cell by a stray quote, or left out as malformed, are counted
    (``merged_rows``, ``skipped_rows``) and named; if they are most of the file, reading stops.

    A stray quote shows as a row holding line breaks whose lines look like rows: left out (its
    fields no longer match the header) or kept with a cell holding them. Line breaks that no row
    explains (``unexplained``: lines not read as rows) are looked for in the cells; a file without
    any costs nothing more."""
    merged = [(None if b.number is None else first_row + b.number, None, b.newlines, b.first_line)
              for b in invalid if b.rowlike]
    if unexplained > sum(b.newlines for b in invalid):
        merged += _merged_cells(raw, delimiter, width)
    raw.merged_rows = sum(count for _, _, count, _ in merged)
    lost = raw.merged_rows + raw.skipped_rows
    total = raw.n_rows + lost
    if merged:
        row, _, count, line = merged[0]
        where = f"row {row}" if row is not None else "a row"
        if lost * 2 > total:
            raise FileReadError(
                f"{raw.source}: a quote (\") in {where} opens a cell that runs on over {count:,} more lines that "
                f"look like rows, so {lost:,} of {total:,} rows would be lost. {where.capitalize()} reads: {line[:100]!r}.",
                hint=_STRAY_QUOTE_HINT,
                problems=[Problem(f"a quote opens a cell that runs on over {c:,} more lines that look like rows", row=r,
                                  column=col, value=v[:80]) for r, col, c, v in merged[:_SHOWN]])
        for r, col, c, v in merged[:_SHOWN]:
            raw.problems.append(Problem(
                f"a quote (\") opens a cell that runs on over {c:,} more lines that look like rows: they were read "
                "as part of this row, not as rows. Remove or double the quote and read the file again", row=r, column=col,
                value=v[:80], severity="warning"))
    elif raw.skipped_rows * 2 > total and raw.skipped_rows > 1:
        first = invalid[0]
        raise FileReadError(
            f"{raw.source}: {raw.skipped_rows:,} of {total:,} rows have a different number of fields than the header "
            f"({width}); the first is row {first_row + (first.number or 0)} (listed with the others).",
            hint="Check that the file is one table with one header row; open it in a spreadsheet program and save "
                 "it again as CSV (UTF-8), or export the survey again.",
            problems=[Problem(f"row has {first.fields} fields where the header has {width}; it reads",
                              row=first_row + (first.number or 0), value=first.first_line[:100])]
            + [p for p in raw.problems if p.problem.startswith("row has ")][1:_SHOWN])


def _merged_cells(raw: RawTable, delimiter: str, width: int) -> list[tuple[int, str, int, str]]:
    """Cells holding line breaks whose lines look like rows: (row, column, those lines, first line)."""
    found = []
    for key in raw.keys:
        column = raw.table.column(key)
        if pa.types.is_dictionary(column.type):
            values = pa.chunked_array([c.dictionary for c in column.chunks], pa.string()) if column.num_chunks else column
            if not any(pc.any(pc.match_substring(v, "\n")).as_py() for v in values.chunks):
                continue
            column = column.cast(pa.string())
        hits = pc.match_substring(column, "\n")
        if not pc.any(hits).as_py():
            continue
        for index in np.flatnonzero(hits.to_numpy(zero_copy_only=False) == True):  # noqa: E712 — nulls are None
            text = column[int(index)].as_py()
            if _rowlike_lines(text, delimiter, width):
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


_STRAY_QUOTE_HINT = ("Open the file in a text editor and remove that quote, or double it (\"\") if it belongs to the "
                     "answer; then read the file again. Or export the survey again.")


def _unclosed_quote(name: str, line: int) -> FileReadError:
    return FileReadError(
        f"{name}: a quote (\") on line {line} opens a cell that is never closed, so every line after it would "
        "be read as that one cell.",
        hint=_STRAY_QUOTE_HINT,
        problems=[Problem("a quote opens a cell that is never closed", row=line, severity="error")])


def _remove_nuls(raw: RawTable) -> None:
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
            places += [(raw.row_number(int(i)), key) for i in rows[:_SHOWN]]
            text = pc.replace_substring(text, "\x00", "")
            column = pc.dictionary_encode(text) if dictionary else text
        columns.append(column)
    raw.table = pa.table(columns, names=raw.keys)
    for row, key in sorted(places)[:_SHOWN]:
        raw.problems.append(Problem("cell held a NUL character (byte 0); it was removed", row=row, column=key,
                                    severity="warning"))
    if places:
        raw.notes.append(f"removed NUL characters (byte 0) from {len(places):,}{'+' if len(places) >= _SHOWN else ''} "
                         "cell(s); nothing else in them was changed")
    else:  # the file had one, and no cell holds it: it was in the header row or a title line above it
        raw.notes.append("removed NUL characters (byte 0) from the header row (or a title line above it); no "
                         "answer held one")


class _Counted(io.RawIOBase):
    """A file read by the parser, counting the bytes it has read; reading fails once ``cancelled``."""

    def __init__(self, raw):
        super().__init__()
        self.raw, self.done, self.cancelled = raw, 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.cancelled:
            raise _Cancelled()
        n = self.raw.readinto(buffer)
        self.done += n or 0
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


_POLL = 0.25  # seconds between progress reports while a text file is parsed


class _Cancelled(Exception):
    """The read was stopped by the progress callback."""


def _with_progress(work, counted: _Counted, total: int, progress: Progress, text: str):
    """``work()`` in a worker thread while this thread reports the bytes it has read; if ``progress``
    raises (the user stopped the page), the worker's next read fails and the exception goes on."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        try:
            while True:
                try:
                    return future.result(timeout=_POLL)
                except FutureTimeout:
                    progress(min(counted.done / max(total, 1), 1.0), text)
        except BaseException:
            counted.cancelled = True
            raise


def _parse_csv(data, delimiter: str, width: int, name: str, *, use_threads: bool = True,
               keep: list[int] | None = None, categories: set[int] = frozenset(), newlines: bool = True,
               progress: Progress | None = None, block: int = 1 << 21):
    """All rows as text columns f0..f{width-1} (or only those in ``keep``), and the malformed rows
    left out (:class:`_Invalid`). ``data`` is bytes or a path; columns in ``categories`` are read
    as dictionaries (small integer codes), which saves memory where answers repeat. Parsed in
    parallel; where malformed rows turn up, again in one thread, the only way to learn their numbers."""
    invalid: list[_Invalid] = []

    def on_invalid(row) -> str:
        text = row.text
        newlines = text.count("\n") + (text.count("\r") if "\n" not in text else 0)
        invalid.append(_Invalid(row.number, row.actual_columns, newlines,
                                _rowlike_lines(text, delimiter, width) if newlines else 0,
                                text.splitlines()[0][:200] if text else ""))
        return "skip"

    def parse(source):
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=use_threads,
                                           block_size=block),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.dictionary(pa.int32(), pa.string()) if i in categories else pa.string()
                              for i in range(width)},
                strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=True,
                include_columns=None if keep is None else [f"f{i}" for i in keep],
            ),
        )

    try:
        if progress is None:
            table = parse(io.BytesIO(data) if isinstance(data, bytes) else str(data))
        else:
            counted = _Counted(io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb"))
            total = len(data) if isinstance(data, bytes) else Path(data).stat().st_size
            try:
                table = _with_progress(lambda: parse(counted), counted, total, progress, f"Reading {name}")
            finally:
                counted.close()
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) and not isinstance(data, bytes):
            raise _NotUtf8() from None
        if "straddl" in str(exc):
            raise FileReadError(
                f"{name} has a row longer than {size_text(block)}, counting the line breaks inside its quoted cells: "
                "a quote (\") probably opens a cell that is never closed.",
                hint="Open the file in a text editor, find the quote that opens a cell without closing it, and remove "
                     "it or double it (\"\"); or export the survey again.") from None
        if isinstance(data, bytes) and (line := unclosed_quote_line(data)):
            raise _unclosed_quote(name, line) from None
        raise FileReadError(f"{name} could not be read as a {DELIMITER_NAMES[delimiter]}-separated table: {exc}.",
                            hint="Open it in a spreadsheet program and save it again as CSV (UTF-8).") from None
    if use_threads and any(bad.number is None for bad in invalid):
        return _parse_csv(data, delimiter, width, name, use_threads=False, keep=keep, categories=categories,
                          newlines=newlines, progress=progress, block=block)
    return table, invalid


def _block(limits: ReadLimits, width: int = 0) -> int:
    """The parser's block: no row (with its quoted line breaks) may be longer, so it holds two lines
    of the longest allowed (2 MB by default, where parsing in parallel works best). A wide file gets
    2,048 bytes of block per column: pyarrow spends about 2 KB per column on each block while
    parsing, so with blocks of fewer rows a file of 16,000 empty columns took 20 bytes per cell,
    and with this at most 1 more (a row is at least one byte per column)."""
    return max(1 << 21, 2 * limits.max_line_bytes, 8192 * width)


class _NotUtf8(Exception):
    """A large file turned out not to be UTF-8: read it the careful way instead."""


def _read_large_text(path: Path, name: str, fmt: str, job: _Job) -> RawTable | None:
    """A large plain UTF-8 text export read by pyarrow from disk; None when it needs the careful path
    (byte-order mark, another encoding, a container format, title lines above the header)."""
    limits, lean = job.limits, job.lean
    with path.open("rb") as handle:
        head_bytes = handle.read(HEAD_BYTES)
    if head_bytes.startswith((b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head_bytes:
        return None
    if any(head_bytes.startswith(magic) for magic, _, _ in _MAGIC):
        return None
    with path.open("rb") as handle:
        scan = scan_text(handle, limits.max_line_bytes)
        handle.seek(-1, io.SEEK_END)
        last_byte = handle.read(1)
    _check_scan(name, scan, limits)
    head = _head(head_bytes)
    delimiter = sniff_delimiter(head)
    records, _ = _first_records(head, delimiter)
    width = _check_head(name, head_bytes, delimiter, records, limits)
    head_bytes = head_bytes[: head_bytes.rindex(b"\n") + 1] if b"\n" in head_bytes else head_bytes
    try:
        head_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if scan.first_nul >= 0:
        records = [[c.replace("\x00", "") for c in r] for r in records]
    detected = detect_format(records[:4]) if fmt == "auto" else fmt
    if not records or (detected == "generic" and fmt == "auto" and _preamble(records)):
        return None
    layout = read_layout(records[:4], detected)
    _check_names(name, layout, limits)
    lines = scan.lines + (0 if last_byte in (b"\n", b"\r") else 1)
    _check_rows(name, lines - layout.header_rows, width, limits)
    keep, omitted, categories = list(range(width)), {}, set()
    if lean:
        sample, _ = _parse_csv(head_bytes, delimiter, width, name, use_threads=False, block=_block(limits, width))
        sample = sample.slice(layout.header_rows)
        keep = []
        for i, (key, label) in enumerate(zip(layout.keys, layout.labels)):
            column = sample.column(i)
            distinct = pc.unique(column.drop_null()).to_pylist()
            mean_length = pc.mean(pc.utf8_length(column)).as_py() or 0.0
            free_text = len(distinct) > min(1000, max(20, 0.5 * sample.num_rows)) or mean_length > 80
            answered = [v for v in distinct if v.strip()]
            answers = int(pc.sum(pc.not_equal(pc.utf8_trim_whitespace(column), "")).as_py() or 0)
            reason = personal_reason(key, label, answered[:200], answers, len(answered))
            date_needed = date_rank(key) is not None and not any(is_wave_column(k) for k in layout.keys)
            needed = is_respondent_id(key) or date_needed or is_wave_column(key)
            if reason:
                omitted[key or f"Column {i + 1}"] = f"personal data ({reason})"
            elif date_rank(key) is not None and not date_needed:
                omitted[key or f"Column {i + 1}"] = "survey metadata (not loaded from a large file)"
            elif free_text and not needed:
                omitted[key or f"Column {i + 1}"] = "free text (not loaded from a large file)"
            else:
                keep.append(i)
                if not free_text:
                    categories.add(i)
    try:
        # Without line breaks inside quoted answers pyarrow parses in parallel; if a row comes out
        # malformed there may be such breaks after all, and the file is parsed again allowing them.
        try:
            table, invalid = _parse_csv(path, delimiter, width, name, keep=keep, categories=categories,
                                        newlines=False, progress=job.progress, block=_block(limits, width))
        except FileReadError:
            invalid = [_Invalid(None, 0)]
        if invalid:
            table, invalid = _parse_csv(path, delimiter, width, name, keep=keep, categories=categories,
                                        progress=job.progress, block=_block(limits, width))
    except _NotUtf8:
        return None
    pa.default_memory_pool().release_unused()  # parse buffers back to the system before numpy allocates
    records_read = table.num_rows + len(invalid)
    _check_table(name, table.num_rows - layout.header_rows, width, limits)
    kept_layout = Layout(layout.format, layout.header_rows, tuple(layout.keys[i] for i in keep),
                         tuple(layout.labels[i] for i in keep))
    raw = _finish(table.slice(layout.header_rows), kept_layout, name, detected,
                  header_rows=layout.header_rows, notes=[])
    raw.encoding, raw.delimiter, raw.omitted = "utf-8", delimiter, omitted
    if omitted:
        raw.notes.append(f"large file: {len(omitted)} column(s) of free text or personal data were not loaded")
    if scan.first_nul >= 0:
        _remove_nuls(raw)
    _note_malformed(raw, invalid, width)
    _check_lost(raw, invalid, lines - records_read, delimiter, width)
    return raw


def _first_line_problem(records: list[list[str]]) -> list[Problem]:
    """The first line, as a problem of the table rather than in the message: a message can be shown
    to others than the file's owner (an export named on the dashboard's command line), the table not."""
    first = records[0][0] if records and records[0] else ""
    return [Problem("the first line, read as one column", row=1, value=first[:60])] if first else []


def _line_offset(data: bytes, lines: int) -> int:
    offset = 0
    for _ in range(lines):
        offset = data.index(b"\n", offset) + 1
    return offset


def _finish(table: pa.Table, layout: Layout, name: str, fmt: str, *, header_rows: int,
            notes: list[str]) -> RawTable:
    if table.num_rows == 0:
        raise FileReadError(
            f"{name} has header rows but no responses ({FORMAT_NAMES[fmt]} layout, "
            f"{header_rows} header row(s)).",
            hint="Export the survey again after responses have come in, or check the date filter of the export.",
        )
    keys, labels, columns, problems = [], [], [], []
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
        labels.append(label if label and label != layout.keys[i] else key)
        columns.append(column)
    if dropped_empty:
        notes.append(f"left out {dropped_empty} empty column(s) without a header")
    return RawTable(pa.table(columns, names=keys), keys, labels, name, fmt, header_rows,
                    problems=problems, notes=notes)


# --- Excel -------------------------------------------------------------------------------------

def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _read_xlsx(archive: zipfile.ZipFile, name: str, fmt: str, sheet: str | None, job: _Job) -> RawTable:
    _check_parts(archive, name, job.limits)
    try:
        book = _open_book(archive.fp, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise FileReadError(f"{name} could not be opened as an Excel workbook ({type(exc).__name__}).",
                            hint="Open it in Excel and save it again as .xlsx, or export CSV.") from None
    names = list(book.sheets)
    if sheet is not None and sheet not in names:
        raise FileReadError(f"{name} has no sheet {sheet!r}.", hint=f"Its sheets are: {', '.join(names)}.")
    table, chosen, formulas = None, sheet, []
    try:
        for sheet_name in ([sheet] if sheet else names):
            table, formulas = _sheet_table(book, sheet_name, name, job)
            if table is not None:
                chosen = sheet_name
                break
    except (FileReadError, _Cancelled):
        raise
    except Exception as exc:  # a damaged worksheet: openpyxl raises many types
        raise FileReadError(f"{name} could not be read as an Excel workbook ({type(exc).__name__}: {exc}).",
                            hint="Open it in Excel and save it again as .xlsx, or export CSV.") from None
    finally:
        book.archive.close()
    if table is None:
        raise FileReadError(f"{name} has no data in {'sheet ' + repr(sheet) if sheet else 'any sheet'}.",
                            hint="Check that the responses were exported into the workbook.")
    notes, problems = [], []
    if len(names) > 1:
        others = ", ".join(repr(n) for n in names if n != chosen)
        problems.append(Problem(
            f"the workbook has {len(names)} sheets; read {chosen!r}, not {others}. "
            "To read another sheet, choose it by name (--sheet)", severity="warning"))
    problems += formulas
    width = table.num_columns
    records = [["" if c is None else c for c in row.values()] for row in table.slice(0, 4).to_pylist()]
    detected = detect_format(records) if fmt == "auto" else fmt
    layout = read_layout(records, detected)
    _check_names(name, layout, job.limits)
    body = table.slice(layout.header_rows)
    _check_table(name, body.num_rows, width, job.limits)
    result = _finish(body, layout, name, detected, header_rows=layout.header_rows, notes=notes)
    result.sheet = chosen
    result.problems[:0] = problems
    return result


@dataclass(frozen=True)
class _Book:
    """What reading a workbook's cells needs: its archive, its worksheets' XML files by sheet name,
    its shared strings and how it stores dates."""

    archive: zipfile.ZipFile
    sheets: dict
    shared_strings: list
    epoch: object
    date_formats: set
    timedelta_formats: set


def _open_book(source, data_only: bool = True) -> _Book:
    """A workbook opened as ``openpyxl.load_workbook(read_only=True)`` does, without reading any
    worksheet: openpyxl's read-only sheets parse their XML on opening for the size they claim, the
    whole sheet where it claims none (9 s of a 100,000-row sheet read twice)."""
    from openpyxl.reader.excel import ExcelReader  # imported here: only Excel uploads pay for it
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(source, read_only=True, data_only=data_only)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    sheets = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()
              if rel.target in reader.valid_files and "chartsheet" not in rel.Type}
    return _Book(reader.archive, sheets, reader.shared_strings, reader.wb.epoch, reader.wb._date_formats,
                 reader.wb._timedelta_formats)


def _check_parts(archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    """What a workbook unpacks to, checked before anything is unpacked: its worksheets (read as a
    stream, one after another until one holds data) within ``max_bytes`` together, and the parts read
    whole into memory (shared strings, styles and the rest, each held as Python objects several times
    their size) within an eighth of it together."""
    whole, sheets = 0, 0
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            _check_size(f"{name}: its worksheet {info.filename.rsplit('/', 1)[1]}", info.file_size, limits,
                        "unpacks to")
            sheets += info.file_size
        else:
            whole += info.file_size
    if sheets > limits.max_bytes:
        raise too_large(name, f"has worksheets that unpack to {size_text(sheets)} together", "max_bytes", limits,
                        "Save the sheet with the responses alone as a workbook or as CSV (UTF-8), then read that.")
    if whole * 8 > limits.max_bytes:
        raise too_large(name, f"has parts besides its worksheets (shared strings, styles) that unpack to "
                        f"{size_text(whole)}, over an eighth of the limit for a file", "max_bytes", limits,
                        "Open it in Excel and save it as CSV (UTF-8), then read that.")


_ROWS_PER_BATCH = 20_000
EXCEL_CELL_CHARS = 32_767  # the most text Excel puts in one cell
_CELL_PARTS = 10_000  # elements inside one cell (rich-text runs): more is no spreadsheet's
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TAGS = {_MAIN + tag: tag for tag in ("row", "c", "v", "f", "is", "t", "rPh")}


class _SheetReader:
    """The cells of a worksheet, read with expat as its XML streams in: no element tree is built, so
    memory holds one batch of rows whatever the worksheet holds. Values are typed as openpyxl types
    them (shared and inline strings, numbers, dates by the cell's style, booleans, errors); formulas
    are noted with whether they have a saved result."""

    def __init__(self, book: _Book, sheet_name: str, name: str, limits: ReadLimits):
        self.book, self.sheet_name, self.name, self.limits = book, sheet_name, name, limits
        self.rows: list[tuple[int, dict, list]] = []
        self.number, self.column, self.cells, self.formulas = 0, 0, {}, []
        self.cell: dict | None = None
        self.text: list[str] | None = None
        self.inline: list[str] = []
        self.in_phonetic = False
        self.parts = 0
        self.text_bytes = 0  # of the cells' text read so far
        self.shared_formulas: dict = {}
        self.columns: dict[str, int] = {}  # column letters -> number, as met
        self.expat = xml.parsers.expat.ParserCreate(namespace_separator="}")
        self.expat.buffer_text = True
        self.expat.StartElementHandler = self.start
        self.expat.EndElementHandler = self.end
        self.expat.CharacterDataHandler = self.characters

    def start(self, tag: str, attrs: dict) -> None:
        tag = _TAGS.get(tag, tag)
        if self.cell is not None:
            self.parts += 1
            if self.parts > _CELL_PARTS:
                raise FileReadError(f"{self.name} has a cell (row {self.number:,} of sheet {self.sheet_name!r}) made "
                                    f"of more than {_CELL_PARTS:,} parts, which no spreadsheet program writes.",
                                    hint="Open it in Excel and save it as CSV (UTF-8), then read that.")
            if tag in ("v", "f") or (tag == "t" and not self.in_phonetic):
                self.text = []
                if tag == "f":
                    self.cell["f"] = attrs
            elif tag == "rPh":
                self.in_phonetic = True
        elif tag == "c":
            self.cell, self.parts, self.inline = {"r": attrs.get("r"), "t": attrs.get("t", "n"),
                                                  "s": attrs.get("s")}, 0, []
        elif tag == "row":
            declared = attrs.get("r")
            self.number = int(float(declared)) if declared else self.number + 1
            self.column, self.cells, self.formulas = 0, {}, []

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, tag: str) -> None:
        tag = _TAGS.get(tag, tag)
        if tag in ("v", "f", "t") and self.text is not None:
            text, self.text = "".join(self.text), None
            if tag == "t":
                self.inline.append(text)
            else:
                self.cell[tag + "_text"] = text
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "c" and self.cell is not None:
            self._end_cell(self.cell)
            self.cell = None
        elif tag == "row":
            self.rows.append((self.number, self.cells, self.formulas))

    def _end_cell(self, cell: dict) -> None:
        from openpyxl.utils.cell import column_index_from_string

        reference = cell["r"]
        if reference:
            letters = reference.rstrip("0123456789")
            self.column = self.columns.get(letters) or self.columns.setdefault(letters, column_index_from_string(letters))
        else:
            self.column += 1
        if self.column > self.limits.max_columns:
            raise too_large(self.name, f"has a cell in column {self.column:,} (row {self.number:,} of sheet "
                            f"{self.sheet_name!r})", "max_columns", self.limits, "Delete the columns the survey "
                            "does not need, or save the sheet as CSV (UTF-8) and read that.", "columns")
        value = self._value(cell)
        if isinstance(value, str):
            self._count_text(value)
        if value is not None:
            self.cells[self.column] = value
        if "f" in cell:
            self.formulas.append((self.column, self._formula(cell, reference), value is not None))

    def _count_text(self, text: str) -> None:
        """A cell's text checked as it is read: at most Excel's 32,767 characters (a shared string can be
        referenced by every cell, so a small file could otherwise make gigabytes of cells), and all of
        the sheet's text together at most ``max_bytes`` (counted in UTF-8 bytes)."""
        from openpyxl.utils import get_column_letter

        if len(text) > EXCEL_CELL_CHARS:
            raise FileReadError(
                f"{self.name} has a cell of {len(text):,} characters (cell {get_column_letter(self.column)}"
                f"{self.number} of sheet {self.sheet_name!r}); an Excel cell holds at most {EXCEL_CELL_CHARS:,}, "
                "so the workbook was not saved by Excel as it is.",
                hint="Open it in Excel and save it as CSV (UTF-8), then read that; or export the survey again.")
        self.text_bytes += len(text) if text.isascii() else len(text.encode("utf-8", errors="replace"))
        if self.text_bytes > self.limits.max_bytes:
            raise too_large(self.name, f"has more than {size_text(self.limits.max_bytes)} of text in its cells "
                            f"(by row {self.number:,} of sheet {self.sheet_name!r})", "max_bytes", self.limits,
                            _SMALLER)

    def _value(self, cell: dict):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        kind, text = cell["t"], cell.get("v_text")
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline else None
        if not text:
            return None
        if kind == "s":
            return self.book.shared_strings[int(text)]
        if kind == "n":
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
            style = int(cell["s"]) if cell["s"] else 0
            if style in self.book.date_formats:
                try:
                    return from_excel(number, self.book.epoch, timedelta=style in self.book.timedelta_formats)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text result) and "e" (an error such as #N/A)

    def _formula(self, cell: dict, reference: str | None) -> str:
        from openpyxl.formula.translate import Translator

        attrs, formula = cell["f"], "=" + (cell.get("f_text") or "")
        if attrs.get("t") == "shared":
            index = attrs.get("si")
            if index in self.shared_formulas and reference:
                return self.shared_formulas[index].translate_formula(reference)
            if formula != "=" and reference:
                self.shared_formulas[index] = Translator(formula, reference)
        return formula


def _sheet_rows(book: _Book, sheet_name: str, name: str, job: _Job):
    """The rows of a worksheet as ``(row number, {column number: value}, [(column, formula, has a
    saved result)])``, only cells that are there: a worksheet's claimed size (its dimension, which
    openpyxl pads every row to, and whose empty rows it hands out one by one) is never used. Read as
    a stream, 1 MB at a time; each cell is checked against ``max_columns`` as it is read, and progress
    is reported by the share of XML read."""
    info = book.archive.getinfo(book.sheets[sheet_name])
    reader = _SheetReader(book, sheet_name, name, job.limits)
    done = 0
    with book.archive.open(info) as member:
        while True:
            chunk = member.read(1 << 20)
            done += len(chunk)
            try:
                reader.expat.Parse(chunk, not chunk)
            except xml.parsers.expat.ExpatError as exc:
                raise FileReadError(f"{name} has a damaged worksheet ({sheet_name!r}: {exc}).",
                                    hint="Open it in Excel and save it again as .xlsx, or export CSV.") from None
            yield from reader.rows
            reader.rows.clear()
            if not chunk:
                break
            if job.progress is not None:
                job.progress(min(done / max(info.file_size, 1), 1.0), f"Reading {name}: row {reader.number:,}")


def _sheet_table(book: _Book, sheet_name: str, name: str, job: _Job) -> tuple[pa.Table | None, list[Problem]]:
    """A worksheet's non-empty rows as a table of text columns f0.. (None if it has none), and the
    problems of its formulas. Rows are turned into Arrow columns a batch at a time."""
    from openpyxl.utils import get_column_letter

    limits = job.limits
    batches, rows, width, count, problems, with_result = [], [], 0, 0, [], 0

    def flush():
        if rows:
            batches.append([pa.array([row.get(i + 1) for row in rows], pa.string()) for i in range(width)])
            rows.clear()

    for number, cells, formulas in _sheet_rows(book, sheet_name, name, job):
        for column, formula, has_result in formulas:
            if has_result:
                with_result += 1
            elif len(problems) < _SHOWN:
                problems.append(Problem(
                    "cell holds a formula without a saved result; read as empty. Open the file in "
                    "Excel and save it, or export CSV", row=number, column=get_column_letter(column),
                    value=formula[:80], severity="warning"))
        texts = {column: _cell_text(value) for column, value in cells.items()}
        texts = {column: text for column, text in texts.items() if text is not None}
        if not texts:
            continue
        count += 1
        if count > limits.max_rows:
            raise too_large(name, f"has more than {limits.max_rows:,} rows in sheet {sheet_name!r}", "max_rows",
                            limits, _SMALLER, "rows")
        right = max(texts)
        if right > width:
            flush()
            width = right
        if count * width > limits.max_cells:
            raise too_large(name, f"has {count:,} rows of {width:,} columns in sheet {sheet_name!r}: "
                            f"{count * width:,} cells", "max_cells", limits, _SMALLER, "cells")
        rows.append(texts)
        if len(rows) >= _ROWS_PER_BATCH:
            flush()
    flush()
    if not count:
        return None, []
    if with_result:
        problems.append(Problem(f"{with_result} cell(s) hold formulas; their saved results were read",
                                severity="warning"))
    columns = []
    for i in range(width):
        chunks = [batch[i] if i < len(batch) else pa.nulls(len(batch[0]), pa.string()) for batch in batches]
        columns.append(pa.chunked_array(chunks, pa.string()))
    return pa.table(columns, names=[f"f{i}" for i in range(width)]), problems
