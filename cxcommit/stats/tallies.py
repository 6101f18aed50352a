"""Counting small integer codes (-1 blank) over millions of rows.

``np.bincount`` widens its input to 8-byte integers first: on ten million one-byte codes that is
80 MB of fresh memory, and on this machine a freshly touched page costs more than the counting (a
second and more per column at 10,000,000 rows). Counted a million at a time, the same few megabytes
serve every part."""
from __future__ import annotations

import numpy as np

PART = 1 << 20  # codes counted at a time


def code_counts(codes: np.ndarray, count: int) -> np.ndarray:
    """How many rows hold each of the codes ``0 … count - 1`` (blanks, -1, are not counted).

    >>> code_counts(np.array([0, 2, -1, 2], dtype=np.int8), 3).tolist()
    [1, 0, 2]
    """
    counts = np.zeros(count + 1, dtype=np.int64)
    unsigned = codes.view(f"u{codes.itemsize}") if codes.dtype.kind == "i" else codes
    for start in range(0, len(codes), PART):
        shifted = unsigned[start:start + PART] + unsigned.dtype.type(1)  # blank (-1) wraps round to 0
        counts += np.bincount(shifted, minlength=count + 1)[: count + 1]
    return counts[1:]


def used_codes(codes: np.ndarray, count: int) -> np.ndarray:
    """Which of the codes ``0 … count - 1`` some row holds."""
    return code_counts(codes, count) > 0


def code_type(distinct: int) -> type:
    """The smallest signed integer type holding codes into ``distinct`` values, and -1 (the type
    pandas gives a categorical of that many categories)."""
    return np.int8 if distinct < 127 else np.int16 if distinct < 32_767 else np.int32
