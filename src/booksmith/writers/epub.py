"""Package a rendered book as an EPUB 3 file (with an NCX for older readers) using ebooklib."""

from __future__ import annotations

import hashlib
import io
import time
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from string import Template

from ebooklib import epub

from booksmith import __version__
from booksmith.files import atomic_output
from booksmith.options import RenderOptions
from booksmith.render import STYLESHEET, Document, Rendered
from booksmith.render.blocks import escape
from booksmith.resources import data_text

XHTML = "application/xhtml+xml"
# Zip entries are written in this order (then the rest in reading order), all
# with the same date, so that the same input always gives the same bytes.
FIRST_ENTRIES = ("mimetype", "META-INF/container.xml", "EPUB/content.opf")


def write(rendered: Rendered, path: Path, options: RenderOptions) -> Path:
    """Write the EPUB to `path` atomically and return the path."""
    data = epub_bytes(rendered, options)
    with atomic_output(path) as temporary:
        temporary.write_bytes(data)
    return path


def epub_bytes(rendered: Rendered, options: RenderOptions, *, documents: tuple[Document, ...] | None = None) -> bytes:
    """The EPUB file as bytes; `documents` replaces the rendered ones (the KEPUB writer's hook)."""
    documents = documents if documents is not None else rendered.documents
    timestamp = options.timestamp if options.timestamp is not None else int(time.time())
    book = _package(rendered, documents)
    buffer = io.BytesIO()
    moment = datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)
    epub.write_epub(
        buffer,
        book,
        {
            "mtime": moment,
            "raise_exceptions": True,
            "epub3_pages": False,
            "epub3_landmark": False,
            "epub2_guide": False,
        },
    )
    return _reproducible_zip(buffer.getvalue(), timestamp, [d.file_name for d in documents])


def identifier(rendered: Rendered) -> str:
    """The book's identifier: the given one, or a UUID derived from its text (stable across builds)."""
    metadata = rendered.book.metadata
    if metadata.identifier:
        return metadata.identifier
    digest = hashlib.sha256()
    for part in (metadata.title or "", *metadata.authors):
        digest.update(part.encode("utf-8") + b"\0")
    for document in rendered.documents:
        digest.update(document.body.encode("utf-8"))
    return f"urn:uuid:{uuid.UUID(bytes=digest.digest()[:16], version=5)}"


def _package(rendered: Rendered, documents: tuple[Document, ...]) -> epub.EpubBook:
    metadata = rendered.book.metadata
    book = epub.EpubBook()
    book.set_identifier(identifier(rendered))
    book.set_title(metadata.title or "Untitled")
    book.set_language(rendered.language)
    if rendered.direction == "rtl":
        book.set_direction("rtl")
    for number, author in enumerate(metadata.authors):
        book.add_author(author, uid=f"creator{number}")
    if metadata.description:
        book.add_metadata("DC", "description", metadata.description)
    for subject in metadata.subjects:
        book.add_metadata("DC", "subject", subject)
    for name in ("publisher", "date", "rights"):
        value = getattr(metadata, name)
        if value:
            book.add_metadata("DC", name, value)
    book.add_metadata(None, "meta", "", {"name": "generator", "content": f"booksmith {__version__}"})

    book.add_item(
        epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css", content=rendered.css.encode("utf-8"))
    )
    items = []
    for document in documents:
        item = epub.EpubItem(
            uid=Path(document.file_name).stem, file_name=document.file_name, media_type=XHTML, content=document.xhtml
        )
        book.add_item(item)
        items.append(item)
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type=XHTML, content=_nav_xhtml(rendered, documents))
    nav.properties = ["nav"]
    book.add_item(nav)
    book.toc = _toc(documents)
    # ebooklib's own NCX builder searches the whole navMap for every entry (quadratic:
    # 25 s of a 20 MB book's 13,600 chapters), so the NCX is written here from book.toc.
    ncx = epub.EpubItem(uid="ncx", file_name="toc.ncx", media_type="application/x-dtbncx+xml")
    ncx.content = _ncx(book.toc, identifier(rendered), metadata.title or "Untitled")
    book.add_item(ncx)
    # A contents page helps only a book with several chapters; it then follows the title page.
    book.spine = [items[0], nav, *items[1:]] if _has_contents(documents) else items
    return book


