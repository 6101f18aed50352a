"""The deck's story: order, captions, and slides left out when their data is missing."""
import json

import plotly.graph_objects as go
import pytest
from conftest import REALDATA

from cxcommit import load_demo_metrics
from cxcommit.settings import Settings
from cxcommit.story.screen import for_screen
from cxcommit.story.slides import deck


def test_the_demo_deck_tells_the_story_in_order(demo):
    slides = deck(demo, load_demo_metrics(), caption="Demo data")
    assert [s.title for s in slides] == [
        "What to lead with", "Commitment by division", "The 8 signs by division", "Where units disagree",
        "Do executives see what their staff see?", "How far from full commitment?", "Is executive pay tied to CX?",
        "Commitment over waves", "Pay alignment and customer outcomes"]
    assert slides[0].figure is None and len(slides[0].bullets) >= 3
    assert all(isinstance(s.figure, go.Figure) for s in slides[1:])
    assert all(s.caption == "Demo data" for s in slides)


def test_without_unit_metrics_the_outcomes_slide_is_left_out(demo):
    assert "Pay alignment and customer outcomes" not in [s.title for s in deck(demo)]


def test_slides_with_nothing_to_show_are_left_out(demo):
    one_unit = demo.filter(business_unit=[demo.codes("business_unit")[1][0]])
    titles = [s.title for s in deck(one_unit, settings=Settings(min_group_size=5))]
    assert "Where units disagree" not in titles  # one unit: no spread across units…
    assert "Where regions disagree" in titles  # … so the slide shows the next grouping that varies
    assert titles[0] == "What to lead with"


# Fitting a slide to the screen: the chart's height (chart_height) and the figure drawn at it (fit).
from cxcommit.story.screen import Screen, chart_height, fit  # noqa: E402
from cxcommit.story.slides import Slide  # noqa: E402


def _pay_slide(demo) -> Slide:
    """The pay chart (two panels over the waves, side by side): lowered on a small screen."""
    return next(s for s in deck(demo, load_demo_metrics()) if s.title == "Is executive pay tied to CX?")


def _room(slide: Slide, screen: Screen) -> int:
    """What the page around the chart takes, as the Screen estimates it."""
    return (screen.frame + sum(screen.bullet + screen.lines(b) * screen.line for b in slide.bullets)
            + (screen.lines(slide.caption, screen.caption_char) - 1) * screen.caption_line)


def test_every_demo_slide_fits_a_full_hd_screen(demo):
    slides = deck(demo, load_demo_metrics(), caption="Demo data · Waves: all (2025-Q2 to 2026-Q3) · 5,434 respondents")
    screen = Screen(1920, 1080)
    for slide in slides[1:]:
        height = chart_height(slide, screen)
        assert height <= 2 * slide.figure.layout.height, slide.title  # a short chart grows to fill the slide
        assert height + _room(slide, screen) <= 1080, slide.title
    tall = {s.title: chart_height(s, screen) < s.figure.layout.height for s in slides[1:]}
    assert not tall["Is executive pay tied to CX?"]  # its two panels side by side: as tall as the other line charts
    assert not tall["Commitment by division"]  # short: drawn taller
    assert chart_height(slides[1], screen) > slides[1].figure.layout.height


def test_bullets_and_a_long_caption_leave_less_room_for_the_chart(demo):
    figure = _pay_slide(demo).figure
    bare = Slide("t", figure, "Demo data")
    screen = Screen(1920, 1080)
    with_bullets = Slide("t", figure, "Demo data", ("word " * 60,) * 2)
    long_caption = Slide("t", figure, "Divisions: " + ", ".join(["Commercial Banking"] * 20))
    assert chart_height(with_bullets, screen) == chart_height(bare, screen) - 2 * (screen.bullet + 2 * screen.line)
    assert chart_height(long_caption, screen) < chart_height(bare, screen)
    assert chart_height(Slide("t", None, "c", ("a",)), screen) is None


def test_on_a_small_screen_the_plot_is_not_squeezed_below_its_share(demo):
    slide = _pay_slide(demo)
    layout = slide.figure.layout
    margins = layout.margin.t + layout.margin.b
    height = chart_height(slide, Screen(1024, 600))
    assert height - margins >= Screen().squeeze * (layout.height - margins)
    assert height < layout.height


