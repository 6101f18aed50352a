"""Reading a text export (CSV, TSV, semicolon or pipe): small files from memory after decoding,
large UTF-8 files by pyarrow straight from disk, leaving out free text and personal data."""
from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from cxcommit.errors import FileReadError, Problem
from cxcommit.io.columns import date_rank, is_respondent_id, is_wave_column
from cxcommit.io.csv_parse import NotUtf8, parse_block, parse_csv
from cxcommit.io.csv_stream import as_dictionary, stream_csv
from cxcommit.io.delimiters import check_head, first_records, head_text, preamble, sniff_delimiter
from cxcommit.io.formats import Layout, detect_format, read_layout
from cxcommit.io.limits import TextScan, scan_text
from cxcommit.io.personal import personal_reason
from cxcommit.io.raw_table import RawTable, finish
from cxcommit.io.read_checks import MAGIC, Job, check_names, check_rows, check_scan, check_table
from cxcommit.io.text_damage import InvalidRow, cells_hold, check_lost, note_malformed, remove_nuls, unclosed_quote, unclosed_quote_line


HEAD_BYTES = 4_000_000  # matches without copying a large file; stops at the first character
STREAM_BLOCK = 1 << 20  # bytes of text parsed at a time while streaming
STREAMED_COLUMNS = 1000  # wider files are read at once (see _read_kept)


def read_text(data: bytes, name: str, fmt: str, job: Job, scan: TextScan | None = None) -> RawTable:
    """A text export held in memory, decoded to UTF-8: title lines above the header skipped, its
    layout read, every row parsed, and what was lost named. ``scan``: its lines as counted before
    decoding, when decoding did not change them."""
    limits = job.limits
    if scan is None:
        scan = scan_text(data, limits.max_line_bytes)
        check_scan(name, scan, limits)
    head = head_text(data)
    delimiter = sniff_delimiter(head)
    records, ends = first_records(head, delimiter)
    width = check_head(name, data, delimiter, records, limits)
    records = [[c.replace("\x00", "") for c in r] for r in records] if scan.first_nul >= 0 else records
    detected = detect_format(records[:4]) if fmt == "auto" else fmt
    skip = preamble(records) if detected == "generic" and fmt == "auto" else 0
    notes = []
    if skip:
        notes.append(f"skipped {skip} title line(s) above the header row")
        offset = _line_offset(data, ends[skip - 1])
        data = data[offset:]
        records = records[skip:]
        width = len(records[0])
    layout = read_layout(records[:4], detected)
    check_names(name, layout, limits)
    if width < 2:
        raise FileReadError(
            f"{name} has only one column.",
            hint="A survey export is a table with a header row and one row per response, "
                 "separated by commas, semicolons, tabs or pipes.",
            problems=_first_line_problem(records),
        )
    check_rows(name, line_count(scan, data) - layout.header_rows, width, limits)
    table, invalid = parse_csv(data, delimiter, width, name, progress=job.progress, block=parse_block(limits, width))
    records_read = table.num_rows + len(invalid)
    table = table.slice(layout.header_rows)
    check_table(name, table.num_rows, width, limits)
    if table.num_rows == 0 and (line := unclosed_quote_line(data)):  # the responses ran into one cell
        raise unclosed_quote(name, skip + line)
    raw = finish(table, layout, name, detected, header_rows=skip + layout.header_rows, notes=notes)
    raw.delimiter = delimiter
    if scan.first_nul >= 0:
        remove_nuls(raw)
    note_malformed(raw, invalid, width, first_row=skip)
    check_lost(raw, invalid, line_count(scan, data) - skip - records_read, delimiter, width, first_row=skip)
    return raw


def line_count(scan: TextScan, data) -> int:
    """Lines of the file, the last one counted also without a line break after it."""
    return scan.lines + (0 if len(data) == 0 or bytes(data[-1:]) in (b"\n", b"\r") else 1)


