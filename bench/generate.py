"""Generate the benchmark export: 1,000,000 rows by default (8 waves, 8 divisions, 60 units, 3 roles; ~380 MB).

Columns: respondent id, email and IP address (identifiers the import must drop), wave, division,
business unit, role, region, the 8 signs as text (Yes / No / Don't know / blank), NPS 0–10, the
unit's incentive share tied to CX, and a free-text comment.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROWS = 1_000_000
CACHE = Path(__file__).resolve().parent / ".cache"


CHUNK = 1_000_000  # rows generated and written at a time (a 10M-row export is written in ten parts)


def generate(path: Path, rows: int = ROWS, seed: int = 7) -> Path:
    """The export of ``rows`` respondents at ``path``, written a million rows at a time; each unit's
    own values (its level, its incentive share) drawn once for the whole file."""
    rng = np.random.default_rng(seed)
    unit_level = rng.normal(0, 0.6, 60)
    incentive = np.round(rng.uniform(0, 40, 60), 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = _part(rng, 0, min(CHUNK, rows), unit_level, incentive)
    partial = path.with_name(path.name + ".part")  # named as the export once whole
    with pacsv.CSVWriter(partial, part.schema) as writer:
        writer.write_table(part)
        for first in range(CHUNK, rows, CHUNK):
            writer.write_table(_part(rng, first, min(CHUNK, rows - first), unit_level, incentive))
    partial.replace(path)
    return path


def _part(rng, first: int, rows: int, unit_level: np.ndarray, incentive: np.ndarray) -> pa.Table:
    """Rows ``first`` to ``first + rows`` of the export."""
    units = np.array([f"Unit {i:02d}" for i in range(60)])
    divisions = np.array([f"Division {chr(65 + i)}" for i in range(8)])
    unit_division = np.repeat(np.arange(8), 8)[:60]
    unit = rng.integers(0, 60, rows)
    wave = rng.integers(0, 8, rows)
    role = rng.choice(3, rows, p=[0.12, 0.25, 0.63])
    level = unit_level[unit] + 0.08 * wave + np.array([0.6, 0.2, -0.1])[role]
    answers = np.array(["No", "Yes", "Don't know", ""], dtype=object)
    seconds = rng.integers(0, 86400 * 90, rows) + wave * 86400 * 91
    stamps = (np.datetime64("2024-01-01T00:00:00") + seconds.astype("timedelta64[s]")).astype(str)
    numbers = range(first, first + rows)
    columns = {
        "StartDate": pa.array(np.char.replace(stamps, "T", " "), pa.string()),
        "RecordedDate": pa.array(np.char.replace(stamps, "T", " "), pa.string()),
        "ResponseId": pa.array([f"R_{i:08d}" for i in numbers], pa.string()),
        "RecipientFirstName": pa.array(np.array(["Ana", "Ben", "Chloé", "Dmitri", "Eva", "Farid"])[unit % 6], pa.string()),
        "RecipientLastName": pa.array([f"Surname{i % 5000}" for i in numbers], pa.string()),
        "Email": pa.array([f"person{i}@example.com" for i in numbers], pa.string()),
        "IPAddress": pa.array([f"10.{i % 250}.{(i // 250) % 250}.{i % 97}" for i in numbers], pa.string()),
        "Wave": pa.array(np.array([f"20{24 + w // 4}-Q{w % 4 + 1}" for w in range(8)])[wave], pa.string()),
        "Division": pa.array(divisions[unit_division[unit]], pa.string()),
        "Business Unit": pa.array(units[unit], pa.string()),
        "Role": pa.array(np.array(["Executive", "Manager", "Employee"])[role], pa.string()),
        "Region": pa.array(np.array(["North", "South", "East", "West"])[unit % 4], pa.string()),
    }
    base = np.array([1.1, 0.5, -0.1, 0.7, 0.2, -0.3, -1.3, -0.9])
    for s in range(8):
        yes = rng.random(rows) < 1 / (1 + np.exp(-(base[s] + level)))
        code = yes.astype(np.int8)
        code[rng.random(rows) < 0.06] = 2
        code[rng.random(rows) < 0.02] = 3
        columns[f"sign_{s + 1}"] = pa.array(answers[code], pa.string())
    columns["NPS"] = pa.array(np.clip(np.round(6 + 1.5 * level + rng.normal(0, 2, rows)), 0, 10).astype(int).astype(str),
                              pa.string())
    columns["Incentive share tied to CX (%)"] = pa.array(incentive[unit].astype(str), pa.string())
    columns["LocationLatitude"] = pa.array(np.round(rng.uniform(35, 60, rows), 6).astype(str), pa.string())
    columns["LocationLongitude"] = pa.array(np.round(rng.uniform(-10, 30, rows), 6).astype(str), pa.string())
    words = np.array("customer customers targets sales volume the our CEO town hall focus service quality budget "
                     "bonus teams leaders roadmap every quarter feedback decisions listen talk walk".split())
    lengths = rng.integers(0, 30, rows)
    picks = words[rng.integers(0, len(words), (rows, 30))]
    columns["Comment"] = pa.array([" ".join(picks[i, :n]) for i, n in enumerate(lengths)], pa.string())
    return pa.table(columns)


def benchmark_file(rows: int = ROWS) -> Path:
    """The cached export, generated on first use."""
    path = CACHE / f"export_{rows}.csv"
    if not path.exists():
        generate(path, rows)
    return path


if __name__ == "__main__":
    print(benchmark_file(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS))
