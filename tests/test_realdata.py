"""Every real export in tests/fixtures/realdata reads as it is; the results are pinned."""
from collections import Counter

import pytest

from cxcommit import apply_mapping, load_survey, read_raw, suggest_mapping
from conftest import REALDATA

QUALTRICS_PERSONAL = ["ExternalReference", "IPAddress", "LocationLatitude", "LocationLongitude", "RecipientEmail",
                      "RecipientFirstName", "RecipientLastName"]
# free-text answers, dropped as personal data
GOOGLE_FREE_TEXT = ["What do you like best about using R?", "What do you like least about using R?"]
# file, format, encoding, header rows, rows in file, rows kept (imported), excluded, item scales, groupings,
# personal columns, respondents published for the default minimum of 5 (the rest fit no group of 5 in their
# wave: load_survey(REALDATA / file).size; recounted in the test from the imported rows where the wave is the
# only grouping, and checked against a hand-written generalisation of the carpentries and Star Wars exports with
# the pooling rule of publish._place: a pool still under 5 takes in the smallest reported value when that value's
# people number at most 4 times the pool's; without that rule the same hand count gives 938 and 1179)
CASES = [
    ("carpentries_instructor_training_post2018.csv", "generic", "utf-8", 1, 967, 966,
     {"duplicate respondent id in the same wave (first kept)": 1}, {"likert": 30, "nps": 1},
     ["wave", "WhenTaking", "CompleteTraining", "Workshop ID"], ["CompleteTrainingOther"], 953),
    ("googleforms_rstudio_rsurvey2019_en.csv", "google_forms", "utf-8", 1, 1838, 1838, {},
     {"likert": 6, "nps": 2, "yes_no": 1}, 5, GOOGLE_FREE_TEXT, 1838),
    ("googleforms_rstudio_rsurvey2019_en.xlsx", "google_forms", None, 1, 1838, 1838, {},
     {"likert": 6, "nps": 2, "yes_no": 1}, 5, GOOGLE_FREE_TEXT, 1838),
    ("qualtrics_QT_dummy_enhancement2020.csv", "qualtrics", "utf-8", 3, 61, 1,
     {"Qualtrics preview/test/spam response (Status 2)": 60}, {"likert": 19}, ["wave"],
     ["ExternalDataReference", "IPAddress", "LocationAccuracy", "LocationLatitude", "LocationLongitude",
      "Q3", "RecipientEmail", "RecipientFirstName", "RecipientLastName", "program_contact_1_TEXT",
      "program_contact_2_TEXT", "program_contact_3_TEXT"], 0),
    ("qualtrics_qualtRics_sample.csv", "qualtrics", "utf-8", 3, 1, 1, {}, {}, ["wave"], QUALTRICS_PERSONAL, 0),
    ("qualtrics_qualtRics_sample_legacy.csv", "qualtrics_legacy", "utf-8 with BOM", 2, 1, 1, {}, {}, ["wave"],
     ["EmailAddress", "ExternalDataReference", "IPAddress", "LocationAccuracy", "LocationLatitude",
      "LocationLongitude", "Name"], 0),
    ("qualtrics_student_satisfaction_choicetext2023.csv", "qualtrics", "utf-8", 3, 25, 25, {},
     {"likert": 13, "nps": 1}, ["wave"], QUALTRICS_PERSONAL, 25),
    ("surveymonkey_538_starwars.csv", "surveymonkey", "cp1252", 2, 1186, 1186, {}, {"yes_no": 5, "likert": 14},
     ["wave", "region", "Which character shot first?", "Gender", "Age"], [], 1181),
]


def imported(path):
    """The export as imported with the suggested mapping: every row kept, before publishing."""
    raw = read_raw(path)
    return apply_mapping(raw, suggest_mapping(raw))


@pytest.mark.parametrize("name, fmt, encoding, header_rows, rows, kept, excluded, scales, groupings, personal, "
                         "published", CASES, ids=[c[0] for c in CASES])
