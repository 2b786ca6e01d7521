"""Render the book model to XHTML documents and CSS, once, for every writer to package."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from string import Template

from booksmith.errors import BooksmithError
from booksmith.model import Book, Chapter
from booksmith.options import RenderOptions
from booksmith.render.blocks import (
    NoteLinks,
    chapter_body,
    continuation_body,
    endnotes_xhtml,
    escape,
    note_links,
    plain,
    section_semantics,
    titlepage_body,
)
from booksmith.render.split import pieces
from booksmith.resources import data_text, locale, styles_path

RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"}
STYLESHEET = "style.css"


@dataclass(frozen=True)
class Document:
    """One XHTML file of the book."""

    file_name: str
    # Label in tables of contents.
    title: str
    # "titlepage", "front", "part", "chapter" or "back" ("cover" and "colophon" for pages a writer adds).
    kind: str
    # 0 for top-level entries, 1 for chapters inside a part.
    depth: int
    # The <section> that is the document's body; writers may combine these.
    body: str
    # The complete XHTML document.
    xhtml: bytes
    # The chapter it shows (None for the title page), for writers that re-cut long chapters.
    chapter: Chapter | None = field(default=None, compare=False, repr=False)
    # The id of its <section>.
    anchor: str = ""
    # For a later piece of a chapter cut into several files: the file name of the first piece.
    part_of: str | None = None
    # The <section> for print when it differs from `body`: footnotes stand where they are called.
    print_body: str | None = None
    # How its notes are written (None if the chapter has none), for writers that re-cut chapters.
    links: NoteLinks | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Rendered:
    """The rendered book: documents in reading order, and the theme's CSS."""

    book: Book
    language: str
    direction: str  # "ltr" or "rtl"
    documents: tuple[Document, ...]
    css: str

    @property
    def labels(self) -> dict[str, str]:
        return locale(self.language)


def render(book: Book, options: RenderOptions | None = None) -> Rendered:
    """Render every chapter, and a title page, to XHTML with the theme's CSS."""
    options = options or RenderOptions()
    language = book.metadata.language or "en"
    direction = "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"
    title = book.metadata.title or "Untitled"
    documents = [
        Document(
            "titlepage.xhtml",
            locale(language)["title_page"],
            "titlepage",
            0,
            body := titlepage_body(book.metadata),
            xhtml_document(body, label=locale(language)["title_page"], kind="titlepage", language=language),
            anchor="titlepage",
        )
    ]
    notes_heading = locale(language)["notes"]
    for number, chapter in enumerate(book.chapters, start=1):
        anchor = f"ch{number:03d}"
        label = chapter_label(chapter, title)
        links = note_links(chapter, anchor, placement=options.notes_as, for_print=False, heading=notes_heading)
        body = chapter_body(chapter, anchor, fallback_title=title, links=links)
        print_body = None
        if links is not None and options.notes_as == "footnotes":
            print_links = replace(links, for_print=True)
            print_body = chapter_body(chapter, anchor, fallback_title=title, links=print_links)
        documents.append(
            Document(
                f"chapter-{number:03d}.xhtml",
                label,
                chapter.kind,
                chapter.depth,
                body,
                xhtml_document(body, label=label, kind=chapter.kind, language=language, chapter=chapter),
                chapter=chapter,
                anchor=anchor,
                print_body=print_body,
                links=links,
            )
        )
    return Rendered(book, language, direction, tuple(documents), theme_css(options))


def xhtml_document(body: str, *, label: str, kind: str, language: str, chapter: Chapter | None = None) -> bytes:
    """A complete XHTML5 file around a <section>: XML declaration, language, direction, stylesheet."""
    matter = section_semantics(chapter)[2] if chapter else "frontmatter"
    primary = language.split("-")[0].lower()
    xhtml = Template(data_text("templates", "document.xhtml")).substitute(
        language=escape(language),
        direction=' dir="rtl"' if primary in RTL_LANGUAGES else "",
        title=escape(label),
        stylesheet=STYLESHEET,
        body_attributes=f' class="{kind}" epub:type="{matter}"',
        body=body,
    )
    return xhtml.encode("utf-8")


