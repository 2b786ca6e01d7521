"""Package a rendered book as an EPUB 3 file (with an NCX for older readers) using ebooklib."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from ebooklib import epub

from booksmith.files import atomic_output
from booksmith.options import RenderOptions
from booksmith.render import STYLESHEET, Document, Rendered, split_document, xhtml_document
from booksmith.render.blocks import escape, plain
from booksmith.render.identifier import book_identifier
from booksmith.resources import data_path, data_text, data_toml
from booksmith.writers.epub.metadata import add_metadata
from booksmith.writers.epub.nav import COVER_PAGE, has_contents, nav_xhtml, ncx_toc

XHTML = "application/xhtml+xml"
# Zip entries are written in this order (then the rest in reading order), all
# with the same date, so that the same input always gives the same bytes.
FIRST_ENTRIES = ("mimetype", "META-INF/container.xml", "EPUB/content.opf")
# Largest XHTML file: older readers (Adobe RMSDK) choke above 300 KB, so longer
# chapters are cut into several files.
MAX_FILE_BYTES = 240_000
COVER_IMAGE = "images/cover.jpg"
COLOPHON = "colophon.xhtml"
Transform = Callable[[bytes], bytes]


def write(rendered: Rendered, path: Path, options: RenderOptions) -> Path:
    """Write the EPUB to `path` atomically and return the path."""
    data = epub_bytes(rendered, options)
    with atomic_output(path) as temporary:
        temporary.write_bytes(data)
    return path


def epub_bytes(rendered: Rendered, options: RenderOptions, *, transform: Transform | None = None) -> bytes:
    """The EPUB file as bytes; `transform` rewrites every content document (the KEPUB writer's hook)."""
    timestamp = options.timestamp if options.timestamp is not None else int(time.time())
    cover = None if options.no_cover else _cover_jpeg(rendered, options)
    documents = _content_documents(rendered, options, transform or (lambda xhtml: xhtml), cover)
    book = _package(rendered, documents, options, cover)
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
            "epub2_guide": True,
            # The zip is rewritten below; compressing this copy too would only cost time.
            "compresslevel": 0,
        },
    )
    return _reproducible_zip(buffer.getvalue(), timestamp, [d.file_name for d in documents])


def _content_documents(
    rendered: Rendered, options: RenderOptions, transform: Transform, cover: bytes | None
) -> tuple[Document, ...]:
    """The spine's documents, transformed: cover page, title page, chapters cut to size, fonts' colophon."""
    documents = [_cover_page(rendered, cover)] if cover is not None else []
    for document in rendered.documents:
        documents.extend(_fitted(document, rendered.language, transform))
    if options.embed_fonts:
        documents.append(_colophon(rendered))
    return tuple(replace(d, xhtml=transform(d.xhtml)) if d.kind in ("cover", "colophon") else d for d in documents)


def _fitted(document: Document, language: str, transform: Transform) -> tuple[Document, ...]:
    """The document cut into transformed files of at most MAX_FILE_BYTES each.

    A transform may grow the text (Kobo spans can triple a run of short
    sentences), so the cut is repeated with a smaller budget until it fits.
    """
    budget = MAX_FILE_BYTES
    while True:
        pieces = [replace(p, xhtml=transform(p.xhtml)) for p in split_document(document, language, budget)]
        largest = max(len(p.xhtml) for p in pieces)
        if largest <= MAX_FILE_BYTES or budget <= 8192 or document.chapter is None:
            return tuple(pieces)
        budget = max(int(budget * MAX_FILE_BYTES / largest * 0.95), 8192)


def _cover_page(rendered: Rendered, cover: bytes) -> Document:
    """The cover image scaled to the page, whole, in an SVG box (as calibre and Standard Ebooks do).

    An <img> with max-height: 100% overflows in engines that do not size images
    themselves (its parent has no height): calibre cut the cover over three PDF
    pages and Chromium drew it larger than the window. An SVG viewBox with
    preserveAspectRatio scales to whatever box the engine gives it.
    """
    from PIL import Image

    metadata = rendered.book.metadata
    label = rendered.labels["cover"]
    alt = plain(metadata.title or "Untitled") + (f" – {', '.join(metadata.authors)}" if metadata.authors else "")
    with Image.open(io.BytesIO(cover)) as image:
        width, height = image.size
    body = (
        f'<section id="cover" class="cover" epub:type="cover">\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1"'
        f' width="100%" height="100%" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet"'
        f' role="img" aria-label="{escape(alt)}">\n'
        f"<title>{escape(alt)}</title>\n"
        f'<image width="{width}" height="{height}" xlink:href="{COVER_IMAGE}"/>\n</svg>\n</section>'
    )
    xhtml = xhtml_document(body, label=label, kind="cover", language=rendered.language)
    return Document(COVER_PAGE, label, "cover", 0, body, xhtml, anchor="cover")


