"""Reading the kept columns of a large text export as a stream of blocks, each block's answers turned
into small codes as it arrives: the file's text is never held whole, and what stays in memory is one
byte (two, past 127 distinct answers) per answer plus the text of the columns kept as text (ids).

pyarrow parses the next blocks in its threads while this thread codes the last one. A large file read
without line breaks inside its answers is cut at line ends into a part per core (up to
:data:`MAX_PARTS`), each parsed and coded in a thread of its own and joined in order: the parser
works through one stream at a time, so this is what puts both cores of a laptop to work."""
from __future__ import annotations

import io
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from cxcommit.io.csv_parse import Counted, NotUtf8, collect_invalid, csv_options, parse_error
from cxcommit.io.limits import ReadLimits, too_large
from cxcommit.io.read_checks import SMALLER, Progress
from cxcommit.io.text_damage import InvalidRow
from cxcommit.stats.tallies import code_type

_POLL = 0.25  # seconds between progress reports, at least
BLOCKS_AT_A_TIME = 32  # blocks coded together
SPLIT_BYTES = 64 << 20  # a file at least this large is read in parts (each at least half of it)
MAX_PARTS = 4
CORES = os.cpu_count() or 1


@dataclass
class Coded:
    """One column's answers as it is read: its distinct values in order of first appearance and each
    row's index into them (-1 blank), in the smallest integer type that holds them."""

    values: list = field(default_factory=list)
    pieces: list = field(default_factory=list)
    _index: dict = field(default_factory=dict)

    def add(self, chunks: list[pa.DictionaryArray]) -> None:
        """Code some blocks' answers (each block has a dictionary of its own: unified first)."""
        unified = pa.chunked_array(chunks).unify_dictionaries()
        dictionary = unified.chunk(0).dictionary.to_pylist()
        indices = pa.concat_arrays([chunk.indices for chunk in unified.chunks]).fill_null(len(dictionary))
        self.pieces.append(self._recoded(dictionary)[indices.to_numpy()])

    def extend(self, later: "Coded") -> None:
        """Append the answers of the rows after these (coded apart: their codes renumbered into these)."""
        self.pieces.append(self._recoded(later.values)[later.codes()])

    def _recoded(self, values: list) -> np.ndarray:
        """Each of ``values``' code here (a value not seen yet gets the next), then -1: an index past
        them (or -1) is a blank."""
        lookup = []
        for value in values:
            code = self._index.get(value)
            if code is None:
                code = self._index[value] = len(self.values)
                self.values.append(value)
            lookup.append(code)
        return np.array([*lookup, -1], dtype=code_type(len(self.values)))

    def codes(self) -> np.ndarray:
        codes = np.concatenate(self.pieces) if self.pieces else np.zeros(0, dtype=np.int8)
        self.pieces = []
        return codes.astype(code_type(len(self.values)), copy=False)


def as_dictionary(values: list, codes: np.ndarray) -> pa.DictionaryArray:
    """``codes`` into ``values`` as an Arrow dictionary column, blanks null, sharing the codes' memory."""
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), pa.array(values, pa.string()))


@dataclass
class Streamed:
    """What a stream read: each kept column (by number) coded (:class:`Coded`) or as text, the rows
    read (header rows among them) and the malformed rows left out."""

    coded: dict[int, Coded]
    text: dict[int, list]
    rows: int
    invalid: list[InvalidRow]


def stream_csv(path: Path, delimiter: str, width: int, name: str, *, keep: list[int], categories: set[int],
               newlines: bool, use_threads: bool, block: int, limits: ReadLimits, header_rows: int,
               progress: Progress | None = None) -> Streamed:
    """The ``keep`` columns of a text file, block by block; those in ``categories`` coded as they come.
    Raises :class:`NotUtf8` if a block is not UTF-8, and the read limits' error as soon as the rows
    read pass ``max_rows``, or the kept cells ``max_cells``. Without ``newlines`` (every line a row), a
    large file is read in parts at once (see the module); malformed rows are then collected but not
    numbered (the caller reads the file again to number them)."""
    invalid: list[InvalidRow] = []
    options = csv_options(delimiter, width, keep=keep, categories=categories, newlines=newlines,
                          use_threads=use_threads, block=block, on_invalid=collect_invalid(invalid, delimiter, width))
    size = path.stat().st_size
    parts = [_Part(path, start, end, keep, categories)
             for start, end in (_ranges(path, size) if not newlines and use_threads else [(0, size)])]
    report = _Reports(progress, lambda: sum(part.done for part in parts), size, f"Reading {name}")

    def check() -> None:
        _check_rows(name, sum(part.columns.rows for part in parts) - header_rows, len(keep), limits)

    try:
        _read_parts(parts, options, check, report)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc):
            raise NotUtf8() from None
        raise parse_error(exc, name, delimiter, block) from None
    columns = parts[0].columns
    for part in parts[1:]:
        columns.extend(part.columns)
    return Streamed(columns.coded, columns.text, columns.rows, invalid)


