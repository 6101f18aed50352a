"""Reading a text export (CSV, TSV, semicolon or pipe): small files from memory after decoding,
large UTF-8 files by pyarrow straight from disk, leaving out free text and personal data."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from cxcommit.errors import FileReadError, Problem
from cxcommit.io.columns import date_rank, is_respondent_id, is_wave_column
from cxcommit.io.csv_parse import NotUtf8, parse_block, parse_csv
from cxcommit.io.delimiters import check_head, first_records, head_text, preamble, sniff_delimiter
from cxcommit.io.formats import Layout, detect_format, read_layout
from cxcommit.io.limits import TextScan, scan_text
from cxcommit.io.personal import personal_reason
from cxcommit.io.raw_table import RawTable, finish
from cxcommit.io.read_checks import MAGIC, Job, check_names, check_rows, check_scan, check_table
from cxcommit.io.text_damage import InvalidRow, check_lost, note_malformed, remove_nuls, unclosed_quote, unclosed_quote_line


HEAD_BYTES = 4_000_000  # matches without copying a large file; stops at the first character


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
    """A large plain UTF-8 text export read by pyarrow from disk; None when it needs the careful path
    (byte-order mark, another encoding, a container format, title lines above the header)."""
    limits = job.limits
    head_bytes = _plain_head(path)
    if head_bytes is None:
        return None
    with path.open("rb") as handle:
        scan = scan_text(handle, limits.max_line_bytes)
        handle.seek(-1, io.SEEK_END)
        last_byte = handle.read(1)
    check_scan(name, scan, limits)
    head = _large_head(head_bytes, name, fmt, scan, job)
    if head is None:
        return None
    layout, width = head.layout, head.width
    check_names(name, layout, limits)
    lines = scan.lines + (0 if last_byte in (b"\n", b"\r") else 1)
    check_rows(name, lines - layout.header_rows, width, limits)
    keep, categories, omitted = _lean_columns(head, name, job) if job.lean else (list(range(width)), set(), {})
    parsed = _parse_large(path, head, name, job, keep, categories)
    if parsed is None:
        return None
    table, invalid = parsed
    pa.default_memory_pool().release_unused()  # parse buffers back to the system before numpy allocates
    records_read = table.num_rows + len(invalid)
    check_table(name, table.num_rows - layout.header_rows, width, limits)
    kept_layout = Layout(layout.format, layout.header_rows, tuple(layout.keys[i] for i in keep),
                         tuple(layout.labels[i] for i in keep))
    raw = finish(table.slice(layout.header_rows), kept_layout, name, head.format,
                 header_rows=layout.header_rows, notes=[])
    raw.encoding, raw.delimiter, raw.omitted = "utf-8", head.delimiter, omitted
    if omitted:
        raw.notes.append(f"large file: {len(omitted)} column(s) of free text or personal data were not loaded")
    if scan.first_nul >= 0:
        remove_nuls(raw)
    note_malformed(raw, invalid, width)
    check_lost(raw, invalid, lines - records_read, head.delimiter, width)
    return raw


def _plain_head(path: Path) -> bytes | None:
    """The first ``HEAD_BYTES`` of a file, or None if they show it is not plain text without a
    byte-order mark (a zip archive, UTF-16, NULs, a known binary format)."""
    with path.open("rb") as handle:
        head_bytes = handle.read(HEAD_BYTES)
    if head_bytes.startswith((b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head_bytes:
        return None
    if any(head_bytes.startswith(magic) for magic, _, _ in MAGIC):
        return None
    return head_bytes


@dataclass(frozen=True)
class _Head:
    """What the first lines of a large file say: those lines (whole lines only), the delimiter, the
    number of columns, the layout and its format."""

    data: bytes
    delimiter: str
    width: int
    layout: Layout
    format: str


def _large_head(head_bytes: bytes, name: str, fmt: str, scan: TextScan, job: Job) -> _Head | None:
    """The layout of a large file from its first lines; None if they are not UTF-8, or if title
    lines stand above the header (the careful path skips them)."""
    head = head_text(head_bytes)
    delimiter = sniff_delimiter(head)
    records, _ = first_records(head, delimiter)
    width = check_head(name, head_bytes, delimiter, records, job.limits)
    head_bytes = head_bytes[: head_bytes.rindex(b"\n") + 1] if b"\n" in head_bytes else head_bytes
    try:
        head_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if scan.first_nul >= 0:
        records = [[c.replace("\x00", "") for c in r] for r in records]
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


def _parse_large(path: Path, head: _Head, name: str, job: Job, keep: list[int],
                 categories: set[int]) -> tuple[pa.Table, list[InvalidRow]] | None:
    """The kept columns of a large file and its malformed rows; None if it is not UTF-8 after all.

    Without line breaks inside quoted answers pyarrow parses in parallel; if a row comes out
    malformed there may be such breaks after all, and the file is parsed again allowing them."""
    def parse(newlines: bool):
        return parse_csv(path, head.delimiter, head.width, name, keep=keep, categories=categories,
                         newlines=newlines, progress=job.progress, block=parse_block(job.limits, head.width))

    try:
        try:
            table, invalid = parse(False)
        except FileReadError:
            invalid = [InvalidRow(None, 0)]
        if invalid:
            table, invalid = parse(True)
    except NotUtf8:
        return None
    return table, invalid


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
