import os

# One BLAS thread per process: pytest-xdist already runs a worker per core, and OpenBLAS's own
# threads, spinning against the other worker's (and the test servers'), made a 1,000 × 1,000
# eigendecomposition of the privacy audit take 1.5–10 s instead of 0.17 s. The variables reach the
# BLAS loaded later (scipy's) and the servers started; numpy's, already loaded by pytest.ini's
# filterwarnings (pandas.errors), is limited where it runs.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

# Never the user's own workspace: each worker's default workspace (cxcommit.store.engine) is a
# folder of its own, which the dashboards and commands the tests start inherit.
import tempfile  # noqa: E402

os.environ.pop("CXCOMMIT_DATABASE_URL", None)
os.environ["CXCOMMIT_DATA"] = tempfile.mkdtemp(prefix="cxcommit-tests-")

import contextlib  # noqa: E402
import io  # noqa: E402
import subprocess  # noqa: E402
from collections import Counter  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import NamedTuple  # noqa: E402

import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from cxcommit.demo import load_demo  # noqa: E402
from cxcommit.io.allocator import use_system_allocator  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
REALDATA = FIXTURES / "realdata"
ROOT = Path(__file__).resolve().parent.parent

threadpool_limits(int(os.environ["OPENBLAS_NUM_THREADS"]))
use_system_allocator()  # the tests run as the command line and the dashboard do (their entry points set it)


# The files that take longest, longest first (the sum of their tests' durations: 330, 310, 230, 210,
# 170, 130, 110, 90 and 70 s under a load of 7 on 2 cores).
LONGEST = ("test_privacy.py", "test_browser.py", "test_realdata_browser.py", "test_messages.py", "test_dashboard.py",
           "test_hostile_files.py", "test_hostile_browser.py", "test_pptx_deck.py", "test_sessions.py",
           "test_signin_browser.py", "test_scope_privacy.py", "test_workspace_robust.py", "test_workspace_cli.py")


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: a worker per core and one more. The browser tests wait on their servers about a third
    of the time (the suite kept 2 cores 130 % busy with 2 workers); the third worker fills that."""
    return (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(items):
    """The longest files first, then the others by how many tests they hold; each file's tests stay
    together and in order. pytest-xdist hands the files out in this order (``--dist loadfile
    --no-loadscope-reorder``), so that no long file starts last while the other worker idles."""
    count, first = Counter(item.path for item in items), {}
    for position, item in enumerate(items):
        first.setdefault(item.path, position)

    def order(item) -> tuple:
        long = LONGEST.index(item.path.name) if item.path.parent.name == "tests" and item.path.name in LONGEST else None
        return (len(LONGEST) if long is None else long, -count[item.path], first[item.path])

    items.sort(key=order)


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


@pytest.fixture(scope="session")
def postgres_server():
    """This worker's own PostgreSQL server (``tests/postgres.py``), started on first use and stopped,
    its folder removed, when the session ends. ``postgres_server.database()`` gives a fresh database's
    URL for a block; ``postgres_server.url(name)`` one to share, e.g. with ``streamlit_server``."""
    from postgres import PostgresMissing, start_server

    try:
        server, missing = start_server(), None
    except PostgresMissing as error:
        server, missing = None, str(error)
    if missing:  # outside the handler: the message alone, not chained to the exception
        pytest.fail(missing, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database for one test, as a SQLAlchemy URL, on each backend the workspace
    runs on: a SQLite file in the test's folder (``[sqlite]``), and a database of its own on this
    worker's PostgreSQL server (``[postgresql]``), dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cxcommit.db'}"
        return
    with request.getfixturevalue("postgres_server").database() as url:
        yield url


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
