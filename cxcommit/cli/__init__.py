"""The command line, ``python -m cxcommit`` (or ``cxcommit`` once installed): :func:`main`.

``parser`` holds the arguments; each command has its module (``check``, ``tables``, ``report``,
``demo``), imported only when it runs (see :mod:`cxcommit.cli.main`).
"""
from cxcommit.cli.main import main

__all__ = ["main"]