def read_large_text(path: Path, name: str, fmt: str, job: Job) -> RawTable | None:
    """A large UTF-8 text export read by pyarrow from disk as a stream, its answers coded as they come
    (:mod:`cxcommit.io.csv_stream`); None when it needs the careful path (another encoding, a
    container format, title lines above the header)."""
    limits = job.limits
    plain = _plain_head(path)
    if plain is None:
        return None
    head_bytes, marked = plain
    head = _large_head(path, head_bytes, name, fmt, job)
    if head is None:
        return None
    layout, width = head.layout, head.width
    check_names(name, layout, limits)
    keep, categories, omitted = _lean_columns(head, name, job) if job.lean else (list(range(width)), set(), {})
    kept = _read_kept(path, head, name, job, keep, categories)
    if kept is None:
        return None
    kept_layout = Layout(layout.format, layout.header_rows, tuple(layout.keys[i] for i in keep),
                         tuple(layout.labels[i] for i in keep))
    raw = finish(pa.table(kept.columns, names=[f"f{i}" for i in keep]), kept_layout, name, head.format,
                 header_rows=layout.header_rows, notes=[], encoded=kept.encoded)
    raw.encoding, raw.delimiter, raw.omitted = "utf-8 with BOM" if marked else "utf-8", head.delimiter, omitted
    if omitted:
        raw.notes.append(f"large file: {len(omitted)} column(s) of free text or personal data were not loaded")
    if any(cells_hold(raw.table.column(key), "\x00") for key in raw.keys):  # the first lines had none
        remove_nuls(raw)
    note_malformed(raw, kept.invalid, width)
    unexplained = None if kept.lines is None else kept.lines - layout.header_rows - kept.rows - len(kept.invalid)
    check_lost(raw, kept.invalid, unexplained, head.delimiter, width)
    return raw