def test_fit_keeps_title_and_legend_where_they_were_in_pixels(demo):
    across = _pay_slide(demo).figure  # 7 divisions with "Other divisions": on a slide, across under the title
    from cxcommit import charts
    from cxcommit.analyses.pay import pay_alignment
    from cxcommit.charts.options import ChartOptions
    down = charts.pay_trend_chart(pay_alignment(demo, load_demo_metrics(), "business_unit"),  # 30 units: down the side
                                  options=ChartOptions(presentation=True))
    assert across.layout.legend.yref == "container" and down.layout.legend.yref == "paper"
    for figure in (across, down):
        before = figure.to_dict()
        fitted = fit(figure, 600)
        assert fitted.layout.height == 600 and figure.to_dict() == before  # a copy: the cached deck is unchanged
        for old, new in ((figure.layout.title, fitted.layout.title), (figure.layout.legend, fitted.layout.legend)):
            assert new.yref == old.yref
            if old.yref == "container":
                assert abs((1 - new.y) * 600 - (1 - old.y) * figure.layout.height) < 1e-6
            else:  # at the top of the plot, whose top margin is kept: as many pixels from the top as before
                assert old is figure.layout.legend and new.y == old.y == 1 and new.yanchor == "top"
        assert fitted.layout.margin == figure.layout.margin
        assert json.loads(fitted.to_json())["data"] == json.loads(figure.to_json())["data"]  # NaN (no unit metrics) as null
        assert fit(figure, figure.layout.height) is figure and fit(figure, None) is figure
        taller = fit(figure, figure.layout.height + 100)  # room to spare: drawn taller, the header still in place
        assert taller.layout.height == figure.layout.height + 100
        assert abs((1 - taller.layout.title.y) * taller.layout.height
                   - (1 - figure.layout.title.y) * figure.layout.height) < 1e-6


def test_on_a_small_screen_the_explanations_give_way_to_the_chart(demo):
    slides = deck(demo, load_demo_metrics(), caption="Demo data")
    variation = next(s for s in slides if s.kind == "variation")
    assert for_screen(variation, Screen(1920, 1080)) is variation  # it fits: as it is
    small = Screen(1280, 720)
    shown = for_screen(variation, small)
    assert shown.bullets == variation.bullets[:len(shown.bullets)] and len(shown.bullets) < len(variation.bullets)
    room = small.height - small.frame - sum(small.bullet + small.lines(b) * small.line for b in shown.bullets)
    assert chart_height(shown, small) <= room  # the chart fits in what the bullets left
    findings = slides[0]  # no chart: its bullets are the slide
    assert findings.figure is None and for_screen(findings, Screen(800, 400)) is findings


def test_the_chapters_are_the_kinds_the_command_line_offers():
    from cxcommit.export.pptx_deck import DRAW
    from cxcommit.story.chapters import CHAPTERS
    from cxcommit.story.kinds import KINDS

    assert tuple(chapter.kind for chapter in CHAPTERS) == KINDS
    assert set(DRAW) == set(KINDS) - {"findings", "outcomes"}  # a text slide and the scatter are drawn apart


def test_a_chart_that_fails_fails_the_deck_instead_of_dropping_its_slide(monkeypatch):
    from dataclasses import replace

    import cxcommit.story.slides as slides
    from cxcommit.demo import load_demo
    from cxcommit.story.chapters import CHAPTERS

    def broken(plan, table, look):
        raise TypeError("a chart given the wrong table")

    monkeypatch.setattr(slides, "CHAPTERS", tuple(replace(c, show=broken) if c.kind == "commitment" else c
                                                 for c in CHAPTERS))
    with pytest.raises(TypeError, match="wrong table"):
        slides.deck(load_demo())


def test_a_chapter_that_does_not_apply_is_left_out(monkeypatch):
    from dataclasses import replace

    import cxcommit.story.slides as slides
    from cxcommit.demo import load_demo
    from cxcommit.errors import NotApplicable
    from cxcommit.story.chapters import CHAPTERS

    def not_here(plan):
        raise NotApplicable("no such number here")

    monkeypatch.setattr(slides, "CHAPTERS", tuple(replace(c, analysis=not_here) if c.kind == "commitment" else c
                                                 for c in CHAPTERS))
    assert "commitment" not in [s.kind for s in slides.deck(load_demo())]


