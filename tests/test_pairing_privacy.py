"""People who answered two waves (cxcommit.privacy.pairing), attacked as the independent attack did.

A change between two waves pairs the answers of the people who gave both. The attack: in a panel
where 1 to 4 people of each unit answered both quarters, the trends view's interval and p-value of
each unit's change gave away how many were paired (the degrees of freedom) and how each of them
answered in each wave (the covariance): one person's two answers, by name of unit. Publishing now
pairs people only in patterns of the minimum, so every count of paired people a published number
rests on is 0 or at least the minimum, for any group, filter, difference or minimum.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from audit import _in_span, _labels, _published_rows, _row_space, breakdowns
from cxcommit import Settings, apply_mapping, read_raw, suggest_mapping
from cxcommit.analyses.groups import item_masks, make_groups
from cxcommit.analyses.panels import PAIRED, paired_counts
from cxcommit.analyses.trends import trends
from cxcommit.privacy.pairing import BLANK, answer_states
from cxcommit.privacy.publish import publish, reporting_attributes

K = 5
DEMO = Path(__file__).resolve().parent.parent / "data" / "demo_responses.csv"
QUARTERS = ["2025-Q2", "2025-Q3"]


def panel(repeat, units=None) -> pd.DataFrame:
    """The demo's first two quarters, where ``repeat(unit_rows)`` of each unit's later respondents
    (in the order of the file) take the id of one of the unit's earlier respondents with the same
    role and region where there is one, else any of the unit's (in ``units`` only, where given)."""
    demo = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    demo = demo[demo["wave"].isin(QUARTERS)].reset_index(drop=True)
    for unit, rows in demo.groupby("business_unit").groups.items():
        if units is not None and unit not in units:
            continue
        later = [r for r in rows if demo.at[r, "wave"] == QUARTERS[1]]
        _reuse_ids(demo, [r for r in rows if demo.at[r, "wave"] == QUARTERS[0]], later[:repeat(len(later))])
    return demo


def _reuse_ids(demo: pd.DataFrame, earlier: list, later: list) -> None:
    """Each of the rows ``later`` takes the id of one of the rows ``earlier`` not yet taken, with the
    same role and region where there is one."""
    taken = set()
    for r in later:
        alike = [e for e in earlier if e not in taken
                 and (demo.at[e, "role"], demo.at[e, "region"]) == (demo.at[r, "role"], demo.at[r, "region"])]
        free = alike or [e for e in earlier if e not in taken]
        if free:
            taken.add(free[0])
            demo.at[r, "respondent_id"] = demo.at[free[0], "respondent_id"]


def moving_panel() -> pd.DataFrame:
    """Three quarters of the demo, where 90 % of each unit's respondents answered the quarter before
    too (with the same role and region where possible); in the last quarter about one in seven answers
    from another unit of the same division, and a fifth of sign_1, ceo_patience and nps are blank
    in the second (the second attack's panel)."""
    waves = ["2025-Q2", "2025-Q3", "2025-Q4"]
    demo = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    demo = demo[demo["wave"].isin(waves)].reset_index(drop=True)
    for _, rows in demo.groupby("business_unit").groups.items():
        for before, after in zip(waves, waves[1:]):
            earlier = [r for r in rows if demo.at[r, "wave"] == before]
            later = [r for r in rows if demo.at[r, "wave"] == after]
            _reuse_ids(demo, earlier, later[:math.ceil(0.9 * len(earlier))])
    rng = np.random.default_rng(1)
    middle = demo[demo["wave"] == waves[1]]
    last_ids = set(demo.loc[demo["wave"] == waves[2], "respondent_id"])
    free = middle[~middle["respondent_id"].isin(last_ids)]
    for r in demo.index[demo["wave"] == waves[2]]:
        if rng.random() < 0.15:
            elsewhere = free[(free["division"] == demo.at[r, "division"]) & (free["business_unit"] != demo.at[r, "business_unit"])]
            if len(elsewhere):
                demo.at[r, "respondent_id"] = elsewhere["respondent_id"].iloc[0]
                free = free[free["respondent_id"] != elsewhere["respondent_id"].iloc[0]]
    for column in ("sign_1", "ceo_patience", "nps"):
        demo.loc[(demo["wave"] == waves[1]) & (rng.random(len(demo)) < 0.2), column] = ""
    return demo


