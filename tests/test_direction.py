"""Which way an item points: suggested from the wording of the real exports, counted favourable at the
bottom for a reverse-worded item, and left out of every ranking for a factual question."""
import csv
import json

import numpy as np
import pandas as pd
import pytest

from cxcommit import load_survey, read_raw, suggest_mapping
from cxcommit.analyses.favourability import favourability
from cxcommit.analyses.findings import findings
from cxcommit.analyses.gaps import gap_to_best, gap_to_target
from cxcommit.analyses.rates import rates
from cxcommit.analyses.summary import default_item
from cxcommit.analyses.variation import variation
from cxcommit.errors import MappingError
from cxcommit.instrument.items import built_in_items
from cxcommit.instrument.scales import make_scale
from cxcommit.mapping.direction import BURDEN_WORDS, suggested_direction
from cxcommit.mapping.form import edited_mapping, items_table
from cxcommit.mapping.mapping_file import mapping_from_dict
from cxcommit.mapping.schema import ItemMapping, Mapping
from cxcommit.story import takeaways
from cxcommit.story.directions import direction_line
from conftest import REALDATA, ROOT

SW, GF = "surveymonkey_538_starwars.csv", "googleforms_rstudio_rsurvey2019_en.csv"
SW_FACTUAL = {"seen_films_star_wars", "consider_yourself_fan_star", "familiar_expanded_universe",
              "consider_yourself_fan_expanded", "consider_yourself_fan_star_trek"}


def directions(name):
    return {m.item: m.direction for m in suggest_mapping(read_raw(REALDATA / name)).items}


@pytest.fixture(scope="module")
def star_wars():
    return load_survey(REALDATA / SW)


@pytest.fixture(scope="module")
def google_forms():
    return load_survey(REALDATA / GF)


def test_the_suggestion_reads_each_real_exports_wording():
    sw = directions(SW)
    assert {i for i, d in sw.items() if d == "none"} == SW_FACTUAL  # yes/no: have you seen, are you familiar, a fan
    assert {d for i, d in sw.items() if i not in SW_FACTUAL} == {"higher"}  # 14 characters viewed (un)favourably
    assert directions(GF) == {"difficult_expect_learning_r": "lower", "difficult_learn_r": "lower",
                              "enjoy_using_r": "higher", "recommend_r_colleague_friend": "higher",
                              "use_tidyverse_packages_ggplot2": "none",  # "Did you use tidyverse … to learn R?"
                              "use_tidyverse_packages_use": "higher", "often_use_shiny": "higher",
                              "enjoy_using_python": "higher", "recommend_python_colleague_frien": "higher"}
    # "How easy or difficult …" answered in words: the labels already put "easy" on top
    for name in ("qualtrics_student_satisfaction_choicetext2023.csv", "carpentries_instructor_training_post2018.csv",
                 "qualtrics_QT_dummy_enhancement2020.csv"):
        assert set(directions(name).values()) == {"higher"}, name


def test_the_demo_and_the_instruments_items_are_never_turned():
    assert set(directions("../../../data/demo_responses.csv").values()) == {"higher"}
    for item in built_in_items():
        assert suggested_direction(item.question, item.scale.kind, {})[0] == "higher", item.id


def test_a_suggested_direction_is_a_note_to_check():
    items = {m.item: m for m in suggest_mapping(read_raw(REALDATA / GF)).items}
    assert items["difficult_learn_r"].review == "reverse-worded ('difficult'): the bottom boxes are counted favourable; check"
    assert items["enjoy_using_r"].review == "higher numbers are taken as better"  # what the guess says of numbers
    assert items["difficult_learn_r"].make_scale().favourable_range == (1.0, 2.0)
    assert "factual" in items["use_tidyverse_packages_ggplot2"].review


