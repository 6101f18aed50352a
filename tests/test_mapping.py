"""Mappings: suggestion, JSON round trip, reuse for the next wave, label normalisation."""
import json

import pytest
from hypothesis import given, strategies as st

from cxcommit import load_mapping, load_survey, mapping_from_dict, read_raw, suggest_mapping
from cxcommit.instrument.guess import guess_scale
from cxcommit.mapping.schema import ItemMapping, Mapping, WaveRule
from cxcommit.mapping.suggest import is_survey_metadata
from cxcommit.text import normalize_label
from conftest import ROOT, REALDATA

labels = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).filter(
    lambda s: normalize_label(s) != "")
numbers = st.integers(1, 5).map(float)
item_mappings = st.builds(
    ItemMapping, column=st.text(min_size=1, max_size=30).filter(str.strip),  # a blank name is no column
    item=st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True),
    scale=st.just("likert"), label=st.text(max_size=30), question=st.text(max_size=60), low=st.just(1.0),
    high=st.just(5.0), favourable_from=st.sampled_from([4.0, 5.0]),
    labels=st.dictionaries(labels, st.one_of(numbers, st.sampled_from(["dont_know", "missing"])), max_size=6),
    review=st.one_of(st.none(), st.text(min_size=1, max_size=40)),
)
mappings = st.builds(
    Mapping, format=st.sampled_from(["auto", "generic", "qualtrics"]),
    respondent_id=st.one_of(st.none(), st.text(min_size=1, max_size=20)),
    wave=st.one_of(st.builds(WaveRule, value=st.text(min_size=1, max_size=10)),
                   st.builds(WaveRule, column=st.text(min_size=1, max_size=10),
                             period=st.sampled_from([None, "quarter", "month", "year"]), whole_file=st.booleans())),
    attributes=st.dictionaries(st.sampled_from(["division", "business_unit", "role", "region"]),
                               st.text(min_size=1, max_size=20)),
    role_values=st.dictionaries(st.text(min_size=1, max_size=10),
                                st.sampled_from(["executive", "manager", "employee", None])),
    groupings=st.lists(st.text(min_size=1, max_size=20), max_size=4).map(tuple),
    items=st.lists(item_mappings, max_size=4, unique_by=lambda m: m.item).map(tuple),
    missing_codes=st.lists(st.integers(-99, 999).map(float), max_size=4).map(tuple),
)


@given(mappings)
def test_mapping_survives_a_json_round_trip(mapping):
    assert mapping_from_dict(json.loads(mapping.to_json())) == mapping


