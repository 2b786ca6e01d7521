"""Typeset a rendered book as a PDF with WeasyPrint, using the theme and the print stylesheet."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from string import Template

from booksmith import __version__
from booksmith.errors import BooksmithError
from booksmith.files import atomic_output
from booksmith.options import PAGE_SIZES, RenderOptions
from booksmith.render import Rendered
from booksmith.render.blocks import escape, plain
from booksmith.resources import data_path, data_text, data_toml, styles_path

EMPTY_META = re.compile(r'<meta name="[^"]+" content=""/>\n')


def write(rendered: Rendered, path: Path, options: RenderOptions) -> Path:
    """Write the PDF to `path` atomically and return the path."""
    if options.page_size not in PAGE_SIZES:
        raise BooksmithError(f"unknown page size '{options.page_size}'; choose one of: {', '.join(PAGE_SIZES)}")
    # Imported here: WeasyPrint takes about a second to import, and only PDFs need it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheets = [CSS(string=css, font_config=fonts) for css in _stylesheets(rendered, options)]
    document = HTML(string=print_html(rendered, options), base_url=str(styles_path()))
    with atomic_output(path) as temporary:
        document.write_pdf(temporary, stylesheets=stylesheets, font_config=fonts)
    return path


def print_html(rendered: Rendered, options: RenderOptions) -> str:
    """One HTML document holding the title page, the contents and every chapter."""
    metadata = rendered.book.metadata
    bodies = [d.body for d in rendered.documents]
    chapters = [d for d in rendered.documents if d.kind != "titlepage"]
    if len(chapters) > 1:
        bodies.insert(1, _contents(rendered))
    created = ""
    if options.timestamp is not None:
        stamp = datetime.fromtimestamp(options.timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        created = f'<meta name="dcterms.created" content="{stamp}"/>\n<meta name="dcterms.modified" content="{stamp}"/>'
    html = Template(data_text("templates", "print.html")).substitute(
        language=escape(rendered.language),
        direction=' dir="rtl"' if rendered.direction == "rtl" else "",
        title=escape(plain(metadata.title or "Untitled")),
        author=escape(", ".join(metadata.authors)),
        description=escape(metadata.description or ""),
        keywords=escape(", ".join(metadata.subjects)),
        version=__version__,
        body="\n".join(bodies),
    )
    html = EMPTY_META.sub("", html)
    return html.replace("</head>", created + "\n</head>", 1) if created else html


def _contents(rendered: Rendered) -> str:
    entries = []
    for document in rendered.documents:
        if document.kind == "titlepage":
            continue
        anchor = "#ch" + document.file_name.split("-")[-1].split(".")[0]
        indent = ' class="nested"' if document.depth else ""
        entries.append(f'<li{indent}><a href="{anchor}">{escape(document.title)}</a></li>')
    title = escape(rendered.labels["contents"])
    return f'<nav class="contents" id="contents">\n<h1>{title}</h1>\n<ol>\n' + "\n".join(entries) + "\n</ol>\n</nav>"


def _stylesheets(rendered: Rendered, options: RenderOptions) -> list[str]:
    sheets = [
        _font_faces(),
        rendered.css,
        styles_path("print.css").read_text(encoding="utf-8"),
        styles_path(f"page-{options.page_size}.css").read_text(encoding="utf-8"),
    ]
    if options.font_size:
        sheets.append(f"html {{ font-size: {float(options.font_size):g}pt; }}")
    return sheets


def _font_faces() -> str:
    """@font-face rules for the fonts shipped in booksmith/data/fonts, by absolute file URL."""
    rules = []
    for face in data_toml("fonts/fonts.toml")["face"]:
        url = data_path("fonts", face["file"]).as_uri()
        rules.append(
            f'@font-face {{ font-family: "{face["family"]}"; src: url("{url}"); '
            f"font-weight: {face['weight']}; font-style: {face['style']}; }}"
        )
    return "\n".join(rules)
