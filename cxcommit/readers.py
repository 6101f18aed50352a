"""Reading an export file into a raw table of text cells, whatever its container and layout.

Reads CSV/TSV/semicolon/pipe text in any usual encoding (see :mod:`cxcommit.decoding`), Excel
.xlsx workbooks, and a .zip holding one export (as Qualtrics and SurveyMonkey deliver them).
Every cell stays text here; meaning is given later by the mapping.
"""
from __future__ import annotations

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cxcommit.decoding import to_utf8
from cxcommit.errors import FileReadError, Problem, SettingsError
from cxcommit.formats import FORMAT_NAMES, FORMATS, Layout, detect_format, read_layout

DELIMITERS = [",", ";", "\t", "|"]
_BLANK = re.compile(rb"\s*\Z")
# Arrow allocates from the C library's allocator, which hands parse buffers back to the system as
# they are freed where Arrow's default (mimalloc) keeps them: the peak memory of importing the
# benchmark's 1M-row file falls from about 1.5 to 1.4 times the file's size. Process-wide, as an
# Arrow memory pool is: a pool swapped only while reading peaked higher than either.
pa.set_memory_pool(pa.system_memory_pool())

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
             sheet: str | None = None, lean: bool = True) -> RawTable:
    """Read a file (path or bytes) into a :class:`RawTable`; raise :class:`FileReadError` if it cannot be read.

    ``fmt`` forces a layout (one of ``FORMATS``); ``sheet`` picks an Excel sheet by name. With
    ``lean`` (the default), a UTF-8 text file larger than ``LEAN_BYTES`` is read by pyarrow
    straight from disk, without the columns that its first rows show to be free text or personal
    data (they are named in ``omitted``): this keeps memory near the size of what is analysed.
    """
    if fmt not in FORMATS:
        raise SettingsError(f"Unknown format {fmt!r}.", hint=f"Use one of: {', '.join(FORMATS)}.")
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            if path.is_file() and path.stat().st_size > LEAN_BYTES:
                table = _read_large_text(path, name, fmt, lean)
                if table is not None:
                    return table
            raw = path.read_bytes()
        except FileNotFoundError:
            raise FileReadError(f"There is no file {str(path)!r}.", hint="Check the path and the file name.") from None
        except IsADirectoryError:
            raise FileReadError(f"{str(path)!r} is a folder, not a file.", hint="Name one export file.") from None
    else:
        raw, name = bytes(source), name or "upload"
    return _read_bytes(raw, name, fmt, sheet)


def _read_bytes(raw: bytes, name: str, fmt: str, sheet: str | None) -> RawTable:
    if _BLANK.match(raw):
        raise FileReadError(f"{name} is empty ({len(raw)} bytes).",
                            hint="Export the survey again; the download may have failed.")
    if raw.startswith(b"PK\x03\x04"):
        return _read_zip(raw, name, fmt, sheet)
    for magic, what, hint in _MAGIC:
        if raw.startswith(magic):
            raise FileReadError(f"{name} is {what}, not a survey export.", hint=hint)
    decoded = to_utf8(raw)
    if b"\x00" in decoded.data[:65536] or _looks_binary(decoded.data[:4096]):
        raise FileReadError(
            f"{name} does not look like a text table or an Excel workbook (it holds binary data; "
            f"it starts with bytes {raw[:8].hex(' ')}).",
            hint="Upload the survey's CSV, TSV or .xlsx export.",
        )
    table = _read_text(decoded.data, name, fmt)
    table.encoding = decoded.encoding
    table.problems[:0] = list(decoded.problems)
    return table


def _looks_binary(sample: bytes) -> bool:
    text = sample.decode("utf-8", errors="replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f") + text.count("\ufffd")
    return len(text) > 0 and controls / len(text) > 0.1


def _read_zip(raw: bytes, name: str, fmt: str, sheet: str | None) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise FileReadError(f"{name} looks like a zip file or workbook but is damaged.",
                            hint="Download the export again.") from None
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        return _read_xlsx(raw, name, fmt, sheet)
    inner = [n for n in names if n.lower().endswith((".csv", ".tsv", ".txt", ".xlsx")) and not n.startswith("__MACOSX")]
    if len(inner) != 1:
        listing = ", ".join(names[:8]) or "nothing"
        raise FileReadError(f"{name} is a zip archive with {len(inner)} exports in it ({listing}).",
                            hint="Unzip it and upload one export file.")
    table = _read_bytes(archive.read(inner[0]), inner[0], fmt, sheet)
    table.notes.insert(0, f"read {inner[0]} from the zip archive {name}")
    table.source = f"{name}: {inner[0]}"
    return table


# --- text --------------------------------------------------------------------------------------

