"""Typeset a rendered book chapter by chapter in worker processes, then join the pages into one PDF.

Chapters open on a fresh page, so each paginates on its own: workers lay them out
in parallel (WeasyPrint's layout is pure Python, one core per process). Once every
chapter's page count is known, the front matter (whose contents list page numbers)
is laid out, and `join` assembles the book and draws the folios.
Running heads need no second pass: they depend only on the chapter and on the side
of the page, and every chunk starts on a recto as the book's chapters do (WeasyPrint
makes a document's first page a recto: a right-hand page, or a left-hand one in a
right-to-left book).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from booksmith.options import RenderOptions
from booksmith.render import Rendered
from booksmith.resources import styles_path
from booksmith.writers.pdf.html import SCREEN_SIZES, anchor, body, chapters, front_matter, page, stylesheets
from booksmith.writers.pdf.join import Chunk, join

# A chunk draws no folios (join draws them), so that its page numbers need not be known.
CHUNK_CSS = """
@page body:left { @bottom-center { content: none; } }
@page body:right { @bottom-center { content: none; } }
"""
# Fresh workers after this many chapters: WeasyPrint keeps the memory it frees.
TASKS_PER_WORKER = 20

# This process's parsed stylesheets and fonts (see _init_worker).
_state: dict = {}


@dataclass(frozen=True)
class Laid:
    """A laid-out part of the book: its PDF bytes and its number of pages."""

    pdf: bytes
    pages: int


def write_pdf(rendered: Rendered, options: RenderOptions, target: Path) -> None:
    """Lay out chapters in parallel, then the front matter and folios, and join them into `target`."""
    documents = chapters(rendered)
    facing = options.page_size not in SCREEN_SIZES
    sheets = stylesheets(rendered, options)
    chapter_html = [page(rendered, options, body([d])) for d in documents]
    workers = min(options.pdf_workers or _usable_cpus(), len(documents))
    # The first chapter is laid out here, before the workers fork: they inherit fonts, hyphenation
    # dictionaries and WeasyPrint's caches already loaded instead of each loading its own.
    _init_worker(sheets)
    first = _layout_chunk((chapter_html[0], CHUNK_CSS))
    with _runner(workers, sheets) as run:
        laid = [first, *run(_layout_chunk, [(html, CHUNK_CSS) for html in chapter_html[1:]])]
        blind = [document.kind == "part" for document in documents]
        folios, body_folios, blanks = _paginate([part.pages for part in laid], facing, blind)
        anchors = {anchor(d): folios[i] for i, d in enumerate(documents)}
        front_html = page(rendered, options, front_matter(rendered, options, anchors))
        (front,) = run(_layout_chunk, [(front_html, "")])
    chunks = [
        Chunk(part.pdf, anchor(document), document.title, document.kind, document.depth)
        for part, document in zip(laid, documents, strict=True)
    ]
    join(
        target,
        front=front.pdf,
        chapters=chunks,
        folios=body_folios,
        blanks_after=blanks,
        facing=facing,
        rendered=rendered,
        options=options,
    )


def _usable_cpus() -> int:
    """The CPUs this process may run on (fewer than the machine's in a container or under taskset)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _paginate(
    counts: list[int], facing: bool, blind: list[bool] | None = None
) -> tuple[list[int], list[int], list[bool]]:
    """Each chapter's first folio, every body page's folio, and where blanks follow.

    A page's folio is negative when it is not printed: on blank pages, and on the
    opening page of the chapters `blind` marks (part titles).
    """
    folios: list[int] = []
    blanks: list[bool] = []
    all_pages: list[int] = []
    folio = 1
    for index, count in enumerate(counts):
        folios.append(folio)
        all_pages.extend(range(folio, folio + count))
        if blind and blind[index] and count:
            all_pages[-count] = -folio
        folio += count
        # A chapter ending on a recto is followed by a blank verso,
        # so that the next chapter opens on a recto (unless it is the last).
        blanks.append(facing and count % 2 == 1 and index < len(counts) - 1)
        if blanks[-1]:
            all_pages.append(-folio)
            folio += 1
    return folios, all_pages, blanks


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
        return self.map

    def map(self, function, items: list) -> list[Laid]:
        if self.pool is None:
            return [function(item) for item in items]
        return self.pool.map(function, items, chunksize=1)

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

    if _state.get("sheets") == sheets:
        return
    fonts = FontConfiguration()
    _state.update(sheets=sheets, fonts=fonts, parsed=[CSS(string=css, font_config=fonts) for css in sheets], extra={})


def _layout_chunk(task: tuple[str, str]) -> Laid:
    """Lay out one HTML document with the book's stylesheets (plus `extra_css`) and write its PDF."""
    from weasyprint import CSS, HTML

    html, extra_css = task
    fonts = _state["fonts"]
    if extra_css not in _state["extra"]:
        _state["extra"][extra_css] = [CSS(string=extra_css, font_config=fonts)] if extra_css else []
    sheets = _state["parsed"] + _state["extra"][extra_css]
    document = HTML(string=html, base_url=str(styles_path())).render(stylesheets=sheets, font_config=fonts)
    return Laid(document.write_pdf(), len(document.pages))
