"""Every real export in tests/fixtures/realdata reads as it is; the results are pinned."""
from collections import Counter

import pytest

from cxcommit import load_survey
from conftest import REALDATA

QUALTRICS_PERSONAL = ["ExternalReference", "IPAddress", "LocationLatitude", "LocationLongitude", "RecipientEmail",
                      "RecipientFirstName", "RecipientLastName"]
# file, format, encoding, header rows, rows in file, rows kept, excluded, item scales, groupings, personal columns
CASES = [
    ("carpentries_instructor_training_post2018.csv", "generic", "utf-8", 1, 967, 966,
     {"duplicate respondent id in the same wave (first kept)": 1}, {"likert": 30, "nps": 1},
     ["wave", "WhenTaking", "MemberSite", "MemberSiteOther", "Pace", "HandsOn", "CompleteTraining",
      "CompleteTrainingOther", "Workshop ID"], []),
    ("googleforms_rstudio_rsurvey2019_en.csv", "google_forms", "utf-8", 1, 1838, 1838, {},
     {"likert": 6, "nps": 2, "yes_no": 1}, 22, []),
    ("googleforms_rstudio_rsurvey2019_en.xlsx", "google_forms", None, 1, 1838, 1838, {},
     {"likert": 6, "nps": 2, "yes_no": 1}, 22, []),
    ("qualtrics_QT_dummy_enhancement2020.csv", "qualtrics", "utf-8", 3, 61, 1,
     {"Qualtrics preview/test/spam response (Status 2)": 60}, {"likert": 19}, ["wave"],
     ["ExternalDataReference", "IPAddress", "LocationAccuracy", "LocationLatitude", "LocationLongitude",
      "RecipientEmail", "RecipientFirstName", "RecipientLastName", "program_contact_1_TEXT",
      "program_contact_2_TEXT", "program_contact_3_TEXT"]),
    ("qualtrics_qualtRics_sample.csv", "qualtrics", "utf-8", 3, 1, 1, {}, {}, ["wave"], QUALTRICS_PERSONAL),
    ("qualtrics_qualtRics_sample_legacy.csv", "qualtrics_legacy", "utf-8 with BOM", 2, 1, 1, {}, {}, ["wave"],
     ["EmailAddress", "ExternalDataReference", "IPAddress", "LocationAccuracy", "LocationLatitude",
      "LocationLongitude", "Name"]),
    ("qualtrics_student_satisfaction_choicetext2023.csv", "qualtrics", "utf-8", 3, 25, 25, {},
     {"likert": 13, "nps": 1}, ["wave"], QUALTRICS_PERSONAL),
    ("surveymonkey_538_starwars.csv", "surveymonkey", "cp1252", 2, 1186, 1186, {}, {"yes_no": 5, "likert": 14},
     ["wave", "region", "Which character shot first?", "Gender", "Age", "Household Income", "Education"], []),
]


@pytest.mark.parametrize("name, fmt, encoding, header_rows, rows, kept, excluded, scales, groupings, personal",
                         CASES, ids=[c[0] for c in CASES])
def test_real_export_reads_as_it_is(name, fmt, encoding, header_rows, rows, kept, excluded, scales, groupings,
                                    personal):
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
    assert len(survey.responses) == kept


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
    survey = load_survey(REALDATA / "qualtrics_QT_dummy_enhancement2020.csv", )
    from cxcommit.settings import Settings
    every = load_survey(REALDATA / "qualtrics_QT_dummy_enhancement2020.csv", settings=Settings(test_responses="keep"))
    values = every.responses["q8"].dropna()
    assert len(survey.responses) == 1 and len(every.responses) == 61
    assert set(values.unique()) <= {1.0, 2.0, 3.0}  # -1 (not applicable) and -99 (seen, unanswered) are missing


def test_surveymonkey_question_text_is_carried_across_blank_header_cells():
    survey = load_survey(REALDATA / "surveymonkey_538_starwars.csv")
    columns = [m.column for m in survey.mapping.items]
    assert "Please state whether you view the following characters favorably, unfavorably, or are unfamiliar " \
           "with him/her. - Yoda" in columns
    yoda = next(m for m in survey.mapping.items if m.column.endswith("- Yoda"))
    assert yoda.labels["Unfamiliar (N/A)"] == "missing" and yoda.labels["Very favorably"] == 5


def test_non_breaking_space_inside_a_label_is_the_same_answer():
    survey = load_survey(REALDATA / "carpentries_instructor_training_post2018.csv")
    new_info = survey.responses["newinformation"]
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
