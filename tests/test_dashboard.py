"""The dashboard's pages, driven with Streamlit's AppTest on the demo data and on uploads."""

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REALDATA, ROOT
from cxcommit.demo import import_demo, load_demo
from ui.shell import PAGES

TIMEOUT = 120


def published_count(**filters: list[str]) -> int:
    """Respondents of the demo published for 5 (the default minimum) that the filters leave, counted with pandas."""
    frame = load_demo().frame
    keep = frame.index == frame.index
    for name, values in filters.items():
        keep &= frame[name].astype(str).isin(values).to_numpy()
    return int(keep.sum())


def respondents_tile_counts(test: AppTest, **filters: list[str]) -> bool:
    """Whether the first tile, "Respondents, <wave>", holds the published count of that wave under ``filters``."""
    tile = test.metric[0]
    wave = tile.label.removeprefix("Respondents, ")
    return tile.value == f"{published_count(**filters, wave=[wave]):,}"


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
    tiles = {m.label: m.value for m in test.metric}
    assert tiles["Respondents, 2026-Q3"] == f"{published_count(wave=['2026-Q3']):,}" == "905"  # the latest wave
    assert list(tiles) == ["Respondents, 2026-Q3", "Business units, 2026-Q3", "Mean signs met, 2026-Q3",
                           "Fully committed, 2026-Q3"]  # every tile names the wave it is from
    # the groups a breakdown shows, as the Variation page counts them: 29 units and "Other units"
    assert tiles["Business units, 2026-Q3"] == "30"
    assert any("n = 5 executives, 164 staff" in m.value for m in test.markdown)  # both sides, never only 169
    assert f"{published_count():,}" == "5,455"  # of 5,458 imported: 3 fit no group of 5
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
    frame = load_demo(150).frame  # published for 150: "Other units of Commercial Banking" keeps no answer to signs 5, 6
    answers = frame.groupby(frame["business_unit"].astype(str))[[f"sign_{i}" for i in range(1, 9)]].count()
    assert (answers == 0).to_numpy().sum() == 2 and not ((answers > 0) & (answers < 150)).to_numpy().any()
    test = opened("signs_by_unit.py")
    test.sidebar.number_input[0].set_value(150).run()
    assert not test.exception and not test.error
    figure = test.get("plotly_chart")[0].proto.spec
    assert "Hidden: fewer than 150 answers" in figure  # the grey cells' hover (too narrow for a label)


def test_the_smallest_difference_that_matters_is_set_in_the_sidebar_in_points():
    test = opened("signs_by_unit.py")
    assert not any("min_difference" in name for name in test.query_params)  # the default is not in the URL
    assert any("and by at least 5 points." in c.value for c in test.caption)
    field = next(n for n in test.sidebar.number_input if n.label.startswith("Smallest difference"))
    field.set_value(10.0).run()
    assert not test.exception and not test.warning
    assert test.query_params["min_difference"] in ("10", ["10"])  # in points, as the sidebar shows it
    assert any("and by at least 10 points." in c.value for c in test.caption)


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
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    assert not test.exception, test.exception
    assert any("Now analysing" in s.value for s in test.success), [e.value for e in test.error]
    tiles = {m.label: m.value for m in test.metric}
    assert tiles["Respondents kept"] == tiles["Respondents reported"] == "25"  # nobody left out by the privacy rules


def test_a_link_to_a_survey_the_workspace_does_not_hold_says_so_and_shows_the_demo():
    test = app()
    test.query_params["data"] = "'); DROP TABLE waves; --"
    test.run()
    assert not test.exception
    assert any("no survey called" in e.value for e in test.error)
    assert "Demo data" in test.info[0].value
    assert "data" not in test.query_params  # the name leaves the URL


def wave_mode(test):
    """The mapping form's choice of where the wave comes from."""
    return next(r for r in test.radio if "One value per file" in r.options)