def sniff_delimiter(text: str) -> str:
    """The delimiter among comma, semicolon, tab and pipe that splits the first lines most consistently.

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    best, best_key = ",", (False, 0.0, 0)
    for delim in DELIMITERS:
        counts = [len(r) for r in csv.reader(io.StringIO(text), delimiter=delim)][:30]
        if not counts:
            continue
        modal, freq = Counter(counts).most_common(1)[0]
        key = (modal > 1, round(freq / len(counts), 1), modal)
        if key > best_key:
            best, best_key = delim, key
    return best


def _first_records(text: str, delimiter: str, limit: int = 40) -> tuple[list[list[str]], list[int]]:
    """The first records and, for each, the number of lines read up to its end."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
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


def _read_text(data: bytes, name: str, fmt: str) -> RawTable:
    head = data[:262_144].decode("utf-8", errors="ignore")
    if len(data) > 262_144 and "\n" in head:
        head = head[: head.rindex("\n") + 1]
    delimiter = sniff_delimiter(head)
    records, ends = _first_records(head, delimiter)
    if not records:
        raise FileReadError(f"{name} has no rows.", hint="Export the survey again.")
    detected = detect_format(records[:4]) if fmt == "auto" else fmt
    skip = _preamble(records) if detected == "generic" and fmt == "auto" else 0
    notes = []
    if skip:
        notes.append(f"skipped {skip} title line(s) above the header row")
        offset = _line_offset(data, ends[skip - 1])
        data = data[offset:]
        records = records[skip:]
    layout = read_layout(records[:4], detected)
    width = len(records[0])
    if width < 2:
        raise FileReadError(
            f"{name} has only one column{_first_line_hint(records)}.",
            hint="A survey export is a table with a header row and one row per response, "
                 "separated by commas, semicolons, tabs or pipes.",
        )
    table, invalid = _parse_csv(data, delimiter, width, name)
    table = table.slice(layout.header_rows)
    raw = _finish(table, layout, name, detected, header_rows=skip + layout.header_rows, notes=notes)
    raw.delimiter = delimiter
    _note_malformed(raw, invalid, width, first_row=skip)
    return raw


def _note_malformed(raw: RawTable, invalid: list[tuple[int, int]], width: int, first_row: int = 0) -> None:
    """Malformed rows left out by the parser, each reported with its row number and counted."""
    for number, actual in invalid:
        raw.problems.append(Problem(f"row has {actual} fields where the header has {width}; the row was left out",
                                    row=first_row + number, severity="warning"))
    raw.skipped_rows = len(invalid)


def _parse_csv(data, delimiter: str, width: int, name: str, *, use_threads: bool = True,
               keep: list[int] | None = None, categories: set[int] = frozenset(), newlines: bool = True):
    """All rows as text columns f0..f{width-1} (or only those in ``keep``), and the malformed rows
    left out: (row number, fields). ``data`` is bytes or a path; columns in ``categories`` are read
    as dictionaries (small integer codes), which saves memory where answers repeat. Parsed in
    parallel; where malformed rows turn up, again in one thread, the only way to learn their numbers."""
    invalid: list[tuple[int | None, int]] = []

    def on_invalid(row) -> str:
        invalid.append((row.number, row.actual_columns))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(data) if isinstance(data, bytes) else str(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=use_threads,
                                           block_size=1 << 21),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.dictionary(pa.int32(), pa.string()) if i in categories else pa.string()
                              for i in range(width)},
                strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=True,
                include_columns=None if keep is None else [f"f{i}" for i in keep],
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) and not isinstance(data, bytes):
            raise _NotUtf8() from None
        raise FileReadError(f"{name} could not be read as a {DELIMITER_NAMES[delimiter]}-separated table: {exc}.",
                            hint="Open it in a spreadsheet program and save it again as CSV (UTF-8).") from None
    if use_threads and any(number is None for number, _ in invalid):
        return _parse_csv(data, delimiter, width, name, use_threads=False, keep=keep, categories=categories,
                          newlines=newlines)
    return table, invalid


class _NotUtf8(Exception):
    """A large file turned out not to be UTF-8: read it the careful way instead."""


