"""Tall charts across slides (cxcommit.story.paging): every slide of the demo and of the real exports
fits a laptop's screen by the presentation's own fitting model, a paged chart tells every row once
in its chart's order, and the presentation, the deck and the HTML report page alike."""
import pandas as pd
import pytest

from conftest import REALDATA
from cxcommit import load_demo, load_demo_metrics, load_survey
from cxcommit.export.html_report import html_report
from cxcommit.story.order import in_chart_order
from cxcommit.story.paging import PAGED, SMALLEST
from cxcommit.story.screen import Screen, for_screen, heights
from cxcommit.story.slides import deck

EXPORTS = ["surveymonkey_538_starwars.csv", "googleforms_rstudio_rsurvey2019_en.csv",
           "qualtrics_student_satisfaction_choicetext2023.csv"]
SCREENS = [SMALLEST, Screen(1536, 864), Screen(1920, 1080)]


@pytest.fixture(scope="module")
def told():
    """The presentation's slides of the demo (with its unit metrics) and of each real export."""
    decks = {"demo": deck(load_demo(), load_demo_metrics())}
    decks.update({name: deck(load_survey(REALDATA / name)) for name in EXPORTS})
    return decks


def caption(screen: Screen, lines: int) -> str:
    """A caption of ``lines`` lines (the presentation shows at most ``screen.caption_lines``; the whole
    organisation's takes two)."""
    return "·" * (lines * screen.per_line(screen.caption_char))


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s.width}x{s.height}")
def test_every_slide_fits_each_screen_without_squeezing_its_chart_further(told, screen):
    for name, slides in told.items():
        for number, slide in enumerate(slides, 1):
            if slide.figure is None:
                continue
            lines = screen.caption_lines if slide.kind in PAGED else 2  # paged for the longest; others as shown
            fitted = for_screen(slide.__class__(**{**slide.__dict__, "caption": caption(screen, lines)}), screen)
            lowest, room, _ = heights(fitted, screen)
            assert room >= lowest, (name, number, slide.heading, lowest, room)


def test_a_tall_chart_is_paged_every_row_once_in_its_charts_order(told):
    slides = told["surveymonkey_538_starwars.csv"]
    for kind in ("signs", "variation", "gap_to_target"):
        pages = [s for s in slides if s.kind == kind]
        count = len(pages)
        assert count > 1, kind  # 14 rated questions do not fit a laptop's slide (its 5 factual ones are not rated)
        assert [s.page for s in pages] == [(n, count) for n in range(1, count + 1)]
        whole = pd.concat([s.table for s in pages], ignore_index=True)
        key = "label" if kind == "gap_to_target" else "item"
        assert whole[key].nunique() == 14 and not whole.duplicated().any()
        assert whole[key].drop_duplicates().tolist() == in_chart_order(kind, whole)[key].drop_duplicates().tolist()
        for number, slide in enumerate(pages, 1):
            assert slide.heading.endswith(f"({number} of {count})")
            assert slide.figure.layout.title.text.endswith(f"({number} of {count})")
            assert slide.notes.startswith(f"Page {number} of {count} of this chart: rows ")
            assert slide.takeaway == pages[0].takeaway and slide.method == pages[0].method
        assert all(not s.bullets for s in pages[1:])  # the chart's explanation once, on its first page


def test_a_turned_heatmap_is_paged_by_its_rows_and_stays_turned(told):
    """Google Forms: 8 rated questions (the factual 9th is not rated) by 36 countries (and those who
    gave none, left out), one row per country; each page some countries, all questions."""
    pages = [s for s in told["googleforms_rstudio_rsurvey2019_en.csv"] if s.kind == "signs"]
    assert len(pages) > 1
    for slide in pages:
        rows = slide.figure.data[0].y
        assert len(rows) == slide.table["group"].nunique() < 36
        assert len(slide.figure.data[0].x) == slide.table["item"].nunique() == 8
    assert sum(s.table["group"].nunique() for s in pages) == 36


def test_the_pages_of_a_heatmap_keep_its_columns_in_one_order(told):
    """Star Wars: 14 rated questions down, 10 regions across, on several slides: every page the regions in
    the whole chart's order (by score over every question), not each page's own."""
    pages = [s for s in told["surveymonkey_538_starwars.csv"] if s.kind == "signs"]
    orders = {tuple(s.figure.data[0].x) for s in pages}
    assert len(pages) > 1 and len(orders) == 1


def test_the_demo_tells_each_chart_on_one_slide(told):
    assert all(s.page == (1, 1) for s in told["demo"])


def test_the_deck_and_the_html_report_page_as_the_presentation_does():
    survey = load_survey(REALDATA / "surveymonkey_538_starwars.csv")
    presented, written = deck(survey), deck(survey, presentation=False)
    assert [(s.kind, s.page, s.heading) for s in presented] == [(s.kind, s.page, s.heading) for s in written]
    page = html_report(written, title="Star Wars")
    assert all(s.heading.replace("“", "&ldquo;") in page or s.heading in page for s in written if s.page[1] > 1)


def test_the_pages_of_a_chart_keep_its_colour_scale_and_axis(told):
    """The same colour or bar length means the same number on every page of a chart told across
    slides: the heatmap's colour scale and the gap bars' axis are the whole chart's, on screen and
    in the deck (Google Forms' 36 countries on six heatmap slides; Star Wars' items on two gap slides)."""
    import io

    from pptx import Presentation

    from cxcommit.export.pptx_deck import write_deck

    checked = 0
    for name, slides in told.items():
        for kind in ("signs", "gap_to_target"):
            pages = [s for s in slides if s.kind == kind]
            if len(pages) < 2:
                continue
            if kind == "signs":
                scales = {(s.figure.data[0].zmin, s.figure.data[0].zmax) for s in pages}
            else:
                scales = {tuple(s.figure.layout.xaxis.range) for s in pages}
            assert len(scales) == 1, (name, kind, scales)
            checked += 1
    assert checked >= 2
    survey = load_survey(REALDATA / "surveymonkey_538_starwars.csv")
    told_deck = deck(survey, presentation=False)
    assert sum(s.kind == "gap_to_target" for s in told_deck) >= 2
    written = Presentation(io.BytesIO(write_deck(told_deck, include=["gap_to_target"])))
    maxima = [shape.chart.value_axis.maximum_scale for slide in written.slides for shape in slide.shapes
              if shape.has_chart]
    assert len(maxima) >= 2 and len(set(maxima)) == 1 and None not in maxima, maxima
