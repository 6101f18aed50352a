"""A mapping's items as an editable table, and back: what the dashboard's mapping form edits.

Answer labels are written as ``text = value`` pairs separated by semicolons, e.g.
``Yes = 1; No = 0; Not sure = dont_know``. Whatever is edited goes through
:func:`cxcommit.mapping.mapping_from_dict`, so the form reports problems as a mapping file would.
"""
from __future__ import annotations

import math

import pandas as pd

from cxcommit.errors import MappingError, Problem
from cxcommit.mapping import Mapping, mapping_from_dict

ITEM_COLUMNS = ["use", "column", "item", "label", "scale", "low", "high", "favourable_from", "answer_labels"]


def format_labels(labels: dict) -> str:
    """``{"Yes": 1.0, "Not sure": "dont_know"}`` → ``"Yes = 1; Not sure = dont_know"``."""
    return "; ".join(f"{text} = {value:g}" if isinstance(value, float) else f"{text} = {value}"
                     for text, value in labels.items())


def parse_labels(text: str, where: str = "answer labels") -> dict:
    """The inverse of :func:`format_labels`; raises :class:`MappingError` naming the bad pair.

    >>> parse_labels("Yes = 1; No = 0; Not sure = dont_know")
    {'Yes': 1.0, 'No': 0.0, 'Not sure': 'dont_know'}
    """
    labels = {}
    for pair in filter(None, (part.strip() for part in (text or "").split(";"))):
        answer, sep, value = pair.rpartition("=")
        if not sep or not answer.strip():
            raise MappingError(f"{where}: {pair!r} is not of the form 'answer = value'.",
                               hint="Write e.g. 'Yes = 1; No = 0; Not sure = dont_know'.",
                               problems=[Problem("not of the form 'answer = value'", column=where, value=pair)])
        value = value.strip()
        try:
            labels[answer.strip()] = float(value)
        except ValueError:
            labels[answer.strip()] = value
    return labels


def items_table(mapping: Mapping, columns: list[str] | None = None) -> pd.DataFrame:
    """One row per mapped item (``use`` true), then one per other column of ``columns`` (``use`` false)."""
    rows = [{"use": True, "column": m.column, "item": m.item, "label": m.label, "scale": m.scale, "low": m.low,
             "high": m.high, "favourable_from": m.favourable_from, "answer_labels": format_labels(m.labels)}
            for m in mapping.items]
    mapped = {m.column for m in mapping.items} | mapping.columns_used
    rows += [{"use": False, "column": c, "item": "", "label": "", "scale": "likert", "low": None, "high": None,
              "favourable_from": None, "answer_labels": ""} for c in (columns or []) if c not in mapped]
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" else float(value)


def edited_mapping(mapping: Mapping, items: pd.DataFrame, *, attributes: dict[str, str | None],
                   wave: dict, respondent_id: str | None) -> Mapping:
    """``mapping`` with the items, attributes, wave rule and respondent id of the form, validated."""
    data = mapping.to_dict()
    kept = {m.column: m for m in mapping.items}
    entries = []
    for row in items[items["use"].fillna(False).astype(bool)].to_dict("records"):
        before = kept.get(row["column"])
        entry = {"column": row["column"], "item": str(row["item"] or "").strip(), "scale": row["scale"],
                 "label": str(row["label"] or ""), "low": _number(row["low"]), "high": _number(row["high"]),
                 "favourable_from": _number(row["favourable_from"]),
                 "labels": parse_labels(row["answer_labels"], f"answer labels of {row['column']!r}")}
        if before is not None and before.question:
            entry["question"] = before.question
        entries.append({k: v for k, v in entry.items() if v is not None})
    data["items"] = entries
    data["attributes"] = {name: column for name, column in attributes.items() if column}
    data["wave"] = wave
    data["respondent_id"] = respondent_id
    return mapping_from_dict(data, "The mapping in the form")