def five_wave_panel() -> pd.DataFrame:
    """The fourth attack's panel: five quarters of the demo where each respondent takes, with
    probability 0.8, the id of someone of the same unit, role and region in an earlier quarter (the
    second such, not the first, 4 times in 10: people skip quarters); 12 % look for them in another
    unit of their role; 15 % of sign_1, ceo_patience and nps blank in the second quarter."""
    waves = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    rng = np.random.default_rng(3)
    demo = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    demo = demo[demo["wave"].isin(waves)].reset_index(drop=True)
    seen: dict[tuple, list] = {}  # (unit, role, region) -> ids of earlier quarters
    for quarter in waves:
        before, used = {place: list(ids) for place, ids in seen.items()}, set()
        for r in demo.index[demo["wave"] == quarter]:
            place = own = (demo.at[r, "business_unit"], demo.at[r, "role"], demo.at[r, "region"])
            if rng.random() < 0.12:
                elsewhere = [p for p in before if p[0] != place[0] and p[1] == place[1]]
                if elsewhere:
                    place = elsewhere[rng.integers(len(elsewhere))]
            pool = [p for p in before.get(place, []) if p not in used]
            if pool and rng.random() < 0.8:
                chosen = pool[0] if rng.random() > 0.4 else pool[min(len(pool) - 1, 1)]
                demo.at[r, "respondent_id"] = chosen
                used.add(chosen)
            ids = seen.setdefault(own, [])
            if demo.at[r, "respondent_id"] not in ids:
                ids.append(demo.at[r, "respondent_id"])
    for column in ("sign_1", "ceo_patience", "nps"):
        demo.loc[(demo["wave"] == waves[1]) & (rng.random(len(demo)) < 0.15), column] = ""
    return demo


def imported(frame: pd.DataFrame):
    raw = read_raw(frame.to_csv(index=False).encode(), "panel.csv")
    return apply_mapping(raw, suggest_mapping(raw))


@pytest.fixture(scope="module")
def few():
    """The attack's panel: 1 to 4 people of each unit in both quarters (by unit, in turn)."""
    return imported(panel(lambda later: 1 + later % 4))


@pytest.fixture(scope="module")
def moved():
    return imported(moving_panel())


@pytest.fixture(scope="module")
def many():
    """Most of each unit's later respondents answered the earlier quarter too."""
    return imported(panel(lambda later: int(later * 0.8)))


def test_the_attack_on_a_few_people_in_both_waves_finds_no_pairing(few):
    """The attack's data: no pattern of 5 people, so no change is computed with pairs, and the trends
    are exactly those of the same answers without ids (nothing of the pairs is in them)."""
    assert few.report.repeat_respondents > 0
    survey = publish(few, K)
    table = trends(survey, "business_unit", items=["sign_1", "sign_2"])
    assert PAIRED not in set(table["change_prev_method"].dropna())
    anonymous = few.responses.drop(columns=["respondent_id"])
    without_ids = publish(type(few)(anonymous, few.items, few.groupings, few.mapping, few.report,
                                    levels=dict(few.levels)), K)
    pd.testing.assert_frame_equal(table, trends(without_ids, "business_unit", items=["sign_1", "sign_2"]))


def test_pairs_are_still_used_where_patterns_hold_the_minimum(many):
    survey = publish(many, K)
    table = trends(survey, "division")
    assert PAIRED in set(table["change_prev_method"].dropna())
    counts = paired_counts(survey, "division", list(survey.items), Settings(min_group_size=K))
    assert counts.pairs.sum() > 0
    assert set(np.unique(counts.pairs)) - {0} and np.unique(counts.pairs)[np.unique(counts.pairs) > 0].min() >= K