def _colophon(rendered: Rendered) -> Document:
    """The last page: which fonts the book carries, and their licence, as the SIL OFL requires."""
    label = rendered.labels["colophon"]
    licence = data_text("fonts", "OFL.txt")
    families = sorted({face["family"] for face in data_toml("fonts/fonts.toml")["face"]})
    body = (
        f'<section id="colophon" class="colophon" epub:type="colophon" aria-label="{escape(label)}">\n'
        f'<h2 class="chapter-title">{escape(rendered.labels["fonts"])}: {escape(", ".join(families))}</h2>\n'
        f'<pre class="licence">{escape(licence)}</pre>\n</section>'
    )
    xhtml = xhtml_document(body, label=label, kind="colophon", language=rendered.language)
    return Document(COLOPHON, label, "colophon", 0, body, xhtml, anchor="colophon")


def _package(
    rendered: Rendered, documents: tuple[Document, ...], options: RenderOptions, cover: bytes | None
) -> epub.EpubBook:
    book = epub.EpubBook()
    # ebooklib names itself the generator; booksmith's own generator meta replaces it.
    book.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)
    book.set_identifier(book_identifier(rendered))
    has_cover = cover is not None
    add_metadata(book, rendered.book.metadata, language=rendered.language, has_cover=has_cover)
    if rendered.direction == "rtl":
        book.set_direction("rtl")
    css = rendered.css
    if options.embed_fonts:
        css = _embed_fonts(book) + "\n" + css
    book.add_item(epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css", content=css.encode("utf-8")))
    if cover is not None:
        _add_cover_image(book, cover)
        # EPUB 2's guide names the cover page: calibre and Kindle conversions then put the cover on a page of
        # their own instead of printing this page after theirs.
        book.guide.append({"type": "cover", "href": COVER_PAGE, "title": rendered.labels["cover"]})
    items = []
    for document in documents:
        item = epub.EpubItem(
            uid=Path(document.file_name).stem, file_name=document.file_name, media_type=XHTML, content=document.xhtml
        )
        if document.kind == "cover":
            item.properties = ["svg"]
        book.add_item(item)
        items.append(item)
    nav = epub.EpubItem(
        uid="nav", file_name="nav.xhtml", media_type=XHTML, content=nav_xhtml(rendered, documents, has_cover=has_cover)
    )
    nav.properties = ["nav"]
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    book.toc = ncx_toc(documents)
    if has_contents(documents):
        # The contents page follows the title page.
        position = next(i for i, d in enumerate(documents) if d.kind == "titlepage") + 1
        items.insert(position, nav)
    book.spine = items
    return book


def _cover_jpeg(rendered: Rendered, options: RenderOptions) -> bytes:
    from booksmith.cover import cover_image

    return cover_image(rendered.book.metadata, options)


def _add_cover_image(book: epub.EpubBook, image: bytes) -> None:
    cover = epub.EpubCover(uid="cover-image", file_name=COVER_IMAGE)
    cover.media_type = "image/jpeg"
    cover.content = image
    book.add_item(cover)
    # EPUB 2's pointer to the cover, which calibre, Kindle and older Kobo firmware still read.
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})


def _embed_fonts(book: epub.EpubBook) -> str:
    """Add the shipped OFL fonts to the book; returns their @font-face rules and a rule using them."""
    rules = []
    faces = data_toml("fonts/fonts.toml")["face"]
    for face in faces:
        name = f"fonts/{face['file']}"
        content = data_path("fonts", face["file"]).read_bytes()
        book.add_item(
            epub.EpubItem(uid=Path(face["file"]).stem, file_name=name, media_type="font/otf", content=content)
        )
        rules.append(
            f'@font-face {{ font-family: "{face["family"]}"; src: url("{name}"); '
            f"font-weight: {face['weight']}; font-style: {face['style']}; }}"
        )
    rules.append(f'body {{ font-family: "{faces[0]["family"]}", serif; }}')
    return "\n".join(rules)


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
            # mimetype must be stored; JPEGs are compressed already, deflating them again only costs time.
            stored = name == "mimetype" or name.endswith(".jpg")
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=None if stored else 6)
    return out.getvalue()
