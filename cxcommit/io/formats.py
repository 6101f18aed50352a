"""Survey vendors' export layouts: which one a file is, and how its header rows name columns.

Each layout turns the first rows of a file into column keys (the name a mapping refers to) and
labels (the question text shown to people), and says how many rows are headers.

- ``qualtrics``: 3 header rows — column ids (Q1, Q2_3), question text, ImportId (JSON or, in
  some exports, single-quoted).
- ``qualtrics_legacy``: 2 header rows — V1..V10 / ids, then question text.
- ``surveymonkey``: 2 header rows — question text only over the first column of each question,
  then "Response", "Open-Ended Response" or the option of each column.
- ``google_forms``: 1 header row of question text, Timestamp first; multi-select joined with ", ".
- ``microsoft_forms``: 1 header row, ID, Start time, Completion time, Email, Name first;
  multi-select joined with ";".
- ``generic``: 1 header row, optionally below title lines (skipped and reported).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from cxcommit.errors import FileReadError
from cxcommit.text import normalize_label

FORMATS = ("auto", "generic", "qualtrics", "qualtrics_legacy", "surveymonkey", "google_forms", "microsoft_forms")
FORMAT_NAMES = {
    "generic": "generic table", "qualtrics": "Qualtrics", "qualtrics_legacy": "Qualtrics (legacy export)",
    "surveymonkey": "SurveyMonkey", "google_forms": "Google Forms", "microsoft_forms": "Microsoft Forms",
}
_IMPORT_ID = re.compile(r"""^\{\s*['"]ImportId['"]\s*:""")
_V_COLUMN = re.compile(r"^V\d+$")
_TIMESTAMPS = {"timestamp", "marca temporal", "horodateur", "zeitstempel", "carimbo de data/hora",
               "informazioni cronologiche", "tijdstempel", "sygnatura czasowa"}
_MS_FORMS_START = ["id", "start time", "completion time"]
_SM_SUBHEADERS = {"response", "open-ended response", ""}


@dataclass(frozen=True)
class Layout:
    """How a file's header rows are read."""

    format: str
    header_rows: int
    keys: tuple[str, ...]
    labels: tuple[str, ...]


def _cells(row: list[str], width: int) -> list[str]:
    return [(row[i] if i < len(row) and row[i] is not None else "").strip() for i in range(width)]


def _is_qualtrics(rows: list[list[str]], width: int) -> bool:
    """An ImportId (JSON) in at least half of the third row's filled cells."""
    filled = [c for c in rows[2] if c] if len(rows) >= 3 else []
    return bool(filled) and sum(bool(_IMPORT_ID.match(c)) for c in filled) >= max(1, len(filled) // 2)


def _is_qualtrics_legacy(rows: list[list[str]], width: int) -> bool:
    """V1, V2, V3… in the first row and ResponseID or ResponseSet in the second."""
    return (len(rows) >= 2 and sum(bool(_V_COLUMN.match(c)) for c in rows[0]) >= 3
            and any(normalize_label(c) in ("responseid", "responseset") for c in rows[1]))


def _is_surveymonkey(rows: list[list[str]], width: int) -> bool:
    """"Response" or "Open-Ended Response" in the second row, below a blank cell of the first row or
    beside a first column named Respondent ID."""
    if len(rows) < 2:
        return False
    subs = [normalize_label(c) for c in rows[1]]
    if "response" not in subs and "open-ended response" not in subs:
        return False
    blanks_over_filled = any(not rows[0][i] and rows[1][i] for i in range(1, width))
    return blanks_over_filled or normalize_label(rows[0][0]) in ("respondent id", "respondentid")


def _is_google_forms(rows: list[list[str]], width: int) -> bool:
    """A first column named Timestamp (in one of several languages)."""
    return bool(rows) and bool(rows[0]) and normalize_label(rows[0][0]) in _TIMESTAMPS


def _is_microsoft_forms(rows: list[list[str]], width: int) -> bool:
    """ID, Start time and Completion time as the first three columns."""
    return bool(rows) and [normalize_label(c) for c in rows[0][:3]] == _MS_FORMS_START


# Tried in this order; a file none of them recognises is a generic table.
_DETECTORS = [("qualtrics", _is_qualtrics), ("qualtrics_legacy", _is_qualtrics_legacy),
              ("surveymonkey", _is_surveymonkey), ("google_forms", _is_google_forms),
              ("microsoft_forms", _is_microsoft_forms)]


def detect_format(rows: list[list[str]]) -> str:
    """The vendor layout of a file from its first rows (lists of cell texts)."""
    width = max((len(r) for r in rows), default=0)
    rows = [_cells(r, width) for r in rows]
    return next((fmt for fmt, recognises in _DETECTORS if recognises(rows, width)), "generic")


def _qualtrics_keys(rows: list[list[str]], width: int) -> tuple[list[str], list[str]]:
    return rows[0], rows[1]


def _qualtrics_legacy_keys(rows: list[list[str]], width: int) -> tuple[list[str], list[str]]:
    """Ids from the second row where the first has V1.. or nothing."""
    keys = [rows[1][i] if _V_COLUMN.match(rows[0][i]) or not rows[0][i] else rows[0][i] for i in range(width)]
    return keys, rows[1]


def _surveymonkey_keys(rows: list[list[str]], width: int) -> tuple[list[str], list[str]]:
    """A question's text over its first column stands for the columns after it; each option is added."""
    keys, question = [], ""
    for top, sub in zip(rows[0], rows[1]):
        question = top or question
        keys.append(question if normalize_label(sub) in _SM_SUBHEADERS else f"{question} - {sub}" if question else sub)
    return keys, keys


def _one_header_keys(rows: list[list[str]], width: int) -> tuple[list[str], list[str]]:
    return rows[0], rows[0]


# Per layout: its header rows, and how they give keys and labels.
_HEADERS = {"qualtrics": (3, _qualtrics_keys), "qualtrics_legacy": (2, _qualtrics_legacy_keys),
            "surveymonkey": (2, _surveymonkey_keys)}


def read_layout(rows: list[list[str]], fmt: str) -> Layout:
    """Column keys and labels of the header rows under layout ``fmt`` (not ``auto``).

    The first row sets the number of columns; later rows may be data rows of another length.
    """
    width = len(rows[0]) if rows else 0
    rows = [_cells(r, width) for r in rows]
    needed, keys_of = _HEADERS.get(fmt, (1, _one_header_keys))
    if len(rows) < needed:
        raise FileReadError(
            f"A {FORMAT_NAMES[fmt]} export has {needed} header rows, but the file has only {len(rows)} row(s).",
            hint="Check that this is the right file, or choose the format 'generic'.",
        )
    keys, labels = keys_of(rows, width)
    return Layout(fmt, needed, tuple(keys), tuple(label or key for label, key in zip(labels, keys)))
