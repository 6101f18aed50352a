"""Publishable microdata: the one gate between the imported responses and every analysis.

The guarantee: no number cxcommit shows, charts or exports is about fewer than the minimum group
size k of people or answers, nor can such a number be worked out by subtracting, combining or
filtering anything else it publishes. It holds by construction, not table by table:

1. **Classes.** Respondents are made k-anonymous over the survey's *reporting attributes* (the
   wave and the groupings the mapping declares: division, business unit, role, region and the
   few others the user turns on). Within a wave, every combination of their published values
   holds at least k people, or none. Where it doesn't, values are generalised in the user's
   terms (a small unit joins "Other units of Digital", a rare region "Other regions", a small
   role in a unit "Other roles"); where even that is not enough, the pool takes in the smallest
   reported value, or its people have the attribute before generalised too, whichever loses less
   (global recoding with local suppression, as sdcMicro does; the same data always give the same
   classes). People who fit no class of k in their wave
   are left out of every number.
2. **Answers per class.** Where fewer than k people of a class answered an item ("don't know" is
   an answer; the rule looks at how many answered, never at what they answered, so that it biases
   no share),
   their answers to it are not used (likewise respondents scored on all 8 signs, for the
   commitment index). Every published cell, filter and difference of cells is then a union of
   classes: 0 or at least k people and 0 or at least k answers.
3. **Nested across settings.** A publication for k is built through every smaller minimum up to
   the default 5 (3, 4, 5, then k: :func:`stages`), each stage generalising what the one before
   published and withholding answers from its classes, so that outputs made for two minimums
   differ only by whole classes of the smaller: comparing them reveals no group under it (under
   5 at most).
4. **People, not rows.** Rows that repeat a respondent id within a wave are left out at import,
   so a class holds k different people; a pooled cell is a union of such classes and so holds at
   least k different people too. Ids that repeat across waves are reported.

Generalisation works on the distinct combinations of the attributes (a few thousand at most,
whatever the number of rows): priority runs from the wave (never generalised) through division,
business unit, role and region to the other groupings, so the least important attribute gives
way first. Within a class (its values so far decided), each value of the next attribute with k or
more people keeps its name; the rest are pooled under the attribute's "other" value; a pool that
still holds fewer than k people takes in the smallest named value or goes back up to be
generalised one attribute higher, whichever loses less (:func:`_place`). A unit is not merged
with another to protect a unit of a few people: those few leave their division instead.

Analyses receive only a published :class:`~cxcommit.model.survey.Survey` (see :func:`require`): there is
no way from an analysis back to the imported rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from cxcommit.errors import DataValidationError, SettingsError
from cxcommit.io.columns import ATTRIBUTES, other_label
from cxcommit.model.derived import key
from cxcommit.model.signs import INCOMPLETE, signs_met_codes
from cxcommit.model.survey import Survey, drop_unused, ordered_categories
from cxcommit.settings import MIN_GROUP_SIZE_FLOOR, Settings

OTHER = -2  # the code of an attribute's generalised ("other") value; -1 stays blank
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
                         f"{self.minimum} of their group answered all 8 signs.")
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


def generalised_note(survey: Survey) -> str | None:
    """A caption's words where a published view holds generalised groups ("Other units of Digital"),
    None where it holds none.

    >>> from cxcommit.demo import import_demo
    >>> generalised_note(publish(import_demo(), 5).filter(division="Digital"))[:46]
    'Roles or regions with fewer than 5 people in a'
    """
    if survey.minimum is None:
        return None
    names = [name for name in survey.groupings if set(generalised_values(survey, name)) & set(survey.codes(name)[1])]
    if not names:
        return None
    nouns = [{"business_unit": "units", "division": "divisions", "role": "roles", "region": "regions"}.get(n, n)
             for n in names]
    listed = ", ".join(nouns[:-1]) + f" or {nouns[-1]}" if len(nouns) > 1 else nouns[0]
    return (f"{listed[0].upper()}{listed[1:]} with fewer than {survey.minimum} people in a wave are reported "
            "within “Other …” groups")


def generalised_values(survey: Survey, name: str) -> tuple[str, ...]:
    """A grouping's generalised values in a published survey ("Other units of Digital", …)."""
    return survey.disclosure.others.get(name, ()) if survey.disclosure is not None else ()


