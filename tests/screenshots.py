"""Screenshots of every page, to look at: ``python tests/screenshots.py [--dark] [--size 1920x1080] [--out DIR]
[--data EXPORT]``."""
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
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with streamlit_server(theme="dark" if args.dark else "light", args=["--data", args.data] if args.data else None) as url, chromium(width, height, args.dark) as page:
        for file, _ in PAGES:
            page.goto(f"{url}/{page_url(file)}{'?' + args.query if args.query else ''}")
            wait_for_app(page)
            target = out / f"{Path(file).stem}-{args.size}{'-dark' if args.dark else ''}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)


if __name__ == "__main__":
    main()
