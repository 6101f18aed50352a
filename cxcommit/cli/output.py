"""What the commands print."""
from __future__ import annotations

import sys

from cxcommit.text import without_controls


def say(text: str, file=None) -> None:
    """Print ``text`` (which may quote names and values from the data) without control characters:
    an escape sequence in a name would otherwise drive the terminal."""
    print(without_controls(text), file=file or sys.stdout)