def test_two_files_load_as_two_waves():
    test = opened("data.py")
    path = REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"
    content = path.read_bytes()
    upload(test, [("wave1.csv", content), ("wave2.csv", content + b"\n")])
    wave_mode(test).set_value("One value per file")
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
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
    assert test.metric[0].value == f"{published_count(wave=['2026-Q3']):,}"


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
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    assert any("Now analysing" in s.value for s in test.success), [e.value for e in test.error]
    for file, _ in PAGES:
        test.switch_page(f"pages/{file}").run()
        assert not test.exception, (file, test.exception)
        assert not test.error, (file, [e.value for e in test.error])
        assert "Signs × units" not in [t.value for t in test.title]  # no signs mapped: not called signs
        assert not {"Commitment gaps", "Compensation alignment and trends"} & {t.value for t in test.title}
        assert "sign_1" not in texts(test) and "sign 7" not in texts(test), file  # nor told about signs it lacks
        assert not [t for t in test.toggle if "signs" in t.label], file  # no choice of signs it does not ask


def test_an_exports_other_groupings_wait_under_more_filters():
    """The Star Wars survey: several of its questions can group answers, but the sidebar leads with
    the wave and the region and keeps the others in one expander."""
    test = opened("data.py")
    path = REALDATA / "surveymonkey_538_starwars.csv"
    upload(test, [(path.name, path.read_bytes())])
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    more = next(e for e in test.sidebar.expander if e.label.startswith("More filters"))
    inside = [m.label for m in more.multiselect]
    assert len(inside) >= 3 and [m.label for m in test.sidebar.multiselect][:2] == ["Waves", "Regions"]
    assert "Waves" not in inside and "Regions" not in inside
    box = more.multiselect[0]
    box.set_value([box.options[0]]).run()
    test.switch_page("pages/overview.py").run()
    assert not test.exception and any(f"{box.label}: {box.options[0]}" in c.value for c in test.caption)
    assert [m.label for m in test.metric] == ["Respondents, Wave 1", "Regions, Wave 1", "Items rated, Wave 1",
                                              "Mostly favourable, Wave 1"]  # no units, no signs
    assert test.title[0].value == "Survey overview: surveymonkey 538 starwars"  # wraps between words


def test_a_mapping_without_items_is_refused_and_says_why():
    test = opened("data.py")
    path = REALDATA / "qualtrics_qualtRics_sample.csv"  # no rated question the suggestion recognises
    upload(test, [(path.name, path.read_bytes())])
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    assert not test.exception
    assert any("No question is ticked" in e.value for e in test.error)
    assert "Demo data" in texts(test)


def test_a_unit_too_small_to_report_is_within_other_units_and_every_count_is_shown():
    """Innovation Lab (2 respondents a wave, in Digital) is no filter of its own: too few to keep even its division,
    it is reported within "Other units" (of "Other divisions"), a group of at least 5. Digital is then its four named
    units, and each count, Digital's and that of "Other units", is shown, never a hidden count."""
    imported = import_demo().frame
    lab = imported[imported["business_unit"] == "Innovation Lab"]
    assert set(lab["division"].astype(str)) == {"Digital"} and lab.groupby("wave", observed=True).size().max() < 5
    test = app().run()
    units = next(m for m in test.sidebar.multiselect if m.label == "Business units")
    assert "Innovation Lab" not in units.options and "Other units" in units.options
    assert not [u for u in units.options if u.startswith("Other units of")]  # no unit is pooled within its division
    test = app()
    test.query_params["division"] = ["Digital"]
    test.run()
    units = next(m for m in test.sidebar.multiselect if m.label == "Business units")
    named = ["Customer Platforms", "Data & Analytics", "Mobile App", "Online Banking"]
    assert sorted(units.options) == named  # neither Innovation Lab nor "Other units of Digital"
    test = app()
    test.query_params["division"] = ["Digital"]
    test.query_params["business_unit"] = named
    test.run()
    assert not test.exception
    shown = published_count(division=["Digital"], business_unit=named)
    assert shown == published_count(division=["Digital"]) >= 5
    assert respondents_tile_counts(test, division=["Digital"], business_unit=named)
    assert "Hidden" not in [m.value for m in test.metric] and "hidden number" not in texts(test)
    assert any(f"{shown:,} respondents" in c.value for c in test.caption)
    test = app()
    test.query_params["business_unit"] = ["Other units"]
    test.run()
    assert not test.exception
    others = published_count(business_unit=["Other units"])
    assert others >= 5 and respondents_tile_counts(test, business_unit=["Other units"])
    assert "Hidden" not in [m.value for m in test.metric] and "hidden number" not in texts(test)


