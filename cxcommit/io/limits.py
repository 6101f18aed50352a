"""Read limits: how much of a file cxcommit agrees to read, checked before the work is done.

``READ_LIMITS`` is the single source of truth for every limit's name, default and help text; the
README documents each of them (a test checks that). The defaults fit a 24 GB machine serving several
people; each can be changed for the dashboard's server or the CLI with an environment variable named
``CXCOMMIT_`` and the limit's name in capitals (``CXCOMMIT_MAX_ROWS=20000000``); sizes in bytes also
accept a K, M or G suffix (``CXCOMMIT_MAX_BYTES=4G``).

What the defaults are based on (measured on the 2-core, 24 GB machine, Python and the libraries
taking 165 MB): reading takes up to three times the text and 8 bytes per cell (20 MB of empty cells,
20,000,000 of them: 155 MB) plus about 10 KB per column (16,000 empty columns of 3,000 rows: 630 MB), importing about 200 bytes more per row (5,000,000 rows of 10 short
columns peaked at 1.1 GB in all). So the largest export the defaults allow takes at most about
3.2 GB + 1.6 GB to read and 2 GB more to import; the tests check the bound at a small scale.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields

from cxcommit.errors import FileTooLargeError, SettingsError

# (name, default, help) — the README's read-limits table is checked against this list.
READ_LIMITS: tuple[tuple[str, int, str], ...] = (
    ("max_bytes", 4 * 1024 ** 3,
     "Largest file read (4 GiB, as the dashboard's upload limit), and the most text one file of a .zip may unpack "
     "to: checked before unpacking, so a small archive cannot unpack to more. A UTF-8 text export is read as a "
     "stream, its answers coded as they come: its size costs disk, not memory."),
    ("max_memory_bytes", 1024 ** 3,
     "Largest file read whole into memory (1 GiB): a text export in another encoding than UTF-8 or with title "
     "lines above its header, a .zip archive, the worksheets of an .xlsx together (their text, as it unpacks). "
     "Save a larger export as CSV (UTF-8) to have it read as a stream."),
    ("max_rows", 10_000_000,
     "Most response rows in one export (importing takes about 200 bytes per row)."),
    ("max_columns", 16_384, "Most columns in one export (Excel's own maximum)."),
    ("max_cells", 200_000_000,
     "Most cells (rows × columns) in one export: parsing in memory takes up to 8 bytes per cell beyond the text; "
     "a stream counts the cells of the columns it keeps (one or two bytes each)."),
    ("max_line_bytes", 1024 ** 2,
     "Longest line of a text export (1 MiB), the header line included."),
    ("max_name_chars", 10_000, "Longest column name in the header row."),
)


@dataclass(frozen=True)
class ReadLimits:
    """How much of a file is read; see ``READ_LIMITS`` for what each limit means.

    >>> ReadLimits().max_rows
    10000000
    >>> ReadLimits.from_env({"CXCOMMIT_MAX_BYTES": "8G"}).max_bytes
    8589934592
    """

    max_bytes: int = 4 * 1024 ** 3
    max_memory_bytes: int = 1024 ** 3
    max_rows: int = 10_000_000
    max_columns: int = 16_384
    max_cells: int = 200_000_000
    max_line_bytes: int = 1024 ** 2
    max_name_chars: int = 10_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SettingsError(f"The read limit {f.name} must be a whole number of at least 1; got {value!r}.",
                                    hint=f"Set {env_name(f.name)} to a positive whole number, or unset it.")

    @classmethod
    def from_env(cls, environ=None) -> "ReadLimits":
        """The limits with each default replaced by its environment variable, where set."""
        environ = os.environ if environ is None else environ
        values = {}
        for name, _, _ in READ_LIMITS:
            text = environ.get(env_name(name))
            if text is not None and text.strip():
                values[name] = _parse_size(name, text)
        return cls(**values)


def env_name(name: str) -> str:
    """The environment variable that sets the read limit ``name``."""
    return f"CXCOMMIT_{name.upper()}"


_SIZE = re.compile(r"\s*(\d[\d_]*)\s*([KMG]?)I?B?\s*\Z", re.I)


def _parse_size(name: str, text: str) -> int:
    match = _SIZE.match(text)
    if not match:
        raise SettingsError(f"{env_name(name)} must be a whole number (sizes may end in K, M or G); got {text!r}.",
                            hint=f"For example {env_name(name)}={READ_LIMITS_BY_NAME[name]}.")
    number, unit = match.groups()
    return int(number.replace("_", "")) * 1024 ** " KMG".index(unit.upper() or " ")


READ_LIMITS_BY_NAME = {name: default for name, default, _ in READ_LIMITS}


def size_text(n: int) -> str:
    """A number of bytes for a message: ``1.5 GB``, ``200 MB``, ``12 KB`` or ``900 bytes``.

    >>> size_text(1024 ** 3)
    '1.1 GB'
    """
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,} bytes"


def too_large(file: str, what: str, limit: str, limits: ReadLimits, todo: str, noun: str = "") -> FileTooLargeError:
    """The error for ``file`` going over the read limit ``limit``: what the file has (``what``, with
    its figure), the limit (a size, or a count of ``noun``), and what to do (``todo``, then how to
    raise the limit)."""
    allowed = getattr(limits, limit)
    return FileTooLargeError(
        f"{file} {what}; cxcommit reads at most {f'{allowed:,} {noun}' if noun else size_text(allowed)} ({limit}).",
        hint=f"{todo} If this machine has the memory for it, raise the limit: set the environment variable "
             f"{env_name(limit)} (now {allowed}) before starting the dashboard or the command line.")


@dataclass(frozen=True)
class TextScan:
    """What one cheap pass over a text file found: its size, its line breaks (``\\r\\n``, ``\\n`` or a lone
    ``\\r``: each ends a row for the parser), the offset of its first NUL byte (-1: none) and its longest line where that is
    over the limit (``(line number, bytes)``, else None)."""

    size: int
    lines: int
    first_nul: int
    long_line: tuple[int, int] | None


_CHUNK = 1 << 22


def count_line_ends(chunk, begin: int = 0, end: int | None = None, after_cr: bool = False) -> int:
    """Line ends in ``chunk[begin:end]`` as the CSV parser counts them: ``\\r\\n``, ``\\n`` and a lone ``\\r``
    (pyarrow ends a row at each). ``after_cr``: the previous chunk ended in ``\\r`` (then a ``\\n`` first
    here belongs to it).

    >>> count_line_ends(b"a\\rb\\r\\nc\\n")
    3
    """
    end = len(chunk) if end is None else end
    returns = chunk.count(b"\r", begin, end)  # none in most files: then no pair to look for
    ends = chunk.count(b"\n", begin, end) + returns - (chunk.count(b"\r\n", begin, end) if returns else 0)
    return ends - (1 if after_cr and end > begin and chunk[begin] == 10 else 0)


def scan_text(source, max_line_bytes: int) -> TextScan:
    """Count the line breaks of ``source`` (bytes, or a binary file read from its start), find its
    first NUL byte and its first line longer than ``max_line_bytes``, 4 MB at a time (a file is
    never held whole). About 0.2 s per 400 MB in memory: line ends are counted as the parser ends
    rows (``\\r\\n``, ``\\n`` and a lone ``\\r``, so that ``\\r`` cannot hide rows from the limits), and a
    long line is looked for in windows of half the limit, each searched from its ends for a line
    break (a line longer than the limit fills at least one window). For the long line, lines end in
    ``\\n``; in a file without any, in ``\\r`` (old Mac files)."""
    scan = _scan(source, max_line_bytes, 10)
    if scan.size and not scan.has_mark:
        if not isinstance(source, (bytes, bytearray, memoryview)):
            source.seek(0)
        scan = _scan(source, max_line_bytes, 13)
    return TextScan(scan.size, scan.lines, scan.first_nul, scan.long_line)


@dataclass(frozen=True)
class _Scan(TextScan):
    has_mark: bool = False  # the file holds the byte lines were cut at for the long line


def _scan(source, max_line_bytes: int, byte: int) -> _Scan:
    step = max(1, min(max_line_bytes // 2, _CHUNK))
    chunk_size = step * max(1, _CHUNK // step)
    whole = bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else None
    mark = bytes([byte])
    lines, last, long_line, first_nul, offset, buffer, after_cr, marks = 0, -1, None, -1, 0, None, False, 0
    while True:
        if whole is not None:  # positions in ``text`` are offsets in the file
            text, base, size = whole, 0, min(chunk_size, len(whole) - offset)
        else:  # one buffer, filled again and again: no new memory per chunk
            buffer = buffer if buffer is not None else bytearray(chunk_size)
            text, base, size = buffer, offset, source.readinto(buffer) or 0
        if size <= 0:
            break
        begin, end = offset - base, offset - base + size
        lines += count_line_ends(text, begin, end, after_cr)
        after_cr = text[end - 1] == 13
        marks = marks or text.find(mark, begin, end) >= 0
        if first_nul < 0:
            found = text.find(b"\x00", begin, end)
            first_nul = -1 if found < 0 else base + found
        if long_line is None:
            long_line, last = _long_line(text, begin, end, base, last, mark, step, max_line_bytes)
        offset += size
    if long_line is None and offset - last - 1 > max_line_bytes:
        long_line = (last + 1, offset - last - 1)
    if long_line is not None:
        long_line = (_line_number(source, whole, long_line[0], byte), long_line[1])
    return _Scan(offset, lines, first_nul, long_line, bool(marks))


def _long_line(text, begin: int, end: int, base: int, last: int, mark: bytes, step: int,
               max_line_bytes: int) -> tuple[tuple[int, int] | None, int]:
    """The first line longer than ``max_line_bytes`` that ends in ``text[begin:end]`` (its start and
    length, or None), searched in windows of ``step`` bytes from their ends; and the offset of the last
    line break before it (``last``: the one before this chunk)."""
    for start in range(begin, end, step):
        stop = min(start + step, end)
        first = text.find(mark, start, stop)
        if first < 0:
            continue
        if base + first - last - 1 > max_line_bytes:
            return (last + 1, base + first - last - 1), last
        last = base + text.rfind(mark, start, stop)
    return None, last


def _line_number(source, whole, offset: int, byte: int) -> int:
    """The number of the line that starts at ``offset``."""
    if whole is not None:
        return whole.count(bytes([byte]), 0, offset) + 1
    source.seek(0)
    count, done = 0, 0
    while done < offset:
        chunk = source.read(min(_CHUNK, offset - done))
        if not chunk:
            break
        count += chunk.count(bytes([byte]))
        done += len(chunk)
    return count + 1
