"""Typeset a rendered book chapter by chapter in worker processes, then join the pages into one PDF.

Chapters open on a fresh page, so each paginates on its own: workers lay them out
in parallel (WeasyPrint's layout is pure Python, one core per process) while this
process joins them in order and draws their folios. Once every chapter's first
page number is known, the front matter (whose contents list them) is laid out.
Running heads need no second pass: they depend only on the chapter and on the side
of the page, and every chunk starts on a recto as the book's chapters do (WeasyPrint
makes a document's first page a recto: a right-hand page, or a left-hand one in a
right-to-left book).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from booksmith.options import RenderOptions
from booksmith.render import Rendered
from booksmith.resources import styles_path
from booksmith.writers.pdf.html import SCREEN_SIZES, anchor, body, chapters, front_matter, page, stylesheets
from booksmith.writers.pdf.join import BookJoiner, Chunk

# A chunk draws no folios (join draws them), so that its page numbers need not be known.
CHUNK_CSS = """
@page body:left { @bottom-center { content: none; } }
@page body:right { @bottom-center { content: none; } }
"""
# Fresh workers after this many chapters, as WeasyPrint keeps the memory it frees.
# Not sooner: measured on a 240-chapter novel, recycling every 20 chapters took
# more memory summed over the processes (568 MB) than not recycling (449 MB),
# and a fresh worker warms its caches again.
TASKS_PER_WORKER = 100

# This process's parsed stylesheets and fonts (see _init_worker).
_state: dict = {}


@dataclass(frozen=True)
class Laid:
    """A laid-out part of the book: its PDF bytes and its number of pages."""

    pdf: bytes
    pages: int


def write_pdf(rendered: Rendered, options: RenderOptions, target: Path) -> None:
    """Lay out chapters in parallel, joining each as it comes, then the front matter, into `target`."""
    documents = chapters(rendered)
    sheets = stylesheets(rendered, options)
    tasks = [(page(rendered, options, body([d])), CHUNK_CSS) for d in documents]
    workers = min(options.pdf_workers or _usable_cpus(), len(documents))
    # The first chapter is laid out here, before the workers fork: they inherit fonts, hyphenation
    # dictionaries and WeasyPrint's caches already loaded instead of each loading its own.
    _init_worker(sheets)
    first = _layout_chunk(tasks[0])
    book = BookJoiner(facing=options.page_size not in SCREEN_SIZES, options=options, rtl=rendered.direction == "rtl")
    last = len(documents) - 1
    with _runner(workers, sheets) as runner:

        def lay_out_front(folios: dict[str, int]) -> Callable[[], Laid]:
            return runner.submit(_layout_chunk, (page(rendered, options, front_matter(rendered, options, folios)), ""))

        front = None
        laid = itertools.chain([first], runner.imap(_layout_chunk, tasks[1:]))
        for index, (part, document) in enumerate(zip(laid, documents, strict=True)):
            book.add_chapter(
                Chunk(part.pdf, anchor(document), document.title, document.kind, document.depth), last=index == last
            )
            if index == last - 1:
                # The contents list every chapter's first folio, which the last chapter's length
                # does not change: the front matter is laid out beside the last chapter.
                front = lay_out_front({**book.first_folios, anchor(documents[last]): book.pagination.next_folio})
        front = front or lay_out_front(book.first_folios)
        book.write(target, front=front().pdf, rendered=rendered)


def _usable_cpus() -> int:
    """The CPUs this process may run on (fewer than the machine's in a container or under taskset)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class _runner:
    """Map layout tasks over a pool of worker processes, or in this process for one worker."""

    def __init__(self, workers: int, sheets: list[str]) -> None:
        self.workers, self.sheets, self.pool = workers, sheets, None

    def __enter__(self):
        _init_worker(self.sheets)
        if self.workers > 1:
            context = multiprocessing.get_context(_start_method())
            self.pool = context.Pool(
                self.workers, initializer=_init_worker, initargs=(self.sheets,), maxtasksperchild=TASKS_PER_WORKER
            )
        return self

    def imap(self, function, items: list) -> Iterator[Laid]:
        """The results in the items' order, each as soon as it and those before it are done."""
        if self.pool is None:
            return map(function, items)
        return self.pool.imap(function, items, chunksize=1)

    def submit(self, function, item) -> Callable[[], Laid]:
        """Start one more task (behind those queued); the returned function waits for its result."""
        if self.pool is None:
            result = function(item)
            return lambda: result
        return self.pool.apply_async(function, (item,)).get

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.close() if exc[0] is None else self.pool.terminate()
            self.pool.join()


def _start_method() -> str:
    """fork where it is safe, so workers share the loaded WeasyPrint, fonts and caches; else spawn.

    Forking copies only the calling thread: if another thread holds a lock inside
    Pango or fontconfig at that moment (a server's request thread, a finaliser run
    by another thread's garbage collection), the worker waits on it forever. So a
    process running other threads starts its workers fresh.
    """
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"


def _init_worker(sheets: list[str]) -> None:
    """Parse the book's stylesheets and load its fonts once per process (forked workers inherit them)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from booksmith.writers.pdf.fetch import url_fetcher

    if _state.get("sheets") == sheets:
        return
    fonts = FontConfiguration()
    fetcher = url_fetcher()
    parsed = [CSS(string=css, font_config=fonts, url_fetcher=fetcher) for css in sheets]
    _state.update(sheets=sheets, fonts=fonts, fetcher=fetcher, parsed=parsed, extra={})


def _layout_chunk(task: tuple[str, str]) -> Laid:
    """Lay out one HTML document with the book's stylesheets (plus `extra_css`) and write its PDF."""
    from weasyprint import CSS, HTML

    html, extra_css = task
    fonts = _state["fonts"]
    if extra_css not in _state["extra"]:
        extra = [CSS(string=extra_css, font_config=fonts, url_fetcher=_state["fetcher"])] if extra_css else []
        _state["extra"][extra_css] = extra
    sheets = _state["parsed"] + _state["extra"][extra_css]
    document = HTML(string=html, base_url=str(styles_path()), url_fetcher=_state["fetcher"]).render(
        stylesheets=sheets, font_config=fonts
    )
    return Laid(document.write_pdf(), len(document.pages))
