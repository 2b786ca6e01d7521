"""Build the EPUB's navigation from the rendered documents: nav.xhtml (toc and landmarks) and the NCX tree."""

from __future__ import annotations

from pathlib import Path
from string import Template

from ebooklib import epub

from booksmith.render import STYLESHEET, Document, Rendered
from booksmith.render.blocks import escape, section_semantics
from booksmith.resources import data_text

COVER_PAGE = "cover.xhtml"


def listed(documents: tuple[Document, ...]) -> list[Document]:
    """The documents a table of contents lists: chapters and parts, not the title page or later pieces.

    Untitled front matter (text before the first heading) has no name to list,
    unless it is all the book has: a table of contents may not be empty.
    """
    content = [d for d in documents if d.chapter is not None and not d.part_of]
    titled = [d for d in content if d.kind != "front" or d.chapter.title]
    return titled or content[:1]


def has_contents(documents: tuple[Document, ...]) -> bool:
    """A contents page helps only a book with several chapters."""
    return len(listed(documents)) > 1


def ncx_toc(documents: tuple[Document, ...]) -> list:
    """Table of contents for ebooklib's NCX: chapters nest under the part before them."""
    toc: list = []
    for document in listed(documents):
        link = epub.Link(document.file_name, document.title, Path(document.file_name).stem)
        if document.kind == "part":
            toc.append((epub.Section(document.title, document.file_name), []))
        elif document.depth and toc and isinstance(toc[-1], tuple):
            toc[-1][1].append(link)
        else:
            toc.append(link)
    # A part without chapters is a plain entry: an empty NCX branch is invalid.
    return [
        epub.Link(e[0].href, e[0].title, Path(e[0].href).stem) if isinstance(e, tuple) and not e[1] else e for e in toc
    ]


def _start_of_text(documents: tuple[Document, ...]) -> Document:
    """Where reading starts: the first part, chapter or prologue, past any preface or dedication."""
    chapters = listed(documents)
    body = (d for d in chapters if d.chapter is not None and section_semantics(d.chapter)[2] == "bodymatter")
    return next(body, chapters[0])


def nav_xhtml(rendered: Rendered, documents: tuple[Document, ...], *, has_cover: bool) -> bytes:
    """nav.xhtml: the nested table of contents and the landmarks (cover, title page, contents, start)."""
    labels = rendered.labels
    entries: list[str] = []
    open_part = False

    def close_part() -> None:
        # An <ol> may not be empty: a part with no chapters gets its own entry only.
        if entries[-1].endswith("<ol>"):
            entries[-1] = entries[-1].removesuffix("<ol>") + "</li>"
        else:
            entries.append("</ol></li>")

    for document in listed(documents):
        link = f'<a href="{document.file_name}">{escape(document.title)}</a>'
        if open_part and (document.kind == "part" or not document.depth):
            close_part()
            open_part = False
        if document.kind == "part":
            entries.append(f"<li>{link}<ol>")
            open_part = True
        else:
            entries.append(f"<li>{link}</li>")
    if open_part:
        close_part()
    toc = "<ol>\n" + "\n".join(entries) + "\n</ol>"
    first_text = _start_of_text(documents)
    landmarks = []
    if has_cover:
        landmarks.append(f'<li><a epub:type="cover" href="{COVER_PAGE}">{escape(labels["cover"])}</a></li>')
    landmarks.append(f'<li><a epub:type="titlepage" href="titlepage.xhtml">{escape(labels["title_page"])}</a></li>')
    if has_contents(documents):
        landmarks.append(f'<li><a epub:type="toc" href="nav.xhtml#toc">{escape(labels["contents"])}</a></li>')
    landmarks.append(f'<li><a epub:type="bodymatter" href="{first_text.file_name}">{escape(labels["start"])}</a></li>')
    xhtml = Template(data_text("templates", "nav.xhtml")).substitute(
        language=escape(rendered.language),
        direction=' dir="rtl"' if rendered.direction == "rtl" else "",
        contents=escape(labels["contents"]),
        landmarks_title=escape(labels.get("landmarks", "Landmarks")),
        stylesheet=STYLESHEET,
        toc=toc,
        landmarks="\n".join(landmarks),
    )
    return xhtml.encode("utf-8")
