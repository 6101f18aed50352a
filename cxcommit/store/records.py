"""What the workspace keeps beside the responses, as JSON text and tidy rows: an import report, the
columns an import brought, and unit metrics."""
from __future__ import annotations

import json
from dataclasses import asdict

import pandas as pd

from cxcommit.errors import Problem
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import ImportReport


def report_json(report: ImportReport) -> str:
    return json.dumps(asdict(report), ensure_ascii=False)


def report_from_json(text: str) -> ImportReport:
    data = json.loads(text)
    data["problems"] = tuple(Problem(**p) for p in data.get("problems", ()))
    for name in ("notes", "waves", "waves_stored"):
        data[name] = tuple(data.get(name, ()))
    return ImportReport(**data)


def metrics_meta(metrics: UnitMetrics) -> str:
    """What the workspace keeps of unit metrics beside their values: the file, the metrics in order,
    the headcount column and the problems found reading them."""
    return json.dumps({"source": metrics.source, "metrics": list(metrics.metrics), "headcount": metrics.headcount,
                       "problems": [asdict(p) for p in metrics.problems]}, ensure_ascii=False)


def metrics_rows(metrics: UnitMetrics) -> list[dict]:
    """Unit metrics as tidy rows: one a business unit, wave and metric (the headcount among them)."""
    frame = metrics.frame
    names = [*metrics.metrics, *([metrics.headcount] if metrics.headcount else [])]
    rows = []
    for record in frame.to_dict("records"):
        for name in names:
            value = record[name]
            rows.append({"business_unit": record["business_unit"], "wave": record["wave"],
                         "division": None if pd.isna(record.get("division")) else record.get("division"),
                         "metric": name, "value": None if pd.isna(value) else float(value)})
    return rows


def metrics_from(meta: str, rows: list[dict]) -> UnitMetrics:
    """Unit metrics from the workspace's rows and :func:`metrics_meta`, as read from their file."""
    data = json.loads(meta)
    names = [*data["metrics"], *([data["headcount"]] if data["headcount"] else [])]
    with_division = any(row["division"] is not None for row in rows)
    keys = ["business_unit", "wave"] + (["division"] if with_division else [])
    wide: dict[tuple, dict] = {}
    for row in rows:  # a few hundred units and waves: in the order stored
        record = wide.setdefault(tuple(row[k] for k in keys), {k: row[k] for k in keys})
        record[row["metric"]] = row["value"]
    frame = pd.DataFrame(list(wide.values()), columns=[*keys, *names])
    for key in keys:
        frame[key] = frame[key].astype("string")
    frame[names] = frame[names].astype("float64")
    return UnitMetrics(frame, tuple(data["metrics"]), data["source"],
                       tuple(Problem(**p) for p in data["problems"]), data["headcount"])
