"""Typeset a whole rendered book as one WeasyPrint document (the path for PDF/UA and PDF/A)."""

from __future__ import annotations

from pathlib import Path

from booksmith.options import RenderOptions
from booksmith.render import Rendered
from booksmith.resources import styles_path
from booksmith.writers.pdf.fetch import url_fetcher
from booksmith.writers.pdf.html import body, chapters, front_matter, page, stylesheets


def write_pdf(rendered: Rendered, options: RenderOptions, target: Path) -> None:
    """Lay out and write the book in one pass; WeasyPrint numbers pages and fills the contents."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = url_fetcher()
    sheets = [CSS(string=css, font_config=fonts, url_fetcher=fetcher) for css in stylesheets(rendered, options)]
    html = page(rendered, options, front_matter(rendered, options) + "\n" + body(chapters(rendered)))
    document = HTML(string=html, base_url=str(styles_path()), url_fetcher=fetcher)
    document.write_pdf(target, stylesheets=sheets, font_config=fonts, pdf_variant=options.pdf_variant)
