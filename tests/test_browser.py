"""A few real browser tests: Playwright driving Debian's Chromium against ``streamlit run`` on
127.0.0.1. The module's tests share one server and one Chromium; each opens its page in a fresh
browser context, so each is a new session and "opened first" means the first page its session opens."""
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import REALDATA
from server import streamlit_server, open_chart_menu, wait_for_app
from ui.shell import PAGES, page_url

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("file, title", PAGES)
def test_each_page_opened_first_by_its_direct_url(file, title, app_server, open_page):
    url, page = app_server, open_page()
    page.goto(f"{url}/{page_url(file)}")
    wait_for_app(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    heading = page.locator("h1").first.inner_text()
    expected = {"overview.py": "Executive commitment", "signs_by_unit.py": "Signs × units",
                "variation.py": "Where units disagree", "gaps.py": "Commitment gaps",
                "pay_trends.py": "Compensation alignment", "present.py": "Present", "export.py": "Export",
                "data.py": "Data"}[file]
    assert heading.startswith(expected)
    assert page.get_by_text("Filters").count() >= 1  # the frame (sidebar) is there too


def test_changing_the_division_filter_changes_the_heatmap_and_the_url(app_server, open_page):
    url, page = app_server, open_page()
    page.goto(f"{url}/signs_by_unit")
    wait_for_app(page)
    before = page.locator('[data-testid="stPlotlyChart"]').first.inner_text()
    page.get_by_label("Divisions").first.click()  # opens the multiselect
    page.get_by_role("option", name="Digital").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => new URLSearchParams(location.search).get('division') === 'Digital'")
    wait_for_app(page)  # the rerun the choice started, not the page before it
    after = page.locator('[data-testid="stPlotlyChart"]').first.inner_text()
    assert after != before
    assert parse_qs(urlparse(page.url).query).get("division") == ["Digital"]


def test_clicking_a_heatmap_cell_opens_that_units_detail(app_server, open_page):
    url, page = app_server, open_page(1440, 1200)
    page.goto(f"{url}/signs_by_unit?division=Digital")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .js-plotly-plot')
    cell = page.evaluate("""() => {
      const chart = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
      const x = chart._fullLayout.xaxis, y = chart._fullLayout.yaxis, box = chart.getBoundingClientRect();
      const group = x._categories[1];
      return {group, left: box.left + x._offset + x.d2p(group), top: box.top + y._offset + y.d2p(y._categories[2])};
    }""")
    assert page.get_by_role("heading", name=cell["group"]).count() == 0
    page.mouse.click(cell["left"], cell["top"])
    wait_for_app(page)
    page.get_by_role("heading", name=cell["group"]).wait_for(timeout=30_000)  # the unit's detail table
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_url_round_trips_the_filters(app_server, open_page):
    url, page = app_server, open_page()
    page.goto(f"{url}/variation?division=Operations&division=Digital&min_group_size=10&min_difference=10")
    wait_for_app(page)
    assert "Divisions: Operations, Digital" in page.content() or "Divisions: Digital, Operations" in page.content()
    assert "groups under 10 answers hidden" in page.content()
    assert "compares with the rest of this filtered view" in page.content()
    query = parse_qs(urlparse(page.url).query)
    assert sorted(query["division"]) == ["Digital", "Operations"] and query["min_group_size"] == ["10"]
    assert query["min_difference"] == ["10"]  # in points, as the sidebar shows it
    page.get_by_text("Settings", exact=True).click()
    assert page.get_by_role("spinbutton", name="Smallest difference that matters (points)").input_value() == "10.0"
    page.get_by_role("link", name="Gaps").click()  # moving to another page keeps them
    wait_for_app(page)
    assert sorted(parse_qs(urlparse(page.url).query)["division"]) == ["Digital", "Operations"]


def test_a_pages_own_choices_are_in_the_url_and_survive_a_reload(app_server, open_page):
    url, page = app_server, open_page(1440, 1000)
    page.goto(f"{url}/signs_by_unit?division=Digital")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Regions", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('heatmap_by') === 'Regions'")
    wait_for_app(page)
    main.get_by_text("Name", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('heatmap_sort') === 'Name'")
    wait_for_app(page)
    assert _query(page)["division"] == ["Digital"]  # the filters stay beside the page's choices
    page.reload()
    wait_for_app(page)
    checked = page.evaluate("() => Array.from(document.querySelectorAll('[data-testid=stRadio] label'))"
                            ".filter(label => label.querySelector('input:checked')).map(label => label.innerText)")
    assert checked == ["Regions", "Name"]
    assert "The signs by region" in page.locator('[data-testid="stPlotlyChart"]').first.inner_text()


def test_the_export_page_downloads_the_deck_and_the_tables_for_the_filters(tmp_path, app_server, open_page):
    from openpyxl import load_workbook
    from pptx import Presentation

    url, page = app_server, open_page(1440, 1000)
    page.goto(f"{url}/export?division=Digital")
    wait_for_app(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the deck (.pptx)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".pptx" and "digital" in path.name
    deck = Presentation(str(path))
    cover = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "Division: Digital" in cover and len(deck.slides) >= 8
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download all tables (.xlsx)").click()
    path = tmp_path / "tables.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert "Commitment by unit" in book.sheetnames  # one division chosen: its units
    notes = [row[0].value for row in book["Notes"].iter_rows()]
    assert book.sheetnames[0] == "Notes" and "Division: Digital" in notes
    assert any("the rest of this filtered view" in note for note in notes)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the report (.html)").click()
    report = download.value.path().read_text(encoding="utf-8")
    assert "Division: Digital" in report and report.count("plotly.js v") <= 2 and '<script src="http' not in report


def test_a_charts_download_menu_gives_its_image(app_server, open_page):
    url, page = app_server, open_page(1440, 1000)
    page.goto(f"{url}/")
    open_chart_menu(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Image (.png)").click()
    assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert download.value.suggested_filename == "commitment_index_by_division.png"


def upload(page, path_or_payload):
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Survey exports").locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path_or_payload)
    page.locator('[data-testid="stFileChip"]').first.wait_for()  # sent; the rerun follows
    wait_for_app(page)


def test_uploading_a_real_qualtrics_export_and_keeping_it(open_page, tmp_path):
    """Kept in the workspace, the upload is what a reload and the link open, on another page too."""
    with streamlit_server(env={"CXCOMMIT_DATABASE_URL": f"sqlite:///{tmp_path / 'cxcommit.db'}"}) as url:
        page = open_page()
        page.goto(f"{url}/data")
        wait_for_app(page)
        upload(page, str(REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"))
        page.get_by_text("Keep them in the workspace", exact=True).click()
        page.get_by_label("Name of the new survey").wait_for()
        wait_for_app(page)
        page.get_by_role("button", name="Use this data").click()
        page.get_by_role("button", name="Store in “qualtrics_student_satisfaction_choicetext2023”").click()
        page.get_by_text("Made the survey").wait_for(timeout=60_000)
        wait_for_app(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.get_by_role("link", name="Variation").click()  # another page, then a reload: still these data
        page.wait_for_function("() => new URLSearchParams(location.search).get('data') === "
                               "'qualtrics_student_satisfaction_choicetext2023'")
        wait_for_app(page)
        page.reload()
        wait_for_app(page)
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text().replace("\u200b", "")  # the name's breaks
        assert "qualtrics_student_satisfaction_choicetext2023" in sidebar and "Demo data" not in sidebar


def test_a_broken_file_shows_a_message_not_a_traceback(app_server, open_page):
    url, page = app_server, open_page()
    page.goto(f"{url}/data")
    wait_for_app(page)
    upload(page, {"name": "broken.csv", "mimeType": "text/csv", "buffer": b"\x00\x01\x02\xff\xfe garbage"})
    page.locator('[data-testid="stAlertContentError"]').first.wait_for()
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()
    assert "Demo data" in page.content()  # still in use


def test_data_mapping_form_follows_the_wave_mode_and_counts_the_signs(app_server, open_page):
    url, page = app_server, open_page(1366, 768)
    page.goto(f"{url}/data")
    wait_for_app(page)
    upload(page, str(REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"))
    page.get_by_text("0 of 8 signs mapped.").wait_for(timeout=60_000)  # the form drawn after the upload
    page.get_by_text("Date column", exact=True).wait_for()
    assert page.get_by_text("Not offered as items — survey metadata: StartDate").count() == 1
    assert page.get_by_text("Wave of qualtrics_student_satisfaction_choicetext2023.csv").count() == 0
    page.get_by_text("One value per file", exact=True).click()
    page.get_by_text("Wave of qualtrics_student_satisfaction_choicetext2023.csv").wait_for()
    wait_for_app(page)
    assert page.get_by_text("Date column", exact=True).count() == 0
    page.get_by_role("button", name="Use this data").click()
    page.get_by_text("Now analysing").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "waves Wave 1;" in page.content()


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _press(page, key: str, **expected: str) -> None:
    """Press ``key`` and wait until the URL's query has ``expected`` (and the page is drawn)."""
    page.keyboard.press(key)
    page.wait_for_function("want => Object.entries(want).every(([k, v]) => new URLSearchParams(location.search)"
                           ".get(k) === v)", arg=expected)
    wait_for_app(page)


def test_presentation_keys_step_through_the_slides_and_escape_returns_with_the_filters(app_server, open_page):
    url, page = app_server, open_page(1920, 1080)
    page.goto(f"{url}/gaps?division=Digital")
    wait_for_app(page)
    page.get_by_role("button", name="Presentation mode").click()
    page.get_by_text("1 / ", exact=False).first.wait_for()
    wait_for_app(page)
    assert _query(page) == {"division": ["Digital"], "present": ["1"], "slide": ["1"], "from": ["gaps"]}
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    first = page.locator("h2, h3").first.inner_text()
    _press(page, "ArrowRight", slide="2")
    second = page.locator("h2, h3").first.inner_text()  # the slide's takeaway (a long one a size smaller)
    assert second != first and "commitment" in second.lower()  # the second slide: commitment by division
    _press(page, "PageDown", slide="3")  # what a presentation clicker sends
    _press(page, "PageUp", slide="2")
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.pathname === '/gaps' && !new URLSearchParams(location.search)"
                           ".has('present') && !!document.querySelector('h1')")
    wait_for_app(page)
    assert _query(page) == {"division": ["Digital"]}
    assert page.locator("h1").first.inner_text().startswith("Commitment gaps")
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    page.keyboard.press("ArrowRight")  # not presenting: the keys are the browser's again
    wait_for_app(page)
    assert urlparse(page.url).path == "/gaps" and "slide" not in _query(page)


@pytest.mark.parametrize("width, height", [(1920, 1080), (1536, 864), (1366, 768)])  # full HD, laptops at 125 % and 100 %
def test_every_presentation_slide_fits_the_screen_without_scrolling(width, height, app_server, open_page):
    url, page = app_server, open_page(width, height)
    page.goto(f"{url}/present?present=1&slide=1")
    page.get_by_text("1 / ", exact=False).first.wait_for()
    wait_for_app(page)
    total = int(page.get_by_text("1 / ", exact=False).first.inner_text().split("/")[1])
    assert total >= 8
    for number in range(1, total + 1):
        if number > 1:
            _press(page, "Space", slide=str(number))
            wait_for_app(page)
        main = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
                                        return [m.scrollHeight, m.clientHeight]; }""")
        title = page.locator("h2, h3").first.inner_text()
        assert main[0] <= main[1] == height, (number, title, main)
        exit_box = page.get_by_role("button", name="Exit").bounding_box()
        assert exit_box["y"] + exit_box["height"] <= height, (number, title)
        for chart in page.locator('[data-testid="stPlotlyChart"]').all():
            box = chart.bounding_box()
            assert box["height"] >= 300 and box["y"] + box["height"] <= height, (number, title, box)


def _enter_presentation(page) -> None:
    page.get_by_role("button", name="Presentation mode").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('present') === '1'")
    wait_for_app(page)


def _left_presentation(page, path: str) -> None:
    page.wait_for_function("path => location.pathname === path && !new URLSearchParams(location.search)"
                           ".has('present') && !!document.querySelector('h1')", arg=path)
    wait_for_app(page)
    assert page.locator('[data-testid="stSidebar"]').is_visible()


@pytest.mark.parametrize("query, origin", [("division=Digital", "/gaps"),  # slides to step through
                                           ("business_unit=Claims&region=North", "/gaps")])  # nobody left
def test_presentation_is_left_by_esc_and_by_the_exit_button_whatever_the_filters(query, origin, app_server,
                                                                                  open_page):
    url, page = app_server, open_page(1366, 768)
    page.goto(f"{url}{origin}?{query}")
    wait_for_app(page)
    for leave in ("Escape", "Exit"):
        _enter_presentation(page)
        if "Claims" in query:
            page.get_by_text("Press Esc or Exit to leave the presentation", exact=False).wait_for()
            assert page.get_by_text("Widen the filters in the sidebar.", exact=True).count() == 0
        else:
            page.get_by_text("1 / ", exact=False).first.wait_for()
        page.locator('[data-testid="stSidebar"]').wait_for(state="hidden")
        button = page.get_by_role("button", name="Exit")
        box = button.bounding_box()
        assert box and box["y"] + box["height"] <= 768  # the way out is on screen
        if leave == "Escape":
            page.keyboard.press("Escape")
        else:
            button.click()
        _left_presentation(page, origin)
        assert parse_qs(urlparse(page.url).query) == parse_qs(query)


def test_the_overview_links_a_finding_to_its_chart(app_server, open_page):
    url, page = app_server, open_page(1366, 768)
    page.goto(f"{url}/")
    wait_for_app(page)
    assert page.get_by_role("heading", name="How each item is answered").count() == 1
    links = page.get_by_role("link", name="See the chart →")
    assert links.count() >= 2
    links.first.click()
    page.wait_for_function("() => location.pathname !== '/'")
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
