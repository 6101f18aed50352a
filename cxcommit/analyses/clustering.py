"""Respondents nested in business units: which comparisons account for it, and their numbers.

People of one unit answer alike (one leadership, one set of targets), so a division's share carries
the noise of its few units as well as of its people. Comparing a grouping above units (a division,
or any grouping whose units fall mostly in one of its groups) with the rest therefore uses the
cluster-robust variance with units as clusters (:func:`cxcommit.stats.clustered.cluster_difference`),
from counts per (group, unit) that :func:`cxcommit.analyses.groups.count_items` makes and keeps.
Business units themselves, roles (every unit holds every role) and two groupings crossed are not
nested in units, and keep the score test.
"""
from __future__ import annotations

import numpy as np

from cxcommit.analyses.groups import Groups, count_items, make_groups
from cxcommit.model.derived import key
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.stats.clustered import MIN_CLUSTERS, MIN_GROUP_CLUSTERS, ClusteredDifference, cluster_difference, clusterable

UNIT = "business_unit"
NESTED_SHARE = 0.8  # at least this share of people sit in their unit's most common group
CLUSTERED = "cluster-robust (units)"
SCORE = "score (Miettinen–Nurminen)"


def nested_in_units(survey: Survey, groups: Groups) -> bool:
    """True when ``groups`` sit above business units: one grouping, not the units themselves, with at
    least :data:`NESTED_SHARE` of the people who named a unit in their unit's most common group.

    >>> from cxcommit.demo import load_demo
    >>> demo = load_demo()
    >>> nested_in_units(demo, make_groups(demo, "division")), nested_in_units(demo, make_groups(demo, "role"))
    (True, False)
    """
    if len(groups.names) != 1 or groups.names[0] in (UNIT, "wave") or UNIT not in survey.groupings:
        return False
    return survey.derived.get(key("nested_in_units", groups.names), lambda: _nested(survey, groups.names[0]))


def _nested(survey: Survey, name: str) -> bool:
    cells = make_groups(survey, [name, UNIT])
    named = cells.keys[:, 1] >= 0
    if not named.any():
        return False
    units, sizes = cells.keys[named, 1], cells.sizes[named]
    largest = np.zeros(int(units.max()) + 1)
    np.maximum.at(largest, units, sizes)
    return bool(largest.sum() >= NESTED_SHARE * sizes.sum())


def unit_difference(survey: Survey, groups: Groups, wanted: list, settings: Settings) -> ClusteredDifference | None:
    """Each group's share minus the rest's with units as clusters, items × groups (the order of
    ``groups``), or None where the groups are not nested in units (:func:`nested_in_units`).

    People who named no unit are each a cluster of their own. Kept in ``survey.derived``.
    """
    if not nested_in_units(survey, groups):
        return None
    return survey.derived.get(key("unit_difference", groups.names, tuple(i.id for i in wanted), settings.dont_know,
                                  settings.min_group_size, settings.confidence),
                              lambda: _unit_difference(survey, groups, wanted, settings))


def _unit_difference(survey: Survey, groups: Groups, wanted: list, settings: Settings) -> ClusteredDifference:
    cells = make_groups(survey, [*groups.names, UNIT])
    counts = count_items(survey, wanted, cells, settings)
    k, n = np.stack([c.k for c in counts]), np.stack([c.n for c in counts])  # items x cells
    own = groups.keys[:, 0]
    lookup = np.full(int(max(own.max(initial=-1), cells.keys[:, 0].max(initial=-1))) + 2, -1, dtype=np.int64)
    lookup[own + 1] = np.arange(groups.size)  # a key's group (blank, -1, at 0)
    unit = cells.keys[:, 1]
    return cluster_difference(k, n, lookup[cells.keys[:, 0] + 1], np.maximum(unit, 0), groups.size,
                              alone=unit < 0, confidence=settings.confidence)


def use_clustered(result: ClusteredDifference | None, shape: tuple[int, ...]) -> np.ndarray:
    """Where the clustered comparison is used: nested groups, at least :data:`MIN_CLUSTERS` units
    answering the item, at least :data:`MIN_GROUP_CLUSTERS` of them in the group, answers that vary."""
    if result is None:
        return np.zeros(shape, dtype=bool)
    return clusterable(result, MIN_CLUSTERS, MIN_GROUP_CLUSTERS)


def compare_with_units(survey: Survey, groups: Groups, wanted: list, settings: Settings, low: np.ndarray,
                       high: np.ndarray, p_value: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The comparison to the rest (items × groups: interval ``low``, ``high`` and ``p_value`` of the
    score test) with units as clusters wherever :func:`use_clustered` says so, and each cell's method:
    :data:`CLUSTERED` or :data:`SCORE` (None where there is no comparison: ``p_value`` null). The
    difference itself is the same either way."""
    compared = ~np.isnan(p_value)
    result = unit_difference(survey, groups, wanted, settings)
    clustered = use_clustered(result, p_value.shape) & compared
    if clustered.any():
        low, high, p_value = (np.where(clustered, new, old) for new, old in
                              ((result.low, low), (result.high, high), (result.p_value, p_value)))
    return low, high, p_value, methods(clustered, compared)


def methods(clustered: np.ndarray, compared: np.ndarray) -> np.ndarray:
    """The method of each cell's comparison to the rest (None where there is none)."""
    return np.where(compared, np.where(clustered, CLUSTERED, SCORE), None).astype(object)
