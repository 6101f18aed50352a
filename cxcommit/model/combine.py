"""Several imported exports as one survey: typically one export per wave, or one per division.

Surveys are combined as imported, then the combination is published
(:func:`cxcommit.privacy.publish.publish`): groups of at least the minimum are made over all the files.
Items must mean the same in every file (same id, same scale); groupings and items missing from
a file are blank for its respondents. Categories are merged and put in the usual order (waves
in time order, roles by seniority). The report adds up rows and exclusions and prefixes each
problem and note with its file's name.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from cxcommit.errors import MappingError, SettingsError
from cxcommit.model.persons import numbered, person_codes, repeat_note, repeated_people
from cxcommit.model.survey import ordered_categories
from cxcommit.model.survey import ImportReport, Survey


def combine_surveys(surveys: list[Survey]) -> Survey:
    """One :class:`Survey` with the respondents of every survey in ``surveys`` (each as imported), in
    order: itself as imported, to be published before any analysis.

    Raises :class:`MappingError` when an item has different scales in two files, and
    :class:`SettingsError` when a survey is already published.

    >>> from cxcommit.demo import import_demo
    >>> from cxcommit.privacy.publish import publish
    >>> demo = import_demo()
    >>> first, second = demo.filter(wave=["2025-Q2"]), demo.filter(wave=["2025-Q3"])
    >>> both = combine_surveys([first, second])
    >>> both.size == first.size + second.size, both.report.waves, publish(both, 5).minimum
    (True, ('2025-Q2', '2025-Q3'), 5)
    """
    _check_combinable(surveys)
    if len(surveys) == 1:
        return surveys[0]
    items = _common_items(surveys)
    groupings = {name: source for s in surveys for name, source in s.groupings.items()}
    columns = _row_columns([s.responses for s in surveys], groupings)
    levels = _item_columns(surveys, items, columns)
    responses = pd.DataFrame(columns)
    repeated = _repeated_in_wave(responses)
    if repeated.any():  # one person per wave, across files too (as the importer does within a file)
        responses = responses[~repeated].reset_index(drop=True)
        levels = {item: (codes[~repeated], values) for item, (codes, values) in levels.items()}
    persons = person_codes(responses["respondent_id"]) if "respondent_id" in responses else None
    repeats = 0 if persons is None else repeated_people(persons, responses["wave"].cat.codes.to_numpy())
    report = combined_report([s.report for s in surveys], responses, repeats)
    if repeated.any():
        excluded = {**report.excluded, REPEATED_ACROSS_FILES: int(repeated.sum())}
        report = replace(report, excluded=excluded)
    return Survey(responses, tuple(items), groupings, surveys[0].mapping, report, levels=levels,
                  persons=numbered(persons) if repeats else None)


def scale_clashes(known: dict, items) -> list[tuple]:
    """The ``items`` measured on another scale than ``known`` (item id -> scale) gives their id: (id,
    the scale known, the item's scale) each. Their answers could not be added up or compared."""
    return [(item.id, known[item.id], item.scale) for item in items if item.id in known and known[item.id] != item.scale]


def _check_combinable(surveys: list[Survey]) -> None:
    """An error for no survey at all, or for a published one."""
    if not surveys:
        raise MappingError("There is no export to combine.", hint="Load at least one export.")
    if any(s.minimum is not None for s in surveys):
        raise SettingsError("A published survey cannot be combined with another.",
                            hint="Combine the surveys as imported (apply_mapping), then publish the combination.")


def _row_columns(frames: list[pd.DataFrame], groupings: dict[str, str]) -> dict[str, object]:
    """Each file's source rows, respondent ids and groupings, one file after another (blank where a
    file lacks one); a grouping's categories merged and put in the usual order."""
    columns: dict[str, object] = {"source_row": np.concatenate([f["source_row"].to_numpy() for f in frames])}
    if any("respondent_id" in f for f in frames):
        columns["respondent_id"] = pd.concat([f["respondent_id"] if "respondent_id" in f else
                                              pd.Series([None] * len(f), dtype="str") for f in frames],
                                             ignore_index=True)
    for name in groupings:
        parts = [f[name].array if name in f else pd.Categorical([None] * len(f)) for f in frames]
        columns[name] = ordered_categories(pd.Series(union_categoricals(parts, ignore_order=True)), name)
    return columns


def _item_columns(surveys: list[Survey], items: list, columns: dict[str, object]) -> dict:
    """Each item's values of every survey, one after another (blank where a survey lacks it), added to
    ``columns``; returns the items' level codes where every survey has them."""
    levels = {}
    for item in items:
        columns[item.id] = np.concatenate([s.responses[item.id].to_numpy(dtype=np.float32) if item.id in s.responses
                                           else np.full(len(s.responses), np.nan, dtype=np.float32) for s in surveys])
        coded = [s.item_levels(item.id) for s in surveys]
        if all(c is not None for c in coded):
            levels[item.id] = (np.concatenate([c[0] for c in coded]), coded[0][1])
    return levels


REPEATED_ACROSS_FILES = "same respondent id as a row of an earlier file in the same wave (first kept)"


def _repeated_in_wave(responses: pd.DataFrame) -> np.ndarray:
    """Rows whose respondent id already answered the same wave in an earlier row (blank ids never repeat)."""
    if "respondent_id" not in responses:
        return np.zeros(len(responses), dtype=bool)
    ids = responses["respondent_id"].astype("string").str.strip()
    named = ids.notna() & (ids != "")
    key = pd.DataFrame({"id": ids, "wave": responses["wave"].astype("string")})
    return (key.duplicated(keep="first") & named).to_numpy()


def _common_items(surveys: list[Survey]) -> list:
    items, conflicts = {}, []
    for survey in surveys:
        conflicts += [f"{item}: {before.describe()} in one file, {now.describe()} in {survey.report.source}"
                      for item, before, now in scale_clashes({i: known.scale for i, known in items.items()}, survey.items)]
        for item in survey.items:
            items.setdefault(item.id, item)
    if conflicts:
        raise MappingError("The files measure an item on different scales, so they cannot be added up: "
                           + "; ".join(conflicts) + ".",
                           hint="Map the item to the same scale in every file, or give it another id in one of them.")
    return list(items.values())


def combined_report(reports: list[ImportReport], responses: pd.DataFrame, repeats: int) -> ImportReport:
    """The files' reports added up over ``responses`` (every file's rows, with their waves); the note on
    people in more than one wave counts them over all files."""
    excluded: Counter = Counter()
    for r in reports:
        excluded.update(r.excluded)
    first = reports[0]
    return ImportReport(
        source=" + ".join(r.source for r in reports),
        format=first.format if len({r.format for r in reports}) == 1 else "several formats",
        encoding=first.encoding, delimiter=first.delimiter, sheet=first.sheet, header_rows=first.header_rows,
        rows_in_file=sum(r.rows_in_file for r in reports), rows_kept=len(responses), excluded=dict(excluded),
        personal_dropped={k: v for r in reports for k, v in r.personal_dropped.items()},
        problems=tuple(replace(p, problem=f"{r.source}: {p.problem}") for r in reports for p in r.problems),
        notes=_notes(reports, repeats),
        waves=tuple(str(w) for w in responses["wave"].cat.categories), repeat_respondents=repeats,
    )


def _notes(reports: list[ImportReport], repeats: int) -> tuple[str, ...]:
    """Each file's notes prefixed with its name, but one note on people in more than one wave,
    counted over all the files."""
    own = tuple(f"{r.source}: {note}" for r in reports for note in r.notes
                if not r.repeat_respondents or note != repeat_note(r.repeat_respondents))
    return own + ((repeat_note(repeats),) if repeats else ())