@given(st.lists(st.sampled_from(["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                                 "Strongly agree"]), min_size=3, max_size=5, unique=True),
       st.sampled_from([str.upper, str.lower, str.title, lambda s: f"  {s}\u00a0", lambda s: s.replace(" ", "\u00a0")]))
def test_label_order_survives_case_and_spacing(chosen, spell):
    order = ["strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"]
    guess = guess_scale({spell(label): 1 for label in chosen})
    values = {normalize_label(k): v for k, v in guess.labels.items()}
    ranked = sorted(values, key=values.get)
    assert ranked == [o for o in order if o in values]


@given(labels, st.sampled_from([str.upper, str.lower, lambda s: f" {s} ", lambda s: s.replace(" ", "\u00a0")]))
def test_normalised_label_ignores_case_and_spacing(label, spell):
    assert normalize_label(spell(label)) == normalize_label(label)
    assert normalize_label(normalize_label(label)) == normalize_label(label)


def test_demo_mapping_is_recognised_fully(demo):
    mapping = demo.mapping
    assert mapping.respondent_id == "respondent_id"
    assert mapping.wave == WaveRule(column="wave")
    assert mapping.attributes == {"division": "division", "business_unit": "business_unit", "role": "role",
                                  "region": "region"}
    assert [m.item for m in mapping.items] == [f"sign_{i}" for i in range(1, 9)] + [
        "ceo_ownership", "ceo_accountability", "ceo_patience", "prac_silos", "prac_measures", "nps"]
    assert mapping.items[0].labels == {"Yes": 1.0, "No": 0.0, "Don't know": "dont_know"}
    assert mapping.ignored == {"comment": "free text"}
    assert not any(m.review for m in mapping.items[:8])


def test_saved_mapping_is_reused_for_the_next_wave(tmp_path):
    """Suggest on one wave, edit, save, and apply the file to the next wave's export."""
    source = (ROOT / "data" / "demo_responses.csv").read_text().splitlines()
    header, rows = source[0], source[1:]
    wave1 = "\n".join([header] + [r for r in rows if ",2025-Q2," in r]) + "\n"
    wave2 = "\n".join([header] + [r for r in rows if ",2025-Q3," in r]) + "\n"
    mapping = suggest_mapping(read_raw(wave1.encode(), "wave1.csv"))
    edited = json.loads(mapping.to_json())
    edited["items"][0]["label"] = "Agenda item on CX"
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(edited))
    survey = load_survey(wave2.encode(), mapping=load_mapping(path), name="wave2.csv")
    assert survey.report.waves == ("2025-Q3",)
    assert survey.item("sign_1").label == "Agenda item on CX"
    assert survey.report.problems == ()


def test_suggested_mapping_gives_the_same_survey_from_file_and_from_json(tmp_path):
    path = REALDATA / "surveymonkey_538_starwars.csv"
    mapping = suggest_mapping(read_raw(path))
    (tmp_path / "m.json").write_text(mapping.to_json())
    direct = load_survey(path)
    via_file = load_survey(path, mapping=load_mapping(tmp_path / "m.json"))
    assert direct.responses.equals(via_file.responses)


@pytest.mark.parametrize("name", sorted(p.name for p in REALDATA.glob("*.csv")))
def test_the_suggestion_never_takes_survey_metadata_for_an_item_or_grouping(name):
    raw = read_raw(REALDATA / name)
    mapping = suggest_mapping(raw)
    metadata = {k for k in raw.keys if is_survey_metadata(k)}
    if name.startswith("qualtrics"):
        assert {"StartDate", "Finished"} <= metadata
    used = {m.column for m in mapping.items} | set(mapping.groupings) | set(mapping.attributes.values())
    assert not metadata & used
    assert all(mapping.ignored.get(k) == "survey metadata" for k in metadata if k != mapping.wave.column)


def test_the_suggestion_turns_at_most_three_other_columns_into_groupings():
    """Of the export's other columns that could be groupings, the 3 with the fewest distinct answers
    are suggested (the export's order breaks a tie, and is kept); the rest are listed as not used,
    saying they could be a grouping."""
    columns = {"Tenure": 6, "Shift": 2, "Contract": 5, "Language": 3, "Age band": 4, "Floor": 3}  # distinct answers
    header = "respondent_id,division," + ",".join(columns) + ",sign_1\n"
    rows = [f"R{i},Sales," + ",".join(f"{name} {i % count}" for name, count in columns.items()) + ",Yes\n"
            for i in range(60)]
    mapping = suggest_mapping(read_raw((header + "".join(rows)).encode(), "export.csv"))
    assert mapping.attributes == {"division": "division"}
    assert mapping.groupings == ("Shift", "Language", "Floor")
    off = {key: reason for key, reason in mapping.ignored.items() if reason.startswith("could be a grouping")}
    assert sorted(off) == ["Age band", "Contract", "Tenure"]
    assert all("turn it on in the mapping" in reason for reason in off.values())
    survey = load_survey((header + "".join(rows)).encode(), name="export.csv")
    assert list(survey.groupings) == ["wave", "division", "Shift", "Language", "Floor"]


def test_item_names_tell_apart_questions_that_read_alike():
    from cxcommit.mapping.names import item_names
    columns = [("Q1", "Overall, how satisfied are you with the onboarding you received from the team in your first week?"),
               ("Q2", "Overall, how satisfied are you with the onboarding you received from the team in your first month?"),
               ("How likely are you to recommend us to a friend?", "How likely are you to recommend us to a friend?"),
               ("Rate the brands - Acme", "Rate the brands - Acme")]
    names = item_names(columns, {"q1"})
    assert [item_id for item_id, _ in names] == ["q1_2", "q2", "recommend_friend", "acme"]
    labels = [label for _, label in names]
    assert len(set(labels)) == 4 and labels[3] == "Acme"
    assert labels[0].endswith("(week)") and labels[1].endswith("(month)")


def test_questions_answered_mostly_in_write_ins_are_not_offered_as_groupings():
    """Google Forms' "How did you learn R?" has 53 distinct answers, 49 of them typed in by one to
    four people: no grouping. It is neither suggested nor offered in the form, and the Data page's
    list of columns says why. Country keeps its rare values: it is the region, pooled when published."""
    from cxcommit.mapping.form import column_roles, groupable, items_table
    raw = read_raw(REALDATA / "googleforms_rstudio_rsurvey2019_en.csv")
    mapping = suggest_mapping(raw)
    learned = next(key for key in raw.keys if key.startswith("How did you learn R?"))
    assert learned not in mapping.groupings
    assert mapping.ignored[learned] == "write-in answers: 49 of its 53 answers are given by fewer than 5 people each"
    roles = column_roles(mapping, list(raw.keys), dict(zip(raw.keys, raw.labels)))
    assert learned not in groupable(roles)
    notes = items_table(mapping, list(raw.keys), dict(zip(raw.keys, raw.labels))).set_index("column")["note"]
    assert notes[learned].startswith("write-in answers")
    assert mapping.attributes["region"] == "In what country do you currently reside?"
    survivors = [key for key in groupable(roles) if key in mapping.ignored]
    assert survivors and all(not mapping.ignored[key].startswith("write-in") for key in survivors)
