"""Normalising answer labels and column names so that spelling noise never splits an answer."""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

_SPACES = re.compile(r"\s+")
_SLUG = re.compile(r"[^a-z0-9]+")


def normalize_label(text: str) -> str:
    """Case-folded, NFKC-normalised text with every run of white space (non-breaking too) as one space.

    >>> normalize_label("  Strongly\\u00a0AGREE ")
    'strongly agree'
    >>> normalize_label("Don’t know")
    "don't know"
    """
    text = unicodedata.normalize("NFKC", str(text)).replace("\u2019", "'").replace("\u2018", "'")
    return _SPACES.sub(" ", text).strip().casefold()


def slugify(text: str, *, max_length: int = 40) -> str:
    """A lower-case identifier made of letters, digits and underscores.

    >>> slugify("Q13 - I felt welcomed!")
    'q13_i_felt_welcomed'
    """
    slug = _SLUG.sub("_", normalize_label(text)).strip("_")[:max_length].rstrip("_")
    if not slug or slug[0].isdigit():
        slug = f"q_{slug}" if slug else "q"
    return slug


def shorten(text: str, width: int = 60) -> str:
    """Text cut to ``width`` characters with an ellipsis, on one line."""
    text = _SPACES.sub(" ", str(text)).strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def pct(x, signed: bool = False) -> str:
    """A share as a whole percentage (``68%``), or a difference in points (``+3 points``); empty
    where there is no value.

    >>> pct(0.684), pct(0.031, signed=True), pct(float("nan"))
    ('68%', '+3 points', '')
    """
    if x is None or pd.isna(x):
        return ""
    return f"{float(x) * 100:+.0f} points" if signed else f"{float(x):.0%}"


COLUMN_LABELS = {
    "exec_incentive_cx_pct": "Executive incentive tied to CX (%)", "sign_7": "Share saying executive pay is tied to CX",
    "mean_signs": "Mean signs met (0–8)", "fully_committed": "Share fully committed (all 8 signs)",
    "customer_nps": "Customer NPS", "csat_pct": "CSAT (%)", "n": "Answers",
}
_ACRONYMS = {"cx": "CX", "nps": "NPS", "csat": "CSAT", "ces": "CES", "kpi": "KPI", "ceo": "CEO", "exec": "executive"}


def column_label(column: str) -> str:
    """A unit metric's or an analysis column's name as words for a chart or table.

    >>> column_label("exec_incentive_cx_pct"), column_label("retention_rate_pct"), column_label("Churn")
    ('Executive incentive tied to CX (%)', 'Retention rate (%)', 'Churn')
    """
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    words = [w for w in re.split(r"[_\s]+", str(column).strip()) if w]
    percent = bool(words) and words[-1].lower() in ("pct", "percent")
    words = [_ACRONYMS.get(w.lower(), w) for w in (words[:-1] if percent else words)]
    text = " ".join(words) or str(column)
    return text[:1].upper() + text[1:] + (" (%)" if percent else "")


def p_text(p) -> str:
    """A p-value to read: ``p < 0.001``, else three decimals (``p = 0.012``); empty where missing.

    >>> p_text(0.0000003), p_text(0.01234), p_text(float("nan"))
    ('p < 0.001', 'p = 0.012', '')
    """
    if p is None or pd.isna(p):
        return ""
    return "p < 0.001" if float(p) < 0.001 else f"p = {float(p):.3f}"