def own_values(survey: Survey, name: str) -> list[str]:
    """A grouping's values in ``survey`` that are reported on their own (not an "Other …" group).

    >>> from cxcommit.demo import load_demo
    >>> len(own_values(load_demo(), "business_unit"))
    29
    """
    others = set(generalised_values(survey, name))
    return [label for label in survey.codes(name)[1] if label not in others]


def reporting_attributes(survey: Survey) -> tuple[str, ...]:
    """The groupings that may be filters and breakdowns, in the order they keep their values:
    division, business unit, role, region, then the export's other groupings as mapped (the wave
    is never generalised, so it is not listed)."""
    standard = [name for name in ATTRIBUTES if name in survey.groupings]
    return (*standard, *(name for name in survey.groupings if name != "wave" and name not in ATTRIBUTES))


def publish(survey: Survey, minimum: int) -> Survey:
    """``survey`` as publishable microdata for groups of at least ``minimum`` (see the module).

    Kept in the imported survey's cache per ``minimum``; a published survey passed again is
    returned as it is when it was published for ``minimum`` or more.

    >>> from cxcommit.demo import import_demo
    >>> demo = publish(import_demo(), 5)
    >>> "Innovation Lab" in demo.codes("business_unit")[1], "Other units" in demo.codes("business_unit")[1]
    (False, True)
    """
    if isinstance(minimum, bool) or not isinstance(minimum, (int, np.integer)) or minimum < MIN_GROUP_SIZE_FLOOR:
        raise SettingsError(f"The minimum group size must be a whole number of at least {MIN_GROUP_SIZE_FLOOR}; "
                            f"got {minimum!r}.")
    if survey.minimum is not None:
        if survey.minimum >= minimum:
            return survey
        raise SettingsError(
            f"This survey was published for groups of at least {survey.minimum}; it cannot be published again "
            f"for {minimum}.", hint="Publish the imported survey (before any filter) for the new minimum.")
    if survey.selected is not None:
        raise SettingsError("A filtered survey cannot be published.", hint="Publish the imported survey, then filter.")
    _check_waves(survey)
    return survey.derived.get(key("published", int(minimum)), lambda: _publish(survey, int(minimum)))


def _check_waves(survey: Survey) -> None:
    """Refuse a survey with no response, or with responses that have no wave (groups are counted per
    wave: a response without one has no group). :func:`cxcommit.model.importer.apply_mapping` leaves such
    responses out, so this only stops a survey built some other way."""
    if survey.size == 0:
        raise DataValidationError("The survey has no response, so there is nothing to publish.",
                                  hint="Load a file with at least one response.")
    unknown = int((np.asarray(survey.codes("wave")[0]) < 0).sum())
    if unknown:
        raise DataValidationError(
            f"{unknown:,} of {survey.size:,} response(s) have no wave, so their groups cannot be counted.",
            hint="Leave out the responses without a wave, or give every response one (a wave column, or one "
                 "wave for the whole file).")


def require(survey: Survey, minimum: int | None = None) -> None:
    """Stop an analysis given anything but publishable microdata (for at least ``minimum``)."""
    if survey.minimum is None:
        raise SettingsError(
            "This survey has not been made publishable, so no number about it may be shown.",
            hint="Analyse the survey load_survey returns, or publish(survey, minimum) an imported one.")
    if minimum is not None and survey.minimum < minimum:
        raise SettingsError(
            f"This survey was published for groups of at least {survey.minimum}, but the settings ask for "
            f"{minimum}.", hint="Publish the imported survey again for the larger minimum.")