def pair_audit(imported_survey, minimum: int, items: list[str], also: tuple[int, ...] = (),
               dont_know: str = "not_yes") -> dict:
    """A linear audit of what trends publish of people who answered several waves, for ``minimum``
    and each of ``also`` stacked: per item, group and pair of waves the paired counts (what an
    interval's degrees of freedom give away), beside each group's answers and "don't know" per wave,
    for every one- and two-way breakdown, unfiltered and filtered by each division and each wave.

    The unknowns: a person's rows tied by a run of some publication (:mod:`cxcommit.privacy.pairing`),
    alike in every wave of it (the combination of attributes they were in and their answer: blank,
    "don't know" or given); everyone else's answers one wave at a time (no published number pairs them: the attacker cannot know who they are in
    another wave). The targets, between 1 and ``minimum`` - 1 people: people alike in every wave
    ("don't know" and given together: their count within a group may be small, as documented), people
    who answered in one combination in one wave and in another in another, and the answers of a class
    that no one pairs (what a group's answers less its pairs leave: the third attack). A combination
    within a class is the linear audit's (tests/audit.py) to check. Returns those the equations
    determine, and any paired count published between 1 and its minimum - 1."""
    settings = Settings(min_group_size=minimum, dont_know=dont_know)
    names = ("wave", *reporting_attributes(imported_survey))
    fine_codes, _ = pd.factorize(pd.MultiIndex.from_arrays([_labels(imported_survey.frame[n]) for n in names]))
    wave = imported_survey.codes("wave")[0].astype(np.int64)
    published = {each: publish(imported_survey, each) for each in (minimum, *also)}
    back = {each: _published_rows(imported_survey, survey) for each, survey in published.items()}
    found, equations_made = [], 0
    for item in items:
        definition = imported_survey.item(item)
        state = answer_states(imported_survey.values(item).astype(np.float32), definition)
        # a person's rows in one run of some publication are linked (what a pair ties together)
        linked = np.arange(imported_survey.size)
        for each, survey in published.items():
            run = np.full(imported_survey.size, -1, dtype=np.int64)
            run[back[each]] = survey.paired_runs(item)
            for rows in pd.Series(np.flatnonzero(run >= 0)).groupby(run[run >= 0]).agg(list):
                roots = {_root(linked, r) for r in rows}
                for r in roots:
                    linked[r] = min(roots)
        root = np.array([_root(linked, r) for r in range(imported_survey.size)])
        keys, rows_of_person = [], {}
        together = np.bincount(root, minlength=imported_survey.size)[root] > 1
        for r in range(imported_survey.size):
            if together[r]:
                rows_of_person.setdefault(root[r], []).append(r)
                keys.append(None)
            else:
                keys.append(("row", int(wave[r]), int(fine_codes[r]), int(state[r])))
        for p, rows in rows_of_person.items():
            rows.sort(key=lambda r: wave[r])
            key = ("people", tuple((int(wave[r]), int(fine_codes[r]), int(state[r])) for r in rows))
            for r in rows:
                keys[r] = key
        cell_index = {key: i for i, key in enumerate(dict.fromkeys(keys))}
        cells = list(cell_index)
        row_cell = np.array([cell_index[key] for key in keys], dtype=np.int64)
        unit = np.ones(imported_survey.size)  # each unknown counts people: a paired person once
        for rows in rows_of_person.values():
            unit[rows[1:]] = 0
        truth = np.bincount(row_cell, weights=unit, minlength=len(cells))
        first = np.array([a for rows in rows_of_person.values() for i, a in enumerate(rows) for _ in rows[i + 1:]],
                         dtype=np.int64)
        second = np.array([b for rows in rows_of_person.values() for i, _ in enumerate(rows) for b in rows[i + 1:]],
                          dtype=np.int64)
        equations = []
        for each, survey in published.items():
            where = np.full(imported_survey.size, -1)
            where[back[each]] = np.arange(len(back[each]))
            shown_values = survey.values(item).astype(np.float64)
            base, _, shown_dont_know, _ = item_masks(shown_values, definition, settings)
            runs = survey.paired_runs(item)
            usable = (runs >= 0) & base  # paired, answers not withheld
            p1, p2 = where[first], where[second]
            kept = (p1 >= 0) & (p2 >= 0)
            kept[kept] &= usable[p1[kept]] & usable[p2[kept]] & (runs[p1[kept]] == runs[p2[kept]])  # one run
            frame = survey.frame
            views = [{}] + [{"division": [v]} for v in survey.codes("division")[1]] \
                + [{"wave": [w]} for w in survey.codes("wave")[1]]
            for filters in views:
                view = survey.filter(**filters) if filters else survey
                inside = np.ones(len(frame), dtype=bool)
                for name, values in filters.items():
                    inside &= np.isin(_labels(frame[name]), values)
                for by in breakdowns(names[1:]):
                    counts = paired_counts(view, by or None, [survey.item(item)],
                                           Settings(min_group_size=each, dont_know=dont_know))
                    if counts is None:
                        continue
                    found += [(item, ("paired count", each, tuple(filters.items()), tuple(by)), int(v))
                              for v in np.unique(counts.pairs) if 0 < v < each]
                    groups = make_groups(view, by or None)
                    labels = pd.MultiIndex.from_arrays([_labels(frame[n]) for n in by]) if by else None
                    group_keys = [tuple(str(v) for v in row) for row in groups.frame[by].itertuples(index=False, name=None)]
                    group = (np.array([group_keys.index(tuple(k)) if tuple(k) in group_keys else -1 for k in labels])
                             if by else np.zeros(len(frame), dtype=np.int64))
                    position = pd.Index(list(counts.waves)).get_indexer(_labels(frame["wave"]))
                    x, y = p1[kept], p2[kept]
                    same = inside[x] & inside[y] & (group[x] == group[y]) & (group[x] >= 0)
                    matrix = np.zeros((groups.size, len(counts.waves), len(counts.waves), len(cells)))
                    np.add.at(matrix, (group[x][same], position[x][same], position[y][same], row_cell[first[kept]][same]), 1)
                    np.testing.assert_array_equal(counts.pairs[0], matrix.sum(axis=-1))  # the recount
                    tables = [matrix.reshape(-1, len(cells))]
                    for counted in (base, shown_dont_know):  # each group's answers and "don't know" per wave
                        member = inside & counted & (group >= 0)
                        table = np.zeros((groups.size, len(counts.waves), len(cells)))
                        np.add.at(table, (group[member], position[member], row_cell[back[each][member]]), 1)
                        tables.append(table.reshape(-1, len(cells)))
                    for rows in tables:
                        whole = rows / np.maximum(truth, 1)
                        assert (np.isclose(whole, 0) | np.isclose(whole, 1)).all(), "a count holds part of an unknown"
                        equations += list((rows[rows.any(axis=1)] > 0).astype(float))
        equations_made += len(equations)
        target_of = {}
        main = published[minimum]  # each combination's class in the publication for ``minimum``, and
        class_of_fine = dict(zip(fine_codes[back[minimum]].tolist(), main.classes.tolist()))
        shown_answers = ~np.isnan(main.values(item).astype(np.float64))  # whether its answers are withheld
        withheld = {f for f, shown, given in zip(fine_codes[back[minimum]].tolist(), shown_answers,
                                                  state[back[minimum]] != BLANK) if given and not shown}
        for c, (kind, *rest) in enumerate(cells):
            if kind == "people":
                target_of.setdefault(("people", tuple((w, f, s != BLANK) for w, f, s in rest[0])), []).append(c)
            elif rest[2] != BLANK and rest[1] in class_of_fine and rest[1] not in withheld:
                target_of.setdefault(("unpaired", rest[0], class_of_fine[rest[1]]), []).append(c)  # published
        for rows in rows_of_person.values():  # people in one combination in one wave and in another in another
            for i, a in enumerate(rows):
                for b in rows[i + 1:]:
                    target_of.setdefault(("from", int(fine_codes[a]), "to", int(fine_codes[b])), []).append(row_cell[a])
        names_of = list(target_of)
        targets = np.zeros((len(names_of), len(cells)))
        for t, members in enumerate(target_of.values()):
            targets[t, members] = 1
        values = targets @ truth
        small = np.flatnonzero((values > 0) & (values < minimum))
        if len(small) and equations:
            inside_span = _in_span(targets[small].T, _row_space(np.unique(np.array(equations), axis=0)))
            found += [(item, names_of[t], int(values[t])) for t in small[inside_span]]
    return {"determined": found, "equations": equations_made}


