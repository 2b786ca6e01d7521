"""The web page of `booksmith serve` in a real browser: drop a text, watch it convert, download the EPUB."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browser import chromium, chromium_path
from conftest import epubcheck_problems
from serving import STORY, Running, make_library

from booksmith.serve import Library, create_app
from booksmith.serve.web import reader_installed

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    top = tmp_path_factory.mktemp("browser")
    library = Library(make_library(top), top / "cache")
    library.scan()
    running = Running(create_app(library, allow_upload=True))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    with chromium() as found:
        yield found


def drop_a_text(page, url: str, text: Path) -> None:
    """Open the library page and give the drop area a text; returns when its result is shown."""
    page.goto(url + "/")
    page.set_input_files("#file", str(text))
    page.wait_for_selector("section.result[data-done=true]", timeout=120_000)


def test_a_dropped_text_converts_and_downloads_a_valid_epub(server, browser, tmp_path):
    text = tmp_path / "The Lamplighter.txt"
    text.write_text(STORY, encoding="utf-8")
    page = browser.new_page(accept_downloads=True)
    drop_a_text(page, server.url, text)
    assert "The Net Mender" in page.locator("ul.books").inner_text()
    result = page.locator("section.result")
    assert result.locator("h2").inner_text() == "The Lamplighter of Harrow"
    chapters = result.locator("ol li").all_inner_texts()
    assert [c.split(" (")[0] for c in chapters] == ["Chapter One", "Chapter Two"]
    with page.expect_download() as waiting:
        result.get_by_role("link", name="EPUB", exact=True).click()
    download = waiting.value
    assert download.suggested_filename == "The Lamplighter.epub"
    saved = tmp_path / "downloaded.epub"
    download.save_as(saved)
    assert epubcheck_problems(saved) == []
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert (tmp_path / "page.png").stat().st_size > 10_000


def test_binary_files_are_refused_on_the_page(server, browser, tmp_path):
    picture = tmp_path / "photo.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    page = browser.new_page()
    drop_a_text(page, server.url, picture)
    error = page.locator("section.result .error").inner_text()
    assert error.startswith("photo.txt: ") and "not text" in error


def test_the_page_works_without_scripts(server, browser, tmp_path):
    text = tmp_path / "lamp.txt"
    text.write_text(STORY, encoding="utf-8")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "/?q=mender")
    assert page.locator("ul.books li a.title").all_inner_texts() == ["The Net Mender"]
    page.set_input_files("#file", str(text))
    page.click("input[type=submit][value=Convert]")
    page.wait_for_selector("section.result h2")
    assert page.locator("section.result h2").inner_text() == "The Lamplighter of Harrow"
    assert page.get_by_role("button", name="Add to the library").count() == 1
    context.close()


@pytest.mark.skipif(not reader_installed(), reason="needs foliate-js: npm ci --prefix src/booksmith/data/reader")
def test_read_shows_the_first_chapter_in_the_reading_system(server, browser):
    """The rendered text of foliate-js (inside its frames), not the XHTML: the book's words are on screen."""
    page = browser.new_page(viewport={"width": 900, "height": 1000})
    page.goto(server.url + "/book/lamplighter")
    page.get_by_role("link", name="Read", exact=True).click()
    page.wait_for_selector("#reader[data-loaded=true]", timeout=120_000)
    on_screen = ""
    deadline = time.monotonic() + 60
    while "harbour wall with a ladder" not in on_screen and time.monotonic() < deadline:
        for _ in range(3):
            on_screen = " ".join(frame_text(frame) for frame in page.frames[1:])
            if "harbour wall with a ladder" in on_screen:
                break
            page.click("#next")
            page.wait_for_timeout(300)
    assert "Each evening she walked the length of the harbour wall with a ladder and a flame." in on_screen
    assert page.locator("#status").count() == 0  # no error shown


def frame_text(frame) -> str:
    try:
        return frame.locator("body").inner_text(timeout=2000)
    except Exception:  # a frame that is not a document (yet)
        return ""