def _plain_head(path: Path) -> tuple[bytes, bool] | None:
    """The first ``HEAD_BYTES`` of a file without a UTF-8 byte-order mark, and whether it had one
    (the parser skips it); None if they show it is not plain UTF-8 text (a zip archive, UTF-16,
    NULs, a known binary format)."""
    with path.open("rb") as handle:
        head_bytes = handle.read(HEAD_BYTES)
    marked = head_bytes.startswith(codecs.BOM_UTF8)
    head_bytes = head_bytes[len(codecs.BOM_UTF8):] if marked else head_bytes
    if head_bytes.startswith((b"PK\x03\x04", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head_bytes:
        return None
    if any(head_bytes.startswith(magic) for magic, _, _ in MAGIC):
        return None
    return head_bytes, marked


@dataclass(frozen=True)
class _Head:
    """What the first lines of a large file say: those lines (whole lines only), the delimiter, the
    number of columns, the layout and its format."""

    data: bytes
    delimiter: str
    width: int
    layout: Layout
    format: str


def _large_head(path: Path, head_bytes: bytes, name: str, fmt: str, job: Job) -> _Head | None:
    """The layout of a large file from its first lines (which hold no NUL); None if they are not UTF-8,
    or if title lines stand above the header (the careful path skips them)."""
    if scan_text(head_bytes, job.limits.max_line_bytes).long_line is not None:
        with path.open("rb") as handle:  # the whole line, to say how long it is
            check_scan(name, scan_text(handle, job.limits.max_line_bytes), job.limits)
    head = head_text(head_bytes)
    delimiter = sniff_delimiter(head)
    records, _ = first_records(head, delimiter)
    width = check_head(name, head_bytes, delimiter, records, job.limits)
    head_bytes = head_bytes[: head_bytes.rindex(b"\n") + 1] if b"\n" in head_bytes else head_bytes
    try:
        head_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return None
    detected = detect_format(records[:4]) if fmt == "auto" else fmt
    if not records or (detected == "generic" and fmt == "auto" and preamble(records)):
        return None
    return _Head(head_bytes, delimiter, width, read_layout(records[:4], detected), detected)


def _lean_columns(head: _Head, name: str, job: Job) -> tuple[list[int], set[int], dict[str, str]]:
    """The columns to load (by number), those of them read as categories (their answers repeat),
    and the columns left out with why (free text, personal data, survey metadata), judged from
    the rows in the head."""
    sample, _ = parse_csv(head.data, head.delimiter, head.width, name, use_threads=False,
                          block=parse_block(job.limits, head.width))
    sample = sample.slice(head.layout.header_rows)
    no_wave_column = not any(is_wave_column(k) for k in head.layout.keys)
    keep, categories, omitted = [], set(), {}
    for i, (key, label) in enumerate(zip(head.layout.keys, head.layout.labels)):
        free_text, reason = _left_out(key, label, sample.column(i), sample.num_rows, no_wave_column)
        if reason:
            omitted[key or f"Column {i + 1}"] = reason
            continue
        keep.append(i)
        if not free_text:
            categories.add(i)
    return keep, categories, omitted


def _left_out(key: str, label: str, column: pa.ChunkedArray, rows: int, no_wave_column: bool) -> tuple[bool, str | None]:
    """Whether a sampled column looks like free text, and why it is not loaded (None: it is). A date
    column is loaded when no column names the wave (the waves may come from dates)."""
    distinct = pc.unique(column.drop_null()).to_pylist()
    mean_length = pc.mean(pc.utf8_length(column)).as_py() or 0.0
    free_text = len(distinct) > min(1000, max(20, 0.5 * rows)) or mean_length > 80
    answered = [v for v in distinct if v.strip()]
    answers = int(pc.sum(pc.not_equal(pc.utf8_trim_whitespace(column), "")).as_py() or 0)
    reason = personal_reason(key, label, answered[:200], answers, len(answered))
    date_needed = date_rank(key) is not None and no_wave_column
    if reason:
        return free_text, f"personal data ({reason})"
    if date_rank(key) is not None and not date_needed:
        return free_text, "survey metadata (not loaded from a large file)"
    if free_text and not (is_respondent_id(key) or date_needed or is_wave_column(key)):
        return free_text, "free text (not loaded from a large file)"
    return free_text, None


@dataclass
class _Kept:
    """The kept columns of a large file, without its header rows: each column, its encoding where it
    was made while reading (else None), the rows read and those left out as malformed, and the file's
    lines where they were counted."""

    columns: list
    encoded: list
    rows: int
    invalid: list[InvalidRow]
    lines: int | None = None


def _read_kept(path: Path, head: _Head, name: str, job: Job, keep: list[int], categories: set[int]) -> _Kept | None:
    """The kept columns of a large file; None if it is not UTF-8 after all.

    A file of up to ``STREAMED_COLUMNS`` columns is read as a stream, its answers coded as they come
    (:func:`~cxcommit.io.csv_stream.stream_csv`): the text is never held whole. A wider one (it has at
    most ``max_cells / width`` rows) is read at once and its columns coded when they are used: coding
    thousands of columns block by block costs more time and memory than it saves.

    Without line breaks inside quoted answers pyarrow parses in parallel; if a row comes out
    malformed there may be such breaks after all, and the file is read again allowing them, its
    lines counted (and its longest line checked) first. Malformed rows are numbered by a reading
    in one thread."""
    rows_above = head.layout.header_rows

    def read(newlines: bool, use_threads: bool, block: int) -> _Kept:
        if head.width > STREAMED_COLUMNS:
            table, invalid = parse_csv(path, head.delimiter, head.width, name, keep=keep, categories=categories,
                                       newlines=newlines, use_threads=use_threads, progress=job.progress, block=block)
            check_table(name, table.num_rows - rows_above, head.width, job.limits)
            return _Kept([column.slice(rows_above) for column in table.columns], [None] * len(keep),
                         table.num_rows - rows_above, invalid)
        streamed = stream_csv(path, head.delimiter, head.width, name, keep=keep, categories=categories,
                              newlines=newlines, use_threads=use_threads, block=block, limits=job.limits,
                              header_rows=rows_above, progress=job.progress)  # rows and kept cells checked as read
        columns, encoded = [], []
        for i in keep:
            if i in streamed.coded:
                coded = streamed.coded[i]
                codes = coded.codes()[rows_above:]
                columns.append(as_dictionary(coded.values, codes))
                encoded.append((coded.values, codes))
            else:
                columns.append(pa.chunked_array(streamed.text.pop(i), pa.string()).slice(rows_above))
                encoded.append(None)
        return _Kept(columns, encoded, streamed.rows - rows_above, streamed.invalid)

    block = parse_block(job.limits, head.width)
    try:
        try:
            # Streamed, blocks of 1 MB parse fastest here and hold the least; a row longer than that is
            # read with the blocks the limits allow.
            kept = read(False, True, block if head.width > STREAMED_COLUMNS else min(block, STREAM_BLOCK))
            if not kept.invalid:
                return kept
        except FileReadError:
            pass
        with path.open("rb") as handle:
            scan = scan_text(handle, job.limits.max_line_bytes)
        check_scan(name, scan, job.limits)
        kept = read(True, True, block)
        if any(bad.number is None for bad in kept.invalid):
            kept = read(True, False, block)
    except NotUtf8:
        return None
    finally:
        pa.default_memory_pool().release_unused()  # the parser's blocks back to the system
    kept.lines = scan.lines + _unended_last_line(path)
    return kept


def _unended_last_line(path: Path) -> int:
    """1 if the file's last line has no line break after it."""
    with path.open("rb") as handle:
        handle.seek(-1, io.SEEK_END)
        return 0 if handle.read(1) in (b"\n", b"\r") else 1


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
