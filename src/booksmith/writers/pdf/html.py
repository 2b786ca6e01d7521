"""Build the print HTML of a rendered book (front matter, chapters) and the stylesheets WeasyPrint sets it with."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from string import Template

from booksmith import __version__
from booksmith.options import RenderOptions
from booksmith.render import Document, Rendered
from booksmith.render.blocks import escape, plain
from booksmith.render.identifier import book_identifier
from booksmith.resources import data_path, data_text, data_toml, styles_path

# The opening paragraph's first letter (with any quote before it), after the chapter title.
# Only letters of the scripts the book font sets (Latin, Greek, Cyrillic) and digits: an
# Arabic letter taken out of its word would lose its joined form, and CJK text has no
# initials.
INITIAL_LETTERS = "0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u1f00-\u1fff\u0400-\u04ff"
OPENING_LETTER = re.compile(rf"(</h2>\n<p>)([“‘«\"'(\[]*[{INITIAL_LETTERS}])")
# The same at the start of an untitled chapter (a story in one piece), which opens with its text.
UNTITLED_OPENING_LETTER = re.compile(rf"(\A<p>)([“‘«\"'(\[]*[{INITIAL_LETTERS}])")
EMPTY_META = re.compile(r'<meta name="[^"]+" content=""/>\n')
# Links from the contents to chapters laid out as other documents (see join._resolve_links).
CHAPTER_LINK = "booksmith-chapter:"
# Page sizes read one page at a time: no facing pages, chapters open on the next page.
SCREEN_SIZES = ("ereader",)


def chapters(rendered: Rendered) -> list[Document]:
    """The documents that become the body of the book (everything but the title page)."""
    return [d for d in rendered.documents if d.kind != "titlepage"]


def anchor(document: Document) -> str:
    """The id of a chapter's section (`ch001`), as the render stage numbers them."""
    return "ch" + document.file_name.rsplit("-", 1)[-1].split(".")[0]


def page(rendered: Rendered, options: RenderOptions, content: str) -> str:
    """A complete HTML document around `content`, carrying the book's language and metadata."""
    metadata = rendered.book.metadata
    html = Template(data_text("templates", "print.html")).substitute(
        language=escape(rendered.language),
        direction=' dir="rtl"' if rendered.direction == "rtl" else "",
        title=escape(plain(metadata.title or "Untitled")),
        author=escape(", ".join(metadata.authors)),
        description=escape(metadata.description or ""),
        keywords=escape(", ".join(metadata.subjects)),
        version=__version__,
        theme=escape(options.theme),
        size=escape(options.page_size),
        body=content,
        created=_created(options.timestamp),
    )
    return EMPTY_META.sub("", html)


def _created(timestamp: int | None) -> str:
    """WeasyPrint's metadata tags for the PDF's creation and modification dates."""
    if timestamp is None:
        return ""
    stamp = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<meta name="dcterms.created" content="{stamp}"/>\n<meta name="dcterms.modified" content="{stamp}"/>'


def front_matter(rendered: Rendered, options: RenderOptions, folios: dict[str, int] | None = None) -> str:
    """Half-title, title page, copyright page and (for several chapters) the contents.

    `folios` gives each chapter's page number when it is known before layout (the
    chunked path); without it the contents ask WeasyPrint for `target-counter`.
    """
    metadata = rendered.book.metadata
    title = escape(plain(metadata.title or "Untitled"))
    titlepage = next(d.body for d in rendered.documents if d.kind == "titlepage")
    parts = []
    if options.cover_page:
        from booksmith.cover import cover_image

        image = base64.b64encode(cover_image(metadata, options)).decode("ascii")
        parts.append(f'<section class="cover"><img src="data:image/jpeg;base64,{image}" alt=""/></section>')
    parts += [f'<section class="half-title"><p>{title}</p></section>', titlepage, _colophon(rendered)]
    if len(chapters(rendered)) > 1:
        parts.append(_contents(rendered, folios))
    return '<div class="front">\n' + "\n".join(parts) + "\n</div>"


def _colophon(rendered: Rendered) -> str:
    metadata = rendered.book.metadata
    lines = []
    title = escape(plain(metadata.title or "Untitled"))
    authors = escape(" & ".join(metadata.authors))
    lines.append(f'<p class="book">{title}{" · " + authors if authors else ""}</p>')
    # Only the rights the user states: a "© author" line made up here would be false for
    # public-domain texts and for stories whose author does not hold the rights.
    if metadata.rights:
        lines.append(f'<p class="rights">{escape(metadata.rights)}</p>')
    if metadata.publisher:
        lines.append(f'<p class="publisher">{escape(metadata.publisher)}</p>')
    if metadata.date:
        lines.append(f'<p class="date">{escape(metadata.date)}</p>')
    lines.append(f'<p class="identifier">{escape(book_identifier(rendered))}</p>')
    lines.append(f'<p class="typeset">{escape(rendered.labels["typeset"])}</p>')
    return '<section class="colophon">\n' + "\n".join(lines) + "\n</section>"


