"""Privacy by construction (cxcommit.privacy.publish): attacks on everything the product publishes.

The linear audit (tests/audit.py) stacks every published count of every one- and two-way
breakdown, unfiltered and filtered, and checks by a rank test that no count of fewer than the
minimum of people or answers is determined. Each leak found by the outside review then has its
own test, written as the attack.
"""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from audit import audit
from conftest import REALDATA
from cxcommit import Settings, SettingsError, apply_mapping, load_survey, read_raw, suggest_mapping
from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.groups import left_out, make_groups
from cxcommit.analyses.rates import rates
from cxcommit.demo import import_demo
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.model.signs import INCOMPLETE, signs_met_codes
from cxcommit.privacy.publish import publish

K = 5
LAB = "Innovation Lab"  # the demo's unit of 2 respondents in each of the last two waves




def imported(path: Path):
    raw = read_raw(path)
    return apply_mapping(raw, suggest_mapping(raw))


# --- the linear audit ---------------------------------------------------------------------------

def test_linear_audit_of_the_demo_determines_no_small_count():
    result = audit(import_demo(), K)
    assert result["targets"] > 1000 and result["equations"] > 10_000  # it looked at a lot
    assert result["determined"] == []


def test_the_audit_finds_what_publishing_for_a_smaller_minimum_gives_away():
    """The negative control: published for 3, audited for 5, the fine cells of 3 and 4 people are
    determined (as before this design, 79 % of hidden counts were)."""
    result = audit(import_demo(), K, items=["sign_7"], published_for=3)
    assert len(result["determined"]) > 100
    assert all(3 <= count < K for _, _, count in result["determined"])


@pytest.mark.parametrize("name", sorted(p.name for p in REALDATA.glob("*.csv")))
def test_linear_audit_of_each_real_export_determines_no_small_count(name):
    survey = imported(REALDATA / name)
    result = audit(survey, K, items=list(survey.item_ids)[:3])
    assert result["determined"] == []


def _survey_csv(draw) -> bytes:
    """A small random survey: few units and people, blanks, repeat respondents across waves."""
    people = draw(st.integers(4, 40))
    waves = draw(st.lists(st.sampled_from(["2026-Q1", "2026-Q2", "2026-Q3"]), min_size=1, max_size=3, unique=True))
    units = {"Alpha": ["A1", "A2", "A3"], "Beta": ["B1", "B2"]}
    rows = []
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    for person in range(people):
        division = rng.choice(list(units))
        unit = rng.choice(units[division])
        role = rng.choice(["Executive", "Manager", "Employee", ""], p=[0.2, 0.3, 0.45, 0.05])
        region = rng.choice(["North", "South", ""], p=[0.6, 0.3, 0.1])
        for wave in waves:
            if rng.random() < 0.3:
                continue  # not every person answers every wave
            answers = rng.choice(["Yes", "No", "Don't know", ""], size=8, p=[0.5, 0.35, 0.1, 0.05])
            rows.append({"respondent_id": f"P{person}", "wave": wave, "division": division, "business_unit": unit,
                         "role": role, "region": region, **dict(zip(SIGN_IDS, answers)),
                         "nps": str(rng.integers(0, 11)) if rng.random() < 0.9 else ""})
    if not rows:
        rows.append({"respondent_id": "P0", "wave": waves[0], "division": "Alpha", "business_unit": "A1",
                     "role": "Employee", "region": "North", **{s: "Yes" for s in SIGN_IDS}, "nps": "9"})
    return pd.DataFrame(rows).to_csv(index=False).encode()


@hsettings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), minimum=st.integers(3, 6), dont_know=st.sampled_from(["not_yes", "missing"]))
def test_linear_audit_of_small_random_surveys(data, minimum, dont_know):
    raw = read_raw(_survey_csv(data.draw), "random.csv")
    survey = apply_mapping(raw, suggest_mapping(raw))
    result = audit(survey, minimum, items=[i for i in ("sign_1", "nps") if i in survey.item_ids], dont_know=dont_know)
    assert result["determined"] == []


# --- each leak of the review, written as the attack -----------------------------------------

