"""The instrument: the items a survey can measure, with their questions and scales.

The built-in instrument is data (``instrument.csv`` beside this file): the 8 signs of executive
commitment (Temkin), optional modules on CEO behaviours, CEO competencies and practices of
committed leaders, and likelihood to recommend. A mapping can add items of its own.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cxcommit.instrument.scales import Scale, make_scale

SIGN_IDS = tuple(f"sign_{i}" for i in range(1, 9))
PAY_SIGN = "sign_7"  # executive compensation tied to CX objectives
_BUILT_IN = Path(__file__).with_name("instrument.csv")


@dataclass(frozen=True)
class Item:
    """One question the analyses know: id, short label, full question, module and scale."""

    id: str
    label: str
    question: str
    module: str
    scale: Scale


@lru_cache(maxsize=1)
def built_in_items() -> tuple[Item, ...]:
    """The built-in items, in the order of ``instrument.csv``.

    Likert items of the built-in modules default to a 5-point agreement scale.

    >>> [item.id for item in built_in_items()][:3]
    ['sign_1', 'sign_2', 'sign_3']
    >>> len([i for i in built_in_items() if i.module == "signs"])
    8
    """
    with _BUILT_IN.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Item(row["id"], row["label"], row["question"], row["module"],
             make_scale(row["scale"], 1, 5) if row["scale"] == "likert" else make_scale(row["scale"]))
        for row in rows
    )


def built_in_item(item_id: str) -> Item | None:
    return next((item for item in built_in_items() if item.id == item_id), None)
