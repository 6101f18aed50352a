"""What is computed from a survey's data, kept so that it is computed once: codes of a filtered
view, counts per group, tables. Not data: a survey is the same survey whatever it has computed.

One cache per survey (:attr:`cxcommit.model.survey.Survey.derived`), bounded (the least recently
used entries go first), safe to share between the dashboard's sessions (a lock around every change),
and read-only: arrays are handed out unwritable, tables as copies that share the cached columns
until written (pandas' copy-on-write), so no caller can change what another one reads.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, NamedTuple, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")
_ABSENT = object()  # no value kept (None can be one)
ENTRIES = 512  # per survey: every count of 20 items by 10 groupings twice over, and their tables


class Key(NamedTuple):
    """What was computed (``kind``, e.g. "counts") and from what (``parts``: names and settings)."""

    kind: str
    parts: tuple


def key(kind: str, *parts: object) -> Key:
    """The one way to name a cached value; ``parts`` must be hashable (names, settings, tuples)."""
    return Key(kind, parts)


class Derived:
    """A bounded, thread-safe cache of values computed from one survey, handed out read-only."""

    def __init__(self, entries: int = ENTRIES) -> None:
        self.entries = entries
        self._values: OrderedDict[Key, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: Key, compute: Callable[[], T]) -> T:
        """The value kept under ``name``, computed by ``compute()`` the first time (two sessions
        asking at once may both compute it; the value is the same). A value may be None."""
        value = self._lookup(name)
        return self.put(name, compute()) if value is _ABSENT else _handed_out(value)

    def find(self, name: Key):
        """The value kept under ``name``, or None."""
        value = self._lookup(name)
        return None if value is _ABSENT else _handed_out(value)

    def _lookup(self, name: Key):
        """The value kept under ``name`` (now the most recently used), or ``_ABSENT``."""
        with self._lock:
            if name not in self._values:
                return _ABSENT
            self._values.move_to_end(name)
            return self._values[name]

    def put(self, name: Key, value: T) -> T:
        """Keep ``value`` under ``name`` (for values computed together, several at a time)."""
        value = _read_only(value)
        with self._lock:
            self._values[name] = value
            self._values.move_to_end(name)
            while len(self._values) > self.entries:
                self._values.popitem(last=False)
        return _handed_out(value)

    def __contains__(self, name: Key) -> bool:
        with self._lock:
            return name in self._values

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)


def _read_only(value):
    """``value`` with its arrays made unwritable (in tuples and named tuples too)."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, tuple):
        for part in value:
            _read_only(part)
    return value


def _handed_out(value):
    """A table as a copy sharing the cached columns until written (copy-on-write); anything else
    as it is (arrays are unwritable, other values immutable)."""
    return value.copy(deep=False) if isinstance(value, pd.DataFrame) else value