def _root(parent: np.ndarray, r: int) -> int:
    while parent[r] != r:
        parent[r] = parent[parent[r]]
        r = parent[r]
    return int(r)


@pytest.mark.parametrize("dont_know", ["not_yes", "missing"])
def test_no_small_pairing_is_determined_by_every_breakdown_and_filter(many, few, dont_know):
    """Yes/no, rated (where "don't know" is never in the base) and numeric items, under both "don't
    know" settings: the second attack paired 1 to 4 people through "don't know" answers, which the
    base leaves out."""
    for survey in (many, few):
        result = pair_audit(survey, K, ["sign_1", "ceo_ownership", "nps"], dont_know=dont_know)
        assert result["determined"] == []
    assert pair_audit(many, K, ["sign_1"])["equations"] > 100  # the audit saw pairs published


def test_comparing_paired_counts_for_two_minimums_reveals_nothing_under_the_smaller(many):
    assert pair_audit(many, K, ["sign_3"], also=(6, 10))["determined"] == []


def test_a_units_answers_less_its_pairs_leave_nobody_or_a_group():
    """The third attack: only Risk & Compliance has repeat respondents, 17 of its 18 later ones paired
    on ceo_ownership; its answers in 2025-Q3 less its pairs left its one new respondent, and the
    interval's covariance told that person's answer. A class's unpaired answers are now 0 or at
    least the minimum: the audit (with every group's answers beside the pairs) determines none."""
    one_unit = imported(panel(lambda later: later, units={"Risk & Compliance"}))
    assert pair_audit(one_unit, K, ["ceo_ownership", "sign_2"])["determined"] == []


