"""Two dashboard processes behind one PostgreSQL workspace, in Chromium: a wave stored through one is
what the other shows (the team deployment: several processes behind a proxy)."""
from __future__ import annotations

import pytest

from conftest import REALDATA
from server import streamlit_server, wait_for_app

pytestmark = pytest.mark.browser

EXPORT = REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"


def sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text().replace("\u200b", "")


def store_upload(page, url: str, survey: str, wave: str) -> None:
    """Upload the export on the Data page, keep it as wave ``wave`` of ``survey`` and store it."""
    page.goto(f"{url}/data")
    wait_for_app(page)
    loader = page.get_by_text("Change the data: load other exports, a mapping or unit metrics")
    if loader.count():  # data of one's own in use: the form is behind this switch
        loader.click()
        wait_for_app(page)
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Survey exports").locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(EXPORT))
    page.locator('[data-testid="stFileChip"]').first.wait_for()
    wait_for_app(page)
    page.get_by_text("Keep them in the workspace", exact=True).click()  # already chosen over a stored survey
    wait_for_app(page)
    page.get_by_text("One value per file", exact=True).click()
    wait_for_app(page)
    box = page.get_by_label(f"Wave of {EXPORT.name}")
    box.fill(wave)
    box.press("Enter")
    wait_for_app(page)
    names = page.get_by_label("Name of the new survey")
    if names.count():
        names.fill(survey)
        names.press("Enter")
        wait_for_app(page)
    page.get_by_role("button", name="Use this data").click()
    page.get_by_role("button", name=f"Store in “{survey}”").click()
    page.get_by_text("Every page and trend uses it").wait_for(timeout=60_000)
    wait_for_app(page)


def test_two_dashboards_share_one_postgresql_workspace(postgres_server, open_page):
    with postgres_server.database() as url:
        env = {"CXCOMMIT_DATABASE_URL": url}
        with streamlit_server(env=env) as first, streamlit_server(env=env) as second:
            page = open_page(1366, 768)
            store_upload(page, first, "Students", "2023-Q1")
            other = open_page(1366, 768)
            other.goto(second)
            wait_for_app(other)
            assert "Students" in sidebar(other) and "Demo data" not in sidebar(other)
            store_upload(other, second, "Students", "2023-Q2")  # the next wave, through the second process
            page.goto(f"{first}/data")
            wait_for_app(page)
            assert "waves 2023-Q1, 2023-Q2" in page.locator('[data-testid="stMain"]').inner_text()
            assert page.locator('[data-testid="stException"]').count() == 0