def split_documents(rendered: Rendered, max_bytes: int) -> tuple[Document, ...]:
    """The documents with every one over `max_bytes` cut into several files at paragraph boundaries."""
    return tuple(piece for d in rendered.documents for piece in split_document(d, rendered.language, max_bytes))


def split_document(document: Document, language: str, max_bytes: int) -> tuple[Document, ...]:
    """The document, or if it is over `max_bytes`, its chapter cut into files at paragraph boundaries.

    The first piece keeps the file name (links and the table of contents point
    to it); later pieces are CHAPTER-2.xhtml, CHAPTER-3.xhtml and so on.
    """
    chapter = document.chapter
    if len(document.xhtml) <= max_bytes or chapter is None or document.part_of:
        return (document,)
    overhead = len(xhtml_document("", label=document.title, kind=document.kind, language=language))
    # The heading and the section's own tags travel in the first piece's budget.
    budget = max(max_bytes - overhead - 2 * len(document.title.encode("utf-8")) - 1024, 4096)
    first = chapter_body(replace(chapter, blocks=(), notes=()), document.anchor, fallback_title=document.title)
    head, _, _ = first.rpartition("\n</section>")
    stem = document.file_name.removesuffix(".xhtml")
    result = []
    links = document.links
    groups = pieces(chapter.blocks, budget, links)
    if links is not None and links.placement == "endnotes":
        # Each piece ends with the notes its own text refers to: a note link must stay
        # inside its file for EPUBCheck and for the readers' pop-ups.
        for group in groups:
            numbers = {int(n) for n in re.findall(rf'href="#{links.anchor}-note(\d+)"', "".join(group))}
            if endnotes := endnotes_xhtml(links, numbers):
                group.append(endnotes)
    for number, group in enumerate(groups, start=1):
        if number == 1:
            body = head + "\n" + "\n".join(group) + "\n</section>"
            name, part_of, anchor = document.file_name, None, document.anchor
        else:
            anchor = f"{document.anchor}-{number}"
            body = continuation_body(chapter, anchor, group, label=document.title)
            name, part_of = f"{stem}-{number}.xhtml", document.file_name
        xhtml = xhtml_document(body, label=document.title, kind=document.kind, language=language, chapter=chapter)
        result.append(replace(document, file_name=name, body=body, xhtml=xhtml, anchor=anchor, part_of=part_of))
    return tuple(result)


def chapter_label(chapter: Chapter, book_title: str) -> str:
    """What a table of contents calls a chapter: its heading, with its title when it has one."""
    if chapter.title and chapter.subtitle:
        return f"{plain(chapter.title)}: {plain(chapter.subtitle)}"
    if chapter.title:
        return plain(chapter.title)
    return book_title if chapter.kind != "front" else "—"


THEME_FILES_EXCLUDED = ("base", "print", "page-")


def themes() -> list[str]:
    """The names of the themes in styles/."""
    return sorted(p.stem for p in styles_path().glob("*.css") if not p.stem.startswith(THEME_FILES_EXCLUDED))


def theme_css(options: RenderOptions) -> str:
    """The theme's EPUB stylesheet (base rules, then the theme's), with the chosen ornament."""
    path = styles_path(f"{options.theme}.css")
    if options.theme.startswith(THEME_FILES_EXCLUDED) or not path.is_file():
        raise BooksmithError(f"unknown theme '{options.theme}'; choose one of: {', '.join(themes())}")
    css = styles_path("base.css").read_text(encoding="utf-8") + "\n" + path.read_text(encoding="utf-8")
    return css.replace('"⁂"', f'"{css_string(options.scene_break)}"')


def css_string(text: str) -> str:
    """Text to put between double quotes in CSS: nothing in it can end the string or the rule.

    Everything but letters, digits, spaces and harmless punctuation becomes a CSS
    escape (`\\22 `): a newline, quote or backslash in an option value once ended
    the string and let `} html { background: url(…) }` into the book's stylesheet.
    """
    return "".join(ch if _plain_in_css(ch) else f"\\{ord(ch):x} " for ch in text)


def _plain_in_css(ch: str) -> bool:
    # Outside ASCII nothing ends a CSS string, so ornaments (❦ ⁂) stay readable.
    return ch.isprintable() and (not ch.isascii() or ch.isalnum() or ch in " *~-+#.,:;!?&%=_|/()[]^'")
