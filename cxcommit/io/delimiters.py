"""The first lines of a text export: which delimiter splits them, where the header row starts, and
how many columns the header has (checked against the limits)."""
from __future__ import annotations

import csv
import io
from collections import Counter

from cxcommit.io.limits import ReadLimits, too_large


DELIMITERS = [",", ";", "\t", "|"]


DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def sniff_delimiter(text: str) -> str:
    """The delimiter among comma, semicolon, tab and pipe that splits the first lines most consistently.

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    best, best_key = ",", (False, 0.0, 0)
    for delim in DELIMITERS:
        counts = [len(r) for r in first_records(text, delim, 30)[0]]
        if not counts:
            continue
        modal, freq = Counter(counts).most_common(1)[0]
        key = (modal > 1, round(freq / len(counts), 1), modal)
        if key > best_key:
            best, best_key = delim, key
    return best


def first_records(text: str, delimiter: str, limit: int = 40) -> tuple[list[list[str]], list[int]]:
    """The first records and, for each, the number of lines read up to its end; up to the first
    record the csv module cannot read (a field over its limit of 131,072 characters)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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


def preamble(records: list[list[str]]) -> int:
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


_HEAD = 262_144


def head_text(data) -> str:
    """The first 256 KB of a text file, cut after its last whole line; longer if its first line is
    (lines are already known to be within the limit)."""
    end = len(data) if len(data) <= _HEAD else _HEAD
    head = bytes(data[:end])
    if end < len(data):
        cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
        if cut >= 0:
            head = head[:cut + 1]
        else:  # the first line is longer than the head: take it whole
            stops = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
            head = bytes(data[:min(stops) + 1 if stops else len(data)])
    return head.decode("utf-8", errors="ignore")


def check_head(name: str, data, delimiter: str, records: list[list[str]], limits: ReadLimits) -> int:
    """The number of columns, after checking it and the header's length against the limits."""
    stops = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    first_line = bytes(data[:min(stops) if stops else len(data)])
    fields = first_line.count(delimiter.encode()) + 1
    if fields > limits.max_columns:
        raise too_large(name, f"has {fields:,} columns ({DELIMITER_NAMES[delimiter]}-separated fields in its first "
                        "line)", "max_columns", limits, "Export only the columns the survey needs (questions, "
                        "division, unit, role, wave).", "columns")
    if not records:
        raise too_large(name, "has a column name longer than 131,072 characters in its first line", "max_name_chars",
                        limits, "Check that this is the survey's export and that its header row holds column "
                        "names; shorten them.", "characters")
    return len(records[0])
