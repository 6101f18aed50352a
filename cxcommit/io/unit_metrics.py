"""Unit metrics: a second table from HR or finance, one row per business unit and wave.

Columns: a business unit column and a wave column (usual names accepted: "Business Unit",
"Department", "Wave", "Period", ...), optionally a division, optionally the unit's headcount in the
wave (a column named like headcount, employees or invited: the base of the response rate, not a
metric), and any number of numeric metrics, e.g. the share of executive incentive tied to CX (%),
customer NPS, CSAT. Values may carry a ``%`` sign or a decimal comma.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cxcommit.errors import DataValidationError, Problem, problems_frame
from cxcommit.instrument.scales import parse_number
from cxcommit.io.columns import attribute_for, is_wave_column
from cxcommit.io.readers import RawTable, read_raw
from cxcommit.text import normalize_label, one_line

_PERCENT = ("pct", "percent", "share", "%", "csat")
HEADCOUNT_WORDS = ("headcount", "head_count", "employees", "invited", "eligible")


@dataclass(frozen=True)
class UnitMetrics:
    """Validated unit metrics: ``frame`` has business_unit, wave, [division], [the headcount column]
    and one float column per metric; ``headcount`` names the headcount column (None without one)."""

    frame: pd.DataFrame
    metrics: tuple[str, ...]
    source: str
    problems: tuple[Problem, ...] = ()
    headcount: str | None = None

    @property
    def warnings(self) -> pd.DataFrame:
        return problems_frame(self.problems)


def is_percent(name: str) -> bool:
    norm = normalize_label(name)
    return any(word in norm for word in _PERCENT)


def is_headcount(name: str) -> bool:
    """A column holding how many people a unit had in a wave (invited, employed): the base of the
    response rate (:mod:`cxcommit.analyses.participation`), not a metric to relate.

    >>> is_headcount("Headcount"), is_headcount("employees_invited"), is_headcount("customer_nps")
    (True, True, False)
    """
    norm = normalize_label(name).replace(" ", "_")
    return any(word in norm for word in HEADCOUNT_WORDS)


def read_unit_metrics(source: str | Path | bytes, name: str | None = None) -> UnitMetrics:
    """Read and validate a unit-metrics table; every problem is reported at once."""
    raw = read_raw(source, name, fmt="generic")
    roles = _key_columns(raw)
    problems: list[Problem] = list(raw.problems)
    # names tidied as the survey's are (cxcommit.model.importer), so that they match
    frame = pd.DataFrame({role: raw.strings(key).to_pandas().astype("string").map(one_line, na_action="ignore")
                          .astype("string") for role, key in roles.items()})
    metric_keys = [k for k in raw.keys if k not in roles.values()]
    for key in metric_keys:
        frame[key] = _metric_values(raw, key, problems)
    blank = _blank_or_repeated(raw, frame, roles, problems)
    frame = frame[~blank].reset_index(drop=True)
    names = _metric_names(metric_keys, set(frame.columns) - set(metric_keys))
    for key, named in names.items():
        if named != key:
            problems.append(Problem(f"metric renamed to {named!r}: cxcommit's own tables use the name {key!r}",
                                    column=key, severity="warning"))
    frame = frame.rename(columns=names)
    headcount = next((named for named in names.values() if is_headcount(named)), None)
    return UnitMetrics(frame, tuple(n for n in names.values() if n != headcount), raw.source, tuple(problems),
                       headcount)


def _key_columns(raw: RawTable) -> dict[str, str]:
    """The business unit, wave and (if any) division columns by role; an error if the business unit
    or wave is missing or named twice (they join the metrics to respondents: which is meant is unclear)."""
    candidates: dict[str, list[str]] = {}
    for key in raw.keys:
        role = "wave" if is_wave_column(key) else attribute_for(key, key)
        if role in ("business_unit", "division", "wave"):
            candidates.setdefault(role, []).append(key)
    twice = {role: keys for role, keys in candidates.items() if len(keys) > 1 and role != "division"}
    if twice:
        raise DataValidationError(
            f"{raw.source} has more than one "
            + " and more than one ".join(f"{role.replace('_', ' ')} column ({', '.join(repr(k) for k in keys)})"
                                         for role, keys in twice.items()) + ".",
            hint="Keep one business unit column and one wave column, or rename the others so that they do not read "
                 "as one (e.g. 'unit_code').")
    roles = {role: keys[0] for role, keys in candidates.items()}
    missing = [r for r in ("business_unit", "wave") if r not in roles]
    if missing:
        raise DataValidationError(
            f"{raw.source} has no {' and no '.join(m.replace('_', ' ') + ' column' for m in missing)}.",
            hint="A unit-metrics table needs a 'business_unit' and a 'wave' column, then one column per metric. "
                 f"Its columns are: {', '.join(raw.keys)}.",
        )
    return roles


def _metric_values(raw: RawTable, key: str, problems: list[Problem]) -> np.ndarray:
    """A metric column as numbers (NaN where blank); text that is no number, and a percentage outside
    0–100, is read as missing and added to ``problems``."""
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
    return values


def _blank_or_repeated(raw: RawTable, frame: pd.DataFrame, roles: dict[str, str],
                       problems: list[Problem]) -> pd.Series:
    """The rows without a business unit or wave (each a warning in ``problems``); an error if a
    business unit and wave appear in more than one row."""
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
    return blank


# Column names of the tables unit metrics are joined into (cxcommit.analyses.pay: unit_table, pay_alignment,
# pay_relations): a metric of one of these names is renamed, so it cannot overwrite or clash with them.
RESERVED = frozenset({"business_unit", "division", "wave", "group", "n", "p", "k", "sign_7", "mean_signs",
                      "fully_committed", "units", "incentive_share", "suppressed", "suppression", "ci_low", "ci_high",
                      "change_prev", "change_prev_p", "change_first", "change_first_p", "slope", "x", "y", "r",
                      "prev_wave", "change_prev_significant", "change_first_low", "change_first_high",
                      "change_first_p_holm", "change_first_significant",
                      "p_value", "index", "respondents", "other_signs", "n_eff", "p_holm", "enough_units", "stated"})


def _metric_names(keys: list[str], taken: set[str]) -> dict[str, str]:
    """Each metric column's name in :attr:`UnitMetrics.frame`: its own, or "<name> (unit metric)"
    where cxcommit's tables use the name (an "n" of headcount, a "group")."""
    used = set(keys) | taken
    names = {}
    for key in keys:
        named = key
        if key in RESERVED:
            named = f"{key} (unit metric)"
            while named in used:
                named += "'"
            used.add(named)
        names[key] = named
    return names