def test_real_export_reads_as_it_is(name, fmt, encoding, header_rows, rows, kept, excluded, scales, groupings,
                                    personal, published):
    survey = load_survey(REALDATA / name)
    report = survey.report
    assert (report.format, report.encoding, report.header_rows) == (fmt, encoding, header_rows)
    assert (report.rows_in_file, report.rows_kept, report.excluded) == (rows, kept, excluded)
    assert dict(Counter(item.scale.kind for item in survey.items)) == scales
    if isinstance(groupings, int):
        assert len(survey.groupings) == groupings
    else:
        assert list(survey.groupings) == groupings
    assert sorted(report.personal_dropped) == personal
    assert not set(personal) & set(survey.responses.columns)
    every = imported(REALDATA / name)
    assert every.size == len(every.responses) == kept  # imported: every row kept
    assert survey.size == len(survey.responses) == published  # published for groups of at least 5
    assert published + sum(survey.disclosure.left_out.values()) == kept
    frame = survey.frame
    classes = frame.groupby(list(survey.groupings), observed=True, dropna=False).size()
    assert (classes >= 5).all()  # every published combination of the groupings in a wave holds 5 or more
    if list(survey.groupings) == ["wave"]:  # the wave the only grouping: the waves of 5 or more are published
        waves = every.frame["wave"].value_counts()
        assert published == waves[waves >= 5].sum()


# file: the export's other columns that could be groupings, in the export's order (the suggestion turns the
# 3 with the fewest distinct answers into groupings and lists the rest as not used)
CANDIDATES = {
    # not MemberSiteOther: 53 of its 62 answers typed in by fewer than 5 people each (write-ins)
    "carpentries_instructor_training_post2018.csv": ["WhenTaking", "MemberSite", "Pace", "HandsOn",
                                                     "CompleteTraining", "Workshop ID"],
    # not the captcha, nor the country (the region), nor the 4 questions answered mostly in write-ins
    # ("How did you learn R?", gender, the work you do, how you heard of the survey)
    "googleforms_rstudio_rsurvey2019_en.csv": 15,
    "surveymonkey_538_starwars.csv": ["Which character shot first?", "Gender", "Age", "Household Income",
                                      "Education"],
}


@pytest.mark.parametrize("name", sorted(CANDIDATES))
def test_at_most_three_other_columns_are_suggested_as_groupings(name):
    """Every reporting attribute splits the respondents further, so the suggestion turns at most 3 of an
    export's other columns into groupings, those with the fewest distinct answers (the export's order breaks
    ties); the rest are listed as not used, with the reason, to be turned on by hand."""
    raw = read_raw(REALDATA / name)
    mapping = suggest_mapping(raw)
    off = [key for key, reason in mapping.ignored.items() if reason.startswith("could be a grouping")]
    chosen = list(mapping.groupings)
    candidates = [key for key in raw.keys if key in set(chosen) | set(off)]
    expected = CANDIDATES[name]
    if isinstance(expected, int):
        assert len(candidates) == expected
    else:
        assert candidates == expected
    assert len(chosen) == 3 and not set(chosen) & set(off)
    assert chosen == [key for key in candidates if key in chosen]  # in the export's order

    def distinct(key):
        answers = raw.table.column(key).to_pandas().dropna().astype(str).str.strip()
        return answers[answers != ""].nunique()

    fewest = sorted(candidates, key=lambda key: (distinct(key), candidates.index(key)))[:3]
    assert set(chosen) == set(fewest)
    assert max(map(distinct, chosen)) <= min(map(distinct, off))
    assert all("turn it on in the mapping" in mapping.ignored[key] for key in off)
    survey = load_survey(REALDATA / name)
    assert not set(off) & set(survey.groupings)


def test_csv_and_xlsx_of_the_same_google_form_agree():
    csv = load_survey(REALDATA / "googleforms_rstudio_rsurvey2019_en.csv")
    xlsx = load_survey(REALDATA / "googleforms_rstudio_rsurvey2019_en.xlsx")
    assert csv.item_ids == xlsx.item_ids
    for item in csv.item_ids:
        assert csv.responses[item].equals(xlsx.responses[item]), item


