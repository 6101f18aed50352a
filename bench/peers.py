"""The same aggregates as cxcommit's, done the way peers do them: for each sign by business unit,
n, yes share and Wilson interval, a chi-square test across units, and the share fully committed."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

SIGNS = [f"sign_{i}" for i in range(1, 9)]
Z = stats.norm.ppf(0.975)


def wilson(k, n):
    p = k / n
    denom = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denom
    half = Z * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / denom
    return centre - half, centre + half


def pandas_loop(frame: pd.DataFrame) -> dict:
    """A loop per unit and sign on the exported text, as typical survey dashboards do."""
    rows, tests = [], {}
    for unit in sorted(frame["Business Unit"].unique()):
        part = frame[frame["Business Unit"] == unit]
        for sign in SIGNS:
            answers = part[sign].dropna()
            answers = answers[answers != ""]
            n, k = len(answers), int((answers == "Yes").sum())
            low, high = wilson(k, n)
            rows.append((unit, sign, n, k, k / n, low, high))
        complete = part[SIGNS].notna().all(axis=1) & (part[SIGNS] != "").all(axis=1)
        rows.append((unit, "fully", int(complete.sum()), int((part.loc[complete, SIGNS] == "Yes").all(axis=1).sum()),
                     None, None, None))
    table = pd.DataFrame(rows, columns=["unit", "sign", "n", "k", "p", "low", "high"])
    for sign in SIGNS:
        part = table[table["sign"] == sign]
        tests[sign] = stats.chi2_contingency(np.column_stack([part["k"], part["n"] - part["k"]]),
                                             correction=False).pvalue
    return {"table": table, "tests": tests}


def polars_version(frame) -> dict:
    """The same with polars expressions (the fastest peer we know)."""
    import polars as pl

    answered = [(pl.col(s).is_not_null() & (pl.col(s) != "")).sum().alias(f"{s}_n") for s in SIGNS]
    yes = [(pl.col(s) == "Yes").sum().alias(f"{s}_k") for s in SIGNS]
    complete = pl.all_horizontal([pl.col(s).is_not_null() & (pl.col(s) != "") for s in SIGNS])
    fully = pl.all_horizontal([pl.col(s) == "Yes" for s in SIGNS])
    table = frame.group_by("Business Unit").agg(
        *answered, *yes, complete.sum().alias("complete"), (complete & fully).sum().alias("fully")
    ).sort("Business Unit")
    tests = {}
    for sign in SIGNS:
        n = table[f"{sign}_n"].to_numpy().astype(float)
        k = table[f"{sign}_k"].to_numpy().astype(float)
        wilson(k, n)
        tests[sign] = stats.chi2_contingency(np.column_stack([k, n - k]), correction=False).pvalue
    return {"table": table, "tests": tests}
