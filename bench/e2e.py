"""From the export on disk to the answer, as a user waits for it: each tool in a fresh process, side by
side in one run (alternating, so that a drift of the machine's speed falls on all of them alike).

Run:  python bench/e2e.py [--rows 1000000 10000000] [--runs 7]

The answer, the same for every tool: for each business unit and each of the 8 signs, the answers
given (Yes, No or "don't know": a sign staff cannot see is not met, cxcommit's default), the Yes among
them, the share and its 95 % Wilson interval, the "don't know" answers; and per unit the share fully
committed (Yes to all 8 among those who answered all 8). The peers' numbers equal cxcommit's
(tests/test_bench.py).

- cxcommit: ``python -m cxcommit summary FILE --by business_unit`` (which also detects the format,
  suggests the mapping, drops the identifiers, makes the responses publishable and summarises NPS);
- polars: ``scan_csv`` and a lazy group-by (polars reads only the columns the query uses);
- DuckDB: ``read_csv`` and SQL (likewise).

Each process is timed from outside, by a small launcher that forks it: wall time from start to exit,
and its own CPU time and peak resident memory as the kernel accounts them (``os.wait4``). Medians
over ``--runs``.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIGNS = [f"sign_{i}" for i in range(1, 9)]
UNIT = "Business Unit"
Z = 1.959963984540054  # the 97.5 % point of the normal distribution: statistics.NormalDist().inv_cdf(0.975)


def wilson(k, n):
    """The 95 % Wilson interval of k successes in n trials (numpy arrays)."""
    import numpy as np

    n = np.asarray(n, dtype=float)
    p = np.divide(k, n, out=np.full(len(n), np.nan), where=n > 0)
    denom = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denom
    half = Z * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / denom
    return p, centre - half, centre + half


def polars_answer(path: str) -> None:
    import polars as pl

    given = {s: pl.col(s).is_in(["Yes", "No", "Don't know"]) for s in SIGNS}
    table = (pl.scan_csv(path, infer_schema=False)
             .group_by(UNIT)
             .agg(*[given[s].sum().alias(f"{s}_n") for s in SIGNS],
                  *[(pl.col(s) == "Yes").sum().alias(f"{s}_k") for s in SIGNS],
                  *[(pl.col(s) == "Don't know").sum().alias(f"{s}_dk") for s in SIGNS],
                  pl.all_horizontal(list(given.values())).sum().alias("complete"),
                  pl.all_horizontal([pl.col(s) == "Yes" for s in SIGNS]).sum().alias("fully"))
             .sort(UNIT).collect())
    _print(table[UNIT].to_list(), {c: table[c].to_numpy() for c in table.columns if c != UNIT})


def duckdb_answer(path: str) -> None:
    import duckdb

    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'
    given = "IN ('Yes', 'No', 'Don''t know')"
    columns = ", ".join([f"count(*) FILTER (WHERE {q(s)} {given}) AS {s}_n" for s in SIGNS]
                        + [f"count(*) FILTER (WHERE {q(s)} = 'Yes') AS {s}_k" for s in SIGNS]
                        + [f"count(*) FILTER (WHERE {q(s)} = 'Don''t know') AS {s}_dk" for s in SIGNS]
                        + ["count(*) FILTER (WHERE " + " AND ".join(f"{q(s)} {given}" for s in SIGNS)
                           + ") AS complete",
                           "count(*) FILTER (WHERE " + " AND ".join(f"{q(s)} = 'Yes'" for s in SIGNS) + ") AS fully"])
    path_text = path.replace("'", "''")
    found = duckdb.sql(f"SELECT {q(UNIT)} AS unit, {columns} FROM read_csv('{path_text}', all_varchar = true) "
                       f"GROUP BY ALL ORDER BY unit").fetchnumpy()
    _print(list(found.pop("unit")), found)


def _print(units: list, counts: dict) -> None:
    """The answer, one line a unit and sign, on stdout (as cxcommit's summary prints its table)."""
    lines = ["unit,item,n,k,p,ci_low,ci_high,n_dont_know"]
    for sign in SIGNS:
        p, low, high = wilson(counts[f"{sign}_k"], counts[f"{sign}_n"])
        for i, unit in enumerate(units):
            lines.append(f"{unit},{sign},{counts[f'{sign}_n'][i]},{counts[f'{sign}_k'][i]},{p[i]:.4f},{low[i]:.4f},"
                         f"{high[i]:.4f},{counts[f'{sign}_dk'][i]}")
    p, low, high = wilson(counts["fully"], counts["complete"])
    lines += [f"{unit},fully committed,{counts['complete'][i]},{counts['fully'][i]},{p[i]:.4f},{low[i]:.4f},"
              f"{high[i]:.4f}," for i, unit in enumerate(units)]
    print("\n".join(lines))


TOOLS = {  # name -> the command (a list) that gives the answer for the file
    "cxcommit": lambda path: [sys.executable, "-m", "cxcommit", "summary", path, "--by", "business_unit"],
    "polars": lambda path: [sys.executable, __file__, "--answer", "polars", path],
    "DuckDB": lambda path: [sys.executable, __file__, "--answer", "duckdb", path],
}


LIMITS = {"CXCOMMIT_MAX_BYTES": "64G", "CXCOMMIT_MAX_CELLS": "10000000000"}  # cxcommit's read limits
# (1 GB, 200 million cells by default) would refuse the 10M-row export: raised, to time what it does


_LAUNCH = """
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak": usage.ru_maxrss * 1024, "code": os.waitstatus_to_exitcode(status)}))
"""  # forks the command from a small fresh process: a child forked from a large one would count the
# large one's memory as its own peak (Linux keeps a process's peak across fork and exec)


def measured(command: list[str]) -> dict:
    """Wall seconds, CPU seconds (user + system) and peak resident memory (bytes) of one process,
    started by a small launcher (see ``_LAUNCH``) that reports the kernel's accounting of it."""
    out = subprocess.run([sys.executable, "-S", "-c", _LAUNCH, *command], cwd=ROOT, capture_output=True,
                         env={**os.environ, **LIMITS}, check=False)
    lines = out.stdout.decode(errors="replace").strip().splitlines()
    result = json.loads(lines[-1]) if lines else {"code": out.returncode}
    if result.pop("code"):
        raise RuntimeError(f"{command} failed: {out.stderr.decode(errors='replace')[-2000:]}")
    return result


def compare(path: Path, runs: int) -> dict:
    """Each tool ``runs`` times on ``path``, the tools in turn: the median of each measure, by tool."""
    done: dict[str, list[dict]] = {name: [] for name in TOOLS}
    for name, command in TOOLS.items():  # once each first, not counted: the file in the page cache for all
        measured(command(str(path)))
    for _ in range(runs):
        for name, command in TOOLS.items():
            done[name].append(measured(command(str(path))))
    return {name: {key: statistics.median(run[key] for run in found) for key in found[0]}
            for name, found in done.items()}


def print_comparison(rows: int, size: int, result: dict) -> None:
    base = result["polars"]
    print(f"\n{rows:,} rows ({size / 1e6:,.0f} MB), from the file in a fresh process (medians)\n")
    print("| tool | wall s | CPU s | peak memory | wall / polars | CPU / polars | memory / polars |")
    print("|---|---|---|---|---|---|---|")
    for name, m in result.items():
        print(f"| {name} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['peak'] / 1e6:,.0f} MB | {m['wall'] / base['wall']:.2f} "
              f"| {m['cpu'] / base['cpu']:.2f} | {m['peak'] / base['peak']:.2f} |")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--answer", nargs=2, metavar=("TOOL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.answer:
        {"polars": polars_answer, "duckdb": duckdb_answer}[args.answer[0]](args.answer[1])
        return {}
    sys.path[:0] = [str(ROOT / "bench")]
    from generate import benchmark_file

    results = {}
    for rows in args.rows:
        path = benchmark_file(rows)
        results[rows] = compare(path, args.runs)
        print_comparison(rows, path.stat().st_size, results[rows])
    return results


if __name__ == "__main__":
    main()