def _published_units(survey) -> pd.DataFrame:
    groups = make_groups(survey, ["division", "business_unit"])
    return groups.frame.assign(n=groups.sizes)


@pytest.mark.parametrize("second", [None, "role", "wave", "region"])
def test_a_division_minus_its_units_leaves_nobody_or_a_group(demo, second):
    """``--by division [X]`` minus ``--by business_unit [X]`` (the index table of the review): what
    is left of a division after its published units is nobody or a group of at least k."""
    extra = [second] if second else []
    divisions = commitment_index(demo, ["division", *extra]).set_index(["division", *extra])["n"]
    units = commitment_index(demo, ["business_unit", *extra]).set_index(["business_unit", *extra])["n"].fillna(0)
    parent = _published_units(demo).set_index("business_unit")["division"]
    for key, n in divisions.dropna().items():
        key = key if isinstance(key, tuple) else (key,)
        members = [u for u in parent.index if parent[u] == key[0]]
        rest = n - sum(units.get((u, *key[1:]), 0) if extra else units.get(u, 0) for u in members)
        assert rest == 0 or rest >= K, (key, rest)
    assert LAB not in set(parent.index)


def test_the_lab_employee_of_one_wave_cannot_be_recovered(demo):
    """``--wave 2026-Q2 --by division role`` minus ``--by business_unit role``: the review got the
    8 signs and the NPS of the lab's only employee that wave. Every difference is now 0 or k+."""
    wave = demo.filter(wave="2026-Q2")
    raw = import_demo().frame
    lab = raw[(raw["business_unit"] == LAB) & (raw["wave"] == "2026-Q2")]
    assert len(lab) == 2 and (lab["role"] == "Employee").sum() == 1
    for item in [*SIGN_IDS, "nps"]:
        by_division = rates(wave, ["division", "role"], items=[item]).set_index(["division", "role"])["n"]
        by_unit = rates(wave, ["business_unit", "role"], items=[item]).set_index(["business_unit", "role"])["n"].fillna(0)
        parent = _published_units(wave).set_index("business_unit")["division"]
        for (division, role), n in by_division.dropna().items():
            rest = n - sum(by_unit.get((u, role), 0) for u in parent.index if parent[u] == division)
            assert rest == 0 or rest >= K, (item, division, role, rest)


def test_no_large_unit_is_hidden_and_the_two_way_table_adds_up_to_the_one_way(demo):
    """The review found the unit hidden as a complement in the one-way table shown in every wave of
    the two-way one. Nothing is hidden to protect another group now: every unit is shown in both,
    and they agree; a cell is empty only where none of its answers could be used."""
    one = rates(demo, "business_unit", items=["sign_7"])
    two = rates(demo, ["business_unit", "wave"], items=["sign_7"])
    assert not one["suppressed"].any()
    frame = demo.frame
    for row in two[two["suppressed"]].itertuples():
        cell = (frame["business_unit"] == row.business_unit) & (frame["wave"] == row.wave)
        assert cell.sum() >= K and frame.loc[cell, "sign_7"].isna().all()
    summed = two.groupby("business_unit")["n"].sum()
    assert (one.set_index("business_unit")["n"] == summed.reindex(one["business_unit"]).to_numpy()).all()
    assert "Online Banking" in set(one["business_unit"])


def test_a_division_filter_minus_a_filter_on_its_other_units_leaves_a_group(demo):
    """``filter(division=Digital)`` against a filter on Digital's other units: the role breakdowns'
    difference was the lab. Now the units a user can choose are published ones."""
    digital = demo.filter(division="Digital")
    units = digital.codes("business_unit")[1]
    assert LAB not in units  # its 2 people a wave are reported within "Other units", outside Digital
    named = [u for u in units if not u.startswith("Other")][:-1]  # all but one of Digital's other units
    whole = commitment_index(digital, "role").set_index("role")["n"]
    rest = commitment_index(digital.filter(business_unit=named), "role").set_index("role")["n"]
    for role, n in whole.dropna().items():
        difference = n - rest.get(role, 0)
        assert difference == 0 or difference >= K, (role, difference)


