"""Reading a text export (CSV, TSV, semicolon or pipe): small files from memory after decoding,
large UTF-8 files by pyarrow straight from disk, leaving out free text and personal data."""
from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from cxcommit.errors import FileReadError, Problem
from cxcommit.io.columns import date_rank, is_respondent_id, is_wave_column, personal_reason
from cxcommit.io.csv_parse import NotUtf8, parse_block, parse_csv
from cxcommit.io.delimiters import check_head, first_records, head_text, preamble, sniff_delimiter
from cxcommit.io.formats import Layout, detect_format, read_layout
from cxcommit.io.limits import TextScan, scan_text
from cxcommit.io.raw_table import RawTable, finish
from cxcommit.io.read_checks import MAGIC, Job, check_names, check_rows, check_scan, check_table
from cxcommit.io.text_damage import InvalidRow, check_lost, note_malformed, remove_nuls, unclosed_quote, unclosed_quote_line


HEAD_BYTES = 4_000_000  # matches without copying a large file; stops at the first character


def read_text(data: bytes, name: str, fmt: str, job: Job, scan: TextScan | None = None) -> RawTable:
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
    limits, lean = job.limits, job.lean
    with path.open("rb") as handle:
        head_bytes = handle.read(HEAD_BYTES)
    if head_bytes.startswith((b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head_bytes:
        return None
    if any(head_bytes.startswith(magic) for magic, _, _ in MAGIC):
        return None
    with path.open("rb") as handle:
        scan = scan_text(handle, limits.max_line_bytes)
        handle.seek(-1, io.SEEK_END)
        last_byte = handle.read(1)
    check_scan(name, scan, limits)
    head = head_text(head_bytes)
    delimiter = sniff_delimiter(head)
    records, _ = first_records(head, delimiter)
    width = check_head(name, head_bytes, delimiter, records, limits)
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
    layout = read_layout(records[:4], detected)
    check_names(name, layout, limits)
    lines = scan.lines + (0 if last_byte in (b"\n", b"\r") else 1)
    check_rows(name, lines - layout.header_rows, width, limits)
    keep, omitted, categories = list(range(width)), {}, set()
    if lean:
        sample, _ = parse_csv(head_bytes, delimiter, width, name, use_threads=False, block=parse_block(limits, width))
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
            table, invalid = parse_csv(path, delimiter, width, name, keep=keep, categories=categories,
                                        newlines=False, progress=job.progress, block=parse_block(limits, width))
        except FileReadError:
            invalid = [InvalidRow(None, 0)]
        if invalid:
            table, invalid = parse_csv(path, delimiter, width, name, keep=keep, categories=categories,
                                        progress=job.progress, block=parse_block(limits, width))
    except NotUtf8:
        return None
    pa.default_memory_pool().release_unused()  # parse buffers back to the system before numpy allocates
    records_read = table.num_rows + len(invalid)
    check_table(name, table.num_rows - layout.header_rows, width, limits)
    kept_layout = Layout(layout.format, layout.header_rows, tuple(layout.keys[i] for i in keep),
                         tuple(layout.labels[i] for i in keep))
    raw = finish(table.slice(layout.header_rows), kept_layout, name, detected,
                  header_rows=layout.header_rows, notes=[])
    raw.encoding, raw.delimiter, raw.omitted = "utf-8", delimiter, omitted
    if omitted:
        raw.notes.append(f"large file: {len(omitted)} column(s) of free text or personal data were not loaded")
    if scan.first_nul >= 0:
        remove_nuls(raw)
    note_malformed(raw, invalid, width)
    check_lost(raw, invalid, lines - records_read, delimiter, width)
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