@pytest.mark.parametrize("minimum", [4, 5])
def test_unpaired_answers_are_counted_as_published_not_as_imported(minimum):
    """The fourth attack: five quarters, people skipping quarters and moving. The rule on what pairs
    leave counted a class's answers as imported; two of Home Insurance's employees' answers in
    2025-Q3 were withheld at an earlier stage, so 6 unpaired passed the rule and 4 were published,
    found beside the two-way rates. The rule counts published answers now."""
    panel_of_five = imported(five_wave_panel())
    survey = publish(panel_of_five, minimum)
    for item in ("ceo_patience", "ceo_accountability", "nps"):
        answered = ~np.isnan(survey.values(item).astype(np.float64))
        unpaired = np.bincount(survey.classes[answered & ~survey.paired_rows(item)])
        assert not ((unpaired > 0) & (unpaired < minimum)).any(), item
    assert pair_audit(panel_of_five, minimum, ["ceo_patience"])["determined"] == []


@pytest.mark.parametrize("minimum, others", [(3, (4, 5)), (5, ())])
def test_people_who_move_unit_or_leave_answers_blank_are_paired_in_whole_patterns(moved, minimum, others):
    """The second attack: three quarters, people moving to another unit, blanks in one quarter. At 3
    and 4 the paired counts of Digital's nps change since the first quarter differed by one person,
    paired at 4 only: the per-item rule looked at answers after the larger minimum's withholding."""
    assert moved.report.repeat_respondents > 500
    result = pair_audit(moved, minimum, ["sign_1", "nps", "ceo_patience"], also=others)
    assert result["determined"] == [] and result["equations"] > 100


def test_the_audit_finds_what_pairing_everyone_gives_away(monkeypatch):
    """The negative control: with every repeat respondent paired, as before, the same audit determines
    pairs of one to four people (the attack's finding)."""
    import cxcommit.privacy.publish as publishing

    monkeypatch.setattr(publishing, "paired_people",
                        lambda person, wave, stages, answered: (person, {item: person.copy() for item in answered}))
    found = pair_audit(imported(panel(lambda later: 1 + later % 4)), K, ["sign_1"])["determined"]  # published anew
    assert len(found) > 10 and {count for *_, count in found} <= {1, 2, 3, 4}
    assert any(name[0] == "paired count" for _, name, _ in found)  # published outright, too


