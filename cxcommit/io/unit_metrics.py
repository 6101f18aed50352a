"""Unit metrics: a second table from HR or finance, one row per business unit and wave.

Columns: a business unit column and a wave column (usual names accepted: "Business Unit",
"Department", "Wave", "Period", ...), optionally a division, and any number of numeric metrics,
e.g. the share of executive incentive tied to CX (%), customer NPS, CSAT. Values may carry a
``%`` sign or a decimal comma.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cxcommit.errors import DataValidationError, Problem, problems_frame
from cxcommit.instrument.scales import parse_number
from cxcommit.io.columns import attribute_for, is_wave_column
from cxcommit.io.readers import read_raw
from cxcommit.text import normalize_label, one_line

_PERCENT = ("pct", "percent", "share", "%", "csat")


@dataclass(frozen=True)
class UnitMetrics:
    """Validated unit metrics: ``frame`` has business_unit, wave, [division] and one float column per metric."""

    frame: pd.DataFrame
    metrics: tuple[str, ...]
    source: str
    problems: tuple[Problem, ...] = ()

    @property
    def warnings(self) -> pd.DataFrame:
        return problems_frame(self.problems)


def is_percent(name: str) -> bool:
    norm = normalize_label(name)
    return any(word in norm for word in _PERCENT)


def read_unit_metrics(source: str | Path | bytes, name: str | None = None) -> UnitMetrics:
    """Read and validate a unit-metrics table; every problem is reported at once."""
    raw = read_raw(source, name, fmt="generic")
    roles = {}
    for key in raw.keys:
        if is_wave_column(key):
            roles.setdefault("wave", key)
        elif attribute_for(key, key) in ("business_unit", "division"):
            roles.setdefault(attribute_for(key, key), key)
    missing = [r for r in ("business_unit", "wave") if r not in roles]
    if missing:
        raise DataValidationError(
            f"{raw.source} has no {' and no '.join(m.replace('_', ' ') + ' column' for m in missing)}.",
            hint="A unit-metrics table needs a 'business_unit' and a 'wave' column, then one column per metric. "
                 f"Its columns are: {', '.join(raw.keys)}.",
        )
    problems: list[Problem] = list(raw.problems)
    # names tidied as the survey's are (cxcommit.model.importer), so that they match
    frame = pd.DataFrame({role: raw.strings(key).to_pandas().astype("string").map(one_line, na_action="ignore")
                          .astype("string") for role, key in roles.items()})
    metric_keys = [k for k in raw.keys if k not in roles.values()]
    for key in metric_keys:
        texts = raw.strings(key).to_pandas().astype("string")
        values = np.full(len(texts), np.nan)
        for i, text in enumerate(texts):
            if text is pd.NA or not str(text).strip():
                continue
            number = parse_number(str(text).strip().rstrip("%").strip())
            if number is None:
                problems.append(Problem("not a number; read as missing", row=raw.row_number(i), column=key,
                                        value=str(text)[:80], severity="warning"))
            elif is_percent(key) and not 0 <= number <= 100:
                problems.append(Problem("percentage outside 0–100; read as missing", row=raw.row_number(i),
                                        column=key, value=str(text), severity="warning"))
            else:
                values[i] = number
        frame[key] = values
    blank = frame["business_unit"].isna() | frame["wave"].isna()
    for i in np.flatnonzero(blank.to_numpy()):
        problems.append(Problem("business unit or wave is blank; row left out", row=raw.row_number(int(i)),
                                severity="warning"))
    duplicated = frame.duplicated(["business_unit", "wave"], keep=False) & ~blank
    errors = [Problem("the same business unit and wave appear in more than one row", row=raw.row_number(int(i)),
                      column=roles["business_unit"], value=f"{frame.at[i, 'business_unit']} / {frame.at[i, 'wave']}")
              for i in np.flatnonzero(duplicated.to_numpy())]
    if errors:
        raise DataValidationError(
            f"{raw.source} has {len(errors)} rows that repeat a business unit and wave.",
            hint="Keep one row per business unit and wave.", problems=errors + problems)
    frame = frame[~blank].reset_index(drop=True)
    return UnitMetrics(frame, tuple(metric_keys), raw.source, tuple(problems))
