"""A real ``streamlit run dashboard.py`` on 127.0.0.1 and Debian's Chromium, for browser tests and
screenshots. Stopped by its own PID."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerURL(str):
    """The server's base URL, the PID of its process (to read its memory) and what it has logged."""

    pid: int
    log_path: Path

    def log(self, tail: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:]


@contextmanager
def streamlit_server(theme: str | None = None, timeout: float = 60, args: list[str] | None = None,
                     options: list[str] = (), script: Path | None = None, env: dict[str, str] | None = None):
    """Start the dashboard (or another ``script``) on a free port (``args``: after ``--``, e.g.
    ``["--data", FILE]``; ``options``: more of streamlit's, e.g. ``["--server.disconnectedSessionTTL",
    "2"]``; ``env``: more environment, e.g. the workspace's ``CXCOMMIT_DATABASE_URL``); yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script or ROOT / "dashboard.py"),
               "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false"]
    if theme:
        command += ["--theme.base", theme]
    command += list(options)
    if args:
        command += ["--", *args]
    url = ServerURL(f"http://127.0.0.1:{port}")
    with serving(command, f"{url}/_stcore/health", "streamlit", timeout, cwd=ROOT,
                 env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}) as (process, log_path):
        url.pid = process.pid
        url.log_path = log_path
        yield url


@contextmanager
def serving(command: list[str], ready: str, what: str, timeout: float, **popen):
    """Run a server's ``command`` until ``ready`` (a URL) answers 200 (``/_stcore/health``: "ok");
    yields its process and the path of its log (stderr); stopped by its PID at the end."""
    # The server's log goes to a file: a pipe nobody reads fills up and stops the server mid-write.
    log = tempfile.NamedTemporaryFile(prefix=f"{what}-", suffix=".log", delete=False)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, **popen)
    log_path = Path(log.name)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(ready):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start: {log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        yield process, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        log_path.unlink(missing_ok=True)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and (not url.endswith("/health") or response.read() == b"ok")
    except OSError:
        return False


@contextmanager
def chromium_browser():
    """Debian's Chromium under Playwright; each test opens its own page with :func:`new_page`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width: int = 1440, height: int = 900, dark: bool = False):
    """A page of the given size in a context of its own: its own cookies and storage, so a new
    Streamlit session that shares nothing with the browser's other pages."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme="dark" if dark else "light")
    return context.new_page()


@contextmanager
def chromium(width: int = 1440, height: int = 900, dark: bool = False):
    """A Chromium page (Playwright) of the given size, in a browser of its own."""
    with chromium_browser() as browser:
        yield new_page(browser, width, height, dark)


def wait_for_app(page, timeout: float = 60_000, steady: int = 3) -> None:
    """Until the script has finished running, every chart is drawn, and the page has stayed so for
    ``steady`` checks 100 ms apart (a rerun that writes the URL back starts right after a run)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function("""steady => {
        const app = document.querySelector('[data-testid="stApp"]');
        const drawn = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
            .every(chart => chart.querySelector('.main-svg'));
        const ready = app && app.getAttribute('data-test-script-state') === 'notRunning' && drawn
            && !document.querySelector('[data-testid="stSkeleton"]');
        const state = ready ? location.href + '|' + document.body.scrollHeight : null;
        window.__steady = state && state === window.__steadyState ? (window.__steady || 0) + 1 : 0;
        window.__steadyState = state;
        return window.__steady >= steady;
    }""", arg=steady, polling=100, timeout=timeout)


def open_chart_menu(page) -> None:
    """Open the first chart's download menu (not plotly's own "Download plot") on a page of charts."""
    page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot')
    wait_for_app(page)
    menu = page.locator('[data-testid="stPopover"] button').first
    for _ in range(3):  # a rerun (the URL written back) can close the menu just opened
        menu.click()
        try:
            page.get_by_role("button", name="Image (.png)").wait_for(timeout=5_000)
            return
        except Exception:  # noqa: BLE001 — Playwright's timeout: the menu closed; try again
            wait_for_app(page)
