"""Reading an export file into a raw table of text cells, whatever its container and layout.

Reads CSV/TSV/semicolon/pipe text in any usual encoding (see :mod:`cxcommit.io.decoding`), Excel
.xlsx workbooks, and a .zip holding one export (as Qualtrics and SurveyMonkey deliver them).
Every cell stays text here; meaning is given later by the mapping.

This module tells containers apart (a path or bytes, a zip archive, a workbook, text, a file that is
none of these) and hands each to its reader: :mod:`~cxcommit.io.text_export` for text,
:mod:`~cxcommit.io.workbooks` for .xlsx. What they return is a :class:`~cxcommit.io.raw_table.RawTable`.
"""
from __future__ import annotations

import io
import re
import tempfile
import zipfile
import zlib
from pathlib import Path

import pyarrow as pa

from cxcommit.errors import FileReadError, FileTooLargeError, SettingsError
from cxcommit.io.decoding import to_utf8
from cxcommit.io.delimiters import DELIMITER_NAMES, DELIMITERS, sniff_delimiter
from cxcommit.io.formats import FORMATS
from cxcommit.io.limits import ReadLimits, count_line_ends, scan_text, size_text, too_large
from cxcommit.io.raw_table import RawTable, encode
from cxcommit.io.read_checks import MAGIC, SMALLER, Job, Progress, check_in_memory, check_scan, check_size
from cxcommit.io.text_damage import unclosed_quote_line
from cxcommit.io.text_export import line_count, read_large_text, read_text
from cxcommit.io.workbooks import read_xlsx
from cxcommit.io.worksheets import EXCEL_CELL_CHARS

__all__ = ["DELIMITERS", "DELIMITER_NAMES", "EXCEL_CELL_CHARS", "LEAN_BYTES", "Progress", "RawTable", "encode",
           "read_raw", "sniff_delimiter", "unclosed_quote_line"]

_BLANK = re.compile(rb"\s*\Z")
LEAN_BYTES = 20_000_000  # files larger than this are read lean (see read_raw)


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
    job = Job(ReadLimits.from_env() if limits is None else limits, progress, lean)
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            return _read_path(path, name, fmt, sheet, job)
        except (MemoryError, pa.ArrowMemoryError):
            raise _out_of_memory(name, path.stat().st_size, job.limits) from None
    raw, name = bytes(source), name or "upload"
    check_size(name, len(raw), job.limits)
    check_in_memory(name, len(raw), job.limits, "is given as bytes")
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
        hint=f"{SMALLER} Or lower the limits so that such files are refused before reading (for example "
             "CXCOMMIT_MAX_CELLS), or read it on a machine with more free memory.")


def _read_path(path: Path, name: str, fmt: str, sheet: str | None, job: Job) -> RawTable:
    try:
        if path.is_dir():
            raise IsADirectoryError(path)
        size = path.stat().st_size
        check_size(name, size, job.limits)
        if size > LEAN_BYTES:
            table = read_large_text(path, name, fmt, job)
            if table is not None:
                return table
        check_in_memory(name, size, job.limits, _why_in_memory(path))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileReadError(f"There is no file {str(path)!r}.", hint="Check the path and the file name.") from None
    except IsADirectoryError:
        raise FileReadError(f"{str(path)!r} is a folder, not a file.", hint="Name one export file.") from None
    return _read_bytes(raw, name, fmt, sheet, job)


def _why_in_memory(path: Path) -> str:
    """Why a file is not read as a stream, in words for :func:`check_in_memory`."""
    with path.open("rb") as handle:
        start = handle.read(4)
    if start.startswith(b"PK\x03\x04"):
        return "is an Excel workbook or a zip archive"
    return "is not plain UTF-8 text with its header on the first line"


def _read_bytes(raw: bytes, name: str, fmt: str, sheet: str | None, job: Job) -> RawTable:
    if _BLANK.match(raw):
        raise FileReadError(f"{name} is empty ({len(raw)} bytes).",
                            hint="Export the survey again; the download may have failed.")
    if raw.startswith(b"PK\x03\x04"):
        return _read_zip(raw, name, fmt, sheet, job)
    for magic, what, hint in MAGIC:
        if raw.startswith(magic):
            raise FileReadError(f"{name} is {what}, not a survey export.", hint=hint)
    # Before decoding (which may take a few times the file's size), the lines: too many or too long
    # and the file is refused. Counted in bytes, so UTF-16 lines count twice their characters.
    scan = scan_text(raw, job.limits.max_line_bytes)
    check_scan(name, scan, job.limits)
    if line_count(scan, raw) > job.limits.max_rows + 10:  # a few header rows above the responses
        raise too_large(name, f"has {line_count(scan, raw):,} lines, each a response (or a line break inside an "
                        "answer)", "max_rows", job.limits, SMALLER, "rows")
    decoded = to_utf8(raw)
    same, start = decoded.data is raw, raw[:8]  # UTF-8 is not copied: what was found still holds
    del raw  # a decoded copy is all that is needed from here on
    if _looks_binary(decoded.data[:4096]) or _looks_binary(decoded.data[:65536]):
        raise FileReadError(
            f"{name} does not look like a text table or an Excel workbook (it holds binary data; "
            f"it starts with bytes {start.hex(' ')}).",
            hint="Upload the survey's CSV, TSV or .xlsx export.",
        )
    table = read_text(decoded.data, name, fmt, job, scan if same else None)
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


def _read_zip(raw: bytes, name: str, fmt: str, sheet: str | None, job: Job) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise FileReadError(f"{name} looks like a zip file or workbook but is damaged.",
                            hint="Download the export again.") from None
    names = archive.namelist()
    if "xl/workbook.xml" in names:
        return read_xlsx(archive, name, fmt, sheet, job)
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
    check_size(f"{inner[0]} in the zip archive {name}", info.file_size, job.limits, "unpacks to")
    inner_job = Job(job.limits, job.progress, job.lean, job.depth + 1)
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
                                "inside an answer)", "max_rows", limits, SMALLER, "rows")
            out.write(chunk)


# --- text --------------------------------------------------------------------------------------
