"""The counts each page, tile, caption and slide states agree, on the demo and on each real export:
read from the library functions the pages call, the same noun gives the same number (respondents,
units or regions, items), or where two numbers differ the text says both and why."""
import re

import pytest

from cxcommit import load_survey
from cxcommit.analyses.favourability import favourability, item_counts, latest_shown_wave, wave_sizes
from cxcommit.analyses.findings import findings
from cxcommit.analyses.rates import rates
from cxcommit.analyses.summary import default_grouping, group_count, respondent_counts
from cxcommit.analyses.tables import item_scales
from cxcommit.analyses.variation import variation
from cxcommit.demo import load_demo
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.privacy.view import view
from cxcommit.story import takeaways
from conftest import REALDATA

EXPORTS = {"gf": "googleforms_rstudio_rsurvey2019_en.csv", "qt": "qualtrics_student_satisfaction_choicetext2023.csv",
           "sw": "surveymonkey_538_starwars.csv"}


@pytest.fixture(scope="module", params=["demo", *EXPORTS])
def survey(request):
    return load_demo() if request.param == "demo" else load_survey(REALDATA / EXPORTS[request.param])


def _among(text: str) -> int | None:
    """The count in "of the 13 items on the 7-point scale" (None where a text narrows to no scale)."""
    found = re.search(r"of the (\d+) (?:items on the \d+-point scale|\S+ items)", text)
    return int(found.group(1)) if found else None


def test_respondents_agree_between_the_tiles_the_data_page_and_the_caption(survey):
    sizes, latest = wave_sizes(survey), latest_shown_wave(survey)
    assert sizes[latest] == view(survey, wave=[latest]).size  # the Overview's tile, the latest wave shown
    counts = respondent_counts(survey)  # the Data page: kept at import, reported on every page
    assert counts.reported == survey.size == sum(sizes.values())
    assert (counts.left_out == 0) == (counts.why(5) == "")
    if counts.left_out:  # sw: 1,186 kept, 1,181 reported: the page says both and why
        assert f"report {counts.reported:,}" in counts.why(5)
        # both totals only where their difference may be told: the demo's 3 left out are "fewer than 5"
        assert (f"{counts.kept:,} kept" in counts.why(5)) == (counts.left_out >= 5)
    assert respondent_counts(load_demo()).why(5) == ("Fewer than 5 respondents fit no group of 5 in their wave and "
                                                    "are left out of every number; the pages report 5,455.")


@pytest.mark.parametrize("name", ["demo", "gf", "sw"])  # qt has no grouping: no tile of groups, no variation
def test_groups_agree_between_the_tile_and_the_variation_page(name):
    survey = load_demo() if name == "demo" else load_survey(REALDATA / EXPORTS[name])
    by = next(name for name in ("business_unit", "division", "region") if name in survey.groupings)
    latest = view(survey, wave=[latest_shown_wave(survey)])
    tile = group_count(latest, by)  # the Overview's tile
    spread = variation(latest, by)  # the Variation page's "across N units" for the same wave
    assert tile.shown == spread["n_groups"].max()
    whole = variation(survey, default_grouping(survey, by))
    assert group_count(survey, by).shown == whole["n_groups"].max()  # the waves chosen together
    if tile.pooled:  # demo: 30 units, 29 under their own name and "Other units"
        assert str(tile.own) in tile.why(("unit", "units"), 5) and tile.pooled[0] in tile.why(("unit", "units"), 5)


def test_items_agree_between_the_tile_the_chart_the_finding_and_the_title(survey):
    table = favourability(survey)
    counts = item_counts(table)
    assert counts.asked == len(table)  # the chart's rows, hidden ones among them
    assert counts.rated == int((~table["suppressed"]).sum())  # the tile
    if counts.asked > counts.rated:  # gf: 8 items rated, 9 rows, the 9th drawn without a number
        assert "1 more item is drawn without a number" in counts.why(5)
    facts = findings(survey).set_index("kind")
    weakest = facts.loc["weakest_sign"]
    bar = table.set_index("item").loc[weakest["item"]]  # the chart "See the chart" opens, the same wave
    assert weakest["n"] == bar["n"] and f"in {bar['wave']}" in weakest["headline"]
    one_wave = view(survey, wave=[latest_shown_wave(survey)])
    by = default_grouping(one_wave, "business_unit")
    items = list(SIGN_IDS) if survey.has_signs else None  # as the page and the finding narrow them
    title = takeaways.signs(rates(one_wave, by, items=items), scales=item_scales(one_wave))  # the heatmap's title
    assert _among(weakest["headline"]) == _among(title)
    if _among(title) is not None:
        assert _among(title) <= counts.rated


def test_a_finding_that_compares_two_sides_shows_the_smaller_n():
    facts = findings(load_demo()).set_index("kind")
    gap = facts.loc["perception_gap"]
    sides = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", gap["base"])]
    assert len(sides) == 2 and gap["n"] == min(sides) and "executive" in gap["base"]


def test_the_findings_slide_states_the_n_the_overview_states():
    from cxcommit.story.slides import deck

    demo = load_demo()
    facts = findings(demo)
    slide = deck(demo)[0]
    assert slide.bullets == tuple(f"{row.headline} ({row.base})" for row in facts.itertuples())
    assert any("(n = 5 executives, 164 staff)" in line for line in slide.bullets)


def test_an_end_of_a_spread_resting_on_few_answers_is_named_with_them():
    """Google Forms' regions disagree most on Shiny "from 0% (Portugal)": 5 answers. The finding, the
    title and the slide say so; the count is the group's n as every rates table publishes it."""
    survey = load_survey(REALDATA / EXPORTS["gf"])
    spread = variation(survey, "region")
    top = spread[spread["significant"]].iloc[0]
    published = rates(survey, "region", items=[top["item"]]).set_index("group")["n"]
    assert top["answers_lowest"] == published[top["lowest"]] < 30
    said = f"({top['lowest']}, {top['answers_lowest']} answers)"
    assert any(said in headline for headline in findings(survey)["headline"])
    assert said in takeaways.variation(spread, "regions")
    demo = variation(load_demo(), "business_unit")
    assert (demo[["answers_lowest", "answers_highest"]] >= 30).all().all()  # large ends: named alone