def test_under_the_minimum_the_respondent_count_is_not_shown():
    """Claims is a unit of the East: with the North it leaves nobody (a published view holds none or at least 5)."""
    assert published_count(business_unit=["Claims"], region=["North"]) == 0
    test = app()
    test.query_params["business_unit"] = ["Claims"]
    test.query_params["region"] = ["North"]
    test.run()
    assert not test.exception
    assert not test.metric and not test.get("plotly_chart")  # no tile, no chart: not even which groups
    assert "fewer than 5 respondents: nothing about them is shown" in test.info[0].value
    assert "0 respondents" not in texts(test)
    test.switch_page("pages/signs_by_unit.py").run()
    assert not test.get("plotly_chart") and "nothing about them is shown" in test.info[0].value


def test_the_data_page_says_what_small_groups_are_reported_within_and_what_each_attribute_costs():
    test = opened("data.py")
    assert not test.exception and not test.error
    assert any(f"{published_count():,} respondents reported" in m.value for m in test.markdown)
    small = next(e for e in test.expander if e.label.startswith("Small groups"))
    assert small.label.endswith("(minimum 5)")
    said = "\n".join(m.value for m in small.markdown)
    assert "No number about fewer than 5 people or answers is shown" in said
    assert "Innovation Lab is reported within Other units" in said  # its name, never its size
    left_out = import_demo().size - published_count()  # 5,458 imported, 5,455 published
    assert 0 < left_out < 5 and "fewer than 5 respondent(s) fit no group of 5" in said  # a count under 5: not given
    assert f"{left_out} respondent(s)" not in said
    costs = small.dataframe[0].value
    assert list(costs.columns) == ["Attribute", "Generalised, with it", "Generalised, without it"]
    assert set(costs["Attribute"]) == {"division", "business_unit", "role", "region"}
    assert all(value.endswith("%") for column in costs.columns[1:] for value in costs[column])
    test.sidebar.number_input[0].set_value(10).run()
    assert not test.exception
    assert next(e for e in test.expander if e.label.startswith("Small groups")).label.endswith("(minimum 10)")


def _labels(test) -> set[str]:
    return {w.label for kind in ("selectbox", "text_input", "radio") for w in test.get(kind)}


def test_the_mapping_form_shows_only_the_wave_controls_of_the_chosen_mode():
    test = opened("data.py")
    path = REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"
    upload(test, [(path.name, path.read_bytes())])
    mode = wave_mode(test)
    assert mode.label == "Where the wave comes from" and mode.value == "Dates cut into periods"
    assert {"Date column", "Cut into", "Each file gives"} <= _labels(test)
    assert not {"Wave column", f"Wave of {path.name}"} & _labels(test)
    mode.set_value("One value per file").run()
    assert f"Wave of {path.name}" in _labels(test)
    assert not {"Date column", "Cut into", "Each file gives", "Wave column"} & _labels(test)
    wave_mode(test).set_value("A column").run()
    assert "Wave column" in _labels(test)
    assert not {"Date column", "Cut into", f"Wave of {path.name}"} & _labels(test)
    assert any("No wave column is chosen" in e.value for e in test.error), "no wave-like column: the user chooses"


