"""Time from a new browser session to the drawn Overview, in the real app in Chromium: the demo data
against the 1,000,000-row benchmark export named with ``--data``.

Run:  python bench/overview.py [--rows 1000000] [--runs 5]

For each dataset a fresh ``streamlit run dashboard.py [-- --data FILE]`` is started (the server up,
nothing read yet). The first session's time includes reading and importing the export (once per
process: every later session shares it); then ``--runs`` new sessions (a new browser context each,
as a new person opening the link) are timed from ``goto`` to the Overview drawn: every chart drawn,
the script stopped and the page steady (``tests/server.py:wait_for_app``). Medians and the ratios of
the export to the demo are printed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from generate import ROWS, benchmark_file  # noqa: E402
from server import chromium_browser, new_page, streamlit_server, wait_for_app  # noqa: E402


def overview_times(data: Path | None, runs: int) -> tuple[float, list[float]]:
    """The first session's time to the drawn Overview (reading included), and each later one's."""
    args = ["--data", str(data)] if data is not None else None
    with streamlit_server(args=args, timeout=300) as url, chromium_browser() as browser:
        times = []
        for _ in range(runs + 1):
            page = new_page(browser, 1440, 900)
            start = time.perf_counter()
            page.goto(url)
            wait_for_app(page, timeout=600_000)
            drawn = page.locator('[data-testid="stPlotlyChart"]').count()
            if not drawn or page.locator('[data-testid="stException"]').count():
                raise RuntimeError("the Overview was not drawn; the timing would be meaningless")
            times.append(time.perf_counter() - start)
            page.context.close()
        return times[0], times[1:]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    demo_first, demo = overview_times(None, args.runs)
    export_first, export = overview_times(benchmark_file(args.rows), args.runs)
    found = {"demo_first_s": demo_first, "demo_s": statistics.median(demo),
             "export_first_s": export_first, "export_s": statistics.median(export)}
    print(f"\nA new session to the drawn Overview (medians of {args.runs}; the first session of each server apart)\n")
    print("| data | first session s | later sessions s | later / demo |")
    print("|---|---|---|---|")
    print(f"| demo | {demo_first:.2f} | {found['demo_s']:.2f} | 1.00 |")
    print(f"| {args.rows:,}-row export (--data) | {export_first:.2f} | {found['export_s']:.2f} | "
          f"{found['export_s'] / found['demo_s']:.2f} |")
    return found


if __name__ == "__main__":
    main()