def test_star_wars_regions_minus_gender_reveal_no_one():
    """``--by region Gender`` against ``--by region`` and ``--by Gender`` on the SurveyMonkey export:
    the review recovered 2 men's answers. Every margin minus its published cells is 0 or k+."""
    survey = publish(imported(REALDATA / "surveymonkey_538_starwars.csv"), K)
    gender = next(g for g in survey.groupings if g.casefold() == "gender")
    item = survey.item_ids[0]
    both = rates(survey, ["region", gender], items=[item])
    for margin in ("region", gender):
        one = rates(survey, margin, items=[item]).set_index(margin)["n"]
        cells = both.groupby(margin)["n"].sum()
        for value, n in one.dropna().items():
            difference = n - cells.get(value, 0)
            assert difference == 0 or difference >= K, (margin, value, difference)


def _repeat_csv() -> bytes:
    """One person answers alone for unit Solo in six waves; twenty people answer in unit Big."""
    rows = []
    for wave in range(6):
        rows.append({"respondent_id": "same-person", "wave": f"Wave {wave + 1}", "division": "D",
                     "business_unit": "Solo", "role": "Employee", "region": "North", "q": "Yes"})
        rows += [{"respondent_id": f"B{i}", "wave": f"Wave {wave + 1}", "division": "D", "business_unit": "Big",
                  "role": "Employee", "region": "North", "q": "No"} for i in range(20)]
    return pd.DataFrame(rows).to_csv(index=False).encode()


def test_one_person_in_six_waves_is_not_a_group_of_six():
    raw = read_raw(_repeat_csv(), "repeat.csv")
    survey = publish(apply_mapping(raw, suggest_mapping(raw)), K)
    assert "Solo" not in survey.codes("business_unit")[1]
    table = rates(survey, "business_unit")
    assert set(table["business_unit"]) == {"Big"}  # Solo's one person fits no group of five in any wave
    assert any("answered in more than one wave" in note for note in survey.report.notes)
    assert survey.disclosure.left_out == {f"Wave {w}": 1 for w in range(1, 7)}


def test_analyses_take_only_published_surveys():
    raw = import_demo()
    with pytest.raises(SettingsError, match="not been made publishable"):
        rates(raw, "division")
    with pytest.raises(SettingsError, match="not been made publishable"):
        commitment_index(raw.filter(division="Digital"), "role")
    published = publish(raw, 5)
    with pytest.raises(SettingsError, match="published for groups of at least 5"):
        rates(published, "division", settings=Settings(min_group_size=10))
    assert not hasattr(published, "subset")
    assert rates(publish(raw, 10), "division", settings=Settings(min_group_size=10))["n"].min() >= 10


def test_only_reporting_attributes_filter(demo):
    with pytest.raises(SettingsError, match="only the reporting attributes"):
        demo.filter(respondent_id=["R00001"])
    assert "respondent_id" not in demo.frame


def test_publishing_is_deterministic_and_cached():
    raw = import_demo()
    first = publish(raw, 5)
    with pytest.raises(Exception, match="cannot be published again"):
        publish(first, 6)
    assert publish(raw, 5) is first and publish(first, 5) is first
    again = publish(apply_mapping(read_raw(REALDATA.parent.parent.parent / "data" / "demo_responses.csv"),
                                  raw.mapping), 5)
    pd.testing.assert_frame_equal(first.frame, again.frame)


def test_every_class_holds_at_least_the_minimum_within_its_wave(demo):
    sizes = np.bincount(demo.classes)
    assert (sizes >= K).all()
    key = demo.frame[["wave", "division", "business_unit", "role", "region"]].astype(str).agg("|".join, axis=1)
    assert key.value_counts().min() >= K
    assert (key.groupby(demo.classes).nunique() == 1).all()


def test_the_user_is_told_what_was_generalised(demo):
    lines = demo.disclosure.summary()
    assert any(line.startswith("Innovation Lab is reported within") and "in 2026-Q2, 2026-Q3: fewer than 5" in line
               for line in lines)
    assert any("business units are reported on their own" in line for line in lines)
    changes = demo.disclosure.changes
    assert set(changes["attribute"]) <= {"division", "business_unit", "role", "region"}
    assert list(changes.columns) == ["wave", "attribute", "value", "reported_as", "all"]  # no count under 5


