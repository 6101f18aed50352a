"""Speed and memory of cxcommit on a 1,000,000-row export, side by side with the floor and peers.

Run:  python bench/benchmark.py [--rows 1000000] [--runs 7] [--postgres URL] [--e2e-rows 1000000 10000000]

Reports medians of --runs runs and ratios: (a) the floor: parsing the CSV with pyarrow.csv.read_csv,
only the columns cxcommit's import keeps (wave, groupings, items, respondent id: what its mapping
uses), (b) cxcommit's import (detect, map, validate, encode, and publish: the k-anonymous classes of
cxcommit.privacy.publish, also timed alone), (c) cxcommit's aggregates for the whole organisation —
the peers' set (rates + Wilson + chi-square per sign by unit + share fully committed) and every
analysis — timed cold (cached codes and counts cleared before each run), (d) the same after
filtering to one division, filter included (its counts are sums of the organisation's counts by
unit and division, made by the first filter and reused by later ones: reported both the first time
and after), (e) the peers on columns already in memory: polars on the text and on categorical
columns (the same input as (c), which starts from the import's codes), and one vectorised pandas
group-by, (f) opening the survey stored in a workspace against importing its CSV, each in a fresh
process as the command line and a new dashboard process do them (wall and CPU time, peak memory):
the import is read_raw + suggest_mapping + apply_mapping, the opening ``Workspace.open(url).load(name)``
of the same survey added beforehand to a temporary SQLite workspace, and to the PostgreSQL database
--postgres names (or ``CXCOMMIT_BENCH_POSTGRES``; its survey is deleted after), (g) from the file on
disk to the answer in fresh processes, cxcommit's ``summary --by business_unit`` beside polars and
DuckDB (bench/e2e.py), for each of --e2e-rows. Peak memory of import + analyses is measured in a
fresh process and compared with the file's size.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import pyarrow.csv as pacsv  # noqa: E402

from generate import ROWS, benchmark_file  # noqa: E402
import e2e  # noqa: E402
import peers  # noqa: E402
from cxcommit import apply_mapping, load_survey, read_raw, suggest_mapping  # noqa: E402
from cxcommit.analyses.commitment import commitment_index  # noqa: E402
from cxcommit.analyses.findings import findings  # noqa: E402
from cxcommit.analyses.gaps import perception_gap  # noqa: E402
from cxcommit.analyses.rates import rates  # noqa: E402
from cxcommit.analyses.trends import trends  # noqa: E402
from cxcommit.analyses.variation import variation  # noqa: E402
from cxcommit.instrument.items import SIGN_IDS  # noqa: E402
from cxcommit.io.allocator import use_system_allocator  # noqa: E402
from cxcommit.model.derived import Derived  # noqa: E402
from cxcommit.privacy.publish import publish  # noqa: E402

SIGNS = list(SIGN_IDS)


def peer_set(survey):
    """What the peers compute: rates with Wilson per sign by unit, chi-square across units, fully committed."""
    rates(survey, "business_unit", items=SIGNS)
    variation(survey, "business_unit", items=SIGNS)
    commitment_index(survey, "business_unit")


def every_analysis(survey):
    rates(survey, "business_unit")
    commitment_index(survey, "business_unit")
    variation(survey, "business_unit")
    perception_gap(survey, "business_unit")
    trends(survey, "business_unit", items=SIGNS)
    findings(survey)


def cold(survey) -> None:
    """Forget what was computed from ``survey`` (its codes, counts, classes), as for a new import."""
    object.__setattr__(survey, "_derived", Derived())


def timed(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_filter(survey, division: str, runs: int) -> float:
    """(d) the first time: the organisation's view just computed cold, then the division's. Its
    counts are sums of the organisation's counts by unit and division, counted on this first filter
    (later filters, to this division or another, reuse them)."""
    times = []
    for _ in range(runs):
        cold(survey)
        peer_set(survey)
        start = time.perf_counter()
        peer_set(survey.filter(division=division))
        times.append(time.perf_counter() - start)
    cold(survey)
    return statistics.median(times)


def peak() -> int:
    """This process's peak resident memory in bytes (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def peak_memory(path: Path) -> int:
    """Peak resident memory (bytes) of a fresh process that imports the file and runs every analysis."""
    code = ("import sys; sys.path[:0] = [{root!r}, {bench!r}]\n"
            "from benchmark import every_analysis, peer_set, peak\nfrom cxcommit import load_survey\n"
            "from cxcommit.io.allocator import use_system_allocator\nuse_system_allocator()\n"
            "s = load_survey({path!r}); peer_set(s); every_analysis(s)\n"
            "print(peak())").format(root=str(ROOT), bench=str(ROOT / "bench"), path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def baseline_memory() -> int:
    code = ("import sys; sys.path[:0] = [{root!r}, {bench!r}]\nimport cxcommit, scipy.stats, pyarrow.csv\n"
            "from benchmark import peak\nprint(peak())").format(root=str(ROOT), bench=str(ROOT / "bench"))
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def fresh(setup: str, action: str) -> dict:
    """Wall and CPU seconds of ``action`` (Python code run after ``setup``, which is not timed) and the
    peak resident memory (bytes) of a fresh process that runs them."""
    code = ("import sys, time, json; sys.path[:0] = [{root!r}, {bench!r}]\n"
            "from benchmark import peak\nfrom cxcommit.io.allocator import use_system_allocator\n"
            "use_system_allocator()\n{setup}\n"
            "wall, cpu = time.perf_counter(), time.process_time()\n{action}\n"
            "print(json.dumps({{'wall': time.perf_counter() - wall, 'cpu': time.process_time() - cpu, "
            "'peak': peak()}}))").format(root=str(ROOT), bench=str(ROOT / "bench"), setup=setup, action=action)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"the benchmark's process failed: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_runs(setup: str, action: str, runs: int) -> dict:
    """:func:`fresh` ``runs`` times: the median of each measure."""
    done = [fresh(setup, action) for _ in range(runs)]
    return {key: statistics.median(d[key] for d in done) for key in done[0]}


def stored_survey(path: Path, url: str, name: str, runs: int) -> dict:
    """(f) The export added once to the workspace at ``url`` as the survey ``name`` (timed, in a fresh
    process), then opened ``runs`` times, each in a fresh process."""
    setup = f"from benchmark import import_survey\nfrom cxcommit.store import Workspace\nurl, name = {url!r}, {name!r}"
    added = fresh(setup + f"\nsurvey = import_survey({str(path)!r})",
                  "Workspace.open(url).add(name, survey, by='benchmark')")
    opened = fresh_runs(setup, "Workspace.open(url).load(name)", runs)
    return {"add": added, "open": opened}


def store_section(path: Path, runs: int, postgres: str | None) -> dict:
    """(f) Importing the CSV and opening the survey stored, each in fresh processes (see the module)."""
    section = {"import": fresh_runs("from benchmark import import_survey", f"import_survey({str(path)!r})", runs)}
    with tempfile.TemporaryDirectory(prefix="cxcommit-bench-") as folder:
        section["sqlite"] = stored_survey(path, f"sqlite:///{Path(folder) / 'cxcommit.db'}", "benchmark", runs)
    if postgres:
        from cxcommit.store import Workspace

        name = f"benchmark {os.getpid()}"
        try:
            section["postgresql"] = stored_survey(path, postgres, name, runs)
        finally:
            workspace = Workspace.open(postgres)
            if any(s.name == name for s in workspace.surveys()):
                workspace.delete(name, by="benchmark")
            workspace.engine.dispose()
    return section


def print_store(section: dict) -> None:
    print("\n| (f) in a fresh process | wall s | CPU s | peak memory |\n|---|---|---|---|")
    rows = [("import the CSV (read, suggest mapping, apply)", section["import"])]
    for backend in ("sqlite", "postgresql"):
        if backend in section:
            rows += [(f"add it to a {backend} workspace (once)", section[backend]["add"]),
                     (f"open it stored in {backend}", section[backend]["open"])]
    for name, measured in rows:
        print(f"| {name} | {measured['wall']:.2f} | {measured['cpu']:.2f} | {measured['peak'] / 1e6:.0f} MB |")


def import_survey(path):
    """The export as imported, before publishing (what :func:`cxcommit.privacy.publish.publish` takes)."""
    raw = read_raw(path)
    return apply_mapping(raw, suggest_mapping(raw))


def used_columns(path: Path) -> list[str]:
    """The export's columns cxcommit's import keeps (the mapping it suggests: wave, groupings, items)."""
    raw = read_raw(path)
    used = suggest_mapping(raw).columns_used
    return [key for key in raw.keys if key in used]  # the header's names, on this file


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--e2e-rows", type=int, nargs="*", default=[ROWS],
                        help="exports to time (g) on, from the file in fresh processes (e.g. 1000000 10000000)")
    parser.add_argument("--postgres", default=os.environ.get("CXCOMMIT_BENCH_POSTGRES"),
                        help="a PostgreSQL workspace URL to time (f) on too (default: $CXCOMMIT_BENCH_POSTGRES)")
    args = parser.parse_args(argv)
    use_system_allocator()  # as the command line and the dashboard run
    path = benchmark_file(args.rows)
    size = path.stat().st_size
    print(f"file: {path.name}, {args.rows:,} rows, {size / 1e6:.0f} MB; {args.runs} runs each (medians)")
    needed = used_columns(path)  # the floor reads what the answer needs, as cxcommit's import keeps it
    results = {"a_pyarrow_parse": timed(lambda: pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        include_columns=needed)), args.runs)}
    results["b_cxcommit_import"] = timed(lambda: load_survey(path), args.runs)
    imported = import_survey(path)
    # making the responses publishable (k-anonymous classes, answers withheld): part of (b), once per import
    results["b_publish"] = timed(lambda: (cold(imported), publish(imported, 5)), args.runs)
    survey = load_survey(path)
    division = str(survey.responses["division"].cat.categories[0])
    # cold: the survey's cache of codes and counts is emptied before each run, as a new filter empties it
    results["c_peer_set"] = timed(lambda: (cold(survey), peer_set(survey)), args.runs)
    results["c_every_analysis"] = timed(lambda: (cold(survey), every_analysis(survey)), args.runs)
    results["d_filter_only"] = timed(lambda: survey.filter(division=division), args.runs)
    results["d_first_division_peer_set"] = first_filter(survey, division, args.runs)
    results["d_one_division_peer_set"] = timed(lambda: peer_set(survey.filter(division=division)), args.runs)
    results["d_one_division_every_analysis"] = timed(lambda: every_analysis(survey.filter(division=division)),
                                                     args.runs)
    import polars as pl

    polars_frame = pl.read_csv(path, columns=["Business Unit", *SIGNS])
    results["e_polars"] = timed(lambda: peers.polars_version(polars_frame), args.runs)
    coded = polars_frame.with_columns(pl.all().cast(pl.Categorical))  # the same input as (c): codes, not text
    results["e_polars_codes"] = timed(lambda: peers.polars_version(coded), args.runs)
    frame = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        include_columns=["Business Unit", *SIGNS])).to_pandas()
    results["e_pandas_groupby"] = timed(lambda: peers.pandas_groupby(frame), args.runs)
    results["memory_peak_bytes"] = peak_memory(path)
    results["memory_baseline_bytes"] = baseline_memory()
    results["file_bytes"] = size
    results["f_store"] = store_section(path, args.runs, args.postgres)
    ratios = {
        "(b) import / (a) pyarrow parse [target <= 2]": results["b_cxcommit_import"] / results["a_pyarrow_parse"],
        "(b) publishing / import without it [target <= 0.2]":
            results["b_publish"] / (results["b_cxcommit_import"] - results["b_publish"]),
        "(c) peer set / polars on text [target <= 1]": results["c_peer_set"] / results["e_polars"],
        "(c) peer set / polars on the same codes": results["c_peer_set"] / results["e_polars_codes"],
        "(c) peer set / pandas group-by": results["c_peer_set"] / results["e_pandas_groupby"],
        "(d) one division / (c), peer set [target <= 0.25]": results["d_one_division_peer_set"] / results["c_peer_set"],
        "(d) the first division after the organisation / (c), peer set":
            results["d_first_division_peer_set"] / results["c_peer_set"],
        "(d) one division / (c), every analysis": results["d_one_division_every_analysis"] / results["c_every_analysis"],
        "peak memory / file size [target <= 1.5]": results["memory_peak_bytes"] / size,
    }
    for backend in ("sqlite", "postgresql"):
        if backend in results["f_store"]:
            ratios[f"(f) open stored ({backend}) / import the CSV, wall [target <= 0.5]"] = (
                results["f_store"][backend]["open"]["wall"] / results["f_store"]["import"]["wall"])
    print("\n| measure | seconds |\n|---|---|")
    for name, value in results.items():
        if not name.endswith("bytes") and not name.startswith("f_"):
            print(f"| {name} | {value:.3f} |")
    print(f"| peak memory, import + every analysis | {results['memory_peak_bytes'] / 1e6:.0f} MB "
          f"(Python and libraries alone: {results['memory_baseline_bytes'] / 1e6:.0f} MB) |")
    print_store(results["f_store"])
    results["g_end_to_end"] = {}
    for rows in args.e2e_rows:
        e2e_path = benchmark_file(rows)
        results["g_end_to_end"][rows] = e2e.compare(e2e_path, args.runs)
        e2e.print_comparison(rows, e2e_path.stat().st_size, results["g_end_to_end"][rows])
        for measure in ("wall", "cpu", "peak"):
            ours, polars = (results["g_end_to_end"][rows][tool][measure] for tool in ("cxcommit", "polars"))
            ratios[f"(g) {rows:,} rows from the file, cxcommit / polars, {measure} [target <= 1]"] = ours / polars
    print("\n| ratio | value |\n|---|---|")
    for name, value in ratios.items():
        print(f"| {name} | {value:.2f} |")
    results["ratios"] = ratios
    return results


if __name__ == "__main__":
    output = main()
    (ROOT / "bench" / ".cache").mkdir(exist_ok=True)
    (ROOT / "bench" / ".cache" / "latest.json").write_text(json.dumps(output, indent=2))
