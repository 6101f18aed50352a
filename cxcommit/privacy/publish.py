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
   their answers to it are not used (likewise respondents scored on the signs, 6 or more of 8 answered, for the
   commitment index). Every published cell, filter and difference of cells is then a union of
   classes: 0 or at least k people and 0 or at least k answers.
3. **Nested across settings.** A publication for k is built through every smaller minimum up to
   the default 5 (3, 4, 5, then k: :func:`.classes.stages`), each stage generalising what the one
   before published and withholding answers from its classes, so that outputs made for two minimums
   differ only by whole classes of the smaller: comparing them reveals no group under it (under
   5 at most).
4. **People, not rows.** Rows that repeat a respondent id within a wave are left out at import,
   so a class holds k different people; a pooled cell is a union of such classes and so holds at
   least k different people too. Ids that repeat across waves are reported, and kept only as a
   number per person (the same for a person's rows in every wave, renumbered in the published
   order): what pairs a person's answers in two waves, never the id. People are paired only in
   patterns of the minimum (the same classes, wave by wave, and the same waves answered):
   :mod:`.pairing`.

Generalisation works on the distinct combinations of the attributes (a few thousand at most,
whatever the number of rows): priority runs from the wave (never generalised) through division,
business unit, role and region to the other groupings, so the least important attribute gives
way first. Within a class (its values so far decided), each value of the next attribute with k or
more people keeps its name; the rest are pooled under the attribute's "other" value; a pool that
still holds fewer than k people takes in the smallest named value or goes back up to be
generalised one attribute higher, whichever loses less (:func:`cxcommit.privacy.classes`). A unit is not merged
with another to protect a unit of a few people: those few leave their division instead.

Analyses receive only a published :class:`~cxcommit.model.survey.Survey` (see :func:`require`): there is
no way from an analysis back to the imported rows.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from cxcommit.errors import DataValidationError, SettingsError
from cxcommit.io.columns import ATTRIBUTES, other_label
from cxcommit.model.derived import key
from cxcommit.model.persons import numbered
from cxcommit.model.survey import Survey, drop_unused, ordered_categories
from cxcommit.privacy.classes import OTHER, placement
from cxcommit.privacy.disclosure import Disclosure, changes_table, units_reported
from cxcommit.privacy.pairing import BLANK, answer_states, paired_people
from cxcommit.privacy.withhold import Answered, answered_items, unscored_index, withhold_answers
from cxcommit.settings import MIN_GROUP_SIZE_FLOOR
from cxcommit.stats.tallies import code_type
from cxcommit.vocabulary import grouping_nouns

def generalised_note(survey: Survey) -> str | None:
    """A caption's words where a published view holds generalised groups ("Other units of Digital"),
    None where it holds none.

    >>> from cxcommit.demo import import_demo
    >>> generalised_note(publish(import_demo(), 5).filter(division="Digital"))[:46]
    'Roles or regions with fewer than 5 people in a'

    A grouping named by a question is quoted, not lowercased into the sentence ("Groups by “Which
    character shot first?” with fewer than 5 people …").
    """
    if survey.minimum is None:
        return None
    names = [name for name in survey.groupings if set(generalised_values(survey, name)) & set(survey.codes(name)[1])]
    if not names:
        return None
    nouns = [grouping_nouns(name, label=survey.groupings.get(name))[1] for name in names]  # a question quoted
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


def is_own(survey: Survey, name: str | None, groups) -> np.ndarray:
    """Which of ``groups`` (values of grouping ``name``) are reported on their own: not a group
    publishing merged from small ones ("Other regions"), which no one can act on, so no title or
    finding names it best, worst or at an end (it stays in every fit and test).

    >>> from cxcommit.demo import load_demo
    >>> is_own(load_demo(), "business_unit", ["Cards", "Other units"]).tolist()
    [True, False]
    """
    return ~np.isin(np.asarray(groups, dtype=object), list(generalised_values(survey, name) if name else ()))


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

    full = share(placement(survey, names, minimum))
    rows = [{"attribute": name, "with": full,
             "without": share(placement(survey, tuple(n for n in names if n != name), minimum))} for name in names]
    return pd.DataFrame(rows, columns=["attribute", "with", "without"])


def _generalised(keys, published, placed) -> np.ndarray:
    """The placed combinations with some attribute reported under its "other" value."""
    return ((published == OTHER) & (keys[:, 1:] != OTHER)).any(axis=1) & placed