def _has_contents(documents: tuple[Document, ...]) -> bool:
    return sum(1 for d in documents if d.kind != "titlepage") > 1


def _toc(documents: tuple[Document, ...]) -> list:
    """Table of contents for ebooklib's NCX: chapters nest under the part before them."""
    toc: list = []
    for document in documents:
        if document.kind == "titlepage":
            continue
        link = epub.Link(document.file_name, document.title, Path(document.file_name).stem)
        if document.depth and toc and isinstance(toc[-1], tuple):
            toc[-1][1].append(link)
        elif document.kind == "part":
            toc.append((epub.Section(document.title, document.file_name), []))
        else:
            toc.append(link)
    return toc


def _ncx(toc: list, uid: str, title: str) -> bytes:
    """The NCX (EPUB 2 table of contents) of a book.toc made by _toc, in one linear pass."""

    def point(ident: str, label: str, href: str, children: list) -> str:
        inner = "".join(point(c.uid, c.title, c.href, []) for c in children)
        return (
            f'<navPoint id="{escape(ident)}"><navLabel><text>{escape(label)}</text></navLabel>'
            f'<content src="{escape(href)}"/>{inner}</navPoint>'
        )

    points = []
    for number, entry in enumerate(toc):
        if isinstance(entry, tuple):
            section, children = entry
            points.append(point(f"sep_{number}", section.title, section.href, children))
        else:
            points.append(point(entry.uid, entry.title, entry.href, []))
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><head>'
        f'<meta content="{escape(uid)}" name="dtb:uid"/><meta content="0" name="dtb:depth"/>'
        '<meta content="0" name="dtb:totalPageCount"/><meta content="0" name="dtb:maxPageNumber"/></head>'
        f"<docTitle><text>{escape(title)}</text></docTitle><navMap>\n" + "\n".join(points) + "\n</navMap></ncx>\n"
    ).encode("utf-8")


def _nav_xhtml(rendered: Rendered, documents: tuple[Document, ...]) -> bytes:
    labels = rendered.labels
    entries: list[str] = []
    open_part = False
    for document in documents:
        if document.kind == "titlepage":
            continue
        link = f'<a href="{document.file_name}">{escape(document.title)}</a>'
        if document.kind == "part":
            if open_part:
                entries.append("</ol></li>")
            entries.append(f"<li>{link}<ol>")
            open_part = True
        elif document.depth and open_part:
            entries.append(f"<li>{link}</li>")
        else:
            if open_part:
                entries.append("</ol></li>")
                open_part = False
            entries.append(f"<li>{link}</li>")
    if open_part:
        entries.append("</ol></li>")
    # An <ol> may not be empty: a part with no chapters gets its own entry only.
    toc = "<ol>\n" + "\n".join(entries).replace("<ol></ol>", "") + "\n</ol>"
    first_text = next((d for d in documents if d.kind != "titlepage"), documents[0])
    landmarks = [f'<li><a epub:type="titlepage" href="titlepage.xhtml">{escape(labels["title_page"])}</a></li>']
    if _has_contents(documents):
        landmarks.append(f'<li><a epub:type="toc" href="nav.xhtml#toc">{escape(labels["contents"])}</a></li>')
    landmarks.append(f'<li><a epub:type="bodymatter" href="{first_text.file_name}">{escape(labels["start"])}</a></li>')
    xhtml = Template(data_text("templates", "nav.xhtml")).substitute(
        language=escape(rendered.language),
        direction=' dir="rtl"' if rendered.direction == "rtl" else "",
        contents=escape(labels["contents"]),
        stylesheet=STYLESHEET,
        toc=toc,
        landmarks="\n".join(landmarks),
    )
    return xhtml.encode("utf-8")


def _reproducible_zip(data: bytes, timestamp: int, reading_order: list[str]) -> bytes:
    """Rewrite the zip with a fixed entry order and date; `mimetype` first and stored."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    rank = {name: i for i, name in enumerate(FIRST_ENTRIES)}
    order = {f"EPUB/{name}": i for i, name in enumerate(reading_order)}
    names.sort(key=lambda n: (rank.get(n, len(rank)), order.get(n, len(order)), n))
    # Zip dates cannot precede 1980.
    date = time.gmtime(max(timestamp, 315532800))[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()