def _read_large_text(path: Path, name: str, fmt: str, lean: bool) -> RawTable | None:
    """A large plain UTF-8 text export read by pyarrow from disk; None when it needs the careful path
    (byte-order mark, another encoding, a container format, title lines above the header)."""
    from cxcommit.columns import date_rank, is_respondent_id, is_wave_column, personal_reason

    with path.open("rb") as handle:
        head_bytes = handle.read(HEAD_BYTES)
    if head_bytes.startswith((b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head_bytes:
        return None
    if any(head_bytes.startswith(magic) for magic, _, _ in _MAGIC):
        return None
    head_bytes = head_bytes[: head_bytes.rindex(b"\n") + 1] if b"\n" in head_bytes else head_bytes
    try:
        head = head_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return None
    delimiter = sniff_delimiter(head[:262_144])
    records, _ = _first_records(head[:262_144], delimiter)
    detected = detect_format(records[:4]) if fmt == "auto" else fmt
    if not records or (detected == "generic" and fmt == "auto" and _preamble(records)):
        return None
    layout = read_layout(records[:4], detected)
    width = len(records[0])
    keep, omitted, categories = list(range(width)), {}, set()
    if lean:
        sample, _ = _parse_csv(head_bytes, delimiter, width, name, use_threads=False)
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
                                        newlines=False)
        except FileReadError:
            invalid = [(None, 0)]
        if invalid:
            table, invalid = _parse_csv(path, delimiter, width, name, keep=keep, categories=categories)
    except _NotUtf8:
        return None
    pa.default_memory_pool().release_unused()  # parse buffers back to the system before numpy allocates
    kept_layout = Layout(layout.format, layout.header_rows, tuple(layout.keys[i] for i in keep),
                         tuple(layout.labels[i] for i in keep))
    raw = _finish(table.slice(layout.header_rows), kept_layout, name, detected,
                  header_rows=layout.header_rows, notes=[])
    raw.encoding, raw.delimiter, raw.omitted = "utf-8", delimiter, omitted
    if omitted:
        raw.notes.append(f"large file: {len(omitted)} column(s) of free text or personal data were not loaded")
    _note_malformed(raw, invalid, width)
    return raw


def _first_line_hint(records: list[list[str]]) -> str:
    first = records[0][0] if records and records[0] else ""
    return f" (the first line reads {first[:60]!r})" if first else ""


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


def _read_xlsx(raw: bytes, name: str, fmt: str, sheet: str | None) -> RawTable:
    import openpyxl  # imported here: only Excel uploads pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise FileReadError(f"{name} could not be opened as an Excel workbook ({type(exc).__name__}).",
                            hint="Open it in Excel and save it again as .xlsx, or export CSV.") from None
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        raise FileReadError(f"{name} has no sheet {sheet!r}.", hint=f"Its sheets are: {', '.join(names)}.")
    rows_by_sheet = {}
    chosen = sheet
    for sheet_name in ([sheet] if sheet else names):
        rows = [[_cell_text(v) for v in row] for row in book[sheet_name].iter_rows(values_only=True)]
        rows = [r for r in rows if any(c is not None for c in r)]
        if rows:
            rows_by_sheet[sheet_name] = rows
            chosen = sheet_name
            break
    book.close()
    if not rows_by_sheet:
        raise FileReadError(f"{name} has no data in {'sheet ' + repr(sheet) if sheet else 'any sheet'}.",
                            hint="Check that the responses were exported into the workbook.")
    rows = rows_by_sheet[chosen]
    notes, problems = [], []
    if len(names) > 1:
        others = ", ".join(repr(n) for n in names if n != chosen)
        problems.append(Problem(
            f"the workbook has {len(names)} sheets; read {chosen!r}, not {others}. "
            "To read another sheet, choose it by name (--sheet)", severity="warning"))
    problems += _formula_problems(raw, chosen, rows)
    width = max(len(r) for r in rows)
    rows = [r + [None] * (width - len(r)) for r in rows]
    records = [[c or "" for c in r] for r in rows[:4]]
    detected = detect_format(records) if fmt == "auto" else fmt
    layout = read_layout(records, detected)
    body = rows[layout.header_rows:]
    table = pa.table({f"f{i}": pa.array([r[i] for r in body], pa.string()) for i in range(width)})
    result = _finish(table, layout, name, detected, header_rows=layout.header_rows, notes=notes)
    result.sheet = chosen
    result.problems[:0] = problems
    return result


def _formula_problems(raw: bytes, sheet: str, rows_with_values: list) -> list[Problem]:
    """Cells holding formulas: their saved results are read; formulas without one are reported."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    archive = zipfile.ZipFile(io.BytesIO(raw))
    if not any(b"<f" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")):
        return []
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    values = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)[sheet]
    problems, with_result = [], 0
    for formula_row, value_row in zip(book[sheet].iter_rows(), values.iter_rows()):
        for cell, value_cell in zip(formula_row, value_row):
            if isinstance(cell.value, str) and cell.value.startswith("="):
                if value_cell.value is None:
                    problems.append(Problem(
                        "cell holds a formula without a saved result; read as empty. Open the file in "
                        "Excel and save it, or export CSV", row=cell.row,
                        column=get_column_letter(cell.column), value=cell.value[:80], severity="warning"))
                else:
                    with_result += 1
    if with_result:
        problems.append(Problem(f"{with_result} cell(s) hold formulas; their saved results were read",
                                severity="warning"))
    return problems