def attribute_costs(survey: Survey, minimum: int) -> pd.DataFrame:
    """What each reporting attribute costs: per attribute, the share of respondents with some
    attribute generalised with it (``with``) and without it (``without``). Each share counts people
    in whole multiples of ``minimum`` (rounded), so that two shares never differ by fewer than the
    minimum of people.

    >>> from cxcommit.demo import import_demo
    >>> costs = attribute_costs(import_demo(), 5).set_index("attribute")
    >>> bool(costs.loc["region", "without"] < costs.loc["region", "with"])
    True
    """
    return survey.derived.get(key("attribute_costs", minimum), lambda: _attribute_costs(survey, minimum))


def _attribute_costs(survey: Survey, minimum: int) -> pd.DataFrame:
    names = reporting_attributes(survey)

    def share(placement) -> float:
        _, keys, counts, published, placed, _ = placement
        total = counts[placed].sum()
        changed = counts[_generalised(keys, published, placed)].sum()
        return float(round(changed / minimum) * minimum / total) if total else 0.0

    full = share(_placement(survey, names, minimum))
    rows = [{"attribute": name, "with": full,
             "without": share(_placement(survey, tuple(n for n in names if n != name), minimum))} for name in names]
    return pd.DataFrame(rows, columns=["attribute", "with", "without"])


def _generalised(keys, published, placed) -> np.ndarray:
    """The placed combinations with some attribute reported under its "other" value."""
    return ((published == OTHER) & (keys[:, 1:] != OTHER)).any(axis=1) & placed


def stages(minimum: int) -> list[int]:
    """The minimums a publication for ``minimum`` is built through, each coarsening the one before:
    3, 4, 5 (the default), then ``minimum`` itself. Two publications of one survey for different
    minimums therefore differ by whole classes of the smaller (of 5 at most), and comparing them
    reveals no group under it.

    >>> stages(3), stages(5), stages(10)
    ([3], [3, 4, 5], [3, 4, 5, 10])
    """
    default = Settings.min_group_size
    return list(range(MIN_GROUP_SIZE_FLOOR, min(minimum, default) + 1)) + ([minimum] if minimum > default else [])


