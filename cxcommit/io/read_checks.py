"""How one file is read (:class:`Job`) and the checks every reader makes against the read limits
before the work they bound: the file's size, its column names, its lines, its rows and cells."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cxcommit.io.formats import Layout
from cxcommit.io.limits import ReadLimits, TextScan, size_text, too_large

# Files that are no export, known by their first bytes: what each is, and what to upload instead.
MAGIC = [
    (b"\xd0\xcf\x11\xe0", "an old Excel 97–2003 (.xls) or other Office file",
     "Open it in Excel and save it as .xlsx or CSV (UTF-8), then upload that."),
    (b"%PDF", "a PDF document", "Download the survey's data export (CSV or Excel), not a report."),
    (b"\x89PNG", "a PNG image", "Upload the survey's CSV or Excel export."),
    (b"\xff\xd8\xff", "a JPEG image", "Upload the survey's CSV or Excel export."),
    (b"GIF8", "a GIF image", "Upload the survey's CSV or Excel export."),
    (b"\x1f\x8b", "a gzip archive", "Unpack it first and upload the CSV inside."),
    (b"SQLite format", "an SQLite database", "Export the responses as CSV and upload that."),
]


Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Job:
    """How one file is read: its limits, the progress callback, lean or not, and how many archives
    it was found in (``depth``)."""

    limits: ReadLimits
    progress: Progress | None = None
    lean: bool = True
    depth: int = 0


SMALLER = "Export fewer responses or columns at a time (for example one wave per file) and read each file."


def check_size(name: str, size: int, limits: ReadLimits, what: str = "is", limit: str = "max_bytes") -> None:
    if size > getattr(limits, limit):
        raise too_large(name, f"{what} {size_text(size)}", limit, limits, SMALLER)


def check_in_memory(name: str, size: int, limits: ReadLimits, why: str) -> None:
    """Before a file is read whole into memory (``why``: what makes it so)."""
    if size > limits.max_memory_bytes:
        raise too_large(name, f"is {size_text(size)} and {why}, so it would be read whole into memory",
                        "max_memory_bytes", limits,
                        "Save it as CSV (UTF-8) in a spreadsheet program: such a file is read as a stream, "
                        "whatever its size. Or export fewer responses at a time.")


def check_names(name: str, layout: Layout, limits: ReadLimits) -> None:
    for number, (key, label) in enumerate(zip(layout.keys, layout.labels), start=1):
        longest = max(key, label, key=len)
        if len(longest) > limits.max_name_chars:
            raise too_large(name, f"has a column name of {len(longest):,} characters (column {number}, starting "
                            f"{longest[:40]!r})", "max_name_chars", limits, "Shorten the column names in the "
                            "header row, or export the survey again with short question names.", "characters")


def check_scan(name: str, scan: TextScan, limits: ReadLimits) -> None:
    if scan.long_line is not None:
        number, length = scan.long_line
        raise too_large(name, f"has a line of {size_text(length)} (line {number:,})", "max_line_bytes", limits,
                        "A line this long means the file is not a table of responses, or its line breaks were "
                        "lost: check that this is the survey's export, open it in a spreadsheet program and "
                        "save it again as CSV (UTF-8).")


def check_rows(name: str, lines: int, width: int, limits: ReadLimits) -> None:
    """Before parsing: every response needs a line, so the line count bounds rows and cells."""
    if lines > limits.max_rows:
        raise too_large(name, f"has {lines:,} lines below its header, each a response (or a line break inside "
                        "an answer)", "max_rows", limits, SMALLER, "rows")
    if lines * width > limits.max_cells:
        raise too_large(name, f"has {lines:,} lines of {width:,} columns: up to {lines * width:,} cells",
                        "max_cells", limits, SMALLER, "cells")


def check_table(name: str, rows: int, width: int, limits: ReadLimits) -> None:
    if rows > limits.max_rows:
        raise too_large(name, f"has {rows:,} rows", "max_rows", limits, SMALLER, "rows")
    if rows * width > limits.max_cells:
        raise too_large(name, f"has {rows:,} rows of {width:,} columns: {rows * width:,} cells", "max_cells",
                        limits, SMALLER, "cells")


SHOWN = 1000  # problems listed one by one; more are counted