def test_qualtrics_choice_text_labels_with_mixed_case_are_ordered():
    survey = load_survey(REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv")
    q13 = next(m for m in survey.mapping.items if m.column == "Q13")
    labels = q13.labels
    assert labels["Very Dissatisfied"] < labels["Neutral"] < labels["Satisfied"] < labels["Very Satisfied"] == 7
    assert survey.item("nps").scale.kind == "nps"  # Q15 0–10 matched to the instrument's NPS item
    assert "Q15_NPS_GROUP" in survey.mapping.ignored
    assert any("preview/test" in p.problem for p in survey.report.problems)  # all rows are tests: kept, warned


def test_qualtrics_missing_codes_are_never_averaged():
    path = REALDATA / "qualtrics_QT_dummy_enhancement2020.csv"
    survey = load_survey(path)
    from cxcommit.settings import Settings
    keep = Settings(test_responses="keep")
    every = load_survey(path, settings=keep)
    assert survey.report.rows_kept == 1 and survey.size == 0  # one respondent: no group of 5, nothing published
    assert every.report.rows_kept == 61 and len(every.responses) == 61  # one wave of 61: all published
    raw = read_raw(path)
    read = apply_mapping(raw, suggest_mapping(raw), keep).responses["q8"].dropna()  # every answer as imported
    assert len(read) and set(read.unique()) <= {1.0, 2.0, 3.0}  # -1 (not applicable), -99 (seen, unanswered): missing
    values = every.responses["q8"].dropna()
    assert set(values.unique()) <= {1.0, 2.0, 3.0}


def test_surveymonkey_question_text_is_carried_across_blank_header_cells():
    survey = load_survey(REALDATA / "surveymonkey_538_starwars.csv")
    columns = [m.column for m in survey.mapping.items]
    assert "Please state whether you view the following characters favorably, unfavorably, or are unfamiliar " \
           "with him/her. - Yoda" in columns
    yoda = next(m for m in survey.mapping.items if m.column.endswith("- Yoda"))
    assert yoda.labels["Unfamiliar (N/A)"] == "missing" and yoda.labels["Very favorably"] == 5


def test_non_breaking_space_inside_a_label_is_the_same_answer():
    survey = imported(REALDATA / "carpentries_instructor_training_post2018.csv")  # every row, before publishing
    new_info = survey.responses["new_information"]
    assert new_info.notna().sum() == 967 - 1 - 73  # every non-blank answer read (one duplicate row left out)


def test_microsoft_forms_workbook():
    """Microsoft Forms exports only .xlsx: ID, Start time, Completion time, Email, Name first; ';' multi-select."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", "Which division do you work in?",
                  "Is the compensation of executive team members tied to customer experience objectives?",
                  "Which channels do you use?"])
    channels = ["Email;Phone;", "Chat;", "Phone;Chat;Email;", "Email;", "Phone;"]
    for i in range(25):
        sheet.append([i + 1, f"2026-10-{i % 28 + 1:02d} 09:00:00", f"2026-10-{i % 28 + 1:02d} 09:05:00",
                      f"person{i}@example.com", f"Person {i}", ["Sales", "Service", "Operations"][i % 3],
                      ["Yes", "No", "Don't know"][i % 3], channels[i % 5]])
    buffer = io.BytesIO()
    book.save(buffer)
    survey = load_survey(buffer.getvalue(), name="forms.xlsx")
    report = survey.report
    assert report.format == "microsoft_forms" and report.sheet == "Sheet1" and report.rows_kept == 25
    assert sorted(report.personal_dropped) == ["Email", "Name"]
    assert survey.item_ids == ("sign_7",)
    assert "Which division do you work in?" in survey.groupings
    assert survey.mapping.ignored["Which channels do you use?"] == "multi-select answers"
    assert survey.mapping.wave.column == "Completion time" and report.waves == ("2026-Q4",)


def _offered(name):
    """The columns the mapping form offers as groupings (attributes and groupings, not the wave)."""
    from cxcommit.mapping.form import column_roles, groupable
    raw = read_raw(REALDATA / name)
    mapping = suggest_mapping(raw)
    roles = column_roles(mapping, list(raw.keys), dict(zip(raw.keys, raw.labels)))
    return raw, mapping, [c for c in groupable(roles) if c != mapping.wave.column]


def test_checks_on_the_respondent_and_multi_select_questions_are_never_offered_as_groupings():
    raw, mapping, offered = _offered("googleforms_rstudio_rsurvey2019_en.csv")
    captcha = next(k for k in raw.keys if "not a robot" in k)
    multi = [k for k in raw.keys if "check all that apply" in k.lower()]
    assert multi and captcha not in offered and not set(multi) & set(offered)
    assert mapping.ignored[captcha] == "captcha (a check that the respondent is a person)"
    assert all(mapping.ignored[k] == "multi-select answers" for k in multi)
    # of the 41 the form offered before: the captcha, multi-select, free text and write-in questions are out
    assert len(offered) == 16


@pytest.mark.parametrize("name, column", [
    ("googleforms_rstudio_rsurvey2019_en.csv", "In what country do you currently reside?"),
    ("surveymonkey_538_starwars.csv", "Location (Census Region)"),
])
def test_a_country_or_census_region_question_is_suggested_as_the_region(name, column):
    assert suggest_mapping(read_raw(REALDATA / name)).attributes == {"region": column}


@pytest.mark.parametrize("name, ids", [
    ("surveymonkey_538_starwars.csv", ["seen_films_star_wars", "consider_yourself_fan_star", "han_solo",
                                       "luke_skywalker", "princess_leia_organa"]),
    ("googleforms_rstudio_rsurvey2019_en.csv", ["difficult_expect_learning_r", "difficult_learn_r", "enjoy_using_r",
                                                "recommend_r_colleague_friend"]),
    ("carpentries_instructor_training_post2018.csv", ["information_reasonable_time", "atmosphere_welcoming"]),
])
def test_item_ids_are_short_readable_and_unique(name, ids):
    items = suggest_mapping(read_raw(REALDATA / name)).items
    found = [item.item for item in items]
    assert found[:len(ids)] == ids
    assert len(set(found)) == len(found) and max(map(len, found)) <= 40
    labels = [item.label for item in items]
    assert len(set(labels)) == len(labels)  # no two items read alike (a truncated duplicate cannot lead a finding)


def test_two_questions_with_the_same_opening_are_labelled_by_what_they_ask():
    items = suggest_mapping(read_raw(REALDATA / "googleforms_rstudio_rsurvey2019_en.csv")).items
    assert [item.label for item in items[:3]] == ["How difficult do you expect learning R to be?",
                                                  "How difficult has it been for you to learn R?",
                                                  "Please rate how much you enjoy using R."]


def test_a_chart_of_one_item_opens_on_the_most_answered_item_or_the_first_sign():
    """The language survey's first question was answered by 8 of 1,838: a page of one item opens on
    the one most answered instead (the first sign on a survey of the 8 signs)."""
    from cxcommit.analyses.rates import rated_items, rates
    from cxcommit.analyses.summary import default_item
    from cxcommit.demo import load_demo
    from cxcommit.privacy.publish import publish

    survey = publish(imported(REALDATA / "googleforms_rstudio_rsurvey2019_en.csv"), 5)
    table = rates(survey, None)
    answered = (table["n"].fillna(0) + table["n_dont_know"].fillna(0)).groupby(table["item"]).sum()
    first = survey.item_ids[0]
    rated = rated_items(survey, list(survey.item_ids))  # a chart of one item opens on a rated one
    assert answered[first] < 10 and default_item(survey) == answered[rated].idxmax() != first
    assert default_item(survey, [first, "often_use_shiny"]) == "often_use_shiny"
    assert default_item(load_demo()) == "sign_1" and default_item(load_demo(), ["sign_3", "sign_2"]) == "sign_3"


def test_test_responses_kept_are_said_with_every_chart_and_slide():
    from cxcommit import Settings
    from cxcommit.privacy.publish import publish
    from cxcommit.story.report_text import view_lines, view_of

    every = load_survey(REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv")  # all 25 kept under auto
    assert every.report.tests_note == "All 25 responses are Qualtrics test/preview responses"
    published = publish(every, 5)
    assert view_lines(published, Settings(), "qt.csv")[1] == "All 25 responses are Qualtrics test/preview responses"
    assert "All 25 responses are Qualtrics test/preview responses" in view_of(published, Settings()).caption(
        None, str)
    kept = load_survey(REALDATA / "qualtrics_QT_dummy_enhancement2020.csv", settings=Settings(test_responses="keep"))
    assert kept.report.tests_note == "Qualtrics test/preview responses are kept among the 61 responses"  # no count of 60
    left_out = load_survey(REALDATA / "qualtrics_QT_dummy_enhancement2020.csv")  # 60 left out: the one kept is real
    assert left_out.report.test_responses == 0 and left_out.report.tests_note == ""
    assert not load_survey(REALDATA / "surveymonkey_538_starwars.csv").report.tests_note
