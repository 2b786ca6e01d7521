"""Render the book model to XHTML documents and CSS, once, for every writer to package."""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from booksmith import __version__
from booksmith.model import Book, Chapter
from booksmith.options import RenderOptions
from booksmith.render.blocks import chapter_body, escape, titlepage_body
from booksmith.resources import data_text, locale, styles_path

RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"}
STYLESHEET = "style.css"


@dataclass(frozen=True)
class Document:
    """One XHTML file of the book."""

    file_name: str
    # Label in tables of contents.
    title: str
    # "titlepage", "front", "part", "chapter" or "back".
    kind: str
    # 0 for top-level entries, 1 for chapters inside a part.
    depth: int
    # The <section> that is the document's body; writers may combine these.
    body: str
    # The complete XHTML document.
    xhtml: bytes


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
    template = Template(data_text("templates", "document.xhtml"))
    title = book.metadata.title or "Untitled"

    def document(file_name: str, label: str, kind: str, depth: int, body: str) -> Document:
        xhtml = template.substitute(
            language=escape(language),
            direction=f' dir="{direction}"' if direction == "rtl" else "",
            title=escape(label),
            stylesheet=STYLESHEET,
            body_class=f' class="{kind}"',
            body=body,
        )
        return Document(file_name, label, kind, depth, body, xhtml.encode("utf-8"))

    documents = [
        document("titlepage.xhtml", locale(language)["title_page"], "titlepage", 0, titlepage_body(book.metadata))
    ]
    for number, chapter in enumerate(book.chapters, start=1):
        anchor = f"ch{number:03d}"
        documents.append(
            document(
                f"chapter-{number:03d}.xhtml",
                chapter_label(chapter, title),
                chapter.kind,
                chapter.depth,
                chapter_body(chapter, anchor, fallback_title=title),
            )
        )
    return Rendered(book, language, direction, tuple(documents), theme_css(options))


def chapter_label(chapter: Chapter, book_title: str) -> str:
    """What a table of contents calls a chapter: its heading, with its title when it has one."""
    from booksmith.render.blocks import plain

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
    from booksmith.errors import BooksmithError

    path = styles_path(f"{options.theme}.css")
    if options.theme.startswith(THEME_FILES_EXCLUDED) or not path.is_file():
        raise BooksmithError(f"unknown theme '{options.theme}'; choose one of: {', '.join(themes())}")
    css = styles_path("base.css").read_text(encoding="utf-8") + "\n" + path.read_text(encoding="utf-8")
    ornament = options.scene_break.replace("\\", "\\\\").replace('"', '\\"')
    return css.replace('"⁂"', f'"{ornament}"')


def version() -> str:
    return __version__
