"""Time from a filter change to the page being redrawn, in the real app in Chromium: the demo data
against the 1,000,000-row benchmark export.

Run:  python bench/redraw.py [--rows 1000000] [--runs 5] [--page signs_by_unit]

For each dataset a fresh ``streamlit run dashboard.py -- --data FILE`` is started; the page is
opened and drawn once, then a division is chosen in the sidebar ``--runs`` times (alternating real
divisions, never "Select all"; each change a new filter) and the time from the click to the heatmap
showing the division's units (the script stopped) is measured. Medians and their ratio are printed.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from generate import ROWS, benchmark_file  # noqa: E402
from server import chromium, streamlit_server, wait_for_app  # noqa: E402

DEMO = ROOT / "data" / "demo_responses.csv"


HEATMAP_TEXT = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .ytick text, '
    + '[data-testid="stPlotlyChart"] .xtick text')).map((t) => t.textContent).join('|')"""
REDRAWN = """(before) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (app.getAttribute('data-test-script-state') === 'running') return false;
    const now = (""" + HEATMAP_TEXT + """)();
    return now !== '' && now !== before;
}"""


def redraw_times(data: Path, page_path: str, runs: int) -> list[float]:
    """Each run: one real division chosen in the sidebar (never the list's "Select all"), timed from the
    click until the heatmap shows other units than before and the script has stopped."""
    times = []
    with streamlit_server(args=["--data", str(data)], timeout=300) as url, chromium(1440, 900) as page:
        page.goto(f"{url}/{page_path}")
        wait_for_app(page, timeout=600_000)
        divisions = page.get_by_label("Divisions").first
        for run in range(runs):
            before = page.evaluate(HEATMAP_TEXT)
            divisions.click()
            options = page.get_by_role("option").filter(has_not_text=re.compile(r"^\s*Select all"))
            choice = options.nth(run % max(options.count(), 1))
            start = time.perf_counter()
            choice.click()
            page.wait_for_function(REDRAWN, arg=before, timeout=600_000)
            times.append(time.perf_counter() - start)
            if "Divisions: " not in page.content():
                raise RuntimeError("the filter did not reach the page; the timing would be meaningless")
            page.keyboard.press("Escape")
            page.locator('[data-testid="stMultiSelect"] [aria-label^="Remove"], '
                         '[data-testid="stMultiSelect"] [title^="Clear"]').first.click()
            wait_for_app(page, timeout=600_000)
    return times


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", default="signs_by_unit")
    args = parser.parse_args(argv)
    results = {}
    for name, path in (("demo data (5,458 rows)", DEMO), (f"benchmark export ({args.rows:,} rows)",
                                                            benchmark_file(args.rows))):
        results[name] = statistics.median(redraw_times(path, args.page, args.runs))
    print(f"\n| filter change → page redrawn ({args.page}) | median |\n|---|---|")
    for name, seconds in results.items():
        print(f"| {name} | {seconds:.2f} s |")
    demo, big = results.values()
    print(f"| ratio, benchmark / demo [target <= 3] | {big / demo:.2f} |")


if __name__ == "__main__":
    main()