def test_published_rows_are_in_class_order_without_their_place_in_the_file(demo):
    """The review placed generalised rows by their row number and neighbours in the file."""
    assert "source_row" not in demo.frame and "respondent_id" not in demo.frame
    assert (np.diff(demo.classes) >= 0).all()


@pytest.mark.parametrize("minimum, others", [(5, (6, 10)), (4, (5,)), (3, (4, 5))])
def test_comparing_outputs_made_for_two_minimums_reveals_nothing_under_the_smaller(minimum, others):
    """The attacker's second attempt: the same table at 5 and at 6 differed by Treasury Services'
    2 answers in 2025-Q3. A publication coarsens the one for each smaller minimum (up to 5), so
    stacking both publications' tables still determines no count under the smaller minimum."""
    result = audit(import_demo(), minimum, items=["sign_7"], also=others)
    assert result["determined"] == []


@pytest.mark.parametrize("minimum", [3, 5, 10])
@pytest.mark.parametrize("dont_know", ["not_yes", "missing"])
def test_the_signs_rates_less_the_index_leave_nobody_or_a_group(minimum, dont_know):
    """The fifth attack: in 2026-Q2 the index of "Other units" counted 6 people with 29 yes, the signs'
    rates 9 answers to signs 2-8 with 39 yes: the 3 people the index left out gave 14 yes of 21. In
    every class, every sign's answers of the people the index leaves out are now 0 or at least the
    minimum (so what the rates publish beyond the index is a group's)."""
    survey = publish(import_demo(), minimum)
    settings = Settings(min_group_size=minimum, dont_know=dont_know)
    scored = ~survey.index_excluded(dont_know) & (signs_met_codes(survey, settings) != INCOMPLETE)
    for sign in SIGN_IDS:
        answered = ~np.isnan(survey.values(sign).astype(float))
        left_out = np.bincount(survey.classes[answered & ~scored])
        assert not ((left_out > 0) & (left_out < minimum)).any(), sign
    index = commitment_index(survey.filter(wave=["2026-Q2"]), "business_unit", settings=settings).set_index("business_unit")
    signs = rates(survey.filter(wave=["2026-Q2"]), "business_unit", items=list(SIGN_IDS), settings=settings)
    unit = signs[signs["business_unit"] == "Other units"]
    answers = (unit["n"] + (unit["n_dont_know"] if dont_know == "missing" else 0)).to_numpy()  # "don't know" too
    shown = index.loc["Other units", "n"] if "Other units" in index.index else None
    beyond = answers - (0 if pd.isna(shown) else int(shown))  # the answers of those the index leaves out
    assert ((beyond == 0) | (beyond >= minimum)).all(), (answers, shown)


def _index_and_signs(survey, dont_know: str):
    """Per wave and group of each breakdown, where the index scores everyone (none incomplete or left
    out): the index's published n, total signs met (mean × n) and n_partial, and the signs' published
    yes counts and answers summed over the 8 signs: what the seventh attack read."""
    settings = Settings(min_group_size=K, dont_know=dont_know)
    for wave in survey.codes("wave")[1]:
        view = survey.filter(wave=[wave])
        for by in ("business_unit", "division", "role", "region"):
            index = commitment_index(view, by, settings=settings)
            signs = rates(view, by, items=list(SIGN_IDS), settings=settings)
            signs = signs[~signs["suppressed"].astype(bool)]
            for row in index[~index["suppressed"]].itertuples():
                group = signs[signs[by] == row.group]
                if row.n_incomplete == 0 and len(group) == len(SIGN_IDS):
                    answers = int((group["n"] + (group["n_dont_know"] if dont_know == "missing" else 0)).sum())
                    yield wave, by, row.group, int(row.n), row.mean_signs * row.n, int(row.n_partial), \
                        int(group["k"].sum()), answers


