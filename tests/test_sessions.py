"""Memory a browser session holds: replacing its data frees the old, and closing its tab frees
the session's, without another browser connecting (ui/sessions.py). Measured on a real server."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.server import chromium, streamlit_server, wait_for_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.browser
TTL = 6  # seconds streamlit keeps a closed tab's session for a reconnect (default 120)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(what)
        time.sleep(0.5)


def opened(page, url) -> float:
    """The server's memory once ``page`` has opened the dashboard (MB)."""
    page.goto(url)
    wait_for_app(page)
    return rss_mb(url.pid)


def load(page, url: str, path: Path, name: str) -> None:
    named = path.with_name(name)
    if not named.exists():
        named.hardlink_to(path)
    page.goto(f"{url}/data")
    wait_for_app(page)
    change = page.get_by_text("Change the data: load other exports, a mapping or unit metrics")
    if change.count():  # data of one's own in use: the loading form is folded away
        change.click()
        page.locator('[data-testid="stFileUploader"]').filter(has_text="Survey exports").locator('[data-testid="stFileUploaderDropzoneInput"]').wait_for(state="attached")
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Survey exports").locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(named))
    page.get_by_role("button", name="Use this data").wait_for(timeout=120_000)
    wait_for_app(page)
    page.get_by_role("button", name="Use this data").click()
    page.get_by_text("Now analysing").wait_for(timeout=120_000)
    wait_for_app(page)


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("sessions") / "export.csv", rows=300_000)  # about 106 MB


def test_a_sessions_data_is_freed_when_replaced_and_when_its_tab_closes(export):
    with streamlit_server(options=["--server.disconnectedSessionTTL", str(TTL)]) as url:
        # A first tab loads the export and is closed: what the process keeps after any load (modules,
        # the reader's threads and their allocator arenas, about 40 MB) is the baseline.
        with chromium() as page:
            before = opened(page, url)
            load(page, url, export, "warm.csv")
            warm = rss_mb(url.pid) - before
        wait_until(lambda: rss_mb(url.pid) - before < 0.6 * warm, timeout=120,
                   what=f"memory not returned after the first tab closed: +{rss_mb(url.pid) - before:.0f} MB "
                        f"(its load: +{warm:.0f} MB); the server logged:\n{url.log()}")
        with chromium() as page:
            baseline = opened(page, url)
            load(page, url, export, "first.csv")
            one = rss_mb(url.pid) - baseline
            for name in ("second.csv", "third.csv"):
                load(page, url, export, name)
            three = rss_mb(url.pid) - baseline
            assert one > 50, f"loading {export.stat().st_size / 1e6:.0f} MB should show in memory ({one:.0f} MB)"
            # Each load replaces the last: three loads hold far less than three times what one does (old
            # ones are freed, not kept in process-wide caches), below twice one load.
            assert three < 2 * one, f"one load: +{one:.0f} MB; three loads: +{three:.0f} MB"
        # The tab is closed; nobody else connects. Within the grace time and a few sweeps, the session
        # is closed and its memory returned.
        wait_until(lambda: rss_mb(url.pid) - baseline < 0.35 * one, timeout=120,
                   what=f"memory not returned after the tab closed: +{rss_mb(url.pid) - baseline:.0f} MB "
                        f"(one load: +{one:.0f} MB); the server logged:\n{url.log()}")


def test_an_upload_in_use_holds_about_what_opening_the_file_does(export):
    """Uploading an export and using it leaves the server within 1.2 times the memory of a server that
    opened the same file with ``--data``: the upload is read as a stream from a temporary file, and
    Streamlit's copy of its bytes is dropped once its data are in use."""
    with streamlit_server(args=["--data", str(export)]) as url:
        with chromium() as page:
            page.goto(url)
            wait_for_app(page, timeout=120_000)
            opened = rss_mb(url.pid)
    with streamlit_server() as url:
        with chromium() as page:
            page.goto(url)
            wait_for_app(page)
            load(page, url, export, "upload.csv")
            page.goto(url)  # the Overview, as the other server showed it
            wait_for_app(page, timeout=120_000)
            uploaded = rss_mb(url.pid)
    assert uploaded < 1.2 * opened, f"opened with --data: {opened:.0f} MB; uploaded and in use: {uploaded:.0f} MB"
