"""The built-in demo data: a seeded, realistic assessment of a bank-and-insurance group.

Six divisions, thirty business units, three roles, six quarterly waves, about 5,000 responses to
the 8 signs, five module items and likelihood to recommend, plus a unit-metrics table. Patterns a
leadership team would recognise are planted on purpose; ``data/README.md`` describes them. The
committed files are package data in this folder (``data/`` in the repository links to them).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cxcommit.instrument.items import SIGN_IDS
from cxcommit.io.readers import read_raw
from cxcommit.io.unit_metrics import read_unit_metrics
from cxcommit.mapping.suggest import suggest_mapping
from cxcommit.model.importer import apply_mapping
from cxcommit.privacy.publish import publish

DATA_DIR = Path(__file__).resolve().parent  # the committed demo files, package data beside this file
DEMO_RESPONSES = "demo_responses.csv"
DEMO_METRICS = "demo_unit_metrics.csv"
SEED = 20261122
WAVES = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
DIVISIONS = {
    "Retail Banking": ["Branches North", "Branches South", "Mortgages", "Cards", "Contact Centre"],
    "Commercial Banking": ["SME Lending", "Corporate Clients", "Trade Finance", "Treasury Services", "Payments"],
    "Wealth Management": ["Private Banking", "Advisory", "Asset Management", "Pensions", "Brokerage"],
    "Insurance": ["Home Insurance", "Motor Insurance", "Life Insurance", "Claims", "Underwriting"],
    "Digital": ["Mobile App", "Online Banking", "Data & Analytics", "Customer Platforms", "Innovation Lab"],
    "Operations": ["Shared Services", "IT Infrastructure", "Risk & Compliance", "Procurement", "Facilities"],
}
REGIONS = ["North", "South", "East", "West"]
# Planted patterns (documented in data/README.md).
RISING_DIVISION = "Retail Banking"  # pay alignment rises wave by wave; the signs follow a wave later
OVERRATING_UNITS = ("Claims", "Corporate Clients", "Contact Centre")  # executives far above their staff
TINY_UNIT = "Innovation Lab"  # 2 respondents in each of the last two waves: never reportable
MODULE_ITEMS = ("ceo_ownership", "ceo_accountability", "ceo_patience", "prac_silos", "prac_measures")
AGREEMENT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
# Baseline log-odds of "yes" per sign: CX is on agendas, rarely in pay or trade-offs.
SIGN_BASE = np.array([1.1, 0.5, -0.1, 0.7, 0.2, -0.3, -1.3, -0.9])
DIVISION_LEVEL = {"Retail Banking": -0.6, "Commercial Banking": 0.0, "Wealth Management": -0.1,
                  "Insurance": 0.2, "Digital": 0.8, "Operations": -0.7}
DIVISION_TREND = {"Retail Banking": 0.0, "Commercial Banking": 0.0, "Wealth Management": 0.06,
                  "Insurance": -0.07, "Digital": 0.03, "Operations": 0.0}
BASE_INCENTIVE = {"Retail Banking": 5.0, "Commercial Banking": 10.0, "Wealth Management": 8.0,
                  "Insurance": 12.0, "Digital": 22.0, "Operations": 2.0}
COMMENTS = [
    "CX is discussed at every leadership meeting now.",
    "Our targets are still all about sales volume.",
    "I never hear the CEO talk about customers outside the annual kick-off.",
    "The new bonus scheme finally includes customer satisfaction.",
    "Executives say customers come first but cut the service budget again.",
    "Good progress on the customer roadmap this quarter.",
    "Hard to see how customer feedback changes any decision.",
    "Our unit head walks the talk on customers.",
]


@dataclass(frozen=True)
class DemoData:
    responses: pd.DataFrame  # as a survey tool would export it (text answers)
    unit_metrics: pd.DataFrame  # business unit x wave


def _incentive(division: str, wave: int, rng: np.random.Generator) -> float:
    base = BASE_INCENTIVE[division]
    if division == RISING_DIVISION:
        base += 6.0 * wave  # 5% -> 35% of executive incentive tied to CX
    return float(np.clip(base + rng.normal(0, 1.5), 0, 100))


def generate_demo(seed: int = SEED) -> DemoData:
    """The demo responses and unit metrics, the same for the same seed."""
    rng = np.random.default_rng(seed)
    staffing = np.random.default_rng(seed + 1)  # headcounts apart, so the responses stay as they were
    rows, metrics = [], []
    units = [(division, unit) for division, names in DIVISIONS.items() for unit in names]
    unit_size = {unit: int(rng.integers(18, 44)) for _, unit in units}
    unit_level = {unit: rng.normal(0, 0.35) for _, unit in units}
    unit_region = {unit: REGIONS[i % 4] for i, (_, unit) in enumerate(units)}
    unit_turnout = {unit: staffing.uniform(0.64, 0.96) for _, unit in units}  # each unit's usual participation
    for w, wave in enumerate(WAVES):
        for division, unit in units:
            incentive = _incentive(division, w, rng)
            level = DIVISION_LEVEL[division] + unit_level[unit] + DIVISION_TREND[division] * w
            if division == RISING_DIVISION:
                lagged = _incentive(division, max(w - 1, 0), np.random.default_rng(seed + w))
                level += 0.05 * (lagged - 5.0)  # the signs follow pay alignment a wave later
            size = (2 if w >= 4 else 0) if unit == TINY_UNIT else max(8, unit_size[unit] + int(rng.integers(-4, 5)))
            metrics.append(_unit_metrics(unit, division, wave, incentive, 1 / (1 + np.exp(-level)), rng,
                                         _headcount(size, unit_turnout[unit], staffing)))
            place = {"wave": wave, "division": division, "business_unit": unit}
            for _ in range(size):
                row = _respondent(f"R{len(rows) + 1:05d}", place, unit_region[unit], level, incentive, rng)
                rows.append(row)
    return DemoData(pd.DataFrame(rows), pd.DataFrame(metrics))


def _unit_metrics(unit: str, division: str, wave: str, incentive: float, commitment: float,
                  rng: np.random.Generator, headcount: int) -> dict:
    """A unit's row of metrics in a wave: its headcount; NPS and CSAT follow its commitment."""
    return {"business_unit": unit, "division": division, "wave": wave, "exec_incentive_cx_pct": round(incentive, 1),
            "headcount": headcount, "customer_nps": round(float(np.clip(-10 + 45 * commitment + rng.normal(0, 4), -100, 100)), 1),
            "csat_pct": round(float(np.clip(62 + 25 * commitment + rng.normal(0, 2.5), 0, 100)), 1)}


