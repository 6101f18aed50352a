"""Sign-in on a team deployment, end to end: Debian's Chromium against ``streamlit run dashboard.py``
with an ``[auth]`` section in its secrets, signing in through a real OpenID Connect provider on
127.0.0.1 (``tests/oidc.py``). Without ``[auth]``, the other browser tests open the dashboard with
no sign-in."""
import pytest

from oidc import ANA, auth_secrets, oidc_provider, sign_in
from server import streamlit_server, wait_for_app

VERA = {"sub": "vera@example.org", "email": "vera@example.org", "name": "Vera Digital"}

pytestmark = pytest.mark.browser


def team_workspace(folder) -> dict[str, str]:
    """A workspace of its own for a signed-in dashboard: the demo stored as "CX pulse"; Ana an
    administrator, Ben (no name at the provider) an analyst, Vera a viewer of Digital only; and the
    environment that points the dashboard at it."""
    from cxcommit.demo import import_demo
    from cxcommit.store import Workspace

    url = f"sqlite:///{folder / 'cxcommit.db'}"
    workspace = Workspace.open(url)
    workspace.add("CX pulse", import_demo())
    workspace.set_person(ANA["email"], "admin")
    workspace.set_person("ben@example.org", "analyst")
    workspace.set_person(VERA["email"], "viewer", ["Digital"])
    workspace.engine.dispose()
    return {"CXCOMMIT_DATABASE_URL": url}


@pytest.fixture(scope="module")
def signin_server(tmp_path_factory):
    """The dashboard with sign-in through the provider (its URL; ``.issuer``: the provider's), on a
    workspace of its own (:func:`team_workspace`)."""
    with oidc_provider(users=[ANA, VERA]) as issuer:
        secrets = auth_secrets(tmp_path_factory.mktemp("secrets"), issuer)
        env = team_workspace(tmp_path_factory.mktemp("workspace"))
        with streamlit_server(options=["--secrets.files", str(secrets)], env=env) as url:
            url.issuer = issuer
            yield url


def signed_in(open_page, server, subject: str, path: str = ""):
    """A new visitor's page at ``path``, signed in at the provider as ``subject``."""
    page = open_page(1366, 768)
    page.goto(f"{server}{path}")
    wait_for_app(page)
    sign_in(page, server, server.issuer, subject)
    return page


def shows_sign_in_page_only(page) -> bool:
    """The sign-in page and nothing else: no page listed, no sidebar, no data, no chart."""
    app = page.locator('[data-testid="stApp"]')
    return (page.locator("h1").first.inner_text() == "Sign in to cxcommit"
            and page.get_by_role("button", name="Sign in").count() == 1
            and page.locator('[data-testid="stSidebarNav"]').count() == 0
            and page.locator('[data-testid="stSidebarContent"]').count() == 0
            and page.locator('[data-testid="stPlotlyChart"]').count() == 0
            and not any(word in app.inner_text() for word in ("Demo data", "Respondents", "Filters", "Overview")))


def test_a_link_to_a_page_opens_the_sign_in_page_and_nothing_else(signin_server, open_page):
    page = open_page(1366, 768)
    page.goto(f"{signin_server}/variation?division=Digital")
    wait_for_app(page)
    assert shows_sign_in_page_only(page)
    assert page.get_by_text("Page not found").count() == 0  # every page's address leads here
    assert page.locator('[data-testid="stException"]').count() == 0


def test_signing_in_at_the_provider_opens_the_overview_and_the_sidebar_says_who(signin_server, open_page):
    page = signed_in(open_page, signin_server, ANA["sub"])
    assert page.locator("h1").first.inner_text().startswith("Executive commitment")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert f"Signed in as {ANA['name']}" in sidebar.inner_text() and "CX pulse" in sidebar.inner_text()
    assert sidebar.get_by_role("link", name="Gaps").count() == 1  # the pages, listed
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
    page.reload()  # the identity cookie keeps them signed in
    wait_for_app(page)
    assert f"Signed in as {ANA['name']}" in page.locator('[data-testid="stSidebar"]').inner_text()


def test_someone_the_provider_gives_no_name_is_named_by_their_email(signin_server, open_page):
    page = signed_in(open_page, signin_server, "ben@example.org")
    shown = page.locator('[data-testid="stSidebar"]').inner_text().replace("\u2060", "")  # no mail link: a word joiner
    assert "Signed in as ben@example.org" in shown


