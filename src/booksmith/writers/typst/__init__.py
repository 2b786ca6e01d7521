"""Typeset a rendered book as a PDF with Typst (`--pdf-engine typst`).

The book model becomes Typst source (markup.py) set by the templates in
booksmith/data/typst: book.typ (pages, running heads, folios, front matter,
chapter openings) and a theme file (classic.typ, modern.typ), with the page
sizes of data/pages.toml, which the WeasyPrint writer reads too. Typst lays the
whole book out in one pass, in Rust, many times faster than WeasyPrint; its
compiler (with the fonts it has loaded) is kept for the process, so a batch of
short stories pays for the font scan once.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from booksmith.errors import BooksmithError
from booksmith.options import PAGE_SIZES, PDF_VARIANTS, RenderOptions
from booksmith.render import Rendered, chapter_label, themes
from booksmith.render.blocks import plain
from booksmith.render.identifier import book_identifier
from booksmith.resources import data_path, data_text, data_toml
from booksmith.writers.typst import markup
from booksmith.writers.typst.markup import Length, content, string, value

# booksmith's PDF variants as Typst names them.
STANDARDS = {"pdf/ua-1": "ua-1", "pdf/a-3b": "a-3b"}
# Scripts set with taller lines (CJK, Arabic), and those indented two characters.
TALL_SCRIPTS = ("zh", "ja", "ko", "ar", "fa", "ur")
WIDE_INDENT = ("zh", "ja")
# Scripts without small capitals: the renderer would fake them.
NO_SMALL_CAPS = (*TALL_SCRIPTS, "he", "yi")


def write_pdf(rendered: Rendered, options: RenderOptions, target: Path) -> None:
    """Lay out the book with Typst and write the PDF to `target`."""
    if options.theme not in themes():
        raise BooksmithError(f"unknown theme '{options.theme}'; choose one of: {', '.join(themes())}")
    import typst

    with tempfile.TemporaryDirectory(prefix="booksmith-typst-") as folder:
        root = Path(folder)
        source = root / "book.typ"
        cover = None
        if options.cover_page:
            from booksmith.cover import cover_image

            cover = root / "cover.jpg"
            cover.write_bytes(cover_image(rendered.book.metadata, options))
        source.write_text(typst_source(rendered, options, cover=cover), encoding="utf-8")
        standards = [STANDARDS[options.pdf_variant]] if options.pdf_variant else []
        try:
            _compiler().compile(
                input=source, output=target, root=root, timestamp=options.timestamp, pdf_standards=standards
            )
        except typst.TypstError as error:
            raise BooksmithError(f"Typst could not set this book: {error.message}") from None


@cache
def _compiler():
    """One compiler per process: it loads the shipped fonts and scans the system's once."""
    import typst

    return typst.Compiler(font_paths=typst.Fonts(font_paths=[str(data_path("fonts"))]))


def typst_source(rendered: Rendered, options: RenderOptions, *, cover: Path | None = None) -> str:
    """The whole book as one Typst document: settings, template, theme, front matter, chapters."""
    return "\n".join(
        [
            f"#let book = {value(settings(rendered, options))}",
            data_text("typst", f"{options.theme}.typ"),
            data_text("typst", "book.typ"),
            *front_matter(rendered, cover),
            *body(rendered),
        ]
    )


def settings(rendered: Rendered, options: RenderOptions) -> dict:
    """The `book` dictionary book.typ reads: metadata, page, language, labels, ornament."""
    if options.page_size not in PAGE_SIZES:
        raise BooksmithError(f"unknown page size '{options.page_size}'; choose one of: {', '.join(PAGE_SIZES)}")
    if options.pdf_variant is not None and options.pdf_variant not in PDF_VARIANTS:
        raise BooksmithError(f"unknown PDF variant '{options.pdf_variant}'; choose one of: {', '.join(PDF_VARIANTS)}")
    metadata = rendered.book.metadata
    page = dict(data_toml("pages.toml")[options.page_size])
    if options.font_size:
        page["font_size"] = f"{float(options.font_size):g}pt"
    lang, region = _language(rendered.language)
    return {
        "title": plain(metadata.title or "Untitled"),
        "authors": list(metadata.authors),
        "keywords": list(metadata.subjects),
        "description": metadata.description,
        "lang": lang,
        "region": region,
        "line-height": 1.6 if lang in TALL_SCRIPTS else 1.3,
        "indent": Length("2em" if lang in WIDE_INDENT else "1.2em"),
        "smallcaps": lang not in NO_SMALL_CAPS,
        "ornament": options.scene_break,
        "page": {
            "width": Length(page["width"]),
            "height": Length(page["height"]),
            "top": Length(page["top"]),
            "bottom": Length(page["bottom"]),
            "inside": Length(page["inside"]),
            "outside": Length(page["outside"]),
            "font-size": Length(page["font_size"]),
            "facing": page["facing"],
        },
    }


def _language(tag: str) -> tuple[str, str | None]:
    """Typst's language (ISO 639) and region (ISO 3166) of a BCP 47 tag; English if it has none."""
    subtags = tag.lower().replace("_", "-").split("-")
    lang = subtags[0] if subtags[0].isalpha() and len(subtags[0]) in (2, 3) else "en"
    region = next((s.upper() for s in subtags[1:] if len(s) == 2 and s.isalpha()), None)
    return lang, region


def chapters(rendered: Rendered) -> list:
    """The rendered documents that are chapters (every one but the title page)."""
    return [d for d in rendered.documents if d.kind != "titlepage" and d.chapter is not None]


def front_matter(rendered: Rendered, cover: Path | None) -> list[str]:
    """Cover, half-title, title page, colophon and (for several chapters) the contents."""
    metadata = rendered.book.metadata
    title = plain(metadata.title or "Untitled")
    lines: list[str] = []
    if cover is not None:
        alt = f"{rendered.labels['cover']}: {title}"
        lines.append(f"#cover-page({string(cover.name)}, {string(alt)})")
    lines.append(f"#half-title({string(title)})")
    series = None
    if metadata.series:
        index = f" {metadata.series_index:g}" if metadata.series_index is not None else ""
        series = metadata.series + index
    authors = " & ".join(metadata.authors) or None
    lines.append(
        f"#title-page(title: {string(title)}, subtitle: {value(metadata.subtitle)}, author: {value(authors)}, "
        f"series: {value(series)}, credits: {value(list(metadata.credits))})"
    )
    labels = rendered.labels
    colophon = [title + (" · " + " & ".join(metadata.authors) if metadata.authors else "")]
    colophon += [line for line in (metadata.rights, metadata.publisher, metadata.date) if line]
    lines.append(
        f"#colophon(lines: {value(colophon)}, identifier: {string(book_identifier(rendered))}, "
        f"typeset: {string(labels['typeset'])})"
    )
    documents = chapters(rendered)
    if len(documents) > 1:
        lines.append(f"#contents-title({string(labels['contents'])})")
        for document in documents:
            nested = "true" if document.depth else "false"
            lines.append(f"#contents-entry(<{document.anchor}>, nested: {nested}, {string(document.title)})")
    return lines


def body(rendered: Rendered) -> list[str]:
    """The chapters, numbered from 1 on the first recto after the front matter."""
    lines = ["#recto-break()", '#set page(numbering: "1")', "#counter(page).update(1)"]
    title = plain(rendered.book.metadata.title or "Untitled")
    for document in chapters(rendered):
        chapter = document.chapter
        level = document.depth + 1
        lines.extend(markup.chapter(chapter, document.anchor, chapter_label(chapter, title), level=level))
    return lines


__all__ = ["content", "typst_source", "write_pdf"]