def test_a_filtered_view_says_what_the_rest_is(demo):
    from cxcommit.analyses.rates import rates
    from cxcommit.story.report_text import view_lines, view_of

    rest = "“difference to the rest” compares with the rest of this filtered view, not with all respondents"
    digital = demo.filter(division="Digital")
    assert view_of(digital, Settings()).caption("Demo data", str).endswith(" · " + rest)
    assert view_lines(digital, Settings(), "Demo data")[-1] == rest
    assert rest not in view_of(demo, Settings()).caption("Demo data", str)
    assert rest not in view_lines(demo.filter(wave="2026-Q3"), Settings(), "Demo data")  # waves: within them anyway
    # the case the caption is for: a unit against the rest of its division is not it against the organisation
    within = rates(digital, "business_unit", items=["sign_7"]).set_index("group")["diff"]
    overall = rates(demo, "business_unit", items=["sign_7"]).set_index("group")["diff"]
    assert (within - overall.reindex(within.index)).abs().max() > 0.05


def test_the_heatmaps_method_line_names_its_family_and_the_smallest_difference(demo):
    from cxcommit.analyses.rates import rates

    for settings, size in ((Settings(), "by at least 5 points"), (Settings(min_difference=0.1), "by at least 10 points"),
                           (Settings(min_difference=0), "no smallest difference set")):
        signs = next(s for s in deck(demo, settings=settings) if s.kind == "signs")
        tests = int(rates(demo, "division", settings=settings)["p_value"].notna().sum())  # every item × division
        assert tests > signs.table["p_value"].notna().sum()  # the family is the breakdown, not the signs shown
        assert f"Marked: differs from the rest after adjusting for the {tests} comparisons of this breakdown " \
               f"(Benjamini–Hochberg)" in signs.method and size in signs.method
        assert signs.method.endswith("Methods: docs/methods.md §Differences, §What significant means.")
    assert all("Marked:" not in s.method for s in deck(demo) if s.kind != "signs")


# One story everywhere: the order each chart draws, the heading every medium uses, the notes, one wave.
from cxcommit.charts.heatmap import column_order  # noqa: E402
from cxcommit.story.chapters import CHAPTERS, outcome_pair, spread_line  # noqa: E402
from cxcommit.privacy.publish import generalised_values  # noqa: E402


def test_each_slides_table_is_in_the_order_its_dashboard_chart_draws(demo):
    slides = {s.kind: s for s in deck(demo, load_demo_metrics())}
    commitment = slides["commitment"].table
    shown = commitment[~commitment["suppressed"]]
    pooled = shown["group"].isin(generalised_values(demo, "division")).to_numpy()
    assert pooled.any() and not pooled[:-pooled.sum()].any()  # "Other divisions" below the divisions ...
    named = shown["mean_signs"].astype(float)[~pooled].tolist()
    assert named == sorted(named, reverse=True)  # ... highest first, as the page's bars (top first)
    assert shown["mean_signs"].astype(float)[pooled].max() > min(named)  # below them, though not lower
    assert slides["commitment"].takeaway.startswith(commitment["group"].iloc[0])  # the title's subject is on top
    signs = slides["signs"].table
    assert list(dict.fromkeys(signs["group"])) == column_order(signs, "score")  # the page's default sort
    for kind in ("perception_gap", "gap_to_target"):
        gaps = slides[kind].table.groupby("label", sort=False)["gap"].mean().tolist()
        assert gaps == sorted(gaps, reverse=True), kind
        assert f"“{slides[kind].table['label'].iloc[0]}”" in slides[kind].takeaway, kind  # the first bar, not the third
    variation = slides["variation"].table
    assert variation["omega_sq"].tolist() == sorted(variation["omega_sq"], reverse=True)


def test_every_slide_carries_notes_with_its_method_its_n_and_the_view(demo):
    filtered = demo.filter(division=["Digital", "Operations"])
    for slide in deck(filtered, load_demo_metrics(), caption="Demo data · Digital, Operations"):
        assert slide.notes.startswith(slide.method) and "Methods: docs/methods.md §" in slide.notes, slide.kind
        assert f"n: {filtered.size:,} respondents in this view" in slide.notes, slide.kind
        assert "View: Demo data · Digital, Operations" in slide.notes
        assert "adjusting for the tests it was picked from (Holm) and by at least 5 points" in slide.notes
    pay = next(s for s in deck(demo) if s.kind == "pay")
    assert pay.table["suppressed"].any() and "Hidden (fewer than 5 answers" in pay.notes  # the hidden waves named


def test_one_wave_has_no_trend_slide_and_no_title_that_says_rose(demo):
    last = demo.codes("wave")[1][-1]
    slides = deck(demo.filter(wave=[last]), load_demo_metrics())
    assert not {"pay", "index_waves"} & {s.kind for s in slides}
    words = " ".join(s.heading + " ".join(s.bullets) for s in slides[1:])
    assert not any(word in words for word in (" rose ", " fell ", " moved ", "held steady"))
    assert {"pay", "index_waves"} <= {s.kind for s in deck(demo, load_demo_metrics())}  # two waves or more: told


