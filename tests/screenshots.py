"""Screenshots of every page, to look at: ``python tests/screenshots.py [--dark] [--size 1920x1080] [--out DIR]
[--data EXPORT]``; with ``--sign-in``, of the sign-in page and the Overview signed in, through the
tests' OpenID provider (``tests/oidc.py``)."""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from server import chromium, streamlit_server, wait_for_app
    from ui.shell import PAGES, page_url

    parser = argparse.ArgumentParser()
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--size", default="1440x900")
    parser.add_argument("--out", default="/tmp/shots")
    parser.add_argument("--query", default="", help="e.g. division=Digital&present=1")
    parser.add_argument("--data", help="an export to open instead of the demo")
    parser.add_argument("--sign-in", action="store_true", help="the sign-in page, then the Overview signed in")
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.sign_in:
        signing_in(out, width, height, args.dark)
        return
    with streamlit_server(theme="dark" if args.dark else "light", args=["--data", args.data] if args.data else None) as url, chromium(width, height, args.dark) as page:
        for file, _ in PAGES:
            page.goto(f"{url}/{page_url(file)}{'?' + args.query if args.query else ''}")
            wait_for_app(page)
            target = out / f"{Path(file).stem}-{args.size}{'-dark' if args.dark else ''}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)


def signing_in(out: Path, width: int, height: int, dark: bool) -> None:
    import tempfile

    from oidc import auth_secrets, oidc_provider, sign_in
    from server import chromium, streamlit_server, wait_for_app

    suffix = f"{width}x{height}{'-dark' if dark else ''}"
    with oidc_provider() as issuer, tempfile.TemporaryDirectory() as folder:
        secrets = auth_secrets(Path(folder), issuer)
        with streamlit_server(theme="dark" if dark else "light", options=["--secrets.files", str(secrets)]) as url, \
                chromium(width, height, dark) as page:
            page.goto(url)
            wait_for_app(page)
            for name in ("sign-in", "overview-signed-in"):
                target = out / f"{name}-{suffix}.png"
                page.screenshot(path=str(target))
                print(target)
                if name == "sign-in":
                    sign_in(page, url, issuer)


if __name__ == "__main__":
    main()
