"""Reading the kept columns of a large text export as a stream of blocks, each block's answers turned
into small codes as it arrives: the file's text is never held whole, and what stays in memory is one
byte (two, past 127 distinct answers) per answer plus the text of the columns kept as text (ids).

pyarrow parses the next blocks in its threads while this thread codes the last one."""
from __future__ import annotations

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
        lookup = []
        for value in dictionary:
            code = self._index.get(value)
            if code is None:
                code = self._index[value] = len(self.values)
                self.values.append(value)
            lookup.append(code)
        lookup.append(-1)  # blank
        indices = pa.concat_arrays([chunk.indices for chunk in unified.chunks]).fill_null(len(dictionary))
        self.pieces.append(np.array(lookup, dtype=code_type(len(self.values)))[indices.to_numpy()])

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
    read pass ``max_rows``, or the kept cells ``max_cells``."""
    invalid: list[InvalidRow] = []
    read, parse, convert = csv_options(delimiter, width, keep=keep, categories=categories, newlines=newlines,
                                       use_threads=use_threads, block=block,
                                       on_invalid=collect_invalid(invalid, delimiter, width))
    columns = _Columns(keep, categories)
    counted = Counted(open(path, "rb")) if progress is not None else None
    report = _Reports(progress, counted, path.stat().st_size, f"Reading {name}")
    try:
        reader = pacsv.open_csv(counted if counted is not None else str(path), read_options=read,
                                parse_options=parse, convert_options=convert)
        for batch in reader:
            columns.add(batch)
            _check_rows(name, columns.rows - header_rows, len(keep), limits)
            report()
        columns.take_pending()
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc):
            raise NotUtf8() from None
        raise parse_error(exc, name, delimiter, block) from None
    except BaseException:
        if counted is not None:
            counted.cancelled = True
        raise
    finally:
        if counted is not None:
            counted.close()
    return Streamed(columns.coded, columns.text, columns.rows, invalid)


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

    def __init__(self, progress: Progress | None, counted: Counted | None, total: int, text: str) -> None:
        self.progress, self.counted, self.total, self.text = progress, counted, total, text
        self.last = time.monotonic()

    def __call__(self) -> None:
        if self.progress is not None and time.monotonic() - self.last >= _POLL:
            self.last = time.monotonic()
            self.progress(min(self.counted.done / max(self.total, 1), 1.0), self.text)


def _check_rows(name: str, rows: int, width: int, limits: ReadLimits) -> None:
    """As the rows come: the read stops once they pass a limit (a file is never read whole to learn it
    is too large)."""
    if rows > limits.max_rows:
        raise too_large(name, f"has more than {limits.max_rows:,} rows", "max_rows", limits, SMALLER, "rows")
    if rows * width > limits.max_cells:
        raise too_large(name, f"has more than {rows:,} rows of {width:,} columns read: over {rows * width:,} cells",
                        "max_cells", limits, SMALLER, "cells")

