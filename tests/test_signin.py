"""Who uses the dashboard (``ui/signin.py``), driven with Streamlit's AppTest: the one local user
without ``[auth]`` in the secrets; with it, the sign-in page (a button per identity provider) and,
signed in, who they are. The real sign-in through a provider is in ``test_signin_browser.py``."""
from streamlit.testing.v1 import AppTest

from conftest import ROOT

TIMEOUT = 120
SHARED = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "a-cookie-secret-for-tests"}
PROVIDER = {"client_id": "cxcommit", "client_secret": "not-a-secret",
            "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration"}


def dashboard(user: dict, auth: dict | None = None) -> AppTest:
    test = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    test.user = user
    if auth is not None:
        test.secrets["auth"] = auth
    return test.run()


def sidebar_text(test: AppTest) -> str:
    return " ".join(element.value for element in test.sidebar.markdown)


def test_without_auth_in_the_secrets_there_is_one_local_user_and_no_sign_in():
    test = dashboard({})  # no is_logged_in: Streamlit gives it only with [auth]
    assert not test.exception
    assert test.title[0].value.startswith("Executive commitment")
    assert "Signed in" not in sidebar_text(test)
    assert not [button for button in test.button if button.label in ("Sign in", "Sign out")]


def test_nobody_signed_in_sees_the_sign_in_page_with_a_button_per_provider():
    test = dashboard({"is_logged_in": False}, {**SHARED, **PROVIDER, "okta": PROVIDER, "entra": PROVIDER,
                                               "client_kwargs": {"prompt": "login"}})
    assert not test.exception
    assert [title.value for title in test.title] == ["Sign in to cxcommit"]
    assert [button.label for button in test.button] == ["Sign in", "Sign in with Okta", "Sign in with Entra"]
    assert not test.sidebar.children and not test.metric  # nothing of the frame, no data


def test_named_providers_only_have_no_unnamed_button():
    test = dashboard({"is_logged_in": False}, {**SHARED, "okta": PROVIDER})
    assert [button.label for button in test.button] == ["Sign in with Okta"]


def test_signing_in_with_no_provider_in_the_secrets_is_said_not_raised():
    test = dashboard({"is_logged_in": False}, SHARED)
    assert [button.label for button in test.button] == ["Sign in"]
    test.button[0].click().run()
    assert not test.exception
    assert test.error[0].value.startswith("Sign-in is not set up completely:")


def test_the_signed_in_person_is_named_in_the_sidebar_with_a_way_out(tmp_path, monkeypatch):
    from cxcommit.store import Workspace

    url = f"sqlite:///{tmp_path / 'cxcommit.db'}"
    Workspace.open(url).set_person("Ana@Example.org", "admin")  # the workspace lets her in (any case)
    monkeypatch.setenv("CXCOMMIT_DATABASE_URL", url)
    test = dashboard({"is_logged_in": True, "email": "ana@example.org", "name": "Ana *Lima*"}, {**SHARED, **PROVIDER})
    assert not test.exception
    assert test.title[0].value.startswith("Executive commitment")
    assert r"Signed in as **Ana \*Lima\***" in sidebar_text(test)  # a name from the provider is text, not markdown
    assert [button.label for button in test.sidebar.button if button.label == "Sign out"] == ["Sign out"]


def test_the_readme_and_the_example_secrets_give_every_key_st_login_needs():
    import re
    import tomllib

    needed = {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"}
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.example.toml").read_text())["auth"]
    readme = tomllib.loads(re.search(r"```toml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)[1])["auth"]
    assert set(example) == set(readme) == needed


def test_someone_signed_in_whom_the_workspace_does_not_list_sees_only_that(tmp_path, monkeypatch):
    monkeypatch.setenv("CXCOMMIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cxcommit.db'}")
    test = dashboard({"is_logged_in": True, "email": "eve@example.org", "name": "Eve"}, {**SHARED, **PROVIDER})
    assert not test.exception
    assert test.title[0].value == "No access yet" and len(test.title) == 1
    assert "workspace people add EMAIL --role viewer" in "\n".join(m.value for m in test.markdown)


def test_only_those_who_add_waves_see_the_respondents_stored_per_wave(tmp_path, monkeypatch):
    """The files' rows per wave less the published respondents tell how many a wave's numbers leave out
    (an attack read 1 in 2025-Q2 and 2 in 2025-Q3): the count is the importer's, not a viewer's."""
    from cxcommit.demo import import_demo
    from cxcommit.store import Workspace

    url = f"sqlite:///{tmp_path / 'cxcommit.db'}"
    store = Workspace.open(url)
    store.set_person("admin@example.org", "admin")
    store.set_person("viewer@example.org", "viewer", ("Digital",))
    store.set_person("all@example.org", "viewer")  # every division
    store.add("CX pulse", import_demo())
    monkeypatch.setenv("CXCOMMIT_DATABASE_URL", url)
    for email, shown in (("admin@example.org", True), ("viewer@example.org", False), ("all@example.org", False)):
        test = dashboard({"is_logged_in": True, "email": email, "name": email}, {**SHARED, **PROVIDER})
        test = test.switch_page("pages/data.py").run()
        assert not test.exception, test.exception
        text = "\n".join(m.value for m in test.markdown)
        assert ("respondents stored" in text) is shown, email
        assert all(("Respondents" in frame.value.columns) is shown for frame in test.dataframe
                   if "Wave" in frame.value.columns), email
        assert ("Respondents kept" in [m.label for m in test.metric]) is shown, email  # the import report
