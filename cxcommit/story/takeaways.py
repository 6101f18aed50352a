"""One-line takeaway titles for the deck's slides: what a leader should read off each chart,
from the shown (not suppressed) rows of the table behind it, one function per chapter of the story
(:data:`cxcommit.story.chapters.CHAPTERS`). Empty when nothing is shown."""
from __future__ import annotations

import pandas as pd

from cxcommit.instrument.items import SIGN_IDS
from cxcommit.stats.correlation import correlation
from cxcommit.text import pct
from cxcommit.vocabulary import column_label


def _shown(table: pd.DataFrame, column: str) -> pd.DataFrame:
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    return shown[shown[column].notna()].assign(_v=lambda t: t[column].astype(float))


def _signs_only(table: pd.DataFrame) -> bool:
    """True when every item of the table is one of the 8 signs (yes/no questions): the takeaway says
    "sign" and "yes"; else "item" and "favourable"."""
    return "item" in table and table["item"].isin(SIGN_IDS).all()


def takeaway(slide, min_group_size: int = 5) -> str:
    """The slide's message in one line (its title where no message can be read off the table).

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> from cxcommit.story.slides import deck
    >>> [takeaway(s) for s in deck(load_demo(), load_demo_metrics())][1]
    'Digital leads on commitment (5.2 of 8 signs); Operations trails (2.5)'
    """
    return slide.takeaway or slide.title


def commitment(table: pd.DataFrame) -> str:
    shown = _shown(table, "mean_signs").sort_values("_v")
    if len(shown) < 2:
        return ""
    best, worst = shown.iloc[-1], shown.iloc[0]
    return (f"{best['group']} leads on commitment ({best['_v']:.1f} of 8 signs); "
            f"{worst['group']} trails ({worst['_v']:.1f})")


def signs(table: pd.DataFrame) -> str:
    shown = _shown(table, "p")
    if shown.empty:
        return ""
    pooled = shown.groupby("label", sort=False).apply(lambda t: t["k"].astype(float).sum() / t["n"].astype(float).sum(),
                                                      include_groups=False).sort_values()
    signs = _signs_only(table)
    noun = "sign" if signs else "item"
    answer = "yes" if signs or table["scale"].eq("yes_no").all() else "favourable"
    return (f"Weakest {noun}: “{pooled.index[0]}” ({pct(pooled.iloc[0])} {answer}); "
            f"strongest: “{pooled.index[-1]}” ({pct(pooled.iloc[-1])})")


def variation(table: pd.DataFrame, groups: str = "groups") -> str:
    top = table.iloc[0]
    groups = groups[:1].upper() + groups[1:]
    chance = "" if bool(top["significant"]) else ", no more than chance would give"  # the test says so
    return (f"{groups} disagree most on “{top['label']}”: from {pct(top['min_p'])} ({top['lowest']}) "
            f"to {pct(top['max_p'])} ({top['highest']}){chance}")


def _largest(table: pd.DataFrame, column: str):
    """The shown row with the largest value of ``column`` (its value in ``_v``), or None."""
    shown = _shown(table, column)
    return None if shown.empty else shown.loc[shown["_v"].idxmax()]


def perception_gap(table: pd.DataFrame) -> str:
    top = _largest(table, "gap")
    if top is None:
        return ""
    if top["_v"] <= 0:
        noun = "sign" if _signs_only(table) else "item"
        return f"Executives see no {noun} more favourably than their staff (largest gap {pct(top['_v'], signed=True)})"
    return (f"Executives see “{top['label']}” {top['_v'] * 100:.0f} points more favourably than their staff "
            f"({pct(top['p_leaders'])} against {pct(top['p_staff'])})")


def gap_to_target(table: pd.DataFrame) -> str:
    top = _largest(table, "gap")
    if top is None:
        return ""
    if not _signs_only(table):
        return f"Furthest from everyone answering favourably: “{top['label']}”, {top['_v'] * 100:.0f} points short"
    return f"Furthest from full commitment: “{top['label']}”, {top['_v'] * 100:.0f} points short of everyone saying yes"


def _moves(table: pd.DataFrame, column: str) -> tuple[str, float, str, str] | None:
    """The group that moved most between its first and last shown wave: (group, change, first, last)."""
    shown = _shown(table, column)
    moves = []
    for group, part in shown.groupby("group", sort=False):
        if len(part) >= 2:
            moves.append((group, part["_v"].iloc[-1] - part["_v"].iloc[0], part["wave"].iloc[0], part["wave"].iloc[-1]))
    return max(moves, key=lambda m: abs(m[1])) if moves else None


def pay(table: pd.DataFrame) -> str:
    move = _moves(table, "p")
    if move is None:
        return ""
    group, change, first, last = move
    if abs(change) < 0.03:
        return f"Pay tied to CX held steady from {first} to {last}: no group moved 3 points"
    direction = "rose" if change > 0 else "fell"
    return f"Pay tied to CX {direction} most in {group}: {pct(change, signed=True)} from {first} to {last}"


def index_waves(table: pd.DataFrame) -> str:
    move = _moves(table, "mean_signs")
    if move is None:
        return ""
    group, change, first, last = move
    if abs(change) < 0.25:
        return f"Commitment held steady from {first} to {last}: no group moved a quarter of a sign"
    return f"Commitment moved most in {group}: {change:+.1f} signs from {first} to {last}"


def outcomes(table: pd.DataFrame, columns: tuple[str, ...]) -> str:
    if len(columns) != 2:
        return ""
    x, y = columns
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    result = correlation(shown[x].to_numpy(dtype=float), shown[y].to_numpy(dtype=float))
    if not result["n"] or pd.isna(result["r"]):
        return ""
    strength = "strongly " if abs(result["r"]) >= 0.5 else ""
    way = "higher" if result["r"] > 0 else "lower"
    return (f"Units that tie more incentive to CX have {strength}{way} {column_label(y)} "
            f"(r = {result['r']:.2f}, {result['n']} units)")