def _placement(survey: Survey, names: tuple[str, ...], minimum: int):
    """The rows' combination numbers, the combinations (wave and ``names`` codes), their people, their
    published codes, whether they are placed in a class, and each stage's (minimum, class of each
    combination) (see :func:`stages`)."""
    wave_codes, waves = survey.codes("wave")
    parts = [survey.codes(name) for name in names]
    # the distinct combinations of wave and attributes: the rows' codes packed into one key
    columns = [wave_codes, *(codes for codes, _ in parts)]
    widths = [len(waves) + 1, *(len(labels) + 1 for _, labels in parts)]
    combined, keys = _combinations(columns, widths)
    counts = np.bincount(combined, minlength=len(keys)).astype(np.int64)
    current, placed, classes = keys[:, 1:].copy(), np.ones(len(keys), dtype=bool), []
    for stage in stages(minimum):  # each stage generalises the values the stage before published
        # the combinations the stage before made alike are placed as one
        alike, inverse = np.unique(np.column_stack([keys[placed, 0], current[placed]]), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        people = np.bincount(inverse, weights=counts[placed]).astype(np.int64)
        published = np.full((len(alike), current.shape[1]), -3, dtype=np.int64)  # -3: not yet placed
        kept = np.ones(len(alike), dtype=bool)
        for wave in np.unique(alike[:, 0]):
            residue = _place(np.flatnonzero(alike[:, 0] == wave), 0, alike[:, 1:], people, published, stage)
            kept[residue] = False
        rows = np.flatnonzero(placed)
        current[rows] = published[inverse]
        placed[rows] = kept[inverse]
        classes.append((stage, _classes(keys[:, 0], current, placed)))
    return combined, keys, counts, current, placed, classes


def _publish(survey: Survey, minimum: int) -> Survey:
    frame = survey.frame
    names = reporting_attributes(survey)
    waves = survey.codes("wave")[1]
    parts = [survey.codes(name) for name in names]
    combined, keys, counts, published, placed, stage_classes = _placement(survey, names, minimum)
    labels, value_codes = _labels(names, parts, published, placed)
    others = {name: tuple(dict.fromkeys(labels[placed & (published[:, position] == OTHER), position]))
              for position, name in enumerate(names)}
    others = {name: values for name, values in others.items() if values}
    kept = placed[combined]
    row_class = stage_classes[-1][1][combined]

    out = {"wave": frame["wave"]}
    for name, (categories, codes) in zip(names, value_codes):
        out[name] = pd.Categorical.from_codes(codes[combined], categories=categories)
    item_columns = {item.id: frame[item.id] for item in survey.items}
    responses = pd.DataFrame({**out, **item_columns}, copy=False)
    levels = dict(survey.levels)
    withheld = _withhold_answers(survey, responses, levels, combined, stage_classes)
    unscored = _unscored(survey, responses, levels, combined, stage_classes)
    # rows by class, not in the file's order (which would single out the few generalised ones)
    placed_class = row_class[kept]  # a 16-bit key sorts by radix, several times faster
    order = np.flatnonzero(kept)[np.argsort(placed_class.astype(np.int16) if placed_class.max(initial=0) < 1 << 15
                                            else placed_class, kind="stable")]
    responses = responses.take(order).reset_index(drop=True)
    levels = {item: (codes[order], values) for item, (codes, values) in levels.items()}
    classes = row_class[order]
    unscored = {setting: rows[order] for setting, rows in unscored.items()}

    # the usual order of categories (roles by seniority, waves in time), generalised values last
    responses["wave"] = drop_unused(responses["wave"])  # a wave whose people were all left out
    for name in names:  # made from the placed combinations' labels: every value is used
        responses[name] = _last_others(ordered_categories(responses[name], name), others.get(name, ()))
    left_out = {str(waves[w]): int(counts[(keys[:, 0] == w) & ~placed].sum())
                for w in np.unique(keys[:, 0]) if ((keys[:, 0] == w) & ~placed).any()}
    generalised = _generalised(keys, published, placed)
    disclosure = Disclosure(
        minimum=minimum, attributes=("wave", *names), people=survey.size, published=int(kept.sum()),
        generalised=int(counts[generalised].sum()), left_out=left_out, answers_withheld=withheld,
        changes=_changes(names, parts, waves, keys, counts, published, placed, labels),
        units=_units(names, parts, keys, published, placed), others=others)
    if unscored:
        disclosure = replace(disclosure, index_withheld=int(unscored["not_yes"].sum()))
    return Survey(responses, survey.items, {name: survey.groupings[name] for name in ("wave", *names)},
                  survey.mapping, survey.report, levels=levels, minimum=minimum, classes=classes,
                  disclosure=disclosure, unscored=unscored)


def _combinations(columns: list[np.ndarray], widths: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's combination number and the combinations' codes (one row each, -1 blank); numbered
    in the order of the packed key (a bincount where the key space is small, else a sort)."""
    key, bound = np.zeros(len(columns[0]), dtype=np.int64), 1
    for codes, width in zip(columns, widths):
        if bound * width >= 1 << 62:  # renumber densely before the packed key would overflow
            key, bound = _dense(key, bound)
        key = key * width + (codes.astype(np.int64) + 1)
        bound *= width
    combined, count = _dense(key, bound)
    first = np.empty(count, dtype=np.int64)
    first[combined[::-1]] = np.arange(len(combined) - 1, -1, -1)  # each combination's first row
    return combined, np.column_stack([codes[first].astype(np.int64) for codes in columns])


def _dense(key: np.ndarray, bound: int) -> tuple[np.ndarray, int]:
    """``key`` (values below ``bound``) renumbered 0, 1, … in order, and how many there are."""
    if bound <= 1 << 24:
        present = np.bincount(key, minlength=bound) > 0
        renumber = np.cumsum(present) - 1
        return renumber[key], int(present.sum())
    uniques, inverse = np.unique(key, return_inverse=True)
    return inverse.ravel(), len(uniques)


PARENT_WEIGHT = 4  # a person's value of an attribute counts as much as 4 people's values of the next one


def _place(rows: np.ndarray, depth: int, keys: np.ndarray, counts: np.ndarray, published: np.ndarray,
           minimum: int, people: int | None = None) -> np.ndarray:
    """Decide the published values of the combinations ``rows`` (which share the values decided
    for the attributes before ``depth``) from ``depth`` on; returns those that fit no class of
    ``minimum`` here, for the caller to generalise one attribute higher (``people``: how many the
    rows hold, when the caller knows).

    Values with fewer than ``minimum`` people are pooled under the attribute's "other" value. A pool
    still too small either takes in the smallest reported value (its people lose this attribute) or
    goes back up (its people lose the attribute before too), whichever loses less: a person's value
    of the attribute above weighs :data:`PARENT_WEIGHT` times as much. So a unit's 4 executives are
    reported with its 8 managers as "Other roles" rather than leave their unit, while a unit of 2
    leaves its division before a unit of 14 is merged with it."""
    total = int(counts[rows].sum()) if people is None else people
    if total < minimum:
        return rows
    if depth == keys.shape[1]:
        return rows[:0]
    values = keys[rows, depth]
    if len(rows) > 1:
        order = np.argsort(values, kind="stable")
        rows, values = rows[order], values[order]
    starts = np.concatenate(([0], np.flatnonzero(values[1:] != values[:-1]) + 1))
    ends = [*starts[1:].tolist(), len(rows)]
    pooled, reported = [], []
    last = depth + 1 == keys.shape[1]  # the parts are classes as they stand: nothing below to place
    for start, end, size in zip(starts.tolist(), ends, np.add.reduceat(counts[rows], starts).tolist()):
        part = rows[start:end]
        if size >= minimum:
            published[part, depth] = values[start]
            residue = rows[:0] if last else _place(part, depth + 1, keys, counts, published, minimum, size)
            pooled.append(residue)
            reported.append((size - int(counts[residue].sum()) if len(residue) else size, part))
        else:
            pooled.append(part)
    pool = np.concatenate(pooled)
    short = int(counts[pool].sum()) if len(pool) else 0
    if 0 < short < minimum and reported:
        size, smallest = min(reported, key=lambda reported_part: reported_part[0])
        if size <= short * PARENT_WEIGHT:
            pool = np.union1d(pool, smallest)
            short = int(counts[pool].sum())
    if not len(pool):
        return pool
    published[pool, depth] = OTHER
    return _place(pool, depth + 1, keys, counts, published, minimum, short)


def _labels(names, parts, published, placed) -> tuple[np.ndarray, list[tuple[list[str], np.ndarray]]]:
    """Each combination's published label per attribute (None blank or left out), and per attribute
    the categories and each combination's code among them."""
    labels = np.empty(published.shape, dtype=object)
    division = names.index("division") if "division" in names else None
    for position, (name, (_, imported)) in enumerate(zip(names, parts)):
        codes = published[:, position]
        column = np.array([imported[c] if c >= 0 else None for c in codes], dtype=object)
        others = np.flatnonzero(codes == OTHER)
        for row in others:
            parent = labels[row, division] if name == "business_unit" and division is not None else None
            column[row] = other_label(name, parent if parent is not None and published[row, division] != OTHER else None)
        column[~placed] = None
        labels[:, position] = column
    value_codes = []
    for position in range(len(names)):
        categories = list(dict.fromkeys(v for v in labels[:, position] if v is not None))
        lookup = {v: i for i, v in enumerate(categories)}
        codes = np.array([lookup.get(v, -1) if v is not None else -1 for v in labels[:, position]], dtype=np.int32)
        value_codes.append((categories, codes))
    return labels, value_codes


def _classes(waves: np.ndarray, published: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """Each combination's class number (-1 left out): equal published values within a wave."""
    key = np.column_stack([waves, published])[placed]
    class_of = np.full(len(placed), -1, dtype=np.int64)
    if len(key):
        class_of[placed] = np.unique(key, axis=0, return_inverse=True)[1].ravel()
    return class_of


def _last_others(column: pd.Series, generalised: tuple[str, ...]) -> pd.Series:
    """Generalised values after the imported ones, so that "Other …" comes last in every list."""
    categories = list(column.cat.categories)
    others = [c for c in categories if c in generalised]
    if not others:
        return column
    return column.cat.reorder_categories([c for c in categories if c not in others] + others)


def _gate(per_combination: np.ndarray, stage_classes: list) -> np.ndarray:
    """Which combinations' answers stay in use: at each stage, a class whose combinations still in
    use hold between 1 and the stage's minimum − 1 answers (``per_combination``: a row of counts per
    combination, each column a count that must not be small) gives up all of them."""
    used = np.ones(len(per_combination), dtype=bool)
    for stage, class_of in stage_classes:
        inside = class_of >= 0
        for counted in per_combination.T:
            per_class = np.bincount(class_of[inside], weights=(counted * used)[inside],
                                    minlength=int(class_of.max(initial=0)) + 1)
            small = (per_class > 0) & (per_class < stage)
            used &= ~(inside & small[np.maximum(class_of, 0)])
    return used


def _withhold_answers(survey: Survey, responses: pd.DataFrame, levels: dict, combined: np.ndarray,
                      stage_classes: list) -> dict[str, int]:
    """Answers of a class to an item where fewer than the minimum of its people answered it ("don't
    know" included: withholding that depended on the answers given would bias the shares) are
    blanked (in ``responses`` and ``levels``), stage by stage (see :func:`stages`); returns how
    many per item."""
    size = len(stage_classes[-1][1])
    withheld = {}
    for item in survey.items:
        if item.id in levels:  # small level codes, the last one "no answer": cheaper than the values
            codes, level_values = levels[item.id]
            answered = codes != len(level_values) - 1
        else:
            answered = ~np.isnan(responses[item.id].to_numpy(dtype=np.float32))
        dropped = ~_gate(np.bincount(combined[answered], minlength=size)[:, None], stage_classes)
        if not dropped.any():
            withheld[item.id] = 0
            continue
        blank = answered & dropped[combined]
        withheld[item.id] = int(blank.sum())
        values = responses[item.id].to_numpy(dtype=np.float32, copy=True)
        values[blank] = np.nan
        responses[item.id] = values
        if item.id in levels:
            codes, level_values = levels[item.id]
            codes = codes.copy()
            codes[blank] = len(level_values) - 1  # the last level: no answer
            levels[item.id] = (codes, level_values)
    return withheld


def _unscored(survey: Survey, responses: pd.DataFrame, levels: dict, combined: np.ndarray,
              stage_classes: list) -> dict:
    """Per "don't know" setting, the respondents scored on all 8 signs (after the answers withheld)
    whom the commitment index leaves out: their class has too few scored, stage by stage."""
    if not survey.has_signs:
        return {}
    size = len(stage_classes[-1][1])
    unpublished = Survey(responses, survey.items, survey.groupings, survey.mapping, survey.report, levels=levels)
    out = {}
    for setting in ("not_yes", "missing"):  # scored as the index scores them (level codes, not values)
        complete = signs_met_codes(unpublished, Settings(dont_know=setting)) != INCOMPLETE
        counts = np.bincount(combined[complete], minlength=size)[:, None]
        out[setting] = complete & ~_gate(counts, stage_classes)[combined]
    return out


def _changes(names, parts, waves, keys, counts, published, placed, labels) -> pd.DataFrame:
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


def _units(names, parts, keys, published, placed) -> tuple[int, int]:
    if "business_unit" not in names:
        return 0, 0
    position = names.index("business_unit")
    imported = keys[:, 1 + position]
    own = placed & (published[:, position] == imported) & (imported >= 0)
    return len(np.unique(imported[own])), len(np.unique(imported[imported >= 0]))