def test_the_mapping_form_says_how_many_signs_are_mapped_and_offers_no_metadata():
    test = opened("data.py")
    path = REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"
    upload(test, [(path.name, path.read_bytes())])
    assert test.info[0].value.startswith("**0 of 8 signs mapped.** None of the 8 signs")
    items = test.get("data_editor")[0].value
    assert "Q1" in set(items["column"]) and not {"StartDate", "Progress", "IPAddress", "ResponseId"} & set(items["column"])
    assert any(c.value.startswith("Not offered as items — survey metadata: StartDate") for c in test.caption)
    assert [b.label for b in test.get("download_button") if "mapping" in b.label] == ["Download this mapping (JSON)"]
    demo = ROOT / "data" / "demo_responses.csv"
    upload(test, [(demo.name, demo.read_bytes())])
    assert any(s.value.startswith("**8 of 8 signs mapped.**") for s in test.success)


def test_a_date_rule_of_one_wave_per_file_is_kept_when_applied():
    test = opened("data.py")
    path = REALDATA / "googleforms_rstudio_rsurvey2019_en.csv"  # answers from 2019-Q4 into 2020-Q1
    upload(test, [(path.name, path.read_bytes())])
    assert test.get("radio")[-1].value is True  # "one wave: the period most of its responses fall in"
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    assert any("Now analysing" in s.value for s in test.success), [e.value for e in test.error]
    test.run()
    assert "waves 2019-Q4;" in texts(test)


# Presentation mode (pages/present.py): the slide and where it was started from live in the URL.
def presenting(**params: str | list[str]) -> AppTest:
    test = app()
    test.query_params.update({**params, "present": "1"})
    return test.switch_page("pages/present.py").run()


def demo_headings() -> list[str]:
    from cxcommit import load_demo, load_demo_metrics
    from cxcommit.story.slides import deck

    return [s.heading for s in deck(load_demo(), load_demo_metrics())]


def slide_title(test: AppTest) -> str:
    return next(m.value for m in test.main.markdown if m.value.startswith(("## ", "### "))).lstrip("#")[1:]


def test_the_sidebar_button_starts_presenting_and_remembers_the_page_and_filters():
    test = opened("gaps.py")
    next(m for m in test.sidebar.multiselect if m.label == "Divisions").set_value(["Digital"]).run()
    next(b for b in test.sidebar.button if b.label == "▶ Presentation mode").click().run()
    assert not test.exception
    assert dict(test.query_params) == {"division": "Digital", "present": "1", "slide": "1", "from": "gaps"}
    assert slide_title(test) == "What to lead with"


def test_the_buttons_and_their_keys_step_through_the_deck_and_the_url_follows():
    test = presenting(slide="1")
    assert test.button(key="present-key-PageUp").disabled and not test.button(key="present-key-PageDown").disabled
    next(b for b in test.button if b.label == "Next ▶").click().run()
    headings = demo_headings()  # each slide headed by its takeaway, as in the deck and the HTML report
    assert test.query_params["slide"] == "2" and slide_title(test) == headings[1]
    assert headings[1].startswith("Digital leads on commitment")
    test.button(key="present-key-End").click().run()
    assert test.query_params["slide"] == "9" and slide_title(test) == headings[8]
    assert any("9 / 9" in m.value for m in test.main.markdown)
    assert next(b for b in test.button if b.label == "Next ▶").disabled and test.button(key="present-key-N").disabled
    test.button(key="present-key-P").click().run()
    assert test.query_params["slide"] == "8" and slide_title(test) == headings[7]
    test.button(key="present-key-Home").click().run()
    assert test.query_params["slide"] == "1" and slide_title(test) == "What to lead with"


def test_exit_returns_to_the_page_presenting_started_from_with_its_filters():
    test = presenting(slide="3", division=["Digital", "Operations"], min_group_size="10", **{"from": "gaps"})
    next(b for b in test.button if b.label == "Exit").click().run()
    assert not test.exception
    assert dict(test.query_params) == {"division": ["Digital", "Operations"], "min_group_size": "10"}
    assert test.title[0].value.startswith("Commitment gaps")