@pytest.mark.parametrize("dont_know", ["not_yes", "missing"])
def test_the_index_less_the_signs_rates_tells_nothing_of_who_left_a_gap(dont_know):
    """The seventh attack: the index prorated a gap (5 met of 7 answered scored 5.7). Where the index
    scores a group's everyone, the signs' answers give how many answered 7 and 6 (8n − answers =
    n7 + 2·n6, n_partial = n7 + n6), and where only n7 did, 7 × (the index's total − the signs' yes)
    is their yes count: Corporate Clients in 2025-Q3, one respondent's 3 yes; 40 groups of 1 to 4
    on the demo. A gap now counts as not met, so the index's total is the signs' yes: nothing more."""
    groups = list(_index_and_signs(publish(import_demo(), K), dont_know))
    assert len(groups) > 50
    for wave, by, group, n, total, partial, yes, answers in groups:
        assert total == pytest.approx(yes, abs=1e-9), (wave, by, group)


def test_prorating_would_tell_the_yes_of_who_left_a_gap():
    """The negative control: the same published counts with the prorated totals (computed here from
    the published answers, as the index was) give each small group's yes exactly."""
    survey = publish(import_demo(), K)
    signs = np.stack([survey.values(s).astype(float) for s in SIGN_IDS], axis=1)
    answered, yes = (~np.isnan(signs)).sum(axis=1), (signs == 1).sum(axis=1)
    prorated = np.where(answered >= 6, 8 * yes / np.maximum(answered, 1), 0.0)
    recovered = 0
    for wave, by, group, n, total, partial, signs_yes, answers in _index_and_signs(survey, "not_yes"):
        rows = survey.values("wave").astype(str) == wave
        rows &= survey.values(by).astype(str) == group
        seven = rows & (answered == 7)
        if 0 < seven.sum() < K and (8 * n - answers) == partial:  # only n7 left a gap
            told = 7 * (prorated[rows].sum() - signs_yes)
            assert told == pytest.approx(yes[seven].sum()), (wave, by, group)
            recovered += 1
    assert recovered >= 10


def _one_persons_dont_know() -> bytes:
    """The sixth attack's file: the demo, where SME Lending's 2026-Q3 is one class (every employee, in
    the south), its "don't know" answers to the signs are "No", 16 of its people answer 5 signs and
    one person changed 3 "No" to "don't know": scored where "don't know" counts as not yes, not
    where it is missing."""
    demo = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "demo_responses.csv", dtype=str,
                       keep_default_na=False)
    signs = list(SIGN_IDS)
    unit = demo.index[(demo["wave"] == "2026-Q3") & (demo["business_unit"] == "SME Lending")]
    demo.loc[unit, signs] = demo.loc[unit, signs].replace("Don't know", "No")
    full = [i for i in unit if (demo.loc[i, signs] != "").all()]
    for j, i in enumerate(full[:16]):
        demo.loc[i, [signs[(j + t) % 8] for t in range(3)]] = ""
    person = next(i for i in full[16:] if (demo.loc[i, signs] == "No").sum() >= 3)
    demo.loc[person, [c for c in signs if demo.loc[person, c] == "No"][:3]] = "Don't know"
    demo.loc[unit, ["role", "region"]] = ["Employee", "South"]
    return demo.to_csv(index=False).encode()


def test_the_index_under_two_dont_know_settings_differs_by_nobody_or_a_group():
    """The sixth attack: SME Lending's index counted 29 scored (122.05 signs met) where "don't know"
    counts as not yes and 28 (118.05) where it is missing: the one person scored under one only met 4
    signs. The people scored under one setting and not the other are now 0 or at least the minimum
    in every class (else the class leaves the index where "don't know" is missing)."""
    raw = read_raw(_one_persons_dont_know(), "sme.csv")
    survey = publish(apply_mapping(raw, suggest_mapping(raw)), K)
    shown = {setting: commitment_index(survey.filter(wave=["2026-Q3"]), "business_unit",
                                       settings=Settings(dont_know=setting)).set_index("business_unit")["n"]
             for setting in ("not_yes", "missing")}
    difference = shown["not_yes"].fillna(0).astype(int) - shown["missing"].fillna(0).astype(int)
    assert ((difference == 0) | (difference.abs() >= K)).all(), difference[(difference != 0) & (difference.abs() < K)]
    for minimum in (3, 5, 10):
        demo = publish(import_demo(), minimum)
        scored = [~demo.index_excluded(setting) & (signs_met_codes(demo, Settings(dont_know=setting)) != INCOMPLETE)
                  for setting in ("not_yes", "missing")]
        apart = np.bincount(demo.classes[scored[0] != scored[1]], minlength=demo.classes.max() + 1)
        assert not ((apart > 0) & (apart < minimum)).any()