@pytest.mark.parametrize("question, scale, labels, direction", [
    ("How much effort did you personally have to put forth to handle your request?", "likert", {}, "lower"),
    ("How worried are you about losing your job?", "likert", {}, "lower"),
    ("How hard was it to find what you needed?", "likert", {"Very hard": 1.0, "Very easy": 5.0}, "higher"),
    ("How difficult was it? 1 = very easy, 5 = very difficult", "likert", {}, "higher"),  # names both ends
    ("Have you ever contacted support?", "likert", {}, "higher"),  # a rating, whatever its opening
    ("Thank you. Did you find what you were looking for?", "yes_no", {}, "none"),
    ("Is customer experience in the strategic plan?", "yes_no", {}, "higher"),
])
def test_small_word_lists_decide(question, scale, labels, direction):
    assert suggested_direction(question, scale, labels)[0] == direction
    assert all(suggested_direction(f"How {word} is it?", "likert", {})[0] == "lower" for word in BURDEN_WORDS)


def test_a_reverse_worded_items_favourable_share_is_its_bottom_boxes_counted_by_hand(google_forms):
    rows = list(csv.reader(open(REALDATA / GF, encoding="utf-8")))
    column = next(i for i, h in enumerate(rows[0]) if "how difficult has it been for you to learn R" in h)
    answers = [r[column] for r in rows[1:] if r[column]]
    assert (sum(a in ("1", "2") for a in answers), len(answers)) == (571, 1793)  # 104 answered 1, 467 answered 2
    row = rates(google_forms, None, items=["difficult_learn_r"]).iloc[0]
    values = google_forms.values("difficult_learn_r")  # as published: 11 answers withheld in classes under 5
    valid = values[~np.isnan(values)]
    assert (row["k"], row["n"]) == (np.isin(valid, [1, 2]).sum(), len(valid)) == (569, 1782)
    assert row["p"] == pytest.approx(569 / 1782)
    shares = favourability(google_forms, items=["difficult_learn_r"]).iloc[0]
    assert shares["neutral"] == pytest.approx(np.isin(valid, [3]).sum() / 1782)  # 3 is neutral, 4–5 unfavourable
    assert shares["unfavourable"] == pytest.approx(np.isin(valid, [4, 5]).sum() / 1782)


def test_a_factual_item_takes_no_part_in_any_ranking(star_wars):
    table = rates(star_wars, "region")
    factual = table["item"].isin(SW_FACTUAL)
    assert table.loc[factual, ["k", "p", "diff", "p_value"]].isna().all().all()
    assert table.loc[factual & ~table["suppressed"], "mean"].between(0, 1).all()  # the share answering yes, described
    assert not table.loc[factual & ~table["suppressed"], "mean"].isna().any()
    assert set(gap_to_target(star_wars, None)["item"]) == set(star_wars.item_ids) - SW_FACTUAL  # 14 characters
    assert set(gap_to_best(star_wars, "region")["item"]) == set(star_wars.item_ids) - SW_FACTUAL
    assert default_item(star_wars) not in SW_FACTUAL
    assert not set(variation(star_wars, "region")["item"]) & SW_FACTUAL
    assert not set(findings(star_wars)["item"]) & SW_FACTUAL
    assert not set(favourability(star_wars)["item"]) & SW_FACTUAL
    title = takeaways.gap_to_target(gap_to_target(star_wars, None))
    assert "Jar Jar Binks" in title and "Expanded Universe" not in title


def test_captions_name_reverse_worded_and_factual_items(star_wars, google_forms):
    line = direction_line(google_forms, rates(google_forms, None))
    assert line == ("Reverse-worded (the bottom boxes favourable): “How difficult do you expect lea…” 1–2 and "
                    "“How difficult has it been for y…” 1–2. Factual, not rated (no share, gap or ranking): "
                    "“Did you use tidyverse packages…”.")
    line = direction_line(star_wars, rates(star_wars, None))
    assert line == ("Factual, not rated (no share, gap or ranking): “Have you seen any of the 6 film…”, “Do you "
                    "consider yourself to be…” and 3 others.")
    assert direction_line(star_wars, gap_to_target(star_wars, None)) == line  # why a question is not ranked
    assert direction_line(star_wars, pd.DataFrame({"group": ["A"]})) == ""  # not a chart of items