def test_exit_without_a_known_origin_returns_to_the_overview():
    for origin in ({}, {"from": "present"}, {"from": "no-such-page"}):
        test = presenting(slide="2", division="Digital", **origin)
        next(b for b in test.button if b.label == "Exit").click().run()
        assert dict(test.query_params) == {"division": "Digital"}, origin
        assert test.title[0].value == "Executive commitment to customer experience", origin


def test_presenting_under_a_minimum_group_size_above_the_data_says_to_lower_it():
    """The demo's respondents would be shown at the default minimum: the minimum set is the cause, not the data."""
    said = " ".join(i.value for i in presenting(min_group_size="1000000000").info)
    assert "then lower the minimum group size under **Settings** in the sidebar." in said, said
    assert "load more data" not in said


def test_presenting_filters_that_leave_too_few_offers_the_way_out():
    """Claims in the North leaves nobody: with the sidebar hidden, the page says what to do and Exit (Esc) leaves."""
    test = presenting(slide="2", business_unit="Claims", region="North", **{"from": "gaps"})
    assert not test.exception
    said = " ".join(i.value for i in test.info)
    assert "Press Esc or Exit to leave the presentation, then widen the filters in the sidebar." in said
    assert "Widen the filters in the sidebar." not in said  # no sidebar to widen them in while presenting
    leave = next(b for b in test.button if b.label == "Exit")
    assert leave.proto.shortcut.lower() in ("esc", "escape")
    leave.click().run()
    assert not test.exception
    assert dict(test.query_params) == {"business_unit": "Claims", "region": "North"}
    assert test.title[0].value == "Gaps" and any("Widen the filters in the sidebar" in i.value for i in test.info)


def test_the_overview_links_each_finding_to_its_chart():
    from ui.overview import FINDING_CHARTS
    from cxcommit.analyses.findings import findings
    test = app().run()
    kinds = list(findings(load_demo())["kind"])
    assert set(kinds) <= set(FINDING_CHARTS)
    links = [link for link in test.get("page_link")]
    pages = {FINDING_CHARTS[kind][0] for kind in kinds if FINDING_CHARTS[kind][1] is None}
    assert {link.proto.page.strip("/").split("/")[-1] for link in links} == {page.removesuffix(".py") for page in pages}
    assert all(link.label == "See the chart →" for link in links)
    assert any("(#answers-per-item \"" in m.value for m in test.markdown) == ("weakest_sign" in kinds)
    # the link down this page is drawn as the links to other pages: one style for every "See the chart"
    style = " ".join(e.proto.body for e in test.get("html") if "st-key-chart-link-" in e.proto.body)
    assert "text-decoration: none" in style and "color: inherit" in style
    assert "How each item is answered" in [h.value for h in test.subheader]
    assert "Commitment by division" in [h.value for h in test.subheader]  # as the chart names its grouping
    assert "Participation" in [h.value for h in test.subheader]
    assert any("Below 75% is flagged low" in c.value for c in test.caption)


def test_under_a_unit_filter_the_heading_names_the_grouping_the_chart_uses():
    test = app()
    test.query_params["division"] = ["Digital"]
    test.run()
    assert not test.exception
    assert "Commitment by business unit" in [h.value for h in test.subheader]


def test_participation_is_not_set_against_a_headcount_under_a_role_filter():
    test = app()
    test.query_params["role"] = ["Executive"]
    test.run()
    assert not test.exception
    assert any("a filter by role or region would set part of a unit" in i.value for i in test.info)


def test_a_date_column_without_dates_is_refused_on_the_data_page_and_every_page_still_shows():
    test = opened("data.py")
    demo = ROOT / "data" / "demo_responses.csv"
    upload(test, [(demo.name, demo.read_bytes())])
    wave_mode(test).set_value("Dates cut into periods").run()
    next(s for s in test.selectbox if s.label == "Date column").set_value("division").run()
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    assert not test.exception, test.exception
    assert any("No response has a wave: the column 'division' holds no date" in e.value for e in test.error), \
        [e.value for e in test.error]
    for page in ("overview.py", "signs_by_unit.py", "data.py"):
        test.switch_page(f"pages/{page}").run()
        assert not test.exception, (page, test.exception)
    assert test.get("file_uploader"), "the Data page can load another file"


