"""Join separately laid-out PDFs (front matter, chapters) into one book with pypdf, and number its pages.

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
from booksmith.writers.pdf.folios import draw_folios
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


def join(
    target: Path,
    *,
    front: bytes,
    chapters: list[Chunk],
    folios: list[int],
    blanks_after: list[bool],
    facing: bool,
    rendered: Rendered,
    options: RenderOptions,
) -> None:
    """Write the book: front matter (padded to end on a left page), chapters with blank pages, folios.

    `folios` gives every body page's number (0 or less for a page without one: blank, or a part title).
    """
    from pypdf import PdfWriter

    writer = PdfWriter()
    front_pages = _append(writer, front)
    if facing and front_pages % 2:
        writer.add_blank_page()
    body_start = len(writer.pages)
    starts = []
    for chunk, blank in zip(chapters, blanks_after, strict=True):
        starts.append(len(writer.pages))
        _append(writer, chunk.pdf)
        if blank:
            writer.add_blank_page()
    draw_folios(writer, body_start, folios, options.page_size, options.font_size, rendered.direction == "rtl")
    merge_fonts(writer)
    _outline(writer, chapters, starts)
    _resolve_links(writer, body_start, {chunk.anchor: start for chunk, start in zip(chapters, starts, strict=True)})
    _page_labels(writer, body_start)
    _metadata(writer, rendered, options)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    with target.open("wb") as handle:
        writer.write(handle)


def _append(writer, pdf: bytes) -> int:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    for source in reader.pages:
        writer.add_page(source)
    return len(reader.pages)


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
