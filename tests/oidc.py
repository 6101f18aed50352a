"""A real OpenID Connect provider on 127.0.0.1 for the sign-in tests (``oidc-provider-mock``, in a
process of its own, stopped by its PID), and the ``secrets.toml`` that points the dashboard at it.

The provider accepts any client id and secret and any redirect URI (no registration). Its
authorization page signs in whoever is typed in (the subject, which becomes the ``email`` claim),
or, with one click, a user given here with their claims (:data:`ANA`).
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

from server import free_port, serving

ANA = {"sub": "ana@example.org", "email": "ana@example.org", "name": "Ana Lima"}
CLIENT_ID = "cxcommit-tests"
CLIENT_SECRET = "not-a-secret"  # the provider takes any; Streamlit requires one
COOKIE_SECRET = "cookie-secret-for-the-sign-in-tests-only"


@contextmanager
def oidc_provider(users: list[dict] = (ANA,), timeout: float = 30):
    """Start the provider on a free port of 127.0.0.1 with ``users`` one click away; yields its
    base URL (the issuer)."""
    port = free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in users:
        command += ["--user-claims", json.dumps(user)]
    url = f"http://127.0.0.1:{port}"
    with serving(command, f"{url}/.well-known/openid-configuration", "oidc-provider", timeout):
        yield url


def auth_secrets(folder: Path, issuer: str, providers: tuple[str | None, ...] = (None,)) -> Path:
    """Write ``folder/secrets.toml`` with an ``[auth]`` section signing in through ``issuer``: the
    unnamed provider (``None``) and/or named ones (``[auth.NAME]``), all the same provider. The
    redirect URI names the dashboard's port as ``{port}``, which Streamlit fills in."""
    lines = ["[auth]", 'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"', f'cookie_secret = "{COOKIE_SECRET}"']
    provider = [f'client_id = "{CLIENT_ID}"', f'client_secret = "{CLIENT_SECRET}"',
                f'server_metadata_url = "{issuer}/.well-known/openid-configuration"']
    if None in providers:
        lines += provider
    for name in (name for name in providers if name is not None):
        lines += ["", f"[auth.{name}]", *provider]
    path = folder / "secrets.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def sign_in(page, url: str, issuer: str, subject: str = ANA["sub"], button: str = "Sign in") -> None:
    """On the dashboard's sign-in page (``url``): ``button``, then on the provider's page the user
    ``subject`` (one of its users, a click; anyone else, typed in), and back on the dashboard."""
    from server import wait_for_app

    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(f"{issuer}/oauth2/authorize?*")
    predefined = page.get_by_role("button", name=subject, exact=True)
    if predefined.count():
        predefined.click()
    else:
        page.get_by_placeholder("sub").fill(subject)
        page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    wait_for_app(page)