def test_signing_out_ends_the_session_at_the_provider_and_returns_to_the_sign_in_page(signin_server, open_page):
    page = signed_in(open_page, signin_server, ANA["sub"])
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{signin_server.issuer}/oauth2/end_session?*")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{signin_server}/**")
    wait_for_app(page)
    assert shows_sign_in_page_only(page)
    page.goto(f"{signin_server}/overview")  # the cookie is gone: a page's address is the sign-in page too
    wait_for_app(page)
    assert shows_sign_in_page_only(page)


def test_a_secrets_file_streamlit_cannot_read_shows_nothing(tmp_path, open_page):
    """Streamlit reads no secrets from a file with a TOML error, [auth] included: the dashboard does
    not take that for a laptop without sign-in."""
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback\n')  # the quote left open
    with streamlit_server(options=["--secrets.files", str(broken)]) as url:
        page = open_page(1366, 768)
        page.goto(f"{url}/overview")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text() == "cxcommit cannot start"
        assert "secrets file cannot be read" in page.locator('[data-testid="stAlert"]').inner_text()
        assert page.locator('[data-testid="stSidebarContent"]').count() == 0
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0


def test_with_several_providers_each_has_its_button_and_signs_in(tmp_path, open_page):
    with oidc_provider() as issuer:
        secrets = auth_secrets(tmp_path, issuer, providers=("work", "partner"))
        with streamlit_server(options=["--secrets.files", str(secrets)], env=team_workspace(tmp_path)) as url:
            page = open_page(1366, 768)
            page.goto(url)
            wait_for_app(page)
            buttons = page.locator('[data-testid="stMain"] button')
            assert buttons.all_inner_texts() == ["Sign in with Work", "Sign in with Partner"]
            sign_in(page, url, issuer, ANA["sub"], button="Sign in with Partner")
            assert f"Signed in as {ANA['name']}" in page.locator('[data-testid="stSidebar"]').inner_text()


def test_someone_the_workspace_does_not_list_sees_only_that(signin_server, open_page):
    page = signed_in(open_page, signin_server, "mallory@example.org", "/variation?data=CX%20pulse")
    assert page.locator("h1").first.inner_text() == "No access yet"
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "mallory@example.org" in text.replace("\u2060", "") and "CX pulse" not in text
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0


def test_a_viewer_of_one_division_sees_that_division_only(signin_server, open_page):
    page = signed_in(open_page, signin_server, VERA["sub"])
    assert page.locator('[data-testid="stException"]').count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "You see: Digital" in sidebar.inner_text()
    assert sidebar.get_by_text("Divisions", exact=True).count() == 0  # one division: nothing to choose
    text = page.locator('[data-testid="stMain"]').inner_text()
    for other in ("Commercial Banking", "Insurance", "Wealth Management", "Retail Banking"):
        assert other not in text
    page.goto(f"{signin_server}/?data=CX%20pulse&division=Insurance")  # a link to another division
    wait_for_app(page)
    assert "Insurance" not in page.locator('[data-testid="stMain"]').inner_text().replace("division=Insurance", "")
    page.goto(f"{signin_server}/export")
    wait_for_app(page)
    assert page.get_by_role("button", name="Download the deck (.pptx)").count() == 1
    assert page.get_by_role("button", name="Download all tables (.xlsx)").count() == 0
    page.goto(f"{signin_server}/data")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Survey exports" not in main and "Audit log" not in main and "What the import found" not in main


def test_a_link_opened_before_signing_in_is_opened_after(signin_server, open_page):
    """Streamlit brings a person back from the provider to the first page; the link they opened (a
    page, a survey, a filter) is opened then, as their access lets them see it."""
    page = signed_in(open_page, signin_server, ANA["sub"], "/variation?data=CX%20pulse&division=Digital")
    page.wait_for_url(f"{signin_server}/variation?*")
    wait_for_app(page)
    assert "division=Digital" in page.url and "data=CX%20pulse" in page.url
    assert page.locator("h1").first.inner_text() == "Where units disagree"  # the Variation page
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Digital", exact=True).count() >= 1  # the filter the link names is on
    assert "cxcommit_link" not in {c["name"] for c in page.context.cookies()}  # forgotten once used
    page.goto(signin_server)  # the first page is the first page again
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().startswith("Executive commitment")


def test_a_link_that_leaves_the_site_is_not_followed(signin_server, open_page):
    page = open_page(1366, 768)
    page.context.add_cookies([{"name": "cxcommit_link", "value": "%2F%2Fexample.org%2F", "url": signin_server}])
    page.goto(signin_server)
    wait_for_app(page)
    sign_in(page, signin_server, signin_server.issuer, ANA["sub"])
    assert page.url.startswith(signin_server)
    assert page.locator("h1").first.inner_text().startswith("Executive commitment")
    assert "cxcommit_link" not in {c["name"] for c in page.context.cookies()}
