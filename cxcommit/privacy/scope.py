"""Who may do what, and what a viewer scoped to some divisions may see.

**Roles.** On a team deployment every person signed in has an :class:`Access`: an ``admin`` (the
workspace's settings, its people, deleting), an ``analyst`` (adding waves, mapping, exporting) or a
``viewer`` (seeing and presenting); :data:`ACTIONS` lists what each action covers and who may do it.
On a laptop nobody signs in: the one user has :data:`LOCAL_ACCESS`, everything.

**Scope.** A viewer may be given divisions: :func:`scoped` is then the only survey they are shown,
and everything they reach (pages, filters, breakdowns, the presentation and its deck, links) is
computed from it. It is the published survey filtered to their divisions through
:func:`cxcommit.privacy.view.view`, then *detached*: a survey of its own holding only those rows, with
the import report and the publishing report cut down to them, and no way back to the organisation
(no ``base`` survey to roll up from, no categories of other divisions, no counts of the whole file).

Why the privacy guarantee still holds (:mod:`cxcommit.privacy.publish`; tests/test_scope_privacy.py
runs the attack):

1. A division reported on its own is a union of whole classes (people who share every published
   value within a wave, each of at least k): generalisation only ever pools small values under
   "Other …", so a named division holds only its own people. Filtering the published survey to
   named divisions selects whole classes, and every count computed from the scope, under any further
   filter or breakdown, is again a union of whole classes: 0 or at least k people and answers.
2. A scoped viewer is shown **no organisation total**: every number is a sum over the scope's
   classes only, so no equation they can write involves a person of another division at all,
   and no difference of their numbers says anything about one. (Were the organisation's totals
   shown beside them, the difference would be the rest of the organisation, itself a union of whole
   classes; the attack test checks that too, as a margin, but the scope does not rely on it.)
3. Fail closed. A pooled group ("Other divisions") mixes small divisions, so it is never part of
   a scope; a division named in the scope that the survey does not report on its own adds nothing
   (and is said in :attr:`Scope.note`, without naming any other division); a survey without a
   division grouping shows a scoped viewer nothing; so does a scope none of whose divisions is there.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from cxcommit.errors import SettingsError
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.derived import key
from cxcommit.model.persons import numbered
from cxcommit.model.survey import Survey
from cxcommit.privacy.disclosure import DISCLOSURE_COLUMNS
from cxcommit.privacy.publish import generalised_values, own_values, require
from cxcommit.privacy.view import view

ROLES = ("admin", "analyst", "viewer")

# action -> (what it covers, the roles that may do it); an admin may do everything
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "see": ("open the pages, with their filters and links", ROLES),
    "present": ("the presentation, and its deck and HTML report", ROLES),
    "add": ("add or replace a survey's waves and unit metrics, rename a survey", ("admin", "analyst")),
    "map": ("edit and save a survey's mapping", ("admin", "analyst")),
    "export": ("download tables (workbook, CSV) and the workspace as a file", ("admin", "analyst")),
    "delete": ("delete a wave or a survey", ("admin",)),
    "settings": ("change the workspace's settings", ("admin",)),
    "people": ("add, change and remove people and their access", ("admin",)),
    "audit": ("read the audit log", ("admin",)),
}


@dataclass(frozen=True)
class Access:
    """What one person may do: their ``role`` (one of :data:`ROLES`) and, for a viewer, the
    ``divisions`` they may see (empty: every one).

    >>> Access("viewer", ("Digital",)).can("present"), Access("viewer", ("Digital",)).can("export")
    (True, False)
    >>> str(Access("viewer", (" Digital ", "Wealth Management", "Digital")))
    'viewer of Digital, Wealth Management'
    """

    role: str
    divisions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise SettingsError(f"{self.role!r} is not a role.", hint=f"A role is one of: {', '.join(ROLES)}.")
        given = (self.divisions,) if isinstance(self.divisions, str) else self.divisions
        divisions = tuple(dict.fromkeys(" ".join(str(d).split()) for d in given))
        if "" in divisions:
            raise SettingsError("A division in a person's access is empty.", hint="Name each division as the survey does.")
        if divisions and self.role != "viewer":
            raise SettingsError(f"Only a viewer can be limited to divisions; an {self.role} sees every division.",
                                hint="Give the person the viewer role, or no divisions.")
        object.__setattr__(self, "divisions", divisions)

    def can(self, action: str) -> bool:
        """Whether this person may do ``action`` (a key of :data:`ACTIONS`)."""
        if action not in ACTIONS:
            raise ValueError(f"Unknown action {action!r}; the actions are: {', '.join(ACTIONS)}")
        return self.role in ACTIONS[action][1]

    @property
    def is_scoped(self) -> bool:
        """True for a viewer limited to some divisions."""
        return bool(self.divisions)

    def __str__(self) -> str:
        return self.role + (" of " + ", ".join(self.divisions) if self.divisions else "")


LOCAL_ACCESS = Access("admin")  # the one user of a laptop, where nobody signs in


@dataclass(frozen=True)
class Scope:
    """What a person may see of a survey (:func:`scoped`): ``survey`` (None: nothing of it), the
    ``divisions`` it holds (empty: the whole survey), and a ``note`` saying what of their scope is
    not there and why (empty: nothing is missing)."""

    survey: Survey | None
    divisions: tuple[str, ...] = ()
    note: str = ""


def scoped(survey: Survey, access: Access) -> Scope:
    """What ``access`` may see of ``survey`` (published, unfiltered): all of it, or for a viewer
    scoped to divisions a survey of those divisions alone (see the module for why this keeps the
    privacy guarantee).

    >>> from cxcommit.demo import load_demo
    >>> scope = scoped(load_demo(), Access("viewer", ("digital", "Atlantis")))
    >>> scope.divisions, scope.survey.codes("division")[1], scope.survey.base is None
    (('Digital',), ['Digital'], True)
    >>> scope.note
    'Atlantis is not a division reported on its own in this survey, so nothing of it is shown.'
    """
    require(survey)
    if not access.is_scoped:
        return Scope(survey)
    if "division" not in survey.groupings:
        return Scope(None, note=f"This survey has no divisions, so nothing of it can be shown to a {access}.")
    found, missing = _matched(own_values(survey, "division"), access.divisions)
    note = _missing_note(missing) if missing else ""
    if not found:
        return Scope(None, note=note)
    part = survey.derived.get(key("scope", tuple(found)), lambda: detached(view(survey, division=found)))
    return Scope(part, tuple(found), note)  # one copy a scope, for every session that views it


def scoped_metrics(metrics: UnitMetrics | None, scope: Scope) -> UnitMetrics | None:
    """The unit metrics ``scope`` may see: all of them for the whole survey; for some divisions only
    the rows of their business units (by the metrics' own division column where a row has one, else
    by the units the scope's survey reports), without the problems found reading the file (they name
    other units' rows); None where the scope sees nothing.

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> scope = scoped(load_demo(), Access("viewer", ("Digital",)))
    >>> sorted(set(scoped_metrics(load_demo_metrics(), scope).frame["division"]))
    ['Digital']
    """
    if metrics is None or scope.survey is None or not scope.divisions:
        return metrics if scope.survey is not None else None
    frame = metrics.frame
    units = own_values(scope.survey, "business_unit") if "business_unit" in scope.survey.groupings else []
    keep = frame["business_unit"].isin(units).fillna(False)
    if "division" in frame:  # a row without a division: by its unit
        keep = frame["division"].isin(scope.divisions).fillna(False) | (frame["division"].isna() & keep)
    return replace(metrics, frame=frame[keep.to_numpy(dtype=bool)].reset_index(drop=True), problems=())


def _matched(present: list[str], wanted: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The survey's own divisions that ``wanted`` names (case and spacing aside), and what it names that
    the survey does not report on its own."""
    by_name = {" ".join(value.split()).casefold(): value for value in present}
    found = [by_name[name.casefold()] for name in wanted if name.casefold() in by_name]
    return list(dict.fromkeys(found)), [name for name in wanted if name.casefold() not in by_name]


def _missing_note(missing: list[str]) -> str:
    if len(missing) == 1:
        return f"{missing[0]} is not a division reported on its own in this survey, so nothing of it is shown."
    return f"{', '.join(missing)} are not divisions reported on their own in this survey, so nothing of them is shown."


def detached(part: Survey) -> Survey:
    """A filtered published survey as a survey of its own: only its rows, with nothing of the rest
    (no ``base``, no other values' categories, classes and persons renumbered, the reports cut
    down to these rows: :func:`_own_report`, :func:`_own_disclosure`). It keeps its filters, so
    that captions and decks name them."""
    frame = part.responses  # its rows taken, the categories no row uses dropped
    levels = {item: part.item_levels(item) for item in part.levels}
    unscored = {setting: part.index_excluded(setting) for setting in part.unscored}
    persons = numbered(part.person_codes())
    paired = {item: part.paired_runs(item) for item in part.paired} if persons is not None else {}
    return Survey(frame, part.items, dict(part.groupings), part.mapping, _own_report(part, frame),
                  levels=levels, filters=part.filters, minimum=part.minimum,
                  classes=_renumbered(part.class_codes()), disclosure=_own_disclosure(part, frame),
                  unscored=unscored, persons=persons, paired=paired)


def _renumbered(classes: np.ndarray) -> np.ndarray:
    """Class codes 0, 1, 2, … in their order (-1 stays), so that they tell nothing of other classes."""
    out = np.full(len(classes), -1, dtype=np.int64)
    kept = classes >= 0
    out[kept] = np.unique(classes[kept], return_inverse=True)[1]
    return out


def _own_report(part: Survey, frame: pd.DataFrame):
    """The import report of ``part`` alone: its rows, its waves, what a chart must say about test
    responses; nothing counted over the whole file (exclusions, problems with their rows, notes)."""
    report, size = part.report, len(frame)
    tests = size if report.test_responses >= report.rows_kept else min(report.test_responses, max(size - 1, 0))
    return replace(report, rows_in_file=size, rows_kept=size, excluded={}, problems=(), notes=(),
                   waves=tuple(str(w) for w in frame["wave"].cat.categories), repeat_respondents=0,
                   test_responses=tests)


def _own_disclosure(part: Survey, frame: pd.DataFrame):
    """What publishing did, as far as ``part``'s rows show it: the minimum, the attributes, how many of
    its people are reported with a generalised value (a union of whole classes: 0 or at least the
    minimum) and its own generalised values; no count or value of the rest of the organisation."""
    disclosure = part.disclosure
    if disclosure is None:
        return None
    others, generalised = {}, np.zeros(len(frame), dtype=bool)
    for name in part.groupings:
        pooled = [value for value in generalised_values(part, name) if value in set(frame[name].cat.categories)]
        if pooled:
            others[name] = tuple(pooled)
            generalised |= frame[name].isin(pooled).to_numpy()
    return replace(disclosure, people=len(frame), published=len(frame), generalised=int(generalised.sum()),
                   left_out={}, answers_withheld={}, index_withheld=0, units=(0, 0), others=others,
                   changes=pd.DataFrame(columns=DISCLOSURE_COLUMNS))