def _headcount(respondents: int, turnout: float, rng: np.random.Generator) -> int:
    """A unit's staff invited in a wave: its respondents at about its usual participation ``turnout``
    (a unit with almost no respondents is a team of 9–12 that hardly answered)."""
    if respondents < 5:
        return int(rng.integers(9, 13))
    return int(np.ceil(respondents / np.clip(turnout + rng.normal(0, 0.03), 0.5, 1.0)))


def _respondent(respondent_id: str, place: dict, region: str, level: float, incentive: float,
                rng: np.random.Generator) -> dict:
    """One respondent's answers: the signs from the unit's ``level`` and their role's bias (sign 7
    from the incentive share), the module items and NPS from the signs met."""
    role = rng.choice(["Executive", "Manager", "Employee"], p=[0.14, 0.26, 0.60])
    bias = {"Executive": 0.6, "Manager": 0.2, "Employee": -0.1}[role]
    if place["business_unit"] in OVERRATING_UNITS:
        bias = 2.2 if role == "Executive" else -0.7
    person = rng.normal(0, 0.5)
    logits = SIGN_BASE + level + bias + person
    logits[6] = -2.2 + 0.09 * incentive + 0.6 * bias + person  # sign 7 tracks the incentive share directly
    yes = rng.random(8) < 1 / (1 + np.exp(-logits))
    dk_rate = np.where(np.isin(np.arange(8), [2, 6, 7]), 0.10, 0.03) * (0.3 if role == "Executive" else 1)
    answers = np.where(yes, "Yes", "No").astype(object)
    answers[rng.random(8) < dk_rate] = "Don't know"
    answers[rng.random(8) < 0.02] = ""
    row = {"respondent_id": respondent_id, **place, "role": role,
           "region": region if rng.random() < 0.85 else rng.choice(REGIONS)}
    row.update(dict(zip(SIGN_IDS, answers)))
    signs_met = int(yes.sum())
    for item in MODULE_ITEMS:
        latent = 1.5 + 0.35 * signs_met + 0.4 * bias + rng.normal(0, 0.9)
        if item == "prac_measures":
            latent = 1.2 + 0.08 * incentive + 0.4 * bias + rng.normal(0, 0.9)
        row[item] = "" if rng.random() < 0.03 else AGREEMENT[int(np.clip(round(latent), 0, 4))]
    row["nps"] = str(int(np.clip(round(4.5 + 0.5 * signs_met + bias + rng.normal(0, 1.8)), 0, 10)))
    row["comment"] = COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < 0.08 else ""
    return row


def write_demo(out_dir: str | Path, seed: int = SEED) -> list[Path]:
    """Write the demo responses, unit metrics and blank templates to ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    demo = generate_demo(seed)
    paths = [out / DEMO_RESPONSES, out / DEMO_METRICS, out / "template_responses.csv",
             out / "template_unit_metrics.csv"]
    demo.responses.to_csv(paths[0], index=False, lineterminator="\n")
    demo.unit_metrics.to_csv(paths[1], index=False, lineterminator="\n")
    demo.responses.head(0).to_csv(paths[2], index=False, lineterminator="\n")
    demo.unit_metrics.head(0).to_csv(paths[3], index=False, lineterminator="\n")
    return paths


@lru_cache(maxsize=1)
def import_demo():
    """The committed demo survey as imported with its suggested mapping, every row (shared: do not
    modify it); :func:`load_demo` is what analyses take."""
    raw = read_raw(DATA_DIR / DEMO_RESPONSES)
    return apply_mapping(raw, suggest_mapping(raw))


def load_demo(minimum: int = 5):
    """The demo survey published for groups of at least ``minimum`` (kept: shared, do not modify it)."""
    return publish(import_demo(), minimum)


@lru_cache(maxsize=1)
def load_demo_metrics():
    """The committed demo unit metrics (shared: do not modify it)."""
    return read_unit_metrics(DATA_DIR / DEMO_METRICS)
