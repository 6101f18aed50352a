"""What publishing did to the survey, to tell the user: the values reported under an "other" value,
the people left out, the answers withheld."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxcommit.privacy.classes import OTHER

DISCLOSURE_COLUMNS = ["wave", "attribute", "value", "reported_as", "all"]


@dataclass(frozen=True)
class Disclosure:
    """What publishing did to the survey, to tell the user.

    ``changes``: one row per wave, attribute, imported value and the "other" value (``reported_as``)
    some of its people are reported under; ``all``: none of them is reported under the value
    itself in that wave — the columns of :data:`DISCLOSURE_COLUMNS`. No count of people is given
    (it could be under the minimum). ``left_out``: people per wave who fit no class of ``minimum``
    (the summary gives only their total, and only from the minimum up).
    ``answers_withheld``: answers per item not used because their class had too few of them.
    """

    minimum: int
    attributes: tuple[str, ...]
    people: int
    published: int
    generalised: int
    left_out: dict[str, int] = field(default_factory=dict)
    answers_withheld: dict[str, int] = field(default_factory=dict)
    index_withheld: int = 0
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DISCLOSURE_COLUMNS), repr=False)
    units: tuple[int, int] = (0, 0)  # business units reported on their own in some wave, of those imported
    others: dict = field(default_factory=dict)  # grouping -> its generalised values ("Other units of Digital", …)

    @property
    def generalised_share(self) -> float:
        """The share of published respondents with any attribute generalised."""
        return self.generalised / self.published if self.published else 0.0

    def summary(self) -> list[str]:
        """Plain sentences: what was generalised or left out, and why."""
        lines = [f"No number about fewer than {self.minimum} people or answers is shown. Reporting attributes: "
                 + ", ".join(name.replace("_", " ") for name in self.attributes) + "."]
        if self.generalised:
            lines.append(f"{self.generalised:,} of {self.published:,} respondents ({self.generalised_share:.1%}) "
                         "are reported with some attribute generalised, because fewer than "
                         f"{self.minimum} people in their wave share its value with them.")
        for line in _grouped_changes(self.changes, self.minimum):
            lines.append(line)
        if self.units[1]:
            lines.append(f"{self.units[0]} of {self.units[1]} business units are reported on their own.")
        if self.left_out:
            lines.append(f"{self.count(sum(self.left_out.values()))} respondent(s) fit no group of {self.minimum} in their "
                         "wave and are left out of every number (waves " + ", ".join(self.left_out) + ").")
        withheld = {item: n for item, n in self.answers_withheld.items() if n}
        if withheld:
            lines.append(f"Answers not used where fewer than {self.minimum} people of a group answered: "
                         + ", ".join(f"{item} {self.count(n)}" for item, n in withheld.items()) + ".")
        if self.index_withheld:
            lines.append(f"{self.count(self.index_withheld)} respondent(s) left out of the commitment index: fewer than "
                         f"{self.minimum} of their group answered 6 or more of the 8 signs, or fewer than {self.minimum} of "
                         "their group's answers to a sign would be of people it leaves out.")
        return lines

    def count(self, n: int) -> str:
        """A count of people or answers in words: exact from the minimum up, else "fewer than 5"."""
        return f"{n:,}" if n >= self.minimum else f"fewer than {self.minimum}"


def _grouped_changes(changes: pd.DataFrame, minimum: int, most: int = 12) -> list[str]:
    """A line per division or unit that is not reported on its own in some wave (the ones a user
    looks for): where it is reported instead, and what would make it reportable."""
    if changes.empty:
        return []
    wanted = changes[changes["attribute"].isin(["division", "business_unit"]) & changes["all"]]
    lines = []
    for (attribute, value), rows in wanted.groupby(["attribute", "value"], sort=False):
        waves = ", ".join(dict.fromkeys(rows["wave"]))
        within = " or ".join(dict.fromkeys(rows["reported_as"]))
        noun = "unit" if attribute == "business_unit" else "division"
        lines.append(f"{value} is reported within {within} in {waves}: fewer than {minimum} of its people answered "
                     f"there. A {noun} is reported on its own in a wave where at least {minimum} of its people answer.")
    extra = len(lines) - most
    return lines[:most] + ([f"… and {extra} more."] if extra > 0 else [])


def changes_table(names, parts, waves, keys, counts, published, placed, labels) -> pd.DataFrame:
    rows = []
    for position, (name, (_, imported)) in enumerate(zip(names, parts)):
        moved = placed & (published[:, position] == OTHER) & (keys[:, 1 + position] != OTHER)
        if not moved.any():
            continue
        own = placed & (published[:, position] == keys[:, 1 + position])
        totals = pd.DataFrame({"wave": keys[:, 0], "value": keys[:, 1 + position], "of": counts,
                               "kept": np.where(own, counts, 0)}).groupby(["wave", "value"]).sum()
        frame = pd.DataFrame({"wave": keys[moved, 0], "value": keys[moved, 1 + position],
                              "reported_as": labels[moved, position], "people": counts[moved]})
        frame = frame.groupby(["wave", "value", "reported_as"], as_index=False, sort=True)["people"].sum()
        for wave, value, reported_as, people in frame.itertuples(index=False):
            rows.append({"wave": str(waves[wave]), "attribute": name,
                         "value": imported[value] if value >= 0 else "(no answer)",
                         "reported_as": reported_as, "all": int(totals.at[(wave, value), "kept"]) == 0})
    return pd.DataFrame(rows, columns=DISCLOSURE_COLUMNS)


def units_reported(names, parts, keys, published, placed) -> tuple[int, int]:
    if "business_unit" not in names:
        return 0, 0
    position = names.index("business_unit")
    imported = keys[:, 1 + position]
    own = placed & (published[:, position] == imported) & (imported >= 0)
    return len(np.unique(imported[own])), len(np.unique(imported[imported >= 0]))
