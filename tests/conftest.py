import contextlib
import io
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from cxcommit.demo import load_demo
from cxcommit.io.allocator import use_system_allocator

FIXTURES = Path(__file__).parent / "fixtures"
REALDATA = FIXTURES / "realdata"
ROOT = Path(__file__).resolve().parent.parent

use_system_allocator()  # the tests run as the command line and the dashboard do (their entry points set it)


@pytest.fixture(scope="session")
def demo():
    return load_demo()


class CliResult(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def cli(*args) -> CliResult:
    """``cxcommit ARGS`` run in this process from the project's folder: its exit code (2 when
    argparse refuses the arguments), what it printed and what it said on stderr. An exception the
    command does not turn into a message fails the test with its traceback."""
    from cxcommit.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exit:  # argparse: --help, or arguments it refuses
            code = exit.code
    return CliResult(code, stdout.getvalue(), stderr.getvalue())


def cli_process(*args) -> subprocess.CompletedProcess:
    """``python -m cxcommit ARGS`` in a process of its own, for what only a process shows: its exit
    code as the shell sees it, and that no traceback is ever printed."""
    return subprocess.run([sys.executable, "-m", "cxcommit", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


@pytest.fixture(scope="module")
def app_server():
    """One ``streamlit run dashboard.py`` (demo data, default options) for a module's browser tests;
    a test that needs other arguments or options starts its own with ``streamlit_server``."""
    from server import streamlit_server

    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a module's browser tests."""
    from server import chromium_browser

    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def open_page(browser):
    """``open_page(width, height)``: a page in a fresh browser context (a new Streamlit session, as a
    new visitor's), closed after the test."""
    from server import new_page

    pages = []

    def open_page(width: int = 1440, height: int = 900, dark: bool = False):
        pages.append(new_page(browser, width, height, dark))
        return pages[-1]

    yield open_page
    for page in pages:
        page.context.close()