def test_the_direction_goes_through_the_mapping_json_and_back():
    item = ItemMapping(column="Q1", item="effort", scale="likert", low=1, high=7, direction="lower")
    factual = ItemMapping(column="Q2", item="seen", scale="yes_no", direction="none")
    mapping = Mapping(items=(item, factual, ItemMapping(column="Q3", item="q3", scale="nps")))
    data = json.loads(mapping.to_json())
    assert [entry.get("direction") for entry in data["items"]] == ["lower", "none", None]  # the default unwritten
    back = mapping_from_dict(data, "x")
    assert back == mapping
    assert back.items[0].make_scale().describe() == "7-point (1–7, reverse-worded: 1–3 counted favourable)"
    assert mapping_from_dict({"cxcommit_mapping": 1, "items": [{"column": "Q1", "item": "q", "scale": "likert",
                                                                 "low": 1, "high": 5}]}, "x").items[0].direction == "higher"


@pytest.mark.parametrize("entry, where, says", [
    ({"scale": "likert", "low": 1, "high": 5, "direction": "reversed"}, "items[0].direction",
     "unknown direction (higher: the top boxes are favourable; lower: reverse-worded, the bottom boxes are "
     "favourable; none: a factual question, not rated); use one of higher, lower, none"),
    ({"scale": "likert", "low": 1, "high": 5, "direction": True}, "items[0].direction",
     "must be one of higher, lower, none"),
    ({"scale": "nps", "direction": "lower"}, "items[0]", "An NPS item cannot be reverse-worded (direction 'lower')."),
    ({"scale": "likert", "low": 1, "high": 5, "favourable_from": 5, "direction": "lower"}, "items[0]",
     "A reverse-worded item's favourable_from (the highest value counted favourable) must lie at least 1 and below 5"),
])
def test_a_bad_direction_is_named_where_it_is(entry, where, says):
    with pytest.raises(MappingError) as caught:
        mapping_from_dict({"cxcommit_mapping": 1, "items": [{"column": "Q1", "item": "q", **entry}]}, "x")
    assert [p.column for p in caught.value.problems] == [where]
    assert says in caught.value.problems[0].problem


def test_the_form_edits_the_direction_and_turns_the_boxes_with_it():
    mapping = Mapping(items=(ItemMapping(column="Q1", item="q1", scale="likert", low=1, high=5, favourable_from=4),))
    table = items_table(mapping)
    assert table.loc[0, "direction"] == "higher"
    turned = edited_mapping(mapping, table.assign(direction="lower"), attributes={}, wave={"value": "W1"},
                            respondent_id=None)
    assert turned.items[0].make_scale().favourable_range == (1.0, 2.0)  # 1–2, not 1–4
    chosen = edited_mapping(mapping, table.assign(direction="lower", favourable_from=1.0), attributes={},
                            wave={"value": "W1"}, respondent_id=None)
    assert chosen.items[0].make_scale().favourable_range == (1.0, 1.0)


def test_a_reversed_yes_no_counts_no():
    scale = make_scale("yes_no", direction="lower")
    assert scale.favourable(np.array([0.0, 1.0, -1.0, np.nan])).tolist() == [True, False, False, False]
    assert scale.favourable_text() == "no"
    assert not make_scale("likert", 1, 5, direction="none").favourable(pd.Series([1.0, 5.0]).to_numpy()).any()


def test_a_sign_mapped_reverse_worded_is_met_by_a_no_and_a_factual_sign_leaves_no_index():
    from dataclasses import replace

    from cxcommit.analyses.commitment import commitment_index
    from cxcommit.errors import NotApplicable
    from cxcommit.model.signs import INCOMPLETE, met_and_answered, signs_met_codes
    demo = ROOT / "data" / "demo_responses.csv"
    mapping = suggest_mapping(read_raw(demo))

    def turned(direction):
        return replace(mapping, items=tuple(replace(m, direction=direction) if m.item == "sign_1" else m
                                            for m in mapping.items))

    usual, reversed_ = load_survey(demo, mapping=mapping), load_survey(demo, mapping=turned("lower"))
    before, after = signs_met_codes(usual), signs_met_codes(reversed_)
    scored = before != INCOMPLETE
    answers = usual.values("sign_1")[scored]
    change = np.where(answers == 0, 1, np.where(answers == 1, -1, 0))  # a no now meets the sign, a yes no longer
    assert np.array_equal(met_and_answered(after[scored])[0], met_and_answered(before[scored])[0] + change)
    with pytest.raises(NotApplicable, match="marks sign_1 as not rated"):
        commitment_index(load_survey(demo, mapping=turned("none")))