def _read_parts(parts: list["_Part"], options: tuple, check, report) -> None:
    """Read the first part in this thread (it reports progress: a page can be updated from it only)
    and the others in threads of their own; what goes wrong in one stops them all and is raised here."""
    workers = [threading.Thread(target=part.run, args=(options, check), name="cxcommit-read", daemon=True)
               for part in parts[1:]]
    try:
        for worker in workers:
            worker.start()
        parts[0].run(options, check, report, raising=True)
        for worker in workers:
            while worker.is_alive():
                worker.join(_POLL)
                report()
        for part in parts[1:]:
            if part.error is not None:
                raise part.error
    except BaseException:
        for part in parts:
            part.cancel()
        for worker in workers:
            worker.join()
        raise
    finally:
        for part in parts:
            part.close()


def _ranges(path: Path, size: int) -> list[tuple[int, int]]:
    """The file cut at line ends into a part per core (up to :data:`MAX_PARTS`, each at least
    :data:`SPLIT_BYTES` / 2): (start, end) byte offsets; one part for a small file."""
    parts = min(CORES, MAX_PARTS, size // max(SPLIT_BYTES // 2, 1))
    cuts = [0]
    with path.open("rb") as handle:
        for i in range(1, max(parts, 1)):
            handle.seek(max(size * i // parts - 1, cuts[-1]))
            handle.readline()  # to the next line end (a cut never falls inside a line)
            if handle.tell() >= size or handle.tell() <= cuts[-1]:
                break
            cuts.append(handle.tell())
    return list(zip(cuts, [*cuts[1:], size]))


class _Range(io.RawIOBase):
    """The bytes ``start`` to ``end`` of a file, as a file."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        super().__init__()
        self.handle = open(path, "rb", buffering=0)  # noqa: SIM115 - closed with this range
        self.handle.seek(start)
        self.left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = min(len(buffer), self.left)
        if size <= 0:
            return 0
        got = self.handle.readinto(memoryview(buffer)[:size]) or 0
        self.left -= got
        return got

    def close(self) -> None:
        self.handle.close()
        super().close()


class _Part:
    """One part of a file (bytes ``start`` to ``end``) read and coded; a part run in another thread
    keeps what went wrong in ``error`` for the reading's own thread."""

    def __init__(self, path: Path, start: int, end: int, keep: list[int], categories: set[int]) -> None:
        self.file = Counted(_Range(path, start, end))
        self.columns = _Columns(keep, categories)
        self.error: BaseException | None = None

    @property
    def done(self) -> int:
        return self.file.done

    def run(self, options: tuple, check, report=None, raising: bool = False) -> None:
        read, parse, convert = options
        try:
            for batch in pacsv.open_csv(self.file, read_options=read, parse_options=parse, convert_options=convert):
                self.columns.add(batch)
                check()
                if report is not None:
                    report()
            self.columns.take_pending()
        except BaseException as error:  # noqa: BLE001 - raised by the reading's own thread (see stream_csv)
            if raising:
                raise
            self.error = error

    def cancel(self) -> None:
        self.file.cancelled = True

    def close(self) -> None:
        self.file.close()


class _Columns:
    """The kept columns as blocks come: coded (those in ``categories``) or text, some blocks at a time
    (one call per column, not per block); text is copied out of the parser's buffers, which are as
    large as a block."""

    def __init__(self, keep: list[int], categories: set[int]) -> None:
        self.coded = {i: Coded() for i in keep if i in categories}
        self.text: dict[int, list] = {i: [] for i in keep if i not in categories}
        self.pending: dict[int, list] = {i: [] for i in keep}
        self.rows = self.blocks = 0

    def add(self, batch: pa.RecordBatch) -> None:
        self.rows += batch.num_rows
        self.blocks += 1
        for column_name, column in zip(batch.schema.names, batch.columns):
            self.pending[int(column_name[1:])].append(column)
        if self.blocks % BLOCKS_AT_A_TIME == 0:
            self.take_pending()

    def extend(self, later: "_Columns") -> None:
        """Append the columns of the rows after these, read apart."""
        self.rows += later.rows
        for i, coded in later.coded.items():
            self.coded[i].extend(coded)
        for i, text in later.text.items():
            self.text[i].extend(text)

    def take_pending(self) -> None:
        for i, chunks in self.pending.items():
            if chunks:
                if i in self.coded:
                    self.coded[i].add(chunks)
                else:
                    self.text[i].append(pa.concat_arrays(chunks))
                chunks.clear()


class _Reports:
    """Calls ``progress`` with the share of the file read, at most every ``_POLL`` seconds."""

    def __init__(self, progress: Progress | None, done, total: int, text: str) -> None:
        self.progress, self.done, self.total, self.text = progress, done, total, text
        self.last = time.monotonic()

    def __call__(self) -> None:
        if self.progress is not None and time.monotonic() - self.last >= _POLL:
            self.last = time.monotonic()
            self.progress(min(self.done() / max(self.total, 1), 1.0), self.text)


def _check_rows(name: str, rows: int, width: int, limits: ReadLimits) -> None:
    """As the rows come: the read stops once they pass a limit (a file is never read whole to learn it
    is too large)."""
    if rows > limits.max_rows:
        raise too_large(name, f"has more than {limits.max_rows:,} rows", "max_rows", limits, SMALLER, "rows")
    if rows * width > limits.max_cells:
        raise too_large(name, f"has more than {rows:,} rows of {width:,} columns read: over {rows * width:,} cells",
                        "max_cells", limits, SMALLER, "cells")

