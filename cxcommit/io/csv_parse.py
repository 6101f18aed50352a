"""Parsing a delimited text file with pyarrow, in parallel where it can, reporting progress from
the calling thread and collecting the malformed rows it leaves out."""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from cxcommit.errors import FileReadError
from cxcommit.io.delimiters import DELIMITER_NAMES
from cxcommit.io.limits import ReadLimits, size_text
from cxcommit.io.read_checks import Progress
from cxcommit.io.text_damage import InvalidRow, rowlike_lines, unclosed_quote, unclosed_quote_line


class Counted(io.RawIOBase):
    """A file read by the parser, counting the bytes it has read; reading fails once ``cancelled``."""

    def __init__(self, raw):
        super().__init__()
        self.raw, self.done, self.cancelled = raw, 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.cancelled:
            raise Cancelled()
        n = self.raw.readinto(buffer)
        self.done += n or 0
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


_POLL = 0.25  # seconds between progress reports while a text file is parsed


class Cancelled(Exception):
    """The read was stopped by the progress callback."""


def _with_progress(work, counted: Counted, total: int, progress: Progress, text: str):
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


def parse_csv(data, delimiter: str, width: int, name: str, *, use_threads: bool = True,
              keep: list[int] | None = None, categories: set[int] = frozenset(), newlines: bool = True,
              progress: Progress | None = None, block: int = 1 << 21):
    """All rows as text columns f0..f{width-1} (or only those in ``keep``), and the malformed rows
    left out (:class:`InvalidRow`). ``data`` is bytes or a path; columns in ``categories`` are read
    as dictionaries (small integer codes), which saves memory where answers repeat. Parsed in
    parallel; where malformed rows turn up, again in one thread, the only way to learn their numbers."""
    invalid: list[InvalidRow] = []
    on_invalid = collect_invalid(invalid, delimiter, width)
    read, parse_options, convert = csv_options(delimiter, width, keep=keep, categories=categories,
                                               newlines=newlines, use_threads=use_threads, block=block,
                                               on_invalid=on_invalid)

    def parse(source):
        return pacsv.read_csv(source, read_options=read, parse_options=parse_options, convert_options=convert)

    try:
        if progress is None:
            table = parse(io.BytesIO(data) if isinstance(data, bytes) else str(data))
        else:
            counted = Counted(io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb"))
            total = len(data) if isinstance(data, bytes) else Path(data).stat().st_size
            try:
                table = _with_progress(lambda: parse(counted), counted, total, progress, f"Reading {name}")
            finally:
                counted.close()
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) and not isinstance(data, bytes):
            raise NotUtf8() from None
        raise parse_error(exc, name, delimiter, block, data if isinstance(data, bytes) else None) from None
    if use_threads and any(bad.number is None for bad in invalid):
        return parse_csv(data, delimiter, width, name, use_threads=False, keep=keep, categories=categories,
                         newlines=newlines, progress=progress, block=block)
    return table, invalid


def collect_invalid(invalid: list[InvalidRow], delimiter: str, width: int):
    """pyarrow's handler of malformed rows: each is added to ``invalid`` and left out."""
    def on_invalid(row) -> str:
        text = row.text
        breaks = text.count("\n") + (text.count("\r") if "\n" not in text else 0)
        invalid.append(InvalidRow(row.number, row.actual_columns, breaks,
                                  rowlike_lines(text, delimiter, width) if breaks else 0,
                                  text.splitlines()[0][:200] if text else ""))
        return "skip"
    return on_invalid


def csv_options(delimiter: str, width: int, *, keep: list[int] | None, categories: set[int], newlines: bool,
                use_threads: bool, block: int, on_invalid) -> tuple:
    """pyarrow's read, parse and convert options for a file of ``width`` columns named f0, f1…: only
    ``keep`` (all if None), those in ``categories`` as dictionaries, the others as text, blanks null."""
    return (pacsv.ReadOptions(autogenerate_column_names=True, use_threads=use_threads, block_size=block),
            pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines, invalid_row_handler=on_invalid),
            pacsv.ConvertOptions(
                column_types={f"f{i}": pa.dictionary(pa.int32(), pa.string()) if i in categories else pa.string()
                              for i in range(width)},
                strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=True,
                include_columns=None if keep is None else [f"f{i}" for i in keep]))


def parse_error(exc: pa.ArrowInvalid, name: str, delimiter: str, block: int, data: bytes | None = None) -> FileReadError:
    """What pyarrow's failure to parse a text file means to its user (``data``: the file, if in memory)."""
    if "straddl" in str(exc):
        return FileReadError(
            f"{name} has a row longer than {size_text(block)}, counting the line breaks inside its quoted cells: "
            "a quote (\") probably opens a cell that is never closed.",
            hint="Open the file in a text editor, find the quote that opens a cell without closing it, and remove "
                 "it or double it (\"\"); or export the survey again.")
    if data is not None and (line := unclosed_quote_line(data)):
        return unclosed_quote(name, line)
    return FileReadError(f"{name} could not be read as a {DELIMITER_NAMES[delimiter]}-separated table: {exc}.",
                         hint="Open it in a spreadsheet program and save it again as CSV (UTF-8).")


def parse_block(limits: ReadLimits, width: int = 0) -> int:
    """The parser's block: no row (with its quoted line breaks) may be longer, so it holds two lines
    of the longest allowed (2 MB by default, where parsing in parallel works best). A wide file gets
    2,048 bytes of block per column: pyarrow spends about 2 KB per column on each block while
    parsing, so with blocks of fewer rows a file of 16,000 empty columns took 20 bytes per cell,
    and with this at most 1 more (a row is at least one byte per column)."""
    return max(1 << 21, 2 * limits.max_line_bytes, 8192 * width)


class NotUtf8(Exception):
    """A large file turned out not to be UTF-8: read it the careful way instead."""