def test_data_that_cannot_be_published_is_said_and_the_demo_shown_instead():
    import pandas as pd
    from cxcommit.model.survey import Survey
    from ui.data import Dataset
    demo = import_demo()
    frame = demo.frame.copy()
    frame["wave"] = pd.Categorical([None] * len(frame))
    bad = Dataset("0123456789abcdef", "waveless.csv", Survey(frame, demo.items, demo.groupings, demo.mapping,
                                                             demo.report, levels=demo.levels), None)
    for page in ("overview.py", "data.py"):
        test = app()
        test.session_state["dataset"] = bad
        test.run()
        if page != "overview.py":
            test.session_state["dataset"] = bad
            test.switch_page(f"pages/{page}").run()
        assert not test.exception, (page, test.exception)
        assert any(e.value.startswith("waveless.csv cannot be shown: 5,458 of 5,458 response(s) have no wave")
                   for e in test.error), [e.value for e in test.error]
        assert "Showing the built-in demo data instead" in texts(test)
        test.run()  # put aside: the next run shows the demo without the message
        assert not test.exception and not test.error


def _with_metrics(text: str, key: str = "fedcba9876543210") -> AppTest:
    """The app with the demo survey and the unit metrics ``text`` in use."""
    from cxcommit import read_unit_metrics
    from ui.data import Dataset
    test = app()
    test.session_state["dataset"] = Dataset(key, "demo with metrics.csv", import_demo(),
                                            read_unit_metrics(text.encode(), "metrics.csv"))
    return test


METRICS = (ROOT / "data" / "demo_unit_metrics.csv").read_text()


@pytest.mark.parametrize("header", [
    "business_unit,division,wave,exec_incentive_cx_pct,headcount,NPS → CSAT,csat_pct",  # the page split ids on " → "
    "business_unit,division,wave,exec_incentive_cx_pct,headcount,n,mean_signs",  # names of cxcommit's own columns
    "business_unit,division,wave,exec_incentive_cx_pct,headcount,sign_7,group",
])
def test_pay_and_export_pages_take_any_metric_names(header):
    test = _with_metrics(header + "\n" + METRICS.split("\n", 1)[1]).run()
    for page in ("pay_trends.py", "export.py"):
        test.switch_page(f"pages/{page}").run()
        assert not test.exception, (page, test.exception)
        assert not test.error, (page, [e.value for e in test.error])
    test.switch_page("pages/pay_trends.py").run()
    relation = next(s for s in test.selectbox if s.label == "Relation")
    for index, option in enumerate(relation.options):  # each pair, the metric with " → " too
        relation.select_index(index).run()
        assert not test.exception and not test.error, (option, test.exception, [e.value for e in test.error])
        relation = next(s for s in test.selectbox if s.label == "Relation")
    assert "Executive incentive tied to CX (%) → NPS → CSAT" in relation.options or "NPS" not in header


def test_unit_metrics_without_an_incentive_share_leave_the_overview_and_pay_charts_whole():
    text = "\n".join(",".join(line.split(",")[:3] + line.split(",")[4:]) for line in METRICS.splitlines() if line)
    test = _with_metrics(text).run()
    assert not test.exception and not test.error, [e.value for e in test.error]
    assert "Commitment by division" in texts(test) and "**1.** Weakest in 2026-Q3:" in texts(test)
    test.switch_page("pages/pay_trends.py").run()
    assert not test.exception and not test.error, [e.value for e in test.error]
    assert any(s.value.startswith("Pay tied to CX ") for s in test.subheader)  # the slide's takeaway
    assert "have no incentive-share column (their metrics: customer_nps, csat_pct)" in texts(test)
    assert len(test.get("plotly_chart")) >= 4  # sign 7, commitment, one item over waves, the relation