def _publish(survey: Survey, minimum: int) -> Survey:
    frame = survey.frame
    names = reporting_attributes(survey)
    waves = survey.codes("wave")[1]
    parts = [survey.codes(name) for name in names]
    combined, keys, counts, published, placed, stage_classes = placement(survey, names, minimum)
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
    answered = answered_items(survey, combined, stage_classes)
    withheld = withhold_answers(survey, responses, levels, combined, answered)
    unscored = unscored_index(survey, responses, levels, combined, stage_classes, answered)
    # rows by class, not in the file's order (which would single out the few generalised ones)
    placed_class = row_class[kept]  # a 16-bit key sorts by radix, several times faster
    order = np.flatnonzero(kept)[np.argsort(placed_class.astype(np.int16) if placed_class.max(initial=0) < 1 << 15
                                            else placed_class, kind="stable")]
    responses = responses.take(order).reset_index(drop=True)
    levels = {item: (codes[order], values) for item, (codes, values) in levels.items()}
    classes = row_class[order]
    unscored = {setting: rows[order] for setting, rows in unscored.items()}
    persons, paired = _pairing(survey, combined, order, stage_classes, answered)

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
        changes=changes_table(names, parts, waves, keys, counts, published, placed, labels),
        units=units_reported(names, parts, keys, published, placed), others=others)
    if unscored:
        disclosure = replace(disclosure, index_withheld=int(unscored["not_yes"].sum()))
    return Survey(responses, survey.items, {name: survey.groupings[name] for name in ("wave", *names)},
                  survey.mapping, survey.report, levels=levels, minimum=minimum, classes=classes,
                  disclosure=disclosure, unscored=unscored,
                  persons=persons, paired=paired)


def _pairing(survey: Survey, combined: np.ndarray, order: np.ndarray, stage_classes: list,
             answered: dict[str, Answered]) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    """The published rows' runs (persons paired only in runs of the minimum), and per item each
    row's run for it (:mod:`cxcommit.privacy.pairing`); None and none where nobody answered two
    waves."""
    person = numbered(survey.persons, order)
    if person is None:
        return None, {}
    wave = _decision_order(survey)[survey.frame["wave"].cat.codes.to_numpy()][order]
    states = {}  # per item and stage: the answers as imported, less those withheld up to that stage
    for item in survey.items:
        imported = answer_states(survey.frame[item.id].to_numpy(dtype=np.float32), item)
        states[item.id] = [np.where(used[combined], imported, BLANK)[order] for used in answered[item.id].in_use]
    person, paired = paired_people(person, wave, [(stage, class_of[combined][order]) for stage, class_of in stage_classes],
                                   states)
    person = numbered(person)
    return (person, paired) if person is not None else (None, {})


def _decision_order(survey: Survey) -> np.ndarray:
    """Per wave code, its place in the order the pairing decides the waves: the order a stored
    survey's waves were stored in (a wave added later, whatever its date, is decided after the
    others, so it changes no pairing between them), else time order."""
    labels = [str(w) for w in survey.frame["wave"].cat.categories]
    stored = [w for w in survey.report.waves_stored if w in labels]
    order = stored + [w for w in labels if w not in stored]
    return np.array([order.index(w) for w in labels], dtype=np.int64)


def _labels(names, parts, published, placed) -> tuple[np.ndarray, list[tuple[list[str], np.ndarray]]]:
    """Each combination's published label per attribute (None blank or left out), and per attribute
    the categories and each combination's code among them."""
    labels = np.empty(published.shape, dtype=object)
    division = names.index("division") if "division" in names else None
    for position, (name, (_, imported)) in enumerate(zip(names, parts)):
        parents = labels[:, division] if name == "business_unit" and division is not None else None
        parent_other = published[:, division] == OTHER if parents is not None else None
        column = _attribute_labels(name, imported, published[:, position], parents, parent_other)
        column[~placed] = None
        labels[:, position] = column
    return labels, [_value_codes(labels[:, position]) for position in range(len(names))]


def _attribute_labels(name, imported, codes, parents, parent_other) -> np.ndarray:
    """One attribute's label per combination: the imported value, its "other" value (a unit's names
    its division, where the division is reported), None where blank."""
    column = np.array([imported[c] if c >= 0 else None for c in codes], dtype=object)
    for row in np.flatnonzero(codes == OTHER):
        parent = parents[row] if parents is not None else None
        column[row] = other_label(name, parent if parent is not None and not parent_other[row] else None)
    return column


def _value_codes(labels: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The labels as categories (in order of first appearance) and each one's code (-1 for None)."""
    categories = list(dict.fromkeys(v for v in labels if v is not None))
    lookup = {v: i for i, v in enumerate(categories)}
    return categories, np.array([lookup.get(v, -1) if v is not None else -1 for v in labels],
                                dtype=code_type(len(categories)))  # gathered per row: as narrow as pandas keeps it


def _last_others(column: pd.Series, generalised: tuple[str, ...]) -> pd.Series:
    """Generalised values after the imported ones, so that "Other …" comes last in every list."""
    categories = list(column.cat.categories)
    others = [c for c in categories if c in generalised]
    if not others:
        return column
    return column.cat.reorder_categories([c for c in categories if c not in others] + others)


