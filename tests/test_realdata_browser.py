"""Each real export, opened as a user would: ``streamlit run dashboard.py -- --data FILE``, every page
at a laptop's 1366 × 768, then the presentation entered and left. A page fails on a traceback, on
text cut off at the right edge of the page, on a chart label drawn outside its chart, and the
presentation on a slide that does not fit the screen or a way out that does not work."""
import pytest

from conftest import REALDATA
from server import streamlit_server, wait_for_app
from ui.shell import PAGES, page_url

pytestmark = pytest.mark.browser

EXPORTS = ["surveymonkey_538_starwars.csv", "googleforms_rstudio_rsurvey2019_en.csv",
           "qualtrics_student_satisfaction_choicetext2023.csv"]
WIDTH, HEIGHT = 1366, 768

# What a reader cannot read: text wider than the main column (cut at its right edge), a button's label
# cut short ("Downlo…"), and chart text
# (tick labels, cell values, annotations) drawn outside its chart's box.
OVERFLOW = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const right = main.getBoundingClientRect().right + 1;
  const cut = [...main.querySelectorAll('h1, h2, h3, p, li, label, [data-testid="stMetricValue"]')]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > right)
    .map(e => 'cut: ' + e.innerText.slice(0, 60));
  const ellipsed = [...main.querySelectorAll('button *')]  // "Downlo…"
    .filter(e => getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1)
    .map(e => 'button cut: ' + e.innerText.slice(0, 60));
  const outside = [];
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
    const box = chart.getBoundingClientRect();
    for (const t of chart.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (!r.width || !t.textContent.trim()) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1)
        outside.push('outside its chart: ' + t.textContent.slice(0, 60));
    }
  }
  return cut.concat(ellipsed, outside);
}"""


@pytest.fixture(scope="module", params=EXPORTS)
def export_server(request):
    with streamlit_server(args=["--data", str(REALDATA / request.param)], timeout=120) as url:
        yield request.param, url


@pytest.mark.parametrize("file, title", [page for page in PAGES if page[0] != "data.py"])
def test_every_page_of_a_real_export_reads_without_cut_off_text(file, title, export_server, open_page):
    export, url = export_server
    page = open_page(WIDTH, HEIGHT)
    page.goto(f"{url}/{page_url(file)}")
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0, (export, file)
    assert "Traceback" not in page.content()
    assert page.evaluate(OVERFLOW) == [], (export, file)


def _slides(page, url: str):
    """Open the presentation at its first slide and yield each slide's number once it is drawn."""
    page.goto(f"{url}/present?present=1&slide=1")
    page.get_by_text("1 / ", exact=False).first.wait_for()
    wait_for_app(page)
    total = int(page.get_by_text("1 / ", exact=False).first.inner_text().split("/")[1])
    for number in range(1, total + 1):
        if number > 1:
            page.keyboard.press("Space")
            page.wait_for_function("n => new URLSearchParams(location.search).get('slide') === n", arg=str(number))
            wait_for_app(page)
        yield number


def test_the_presentation_of_a_real_export_reads_and_lets_you_out(export_server, open_page):
    export, url = export_server
    page = open_page(WIDTH, HEIGHT)
    for number in _slides(page, url):
        assert page.locator('[data-testid="stException"]').count() == 0, (export, number)
        assert page.evaluate(OVERFLOW) == [], (export, number)
        exit_box = page.get_by_role("button", name="Exit").bounding_box()  # the way out is always on screen
        assert exit_box and exit_box["y"] + exit_box["height"] <= HEIGHT, (export, number)
    page.keyboard.press("Escape")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('present')")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible")  # the rerun that shows it may lag the URL


def test_every_slide_of_a_real_export_fits_a_laptop_screen(export_server, open_page):
    """Tall charts are told across slides (cxcommit.story.paging): none scrolls on the smallest screen
    they are fitted for; tests/test_paging.py checks the larger ones by the same fitting model."""
    export, url = export_server
    page = open_page(WIDTH, HEIGHT)
    for number in _slides(page, url):
        sizes = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
                                         return [m.scrollHeight, m.clientHeight]; }""")
        assert sizes[0] <= sizes[1], (export, number, sizes)
