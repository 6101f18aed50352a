"""The Data page explains an import before it is used: exclusions that leave too few respondents,
the choice of what to do with test responses, and the data in use once applied (AppTest)."""
from streamlit.testing.v1 import AppTest

from conftest import REALDATA, ROOT
from ui.shell import PAGES

TIMEOUT = 120
DUMMY = REALDATA / "qualtrics_QT_dummy_enhancement2020.csv"  # 60 of its 61 rows are Qualtrics test responses
SATISFACTION = REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"
STAR_WARS = REALDATA / "surveymonkey_538_starwars.csv"  # its header row is not UTF-8: one warning about row 1


def data_page() -> AppTest:
    test = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    test.switch_page("pages/data.py").run()
    return test


def upload(test: AppTest, path) -> AppTest:
    uploader = next(u for u in test.get("file_uploader") if u.label.startswith("Survey exports"))
    uploader.set_value([(path.name, path.read_bytes(), "text/csv")]).run()
    return test


def use_this_data(test: AppTest) -> AppTest:
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    assert not test.exception, test.exception
    return test


def warnings(test: AppTest) -> str:
    return "\n".join(w.value for w in test.warning)


def infos(test: AppTest) -> str:
    return "\n".join(i.value for i in test.info)


def test_exclusions_that_leave_too_few_respondents_are_explained_before_the_data_are_used():
    test = use_this_data(upload(data_page(), DUMMY))
    said = warnings(test)
    assert "fewer than 5 respondents are left after the import excluded 60 × Qualtrics" in said, said
    assert "choose **keep** under *Test and preview responses*" in said
    assert "Demo data" in test.markdown[0].value  # not used yet: the demo stays in use
    assert not test.success
    test.button(key="pending_use").click().run()
    assert not test.exception
    assert any("Now analysing" in s.value for s in test.success)
    assert "qualtrics_QT_dummy" in test.markdown[0].value
    assert "Left out at import: 60 × Qualtrics" in test.markdown[0].value
    assert "fewer than 5 respondents reported" in test.markdown[0].value  # the count of 1 is never shown


def test_an_import_held_for_a_decision_can_be_dropped():
    test = use_this_data(upload(data_page(), DUMMY))
    test.button(key="pending_drop").click().run()
    assert not test.exception and not warnings(test)
    assert "Demo data" in test.markdown[0].value


def test_keeping_test_responses_imports_every_row():
    test = upload(data_page(), DUMMY)
    choice = next(s for s in test.selectbox if s.label.startswith("Test and preview responses"))
    assert choice.options == ["auto: leave out, unless every response is one", "leave out",
                              "keep (to look at a file not yet fielded)"]
    choice.set_value("keep").run()
    use_this_data(test)
    assert any("Now analysing" in s.value for s in test.success), warnings(test)
    assert "61 respondents reported" in test.markdown[0].value


def test_after_use_the_loading_form_folds_away_and_says_what_is_in_use():
    test = use_this_data(upload(data_page(), SATISFACTION))
    assert any("Now analysing" in s.value for s in test.success)
    assert "In use:** qualtrics_student_satisfaction" in test.markdown[0].value
    toggle = next(t for t in test.toggle if t.label.startswith("Change the data"))
    assert toggle.value is False
    assert not test.get("form_submit_button") and not [u for u in test.get("file_uploader") if u.label.startswith("Survey exports")]
    toggle.set_value(True).run()
    assert any(u.label.startswith("Survey exports") for u in test.get("file_uploader"))


def test_no_page_says_widen_the_filters_when_no_filter_is_set():
    test = use_this_data(upload(data_page(), DUMMY))
    test.button(key="pending_use").click().run()
    for file, _ in PAGES:
        if file == "data.py":
            continue
        test.switch_page(f"pages/{file}").run()
        assert not test.exception, (file, test.exception)
        said = infos(test)
        assert "widen the filters" not in said.lower(), (file, said)
        assert "after the import excluded 60 × Qualtrics" in said, (file, said)
        assert "Keep the test responses on the **Data** page" in said


def test_a_survey_without_a_grouping_asks_for_one_and_not_for_wider_filters():
    test = use_this_data(upload(data_page(), SATISFACTION))  # no grouping column, no filter set
    for file in ("signs_by_unit.py", "variation.py", "gaps.py", "pay_trends.py"):
        test.switch_page(f"pages/{file}").run()
        assert not test.exception, (file, test.exception)
        said = infos(test)
        assert "no grouping to compare with these data." in said, (file, said)
        assert "widen the filters" not in said.lower(), (file, said)
    test.switch_page("pages/overview.py").run()  # and every chart says what the responses are
    assert any("All 25 responses are Qualtrics test/preview responses" in c.value for c in test.caption)


def test_a_warning_about_a_row_is_read_whole_with_no_none_for_its_column():
    test = use_this_data(upload(data_page(), STAR_WARS))
    table = test.table[0].value
    assert list(table.columns) == ["row", "column", "problem", "value"]
    assert table["column"].tolist() == [""]  # the whole row: no column, not "None"
    assert table["problem"][0].startswith("bytes 8C E6 are not UTF-8") and table["problem"][0].endswith("damaged")
    assert not [frame for frame in test.dataframe if "problem" in frame.value.columns]  # wrapped, not cut


def test_without_roles_the_gaps_page_names_the_perception_gap_in_one_line_under_its_charts():
    for path in (STAR_WARS, SATISFACTION):  # grouped by region; no grouping at all
        test = use_this_data(upload(data_page(), path))
        test.switch_page("pages/gaps.py").run()
        assert not test.exception and not test.error, (path.name, test.exception)
        assert not any("executive, manager or employee" in i.value for i in test.info), path.name  # not above the charts
        assert test.caption[-1].value == ("No perception gap (executives against their staff): no column is mapped "
                                          "to the role on the **Data** page."), path.name
        assert "How far from everyone answering favourably?" in [s.value for s in test.subheader] or any(
            "Furthest from everyone answering favourably" in s.value for s in test.subheader), path.name


def test_data_of_ones_own_can_be_replaced_and_the_form_folds_away_again():
    test = use_this_data(upload(data_page(), SATISFACTION))
    next(t for t in test.toggle if t.label.startswith("Change the data")).set_value(True).run()
    upload(test, DUMMY)
    choice = next(s for s in test.selectbox if s.label.startswith("Test and preview responses"))
    choice.set_value("keep").run()
    use_this_data(test)
    assert "In use:** qualtrics_QT_dummy" in test.markdown[0].value and "61 respondents" in test.markdown[0].value
    assert next(t for t in test.toggle if t.label.startswith("Change the data")).value is False
    assert not test.get("form_submit_button")


def test_a_warning_about_the_whole_file_is_said_in_full_not_as_a_table_row():
    """Every response of this export is a Qualtrics test response: the warning names no row, so it is
    a whole sentence (never cut short in a table cell, never a row "None")."""
    test = use_this_data(upload(data_page(), SATISFACTION))
    said = warnings(test)
    assert "column 'Status': all 25 responses are Qualtrics preview/test responses (Status); they were kept so " \
           "that the file can be looked at. Exclude them once real responses come in (value: survey test)" in said, said
    assert not [frame for frame in [*test.dataframe, *test.table] if "problem" in frame.value.columns]
