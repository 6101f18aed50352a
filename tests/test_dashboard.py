"""The dashboard's pages, driven with Streamlit's AppTest on the demo data and on uploads."""

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REALDATA, ROOT
from ui.shell import PAGES

TIMEOUT = 120


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)


def opened(page: str) -> AppTest:
    test = app().run()
    if page != "overview.py":
        test.switch_page(f"pages/{page}").run()
    return test


def texts(test: AppTest) -> str:
    return "\n".join([m.value for m in test.markdown] + [t.value for t in test.title] + [s.value for s in test.subheader]
                     + [c.value for c in test.caption] + [i.value for i in test.info] + [e.value for e in test.error])


def test_opens_on_the_overview_of_the_demo_data():
    test = app().run()
    assert not test.exception and not test.error
    assert test.title[0].value == "Executive commitment to customer experience"
    assert "Demo data" in test.info[0].value
    assert test.metric[0].value == "5,458"
    assert "What to lead with" in [s.value for s in test.subheader]


@pytest.mark.parametrize("page", [file for file, _ in PAGES])
def test_every_page_shows_without_an_error(page):
    test = opened(page)
    assert not test.exception, test.exception
    assert not test.error, [e.value for e in test.error]
    assert test.title


def test_the_pay_page_names_measures_in_words_and_rounds_p_values():
    test = opened("pay_trends.py")
    relation = next(box for box in test.selectbox if box.label == "Relation")
    assert "exec_incentive_cx_pct" not in relation.format_func(relation.value)
    table = test.dataframe[0].value
    assert list(table.columns[:2]) == ["Measure", "Goes with"]
    assert "Customer NPS" in set(table["Goes with"]) and not any("_" in str(v) for v in table["Measure"])
    assert all(p.startswith("p ") and len(p) <= len("p = 0.000") for p in table["p-value"])


def test_a_division_filter_changes_the_numbers_and_the_caption():
    test = app().run()
    before = test.metric[0].value
    division = next(m for m in test.sidebar.multiselect if m.label == "Divisions")
    division.set_value(["Digital"]).run()
    assert not test.exception
    assert test.metric[0].value != before
    assert any("Divisions: Digital" in c.value for c in test.caption)
    assert test.query_params["division"] in ("Digital", ["Digital"])


def test_the_units_offered_follow_the_divisions_chosen():
    test = app().run()
    next(m for m in test.sidebar.multiselect if m.label == "Divisions").set_value(["Digital"]).run()
    units = next(m for m in test.sidebar.multiselect if m.label == "Business units")
    assert 0 < len(units.options) < 30


def test_filters_come_from_the_url():
    test = app()
    test.query_params["division"] = ["Operations"]
    test.run()
    assert next(m for m in test.sidebar.multiselect if m.label == "Divisions").value == ["Operations"]
    assert any("Divisions: Operations" in c.value for c in test.caption)


def test_the_minimum_group_size_holds_on_the_heatmap_page():
    test = opened("signs_by_unit.py")
    test.sidebar.number_input[0].set_value(200).run()
    assert not test.exception and not test.error
    figure = test.get("plotly_chart")[0].proto.spec
    assert any(mark in figure for mark in ("n<200", "n\\u003c200", "n&lt;200"))


def upload(test: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    uploader = next(u for u in test.get("file_uploader") if u.label.startswith("Survey exports"))
    uploader.set_value([(name, content, "text/csv") for name, content in files]).run()
    return test


def test_uploading_a_qualtrics_export_and_using_it():
    test = opened("data.py")
    path = REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"
    upload(test, [(path.name, path.read_bytes())])
    assert not test.exception, test.exception
    assert not test.error, [e.value for e in test.error]
    test.get("form_submit_button")[0].click().run()
    assert not test.exception, test.exception
    assert any("Now analysing" in s.value for s in test.success), [e.value for e in test.error]
    assert "Respondents kept" in [m.label for m in test.metric]


def test_two_files_load_as_two_waves():
    test = opened("data.py")
    path = REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"
    content = path.read_bytes()
    upload(test, [("wave1.csv", content), ("wave2.csv", content + b"\n")])
    test.radio[0].set_value("One value per file")
    test.get("form_submit_button")[0].click().run()
    assert not test.exception, test.exception
    assert any("Now analysing" in s.value for s in test.success), [e.value for e in test.error]
    test.run()
    assert "waves Wave 1, Wave 2" in texts(test)


def test_a_broken_file_shows_the_problem_and_keeps_the_data_in_use():
    test = opened("data.py")
    upload(test, [("broken.csv", b"\x00\x01\x02 not a survey \xff\xfe")])
    assert not test.exception
    assert test.error, "a broken file must say what is wrong"
    assert "Demo data" in texts(test) or "demo" in texts(test).lower()
    test.switch_page("pages/overview.py").run()
    assert test.metric[0].value == "5,458"


def test_no_traceback_reaches_the_page_for_an_empty_file():
    test = opened("data.py")
    upload(test, [("empty.csv", b"")])
    assert not test.exception
    assert test.error


@pytest.mark.parametrize("name", ["googleforms_rstudio_rsurvey2019_en.csv", "carpentries_instructor_training_post2018.csv"])
def test_every_page_explains_what_an_export_without_the_signs_lacks(name):
    test = opened("data.py")
    path = REALDATA / name
    upload(test, [(path.name, path.read_bytes())])
    test.get("form_submit_button")[0].click().run()
    assert any("Now analysing" in s.value for s in test.success), [e.value for e in test.error]
    for file, _ in PAGES:
        test.switch_page(f"pages/{file}").run()
        assert not test.exception, (file, test.exception)
        assert not test.error, (file, [e.value for e in test.error])


def test_a_mapping_without_items_is_refused_and_says_why():
    test = opened("data.py")
    path = REALDATA / "qualtrics_qualtRics_sample.csv"  # no rated question the suggestion recognises
    upload(test, [(path.name, path.read_bytes())])
    test.get("form_submit_button")[0].click().run()
    assert not test.exception
    assert any("No question is ticked" in e.value for e in test.error)
    assert "Demo data" in texts(test)


def test_under_the_minimum_the_respondent_count_is_not_shown():
    test = app()
    test.query_params["business_unit"] = ["Innovation Lab"]
    test.run()
    assert test.metric[0].value == "Fewer than 5"
    assert all("4 respondents" not in c.value for c in test.caption)
