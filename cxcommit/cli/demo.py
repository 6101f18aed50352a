"""``demo``: the demo data written again (the same seed gives the same files)."""
from __future__ import annotations

from pathlib import Path

from cxcommit.demo import write_demo
from cxcommit.errors import SettingsError


def demo(args) -> int:
    """Write the demo data into the folder ``--out``."""
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise SettingsError(f"--out {args.out!r} is a file; the demo data are written into a folder.",
                            hint="Give a folder, e.g. --out data.")
    try:
        paths = write_demo(args.out)
    except OSError as error:
        raise SettingsError(f"--out {args.out!r}: the demo data cannot be written there "
                            f"({error.strerror or error}).",
                            hint="Give a folder that exists or can be created, and that you can write to.") from None
    for path in paths:
        print(f"wrote {path}")
    return 0
