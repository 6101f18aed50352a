"""Who is using the dashboard, and the sign-in in front of it on a team deployment.

Sign-in is Streamlit's own (``st.login``, OpenID Connect), configured by an ``[auth]`` section in
``.streamlit/secrets.toml`` as Streamlit documents it (README, "Sign-in (team deployment)"). Without
that section, as on a laptop, there is no sign-in and one person uses the dashboard: :data:`LOCAL`.

The frame calls :func:`gate` first: it returns the person, or shows the sign-in page and stops the
run when sign-in is configured and nobody has signed in. What the person may see (their role and
divisions) is decided from the workspace by whoever takes the :class:`Person` it returns.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import streamlit as st
from streamlit.errors import StreamlitAuthError

from cxcommit.text import escape_markdown as md
from ui.titles import PAGES


@dataclass(frozen=True)
class Person:
    """Who uses the dashboard: the e-mail and name their identity provider gave (``email`` may be
    empty when the provider gives none), or the one local user of a dashboard without sign-in
    (``local``)."""

    email: str
    name: str
    local: bool = False

    @property
    def shown(self) -> str:
        """How the sidebar names them: their name, else their e-mail."""
        return self.name or self.email


LOCAL = Person(email="local", name="Local user", local=True)


def sign_in_configured() -> bool:
    """Whether ``[auth]`` is in the secrets: Streamlit gives ``st.user`` its ``is_logged_in`` only then."""
    return "is_logged_in" in st.user


def signed_in() -> Person | None:
    """Who is using the dashboard: :data:`LOCAL` without sign-in; with it, the signed-in person from
    ``st.user`` (the identity token's ``email`` and ``name`` claims), or ``None`` before they sign in.
    Also ``None`` when a secrets file is there but cannot be read (:func:`secrets_unreadable`)."""
    if not sign_in_configured():
        return None if secrets_unreadable() else LOCAL
    if not st.user.is_logged_in:
        return None
    return Person(email=_claim("email"), name=_claim("name"))


def gate() -> Person:
    """The person using the dashboard. With sign-in configured: before signing in, the sign-in page
    and nothing else (the run stops here); after, who they are and "Sign out" in the sidebar."""
    person = signed_in()
    if person is None:
        _sign_in_navigation(_unreadable_page if secrets_unreadable() else _sign_in_page).run()
        st.stop()
    if not person.local:
        _back_to_link()
        _who(person)
    return person


LINK_COOKIE = "cxcommit_link"  # the address a person opened before signing in (the scripts below name it too)
_LINK = re.compile(r"/(?!/)[A-Za-z0-9\-._~%!$&()*+,;=:@/?]*\Z")  # a path here with its query, as a browser encodes it


def _keep_link() -> None:
    """Keep the address the sign-in page was opened at (a page, a survey, filters) for ten minutes in
    a cookie of this site: Streamlit brings a person back from their identity provider to the first
    page, and :func:`_back_to_link` then takes them on to it. The first page alone is not kept."""
    st.html(r"""<script>
      const here = window.location.pathname + window.location.search;
      if (window.location.search || !/^\/?$/.test(window.location.pathname.replace(/\/$/, "")))
        document.cookie = "cxcommit_link=" + encodeURIComponent(here) + "; path=/; max-age=600; SameSite=Lax";
    </script>""", unsafe_allow_javascript=True, width="content")


def _back_to_link() -> None:
    """Just signed in with a link kept (:func:`_keep_link`): the browser forgets it and opens it when
    it is a path on this server (checked here and by the script alike), where the person's access
    decides what it shows, as for any link. Nothing from the cookie is written into the page."""
    kept = st.context.cookies.get(LINK_COOKIE)
    if not isinstance(kept, str) or not kept:
        return
    st.html(r"""<script>
      const kept = document.cookie.split("; ").find((c) => c.startsWith("cxcommit_link="));
      document.cookie = "cxcommit_link=; path=/; max-age=0; SameSite=Lax";
      const link = kept ? decodeURIComponent(kept.slice("cxcommit_link=".length)) : "";
      if (/^\/(?!\/)[A-Za-z0-9\-._~%!$&()*+,;=:@\/?]*$/.test(link)) window.location.replace(link);
    </script>""", unsafe_allow_javascript=True, width="content")
    if _LINK.match(unquote(kept)):
        st.stop()  # the page is left for the link


def _who(person: Person) -> None:
    """Who is signed in and "Sign out", on one line of the sidebar (wrapping under a long name)."""
    line = st.sidebar.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center")
    line.markdown(f"Signed in as **{md(person.shown)}**", width="content")
    account = f"Signed in as {md(person.email)}" if person.name and person.email else None  # which account, by name
    if line.button("Sign out", key="sign_out", type="tertiary", help=account):
        st.logout()


def providers() -> list[str | None]:
    """The identity providers in ``[auth]``, as ``st.login`` names them: ``None`` for the unnamed one
    (its ``client_id`` in ``[auth]`` itself), then each ``[auth.NAME]`` section with a ``client_id``.
    With none found, ``[None]``: signing in then says what the secrets lack."""
    auth = st.secrets.get("auth", {})
    named = [name for name, section in auth.items()
             if isinstance(section, Mapping) and "client_id" in section]
    found = ([None] if "client_id" in auth else []) + named
    return found or [None]


def secrets_unreadable() -> bool:
    """Whether a secrets file is there but Streamlit cannot read it (a TOML error): Streamlit then
    reads no secrets at all, so a broken ``[auth]`` would open the dashboard to anyone. Nothing is
    shown until it is mended (the server's log names the file and the error)."""
    present = any(Path(path).exists() for path in st.get_option("secrets.files"))
    return present and not st.secrets.load_if_toml_exists()


def _unreadable_page() -> None:
    st.title("cxcommit cannot start")
    st.error("The server's secrets file cannot be read, so whether sign-in is required cannot be told: nothing "
             "is shown until it is mended. The server's log names the file and what is wrong in it.")


def refuse(page) -> None:
    """Show only ``page`` (a function drawing it) at every page's address, and stop: for a person
    signed in whom the workspace does not let in."""
    _sign_in_navigation(page).run()
    st.stop()


def _sign_in_navigation(page):
    """Every page's address leads to ``page`` (the sign-in page), and no page is listed: a link to
    a page opens the sign-in page at its own address."""
    pages = [st.Page(page, title="Sign in", url_path=Path(file).stem, default=(i == 0))
             for i, (file, _) in enumerate(PAGES)]
    return st.navigation(pages, position="hidden")


def _claim(name: str) -> str:
    value = st.user.get(name)
    return value if isinstance(value, str) else ""


def _sign_in_page() -> None:
    """A title, one sentence and a button for each identity provider."""
    st.title("Sign in to cxcommit")
    _keep_link()
    st.markdown("The survey results here are your organisation's: sign in with your work account to see them.")
    for provider in providers():
        label = "Sign in" if provider is None else f"Sign in with {md(provider.title())}"
        if st.button(label, key=f"sign_in:{provider or ''}", type="primary"):
            try:
                st.login(provider)
            except StreamlitAuthError as error:  # the secrets are incomplete: Streamlit says which key
                st.error(f"Sign-in is not set up completely: {md(str(error))}")
