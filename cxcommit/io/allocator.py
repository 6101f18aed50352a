"""Arrow's allocator: a process-wide setting, made by the entry points (the command line's ``main``
and ``dashboard.py``), never on import.

Arrow allocates from the C library's allocator, which hands parse buffers back to the system as
they are freed where Arrow's default (mimalloc) keeps them: the peak memory of importing the
benchmark's 1M-row file falls from about 1.5 to 1.4 times the file's size. Process-wide, as an
Arrow memory pool is: a pool swapped only while reading peaked higher than either.
"""
from __future__ import annotations

import pyarrow as pa


def use_system_allocator() -> None:
    """Make Arrow allocate from the C library's allocator in this process (see the module)."""
    pa.set_memory_pool(pa.system_memory_pool())