def test_the_audit_finds_what_a_units_answers_less_its_pairs_give_away(monkeypatch):
    """The negative control of the third attack: without the rule on what pairs leave, the audit
    determines unpaired answers of one person."""
    import cxcommit.privacy.pairing as pairing

    runs = pairing._runs
    monkeypatch.setattr(pairing, "_runs", lambda unit, wave, key, minimum, row_class=None, answered=None:
                        runs(unit, wave, key, minimum))  # no class: the rule is not applied
    found = pair_audit(imported(one_newcomer()), K, ["ceo_ownership"])["determined"]
    assert found and all(name[0] == "unpaired" and count < K for _, name, count in found)


def one_newcomer() -> pd.DataFrame:
    """Six people of one unit, role and region answer two quarters, and a seventh joins them in the
    second: a run of six, and one answer beside it."""
    demo = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    rows = pd.concat([demo[demo["wave"] == QUARTERS[0]].head(6), demo[demo["wave"] == QUARTERS[1]].head(7)])
    rows = rows.assign(division="Operations", business_unit="Claims", role="Employee", region="North",
                       respondent_id=[f"P{i}" for i in [*range(6), *range(7)]])
    return rows.reset_index(drop=True)


def test_a_newcomer_beside_a_run_ends_it():
    """With the rule, the quarter's seven answers are all unpaired: none is told by the answers less
    the pairs."""
    survey = publish(imported(one_newcomer()), K)
    counts = paired_counts(survey, None, [survey.item("ceo_ownership")], Settings(min_group_size=K))
    assert counts is None or counts.pairs.sum() == 0
    assert pair_audit(imported(one_newcomer()), K, ["ceo_ownership"])["determined"] == []


def test_a_wave_added_changes_no_pairing_of_the_waves_before_it():
    """The seventh attack, through the workspace: two people answered the first two quarters with
    six others and left; a third quarter split the eight's pattern, their pairs between the first
    two quarters went, and the change between them, before and after, gave both people's answers.
    Runs are decided wave by wave: the changes between earlier waves are the same, to the last
    digit, whatever waves come after (here each of the five quarters' panel, cut after each)."""
    panel_ = five_wave_panel()
    quarters = sorted(panel_["wave"].unique())
    columns = ["item", "group", "wave", "n", "k", "change_prev", "change_prev_low", "change_prev_high",
               "change_prev_p", "change_prev_method", "change_first_low", "change_first_high", "change_first_p"]
    whole = trends(publish(imported(panel_), K), "division")[columns]
    assert (whole["change_prev_method"] == PAIRED).sum() > 100  # pairs are used
    for last in range(2, len(quarters)):
        earlier = trends(publish(imported(panel_[panel_["wave"].isin(quarters[:last])]), K), "division")[columns]
        same = whole[whole["wave"].isin(quarters[:last])].reset_index(drop=True)
        pd.testing.assert_frame_equal(earlier.reset_index(drop=True), same)


def test_people_who_leave_end_their_run_for_everyone_in_it():
    """The attack's panel in small: P1-P6 answer three quarters, P7 and P8 the first two. The eight
    are paired between the first two quarters, whether the third is there or not; the six are not
    paired into the third (the pairs would differ from the first two quarters' by the two who left)."""
    demo = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    waves = ["2025-Q2", "2025-Q3", "2025-Q4"]
    rows = []
    for wave, people in zip(waves, (range(8), range(8), range(6))):
        part = demo[demo["wave"] == wave].head(len(people))
        rows.append(part.assign(division="Operations", business_unit="Claims", role="Employee", region="North",
                                respondent_id=[f"P{i}" for i in people]))
    frame = pd.concat(rows).reset_index(drop=True)
    settings = Settings(min_group_size=K)
    for shown in (waves[:2], waves):
        survey = publish(imported(frame[frame["wave"].isin(shown)]), K)
        counts = paired_counts(survey, None, [survey.item("sign_1")], settings)
        assert counts.pairs[0, 0, 0, 1] == 8  # the first two quarters
        if len(shown) == 3:
            assert counts.pairs[0, 0, :, 2].sum() == 0  # nobody into the third