def _contents(rendered: Rendered, folios: dict[str, int] | None) -> str:
    entries = []
    for document in chapters(rendered):
        if document.kind == "front" and document.chapter is not None and not document.chapter.title:
            continue  # untitled front matter (an author's note before chapter 1) has no name to list
        target = anchor(document)
        nested = ' class="nested"' if document.depth else ""
        # Chunked: the chapter is in another document, so the link names it for `join` to resolve.
        link = f'{CHAPTER_LINK}{target}" data-folio="{folios[target]}' if folios else f"#{target}"
        entries.append(f'<li{nested}><a href="{link}">{escape(document.title)}</a></li>')
    heading = escape(rendered.labels["contents"])
    return f'<nav class="contents" id="contents">\n<h1>{heading}</h1>\n<ol>\n' + "\n".join(entries) + "\n</ol>\n</nav>"


def body(documents: list[Document]) -> str:
    """The chapters inside the body's page group, each opening with a mark that sets its running heads.

    The strings are set by an empty block on the opener, not by the section: WeasyPrint's
    `first-except` treats every page a string-setting element spans as its first.
    """
    sections = []
    for document in documents:
        opening, rest = (document.print_body or document.body).split("\n", 1)
        mark = f'<div class="head-mark" data-head="{escape(document.title)}"></div>'
        # A real element for the initial: WeasyPrint overprints the line when ::first-letter floats.
        initial = r'\1<span class="initial">\2</span>'
        rest, found = OPENING_LETTER.subn(initial, rest, count=1)
        if not found and document.kind == "chapter":
            rest = UNTITLED_OPENING_LETTER.sub(initial, rest, count=1)
        sections.append(f"{opening}\n{mark}\n{rest}")
    return '<div class="body">\n' + "\n".join(sections) + "\n</div>"


def stylesheets(rendered: Rendered, options: RenderOptions) -> list[str]:
    """Fonts, the theme, the print rules, the page size, the theme's and the language's print rules,
    then the book's own values (title, ornament, font size)."""
    title = _css_string(plain(rendered.book.metadata.title or "Untitled"))
    sheets = [font_faces(), rendered.css, _style("print.css")]
    if rendered.direction == "rtl":
        # Before the page size: page-ereader.css sets the same running head on both sides.
        sheets.append(_style("print-rtl.css"))
    sheets.append(page_css(options.page_size))
    extra = _optional_style(f"page-{options.page_size}.css")
    if extra:
        sheets.append(extra)
    theme, language = _optional_style(f"print-{options.theme}.css"), _language_style(rendered.language)
    sheets += [css for css in (theme, language) if css]
    sheets += [
        f'div.head-mark {{ string-set: chapter attr(data-head), book "{title}"; }}',
        f'body.print hr.scene-break::before {{ content: "{_css_string(options.scene_break)}"; }}',
    ]
    if options.font_size:
        sheets.append(f"html {{ font-size: {float(options.font_size):g}pt; }}")
    return sheets


FACING_RULES = """
@page :left {
  margin-left: $outside;
  margin-right: $inside;
}

@page :right {
  margin-left: $inside;
  margin-right: $outside;
}
"""


def page_css(page_size: str) -> str:
    """styles/print-page.css filled with a page size of data/pages.toml (mirrored margins on print sizes)."""
    page = data_toml("pages.toml")[page_size]
    facing = Template(FACING_RULES).substitute(page) if page["facing"] else ""
    return Template(_style("print-page.css")).substitute(page, facing_rules=facing)


def _style(name: str) -> str:
    return styles_path(name).read_text(encoding="utf-8")


def _optional_style(name: str) -> str | None:
    path = styles_path(name)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _language_style(language: str) -> str | None:
    """styles/print-script.css filled with the fonts of the book's script, if EB Garamond lacks it.

    The language tag is looked up whole, then shorter (`zh-hant-tw`, `zh-hant`, `zh`).
    """
    scripts = data_toml("script-fonts.toml")
    subtags = language.lower().replace("_", "-").split("-")
    for end in range(len(subtags), 0, -1):
        tag = "-".join(subtags[:end])
        fonts = scripts.get(scripts["aliases"].get(tag, tag)) if tag != "aliases" else None
        if fonts:
            values = {"headings": fonts["text"], "head_spacing": "0", **fonts}
            return Template(_style("print-script.css")).substitute(values)
    return None


def _css_string(text: str) -> str:
    from booksmith.render import css_string

    return css_string(text.replace("\n", " "))


def font_faces() -> str:
    """@font-face rules for the fonts shipped in booksmith/data/fonts, by absolute file URL."""
    rules = []
    for face in data_toml("fonts/fonts.toml")["face"]:
        url = data_path("fonts", face["file"]).as_uri()
        ranges = f" unicode-range: {face['unicode_range']};" if "unicode_range" in face else ""
        rules.append(
            f'@font-face {{ font-family: "{face["family"]}"; src: url("{url}"); '
            f"font-weight: {face['weight']}; font-style: {face['style']};{ranges} }}"
        )
    return "\n".join(rules)