def test_treasury_services_at_five_and_six():
    at = {k: rates(publish(import_demo(), k), ["business_unit", "wave"], items=["sign_7"],
                   settings=Settings(min_group_size=k)).set_index(["business_unit", "wave"])[["n", "k"]]
          for k in (5, 6)}
    both = at[5].add_suffix("_5").join(at[6].add_suffix("_6"), how="outer").fillna(0)
    difference = (both["n_5"] - both["n_6"]).abs()
    assert ((difference == 0) | (difference >= 5)).all()
    assert ("Treasury Services", "2025-Q3") in both.index


def test_a_real_unit_named_like_the_pool_of_small_units_is_told_apart():
    """A unit literally called "Other units" (an attacker's or a careless file) is renamed at import,
    so the published "Other units" is only ever the pool of small units."""
    demo = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "demo_responses.csv")
    renamed = demo.replace({"business_unit": {"Payments": "Other units", "Mortgages": "other units of Digital"}})
    survey = load_survey(renamed.to_csv(index=False).encode(), name="export.csv")
    units = survey.codes("business_unit")[1]
    assert "Other units (so named in the file)" in units and "other units of Digital (so named in the file)" in units
    assert sorted((p.column, p.value) for p in survey.report.problems if "pooled group" in p.problem) == [
        ("business_unit", "Other units"), ("business_unit", "other units of Digital")]
    pooled = survey.disclosure.others.get("business_unit", [])
    assert all(not label.endswith("(so named in the file)") for label in pooled)


@pytest.mark.parametrize("name", ["surveymonkey_538_starwars.csv", "googleforms_rstudio_rsurvey2019_en.csv"])
def test_everyone_minus_the_groups_shown_leaves_nobody_or_a_group(name):
    """People who left a grouping blank are no group and are not shown, but they are in everyone:
    an attacker subtracting the groups shown from everyone (per item, wave and filter) finds the
    blank ones, who must be none or at least k people and answers (a blank is a value of the
    reporting attribute when publishing, so they are a union of classes)."""
    survey = load_survey(REALDATA / name, settings=Settings(min_group_size=K))
    views = [survey, *(survey.filter(wave=[wave]) for wave in survey.codes("wave")[1])]
    blanks = 0
    for view in views:
        everyone = rates(view, None).set_index("item")["n"].fillna(0)
        for by in (g for g in view.groupings if g != "wave"):
            shown = rates(view, by)
            assert not shown["group"].isna().any() and "(no answer)" not in set(shown["group"])
            difference = everyone - shown.groupby("item")["n"].sum().reindex(everyone.index).fillna(0)
            assert ((difference == 0) | (difference >= K)).all(), (by, difference[difference.between(1, K - 1)])
            people = left_out(view, by)
            assert people == 0 or people >= K
            blanks += people
    assert blanks > 0  # the exports do have blank groupings


def test_the_privacy_note_quotes_a_question_instead_of_lowercasing_it():
    """A grouping named by a question enters the note quoted as asked, never lowercased into it."""
    from cxcommit.privacy.publish import generalised_note
    note = generalised_note(load_survey(REALDATA / "surveymonkey_538_starwars.csv"))
    assert note.startswith("Groups by “Which character shot first?”, gender groups or age groups with fewer than 5")
    forms = generalised_note(load_survey(REALDATA / "googleforms_rstudio_rsurvey2019_en.csv"))
    assert "“How would you rate your level of experience using R?”" in forms and "using r?" not in forms
