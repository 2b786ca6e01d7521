"""Join separately laid-out PDFs (chapters, then the front matter) into one book with pypdf, and number its pages.

WeasyPrint gives each chunk its own subset of every font; `merge_fonts` replaces
them with one subset per face, so the book embeds each font once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from booksmith.options import RenderOptions
from booksmith.render import Rendered
from booksmith.render.blocks import plain
from booksmith.writers.pdf.folios import Folios
from booksmith.writers.pdf.fonts import merge_fonts
from booksmith.writers.pdf.html import CHAPTER_LINK


@dataclass(frozen=True)
class Chunk:
    """One chapter's laid-out PDF and what the outline says of it."""

    pdf: bytes
    anchor: str
    title: str
    kind: str
    depth: int


@dataclass
class Pagination:
    """Folios of the body as chapters are added: each opens on a recto (an odd page) in a facing book."""

    facing: bool
    next_folio: int = 1

    def chapter(self, pages: int, *, last: bool) -> tuple[int, bool]:
        """The chapter's first folio, and whether a blank page follows it (its folio counted, not printed)."""
        first = self.next_folio
        # A chapter ending on a recto is followed by a blank verso,
        # so that the next chapter opens on a recto (unless it is the last).
        blank = self.facing and pages % 2 == 1 and not last
        self.next_folio += pages + blank
        return first, blank


class BookJoiner:
    """Assemble the book with pypdf while its chapters are still being laid out, then add the front matter.

    Chapters come in reading order, so each one's folios are known when it
    arrives; appending and numbering them then costs no time of its own.
    """

    def __init__(self, *, facing: bool, options: RenderOptions, rtl: bool = False) -> None:
        from pypdf import PdfWriter

        self.writer = PdfWriter()
        self.facing, self.options = facing, options
        self.pagination = Pagination(facing)
        self.folios = Folios(self.writer, options.page_size, options.font_size, rtl=rtl)
        self.chapters: list[Chunk] = []
        self.starts: list[int] = []  # each chapter's first page, counted from the first body page
        # The folio each chapter opens on, by anchor: what the contents list.
        self.first_folios: dict[str, int] = {}

    def add_chapter(self, chunk: Chunk, *, last: bool) -> None:
        """Append a chapter's pages (and the blank page after it, if any) with their folios drawn."""
        pages = _pages(chunk.pdf)
        folio, blank = self.pagination.chapter(len(pages), last=last)
        self.chapters.append(chunk)
        self.starts.append(len(self.writer.pages))
        self.first_folios[chunk.anchor] = folio
        for number, source in enumerate(pages, start=folio):
            added = self.writer.add_page(source)
            # A part's title page is counted but, like a chapter opener in print, shows no number.
            if not (chunk.kind == "part" and number == folio):
                self.folios.draw(added, number)
        if blank:
            self.writer.add_blank_page()

    def write(self, target: Path, *, front: bytes, rendered: Rendered) -> None:
        """Put the front matter first (padded to end on a left page), then the outline, links and metadata."""
        writer = self.writer
        front_pages = _pages(front)
        for index, source in enumerate(front_pages):
            writer.insert_page(source, index)
        body_start = len(front_pages)
        if self.facing and body_start % 2:
            writer.insert_blank_page(index=body_start)
            body_start += 1
        starts = [body_start + start for start in self.starts]
        merge_fonts(writer)
        _outline(writer, self.chapters, starts)
        _resolve_links(writer, body_start, {chunk.anchor: s for chunk, s in zip(self.chapters, starts, strict=True)})
        _page_labels(writer, body_start)
        _metadata(writer, rendered, self.options)
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
        with target.open("wb") as handle:
            writer.write(handle)


def _pages(pdf: bytes) -> list:
    from pypdf import PdfReader

    return list(PdfReader(io.BytesIO(pdf)).pages)


def _resolve_links(writer, front_pages: int, starts: dict[str, int]) -> None:
    """Turn the contents' `booksmith-chapter:` links into links to the chapters' first pages."""
    from pypdf.generic import ArrayObject, NameObject

    for page in writer.pages[:front_pages]:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if uri.startswith(CHAPTER_LINK) and uri[len(CHAPTER_LINK) :] in starts:
                target = writer.pages[starts[uri[len(CHAPTER_LINK) :]]]
                del annotation["/A"]
                annotation[NameObject("/Dest")] = ArrayObject([target.indirect_reference, NameObject("/Fit")])


def _outline(writer, chapters: list[Chunk], starts: list[int]) -> None:
    """Bookmarks: parts at the top level, the chapters after a part nested under it."""
    part = None
    for chunk, start in zip(chapters, starts, strict=True):
        parent = part if chunk.depth and part is not None else None
        item = writer.add_outline_item(title=plain(chunk.title), page_number=start, parent=parent)
        if chunk.kind == "part":
            part = item
        elif not chunk.depth:
            part = None


def _page_labels(writer, body_start: int) -> None:
    """Viewers show the printed numbers: roman for the front matter, arabic from the first chapter."""
    if body_start:
        writer.set_page_label(0, body_start - 1, style="/r")
    writer.set_page_label(body_start, len(writer.pages) - 1, style="/D", start=1)


def _metadata(writer, rendered: Rendered, options: RenderOptions) -> None:
    from pypdf.generic import NameObject, TextStringObject

    from booksmith import __version__

    metadata = rendered.book.metadata
    info = {
        "/Title": plain(metadata.title or "Untitled"),
        "/Author": ", ".join(metadata.authors),
        "/Subject": metadata.description or "",
        "/Keywords": ", ".join(metadata.subjects),
        "/Creator": f"booksmith {__version__}",
        "/Producer": f"booksmith {__version__} (WeasyPrint, pypdf)",
    }
    if options.timestamp is not None:
        stamp = datetime.fromtimestamp(options.timestamp, UTC).strftime("D:%Y%m%d%H%M%SZ")
        info["/CreationDate"] = info["/ModDate"] = stamp
    writer.add_metadata({key: value for key, value in info.items() if value})
    writer._root_object[NameObject("/Lang")] = TextStringObject(rendered.language)
    writer.page_mode = "/UseOutlines"
