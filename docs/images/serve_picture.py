"""Take the README's picture of `booksmith serve`'s web page: a small library, with a text just dropped on it.

Usage: python docs/images/serve_picture.py  (needs Debian's chromium and the Python playwright package)
It uses the tests' browser set-up (tests/browser.py) and server helper (tests/serving.py).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium  # noqa: E402
from serving import Running, make_epub  # noqa: E402

from booksmith.serve import Library, create_app  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        books = Path(work) / "books"
        (books / "tales").mkdir(parents=True)
        shutil.copy(ROOT / "examples" / "the-lighthouse-keeper.txt", books)
        make_epub(books / "tales" / "net-mender.epub")
        library = Library(books, Path(work) / "cache")
        library.scan()
        running = Running(create_app(library))
        try:
            with chromium() as browser:
                page = browser.new_page(viewport={"width": 900, "height": 1100})
                page.goto(running.url + "/")
                page.set_input_files("#file", str(ROOT / "examples" / "letters-from-the-coast.txt"))
                page.wait_for_selector("section.result[data-done=true]", timeout=120_000)
                page.screenshot(path=str(HERE / "serve.png"), full_page=False)
        finally:
            running.stop()
    print(HERE / "serve.png")


if __name__ == "__main__":
    main()