def test_the_heading_is_the_takeaway_else_the_title(demo):
    slides = deck(demo, load_demo_metrics())
    assert slides[0].heading == "What to lead with"  # no message to read off a list of findings
    assert all(s.heading == s.takeaway for s in slides[1:] if s.takeaway)
    assert [c.kind for c in CHAPTERS if c.over_waves] == ["pay", "index_waves"]


def test_the_pay_title_says_the_change_as_the_finding_does(demo):
    slides = {s.kind: s for s in deck(demo, load_demo_metrics())}
    assert slides["pay"].heading == "Pay tied to CX rose most in Retail Banking: 18% said yes in 2025-Q2, 67% in 2026-Q3"
    pay_finding = next(line for line in slides["findings"].bullets if line.startswith("Executive pay tied to CX:"))
    assert "% said yes in 2025-Q2, " in pay_finding  # the same form, organisation-wide
    assert "points" not in slides["pay"].heading and "signs met in" in slides["index_waves"].heading


def test_the_variation_slide_says_its_order_and_the_units_at_each_end_in_one_paragraph(demo):
    slide = next(s for s in deck(demo) if s.kind == "variation")
    assert len(slide.bullets) == 1 and slide.bullets[0] == spread_line(slide.table, "units")
    top, bottom = slide.table.iloc[0], slide.table.iloc[-1]
    for row in (top, bottom):
        assert f"“{row['label']}”, from {row['min_p']:.0%} ({row['lowest']}) to {row['max_p']:.0%}" in slide.bullets[0]
    assert slide.bullets[0].startswith("Ranked by ω²") and "beyond chance (ω²)" in slide.method


def test_the_scatter_tells_the_pair_the_page_opens_on(demo):
    outcomes = next(s for s in deck(demo, load_demo_metrics()) if s.kind == "outcomes")
    assert outcomes.columns == outcome_pair(load_demo_metrics()) == ("exec_incentive_cx_pct", "customer_nps")


def test_the_heatmaps_title_gives_each_items_share_among_everyone():
    """Google Forms: 143 respondents gave no country; the title's "strongest … (95%)" is the share
    among everyone, as the Overview's bars say, not pooled over the countries shown (96%)."""
    from cxcommit import load_survey
    from cxcommit.analyses.rates import everyone_shares
    from cxcommit.text import pct

    survey = load_survey(REALDATA / "googleforms_rstudio_rsurvey2019_en.csv")
    heading = next(s for s in deck(survey) if s.kind == "signs").heading
    shares = everyone_shares(survey)
    strongest = heading.split("strongest: “")[1].split("”")[0]
    assert f"“{strongest}” ({pct(shares[strongest])})" in heading


def test_a_scatter_of_fewer_than_three_units_is_left_out():
    """Filtered to one unit, the outcomes scatter would be one dot titled "Too few units to tell": the
    slide is left out; with every unit it is told."""
    from cxcommit import load_demo

    one = deck(load_demo().filter(business_unit=["Procurement"]), load_demo_metrics())
    assert "outcomes" not in {s.kind for s in one} and "pay" in {s.kind for s in one}
    assert "outcomes" in {s.kind for s in deck(load_demo(), load_demo_metrics())}


def test_a_survey_without_the_signs_is_titled_by_its_rated_questions_as_the_overview_counts_them():
    from conftest import REALDATA
    from cxcommit import load_survey
    from cxcommit.analyses.favourability import favourability, item_counts
    from cxcommit.story.slides import deck_title

    survey = load_survey(REALDATA / "surveymonkey_538_starwars.csv")  # 19 questions, 5 of them factual
    rated = item_counts(favourability(survey)).rated  # the Overview's tile "Items rated"
    assert len(survey.item_ids) > rated
    assert deck_title(survey) == f"Survey results: {rated} rated questions by group"


def test_the_gap_to_target_chapter_is_named_as_its_slide_says_it(demo):
    from conftest import REALDATA
    from cxcommit import load_survey

    survey = load_survey(REALDATA / "surveymonkey_538_starwars.csv")
    slide = next(s for s in deck(survey) if s.kind == "gap_to_target")
    assert slide.title == "How far from everyone answering favourably?"
    assert slide.takeaway.startswith("Furthest from everyone answering favourably")
    slide = next(s for s in deck(demo) if s.kind == "gap_to_target")
    assert (slide.title, slide.takeaway.split(":")[0]) == ("How far from full commitment?", "Furthest from full commitment")