def test_uploaded_unit_metrics_are_held_by_the_session_not_the_server():
    import ui.data
    assert not hasattr(ui.data.read_metrics, "clear"), "no st.cache_* keeps uploads for the whole server"
    test = opened("data.py")
    for name in ("first.csv", "second.csv"):
        uploader = next(u for u in test.get("file_uploader") if u.label.startswith("Unit metrics"))
        uploader.set_value([(name, METRICS.encode(), "text/csv")]).run()
        assert not test.exception and not test.error, [e.value for e in test.error]
        held = list(test.session_state["_remembered:metrics"].values())
        assert [m.source for m in held] == [name]  # the last one read; the one before is let go


def test_the_import_summary_says_how_many_people_answered_more_than_one_wave():
    from test_clustered import _panel_csv

    test = opened("data.py")
    upload(test, [("panel.csv", _panel_csv())])
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    assert not test.exception, test.exception
    assert any(c.value.startswith("120 respondent id(s) answered in more than one wave") for c in test.caption)


def test_pages_are_named_in_the_words_of_the_survey_loaded():
    """The heatmap and the variation page say what they compare: units and signs on the demo,
    items and regions on the Star Wars export (no signs, no units), the grouping chosen when one is."""
    from cxcommit import load_survey
    from ui.titles import nav_title, page_title
    demo, stars = load_demo(), load_survey(REALDATA / "surveymonkey_538_starwars.csv")
    assert [page_title(file, demo) for file in ("signs_by_unit.py", "variation.py")] == \
        ["Signs × units", "Where units disagree"]
    assert [nav_title(file, demo) for file, _ in PAGES] == [title for _, title in PAGES]  # the demo's words
    assert nav_title("signs_by_unit.py", stars) == "Items × regions" and nav_title("variation.py", stars) == "Variation"
    assert page_title("signs_by_unit.py", stars) == "Items × regions"
    assert page_title("variation.py", stars) == "Where regions disagree"
    assert page_title("signs_by_unit.py", stars, "Gender") == "Items × gender groups"
    assert page_title("variation.py", stars, "Which character shot first?") == "Where groups disagree"
    assert [page_title(file, demo) for file in ("gaps.py", "pay_trends.py")] == \
        ["Commitment gaps", "Compensation alignment and trends"]
    assert [page_title(file, stars) for file in ("gaps.py", "pay_trends.py")] == ["Gaps", "Trends over waves"]


def test_a_language_survey_opens_its_one_item_charts_on_a_well_answered_item_with_groupings_cut_by_words():
    """Google Forms: the first question (8 answers) is not what Gaps and Pay & trends open on, and
    the groupings' questions in the radio are cut with "…", never mid-word."""
    test = opened("data.py")
    path = REALDATA / "googleforms_rstudio_rsurvey2019_en.csv"
    upload(test, [(path.name, path.read_bytes())])
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    for page, label in (("gaps.py", "Every group on one item"), ("pay_trends.py", "One item over waves")):
        test.switch_page(f"pages/{page}").run()
        assert not test.exception, (page, test.exception)
        box = next(s for s in test.selectbox if s.label == label)
        assert box.value != "difficult_expect_learning_r", page
    options = [o for r in test.radio for o in r.options]
    long = [o for o in options if len(o) >= 40]
    assert long and all(o.endswith("…") for o in long), options


def test_the_answers_chart_speaks_of_a_change_only_when_it_shows_one():
    from cxcommit import load_demo
    from cxcommit.analyses.favourability import favourability, shows_change
    from cxcommit.privacy.view import view

    assert shows_change(favourability(load_demo()))
    assert not shows_change(favourability(view(load_demo(), wave=["2026-Q3"])))  # one wave: nothing to change from
    for waves, said in ((["2026-Q2", "2026-Q3"], True), (["2026-Q3"], False)):
        test = app()
        test.query_params["wave"] = waves
        test.run()
        assert not test.exception
        captions = " ".join(c.value for c in test.caption)
        assert ("the change is that of the favourable share" in captions) is said, (waves, captions)
