"""The mapping form: its table survives the round trip, bad input is reported, metadata is never
offered as an item, questions are shortened, the 8 signs are counted, and the wave rule follows its mode."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from cxcommit import MappingError, mapping_from_dict, read_raw, suggest_mapping
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.mapping.form import (COVERAGE_COLUMNS, QUESTION_WIDTH, column_roles, coverage_text, edited_mapping,
                                   format_labels, items_table, not_offered, parse_labels, short_question,
                                   shortened_questions, sign_coverage, suggested_wave_column, wave_columns, wave_mode,
                                   wave_rule)
from cxcommit.mapping.schema import Mapping, WaveRule
from conftest import REALDATA, ROOT


@pytest.mark.parametrize("name", ["qualtrics_qualtRics_sample.csv", "surveymonkey_538_starwars.csv",
                                  "googleforms_rstudio_rsurvey2019_en.csv"])
def test_a_suggested_mapping_survives_the_form_unchanged(name):
    raw = read_raw(REALDATA / name)
    mapping = suggest_mapping(raw)
    table = items_table(mapping, list(raw.keys))
    wave = {k: v for k, v in vars(mapping.wave).items() if v not in (None, False)}
    again = edited_mapping(mapping, table, attributes=dict(mapping.attributes), wave=wave,
                           respondent_id=mapping.respondent_id)
    assert [(m.column, m.item, m.scale, m.labels, m.favourable_from) for m in again.items] == \
        [(m.column, m.item, m.scale, m.labels, m.favourable_from) for m in mapping.items]
    assert again.wave == mapping.wave and again.attributes == mapping.attributes


def test_ticking_a_column_adds_it_as_an_item():
    raw = read_raw(REALDATA / "qualtrics_qualtRics_sample.csv")
    mapping = suggest_mapping(raw)
    table = items_table(mapping, list(raw.keys))
    spare = table.index[~table["use"]][0]
    table.loc[spare, ["use", "item", "scale", "low", "high", "answer_labels"]] = [True, "extra", "numeric", 0, 100, ""]
    again = edited_mapping(mapping, table, attributes={}, wave={"value": "W1"}, respondent_id=None)
    assert again.items[-1].item == "extra" and again.items[-1].column == table.loc[spare, "column"]


def test_labels_round_trip():
    labels = {"Yes": 1.0, "No": 0.0, "Not sure": "dont_know", "n/a": "missing"}
    assert parse_labels(format_labels(labels)) == labels


def test_a_label_without_a_value_names_the_column():
    with pytest.raises(MappingError, match="'Yes' is not of the form"):
        parse_labels("Yes; No = 0", "answer labels of 'Q1'")


def test_an_impossible_edit_is_reported_like_a_mapping_file():
    raw = read_raw(REALDATA / "qualtrics_qualtRics_sample.csv")
    mapping = suggest_mapping(raw)
    table = items_table(mapping, list(raw.keys))
    table.loc[0, ["use", "item", "scale"]] = [True, "q1", "stars"]
    with pytest.raises(MappingError) as error:
        edited_mapping(mapping, table, attributes={}, wave={"value": "W1"}, respondent_id=None)
    assert "unknown scale" in error.value.problem_table["problem"].iloc[0]


# --- what the form offers as items: never survey metadata, personal data or the respondent id ---

def _table(name):
    raw = read_raw(REALDATA / name)
    mapping = suggest_mapping(raw)
    labels = dict(zip(raw.keys, raw.labels))
    return raw, mapping, items_table(mapping, list(raw.keys), labels)


QUALTRICS_METADATA = ["StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished", "RecordedDate",
                      "DistributionChannel", "UserLanguage"]
QUALTRICS_PERSONAL = ["IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference",
                      "LocationLatitude", "LocationLongitude"]


@pytest.mark.parametrize("name, never, offered", [
    ("qualtrics_qualtRics_sample.csv", QUALTRICS_METADATA + QUALTRICS_PERSONAL + ["ResponseId"],
     ["Q1", "Q2", "Q2 - Topics"]),
    ("qualtrics_student_satisfaction_choicetext2023.csv", QUALTRICS_METADATA + QUALTRICS_PERSONAL + ["ResponseId"],
     [f"Q{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14)] + ["Q15", "Q15_NPS_GROUP"]),
    ("qualtrics_qualtRics_sample_legacy.csv", ["ResponseID", "ResponseSet", "Name", "ExternalDataReference",
                                               "EmailAddress", "IPAddress", "Status", "StartDate", "EndDate", "Finished",
                                               "LocationLatitude", "LocationLongitude", "LocationAccuracy"],
     ["Q1", "Q2"]),
    ("qualtrics_QT_dummy_enhancement2020.csv", ["ResponseID", "ResponseSet", "IPAddress", "StartDate", "EndDate",
                                                "Finished", "Status", "RecipientEmail", "program_contact_1_TEXT",
                                                "LocationLatitude", "LocationAccuracy"], None),
    ("surveymonkey_538_starwars.csv", ["RespondentID"], None),
    ("googleforms_rstudio_rsurvey2019_en.csv", ["Timestamp"], None),
    ("carpentries_instructor_training_post2018.csv", ["Date", "UniqueID"], None),
])
def test_real_exports_offer_no_metadata_as_items(name, never, offered):
    raw, _, table = _table(name)
    assert set(never) <= set(raw.keys), "the export has these columns"
    assert not set(never) & set(table["column"])
    if offered is not None:
        assert list(table["column"]) == offered
    assert table["use"].is_monotonic_decreasing, "the suggested items come first, the other columns after them"


def _surveymonkey_export(rows: int = 40) -> bytes:
    """A SurveyMonkey export with its usual bookkeeping columns (two header rows, Collector ID,
    Start Date, IP Address, ...), built from a seeded generator."""
    rng = np.random.default_rng(7)
    top = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
           "Last Name", "Custom Data 1", "Division", "Is CX a standing item on the executive team's agenda?",
           "How far do you agree with the following statements?", ""]
    sub = [""] * 9 + ["Response", "Response", "Our CEO talks about customers", "Our pay depends on CX"]
    agree = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
    lines = [",".join(top), ",".join(sub)]
    for i in range(rows):
        lines.append(",".join([
            str(11_000_000_000 + i), "405000123", f"06/0{1 + i % 9}/2025 09:10:00 AM", f"06/0{1 + i % 9}/2025 09:20:00 AM",
            f"10.0.{i}.1", f"p{i}@example.com", "Ann", "Lee", "", ["Retail", "Wealth"][i % 2],
            ["Yes", "No", "Not sure"][rng.integers(3)], agree[rng.integers(5)], agree[rng.integers(5)]]))
    return ("\r\n".join(lines) + "\r\n").encode()


def test_surveymonkey_bookkeeping_columns_are_metadata_not_items():
    raw = read_raw(_surveymonkey_export(), "surveymonkey.csv")
    assert raw.format == "surveymonkey"
    mapping = suggest_mapping(raw)
    roles = column_roles(mapping, list(raw.keys), dict(zip(raw.keys, raw.labels))).set_index("column")["role"]
    assert roles[["Collector ID", "Start Date", "End Date"]].tolist() == ["metadata", "metadata", "wave"]
    assert roles[["IP Address", "Email Address", "First Name", "Last Name"]].eq("personal").all()
    assert roles["Respondent ID"] == "respondent_id"
    table = items_table(mapping, list(raw.keys), dict(zip(raw.keys, raw.labels)))
    assert set(table["column"]) <= {"Custom Data 1", "Is CX a standing item on the executive team's agenda?",
                                    "How far do you agree with the following statements? - Our CEO talks about customers",
                                    "How far do you agree with the following statements? - Our pay depends on CX"}
    assert table.loc[table["use"], "column"].str.startswith(("Is CX", "How far")).all()


def test_qualtrics_system_fields_and_metadata_in_a_saved_mapping_are_recognised_by_name():
    data = b"ResponseId,Q_TotalDuration,Q_RecaptchaScore,Progress,Q1,Q_1\nR1,300,0.9,100,Yes,Agree\nR2,200,0.8,100,No,Agree\n"
    raw = read_raw(data, "q.csv")
    mapping = suggest_mapping(raw)
    assert mapping.ignored["Q_TotalDuration"] == mapping.ignored["Q_RecaptchaScore"] == "survey metadata"
    bare = Mapping(items=mapping.items)  # a mapping saved without notes on the other columns
    roles = column_roles(bare, list(raw.keys)).set_index("column")["role"]
    assert roles.to_dict() == {"ResponseId": "respondent_id", "Q_TotalDuration": "metadata",
                               "Q_RecaptchaScore": "metadata", "Progress": "metadata", "Q1": "item", "Q_1": "other"}


def test_the_columns_not_offered_are_named_with_the_reason():
    raw, mapping, _ = _table("qualtrics_qualtRics_sample.csv")
    text = not_offered(column_roles(mapping, list(raw.keys)))
    assert text.startswith("Not offered as items — survey metadata: StartDate, EndDate, Status, Progress, "
                           "Duration (in seconds), Finished, DistributionChannel, UserLanguage; personal data: "
                           "IPAddress (IP address), RecipientLastName (recipient field)")
    assert text.endswith("; respondent id: ResponseId.")
    assert "RecordedDate" not in text, "the date the wave comes from is not metadata to hide"


# --- questions shortened for the table, in full under it ---

@pytest.mark.parametrize("column, question, shown", [
    ("Q6", "How safe or unsafe do you feel on campus?", "Q6: How safe or unsafe do you feel on campus?"),
    ("Q1", "Thank you for taking part. \nHow helpful or unhelpful is your academic advisor?",
     "Q1: How helpful or unhelpful is your academic advisor?"),
    ("Please state whether you view the following characters favorably, unfavorably, or are unfamiliar with "
     "him/her. - Han Solo", "", "Please state whether you view the following char… – Han Solo"),
    ("program_sat_staff", "Please rate your satisfaction with the following aspects of your experience:-"
     "Communications with program staff", "program_sat_staff: Communications with program staff"),
    ("sign_1", "sign_1", "sign_1"),
])
def test_a_question_is_shortened_keeping_what_tells_rows_apart(column, question, shown):
    assert short_question(column, question) == shown
    assert len(shown) <= QUESTION_WIDTH


@given(st.text(min_size=1, max_size=120), st.text(max_size=300), st.integers(12, 120))
def test_a_short_question_is_one_line_within_its_width(column, question, width):
    shown = short_question(column, question, width)
    assert len(shown) <= width and "\n" not in shown


def test_every_shortened_question_keeps_its_full_wording():
    _, mapping, table = _table("surveymonkey_538_starwars.csv")
    cut = shortened_questions(table)
    assert len(cut) and cut["question"].str.len().le(QUESTION_WIDTH).all()
    assert cut["full_question"].str.len().gt(QUESTION_WIDTH).all()
    han = cut[cut["question"].str.endswith("Han Solo")]
    assert han["full_question"].tolist() == [
        "Please state whether you view the following characters favorably, unfavorably, or are unfamiliar with "
        "him/her. - Han Solo"]
    assert table.loc[table["use"], "question"].is_unique, "the rows of a matrix question stay apart"


# --- how many of the 8 signs are mapped ---

def _demo_table():
    raw = read_raw(ROOT / "data" / "demo_responses.csv")
    mapping = suggest_mapping(raw)
    return items_table(mapping, list(raw.keys), dict(zip(raw.keys, raw.labels)))


def test_the_demo_export_maps_all_8_signs():
    coverage = sign_coverage(_demo_table())
    assert list(coverage.columns) == COVERAGE_COLUMNS
    assert coverage["item"].tolist() == list(SIGN_IDS) and coverage["mapped"].all()
    assert coverage_text(coverage) == ("8 of 8 signs mapped", "All 8 signs of executive commitment: the commitment "
                                                              "index and the sign views will work.")


def test_unticking_signs_names_the_missing_ones():
    table = _demo_table()
    table.loc[table["item"].isin(["sign_3", "sign_7"]), "use"] = False
    coverage = sign_coverage(table)
    assert coverage.loc[~coverage["mapped"], "item"].tolist() == ["sign_3", "sign_7"]
    headline, detail = coverage_text(coverage)
    assert headline == "6 of 8 signs mapped"
    assert detail.startswith("Not mapped: sign_3 (CX in external CEO messages), sign_7 (Executive pay tied to CX). "
                             "The commitment index and the sign views need all 8 signs")


def test_a_sign_on_another_scale_is_flagged_and_an_export_without_signs_says_so():
    table = _demo_table()
    table.loc[table["item"] == "sign_2", "scale"] = "likert"
    assert "sign_2 is read on a likert scale, though the signs are yes/no questions." in coverage_text(
        sign_coverage(table))[1]
    _, _, table = _table("qualtrics_student_satisfaction_choicetext2023.csv")
    headline, detail = coverage_text(sign_coverage(table))
    assert headline == "0 of 8 signs mapped" and detail.startswith("None of the 8 signs of executive commitment")


def test_renaming_an_item_to_a_sign_counts_it():
    _, _, table = _table("qualtrics_student_satisfaction_choicetext2023.csv")
    table.loc[table["column"] == "Q1", ["item", "scale"]] = ["sign_1", "yes_no"]
    coverage = sign_coverage(table)
    assert coverage.loc[coverage["mapped"], ["item", "column"]].values.tolist() == [["sign_1", "Q1"]]


# --- the wave: only what the chosen mode needs ---

@pytest.mark.parametrize("rule, mode", [
    (WaveRule(column="wave"), "A column"),
    (WaveRule(column="RecordedDate", period="quarter", whole_file=True), "Dates cut into periods"),
    (WaveRule(column="Timestamp", period="month"), "Dates cut into periods"),
    (WaveRule(value="2025 spring"), "One value per file"),
])
def test_each_wave_rule_survives_its_mode(rule, mode):
    assert wave_mode(rule) == mode
    again = wave_rule(mode, column=rule.column, period=rule.period, whole_file=rule.whole_file, value=rule.value)
    assert mapping_from_dict({"cxcommit_mapping": 1, "wave": again}).wave == rule


def test_a_wave_mode_without_its_column_says_what_to_choose():
    with pytest.raises(MappingError, match="No wave column is chosen: choose the column that holds the wave"):
        wave_rule("A column", column=None)
    with pytest.raises(MappingError, match="choose the date column to cut into periods"):
        wave_rule("Dates cut into periods", column=None, period="quarter")
    with pytest.raises(MappingError, match="Unknown wave mode 'weekly'"):
        wave_rule("weekly")


def test_each_mode_offers_only_the_columns_that_fit():
    raw, mapping, _ = _table("qualtrics_student_satisfaction_choicetext2023.csv")
    keys = list(raw.keys)
    dates = wave_columns(mapping, keys, "Dates cut into periods")
    assert dates[:3] == ["RecordedDate", "EndDate", "StartDate"]
    assert suggested_wave_column(mapping, keys, "Dates cut into periods") == "RecordedDate"
    columns = wave_columns(mapping, keys, "A column")
    assert not set(columns) & set(QUALTRICS_METADATA + QUALTRICS_PERSONAL + ["ResponseId", "Q1", "Q15"])
    assert suggested_wave_column(mapping, keys, "A column") is None, "no wave-like column: the user chooses"
    assert wave_columns(mapping, keys, "One value per file") == []
    demo = suggest_mapping(read_raw(ROOT / "data" / "demo_responses.csv"))
    demo_keys = list(read_raw(ROOT / "data" / "demo_responses.csv").keys)
    assert suggested_wave_column(demo, demo_keys, "A column") == "wave"
    assert wave_columns(demo, demo_keys, "A column")[:1] == ["wave"]
    assert suggested_wave_column(demo, demo_keys, "Dates cut into periods") is None


@pytest.mark.parametrize("name", ["qualtrics_student_satisfaction_choicetext2023.csv", "surveymonkey_538_starwars.csv",
                                  "googleforms_rstudio_rsurvey2019_en.csv"])
def test_the_form_as_the_dashboard_fills_it_gives_back_the_suggestion(name):
    """Every control preset from the suggestion, as the Data page does: the same mapping comes back
    (the date rule keeps "one wave per file", groupings are kept)."""
    raw, mapping, table = _table(name)
    keys = list(raw.keys)
    mode = wave_mode(mapping.wave)
    wave = wave_rule(mode, column=suggested_wave_column(mapping, keys, mode), period=mapping.wave.period,
                     whole_file=mapping.wave.whole_file, value=mapping.wave.value)
    again = edited_mapping(mapping, table, attributes=dict(mapping.attributes), wave=wave,
                           respondent_id=mapping.respondent_id, groupings=list(mapping.groupings))
    assert again.wave == mapping.wave and again.groupings == mapping.groupings
    assert [m.item for m in again.items] == [m.item for m in mapping.items]


def test_a_column_chosen_as_an_attribute_is_not_also_a_grouping():
    raw, mapping, table = _table("surveymonkey_538_starwars.csv")
    again = edited_mapping(mapping, table, attributes={"division": "Gender"}, wave={"value": "W1"},
                           respondent_id="RespondentID", groupings=["Gender", "Age"])
    assert again.attributes == {"division": "Gender"} and again.groupings == ("Age",)


def test_answer_labels_are_listed_in_scale_order():
    labels = {"Strongly agree": 5.0, "Disagree": 2.0, "Don't know": "dont_know", "Agree": 4, "Neutral": 3.0}
    text = format_labels(labels)
    assert text == "Disagree = 2; Neutral = 3; Agree = 4; Strongly agree = 5; Don't know = dont_know"
    assert parse_labels(text) == labels
