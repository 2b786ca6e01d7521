"""Typeset a rendered book as a PDF with WeasyPrint (or, with `pdf_engine="typst"`, with writers/typst).

Two paths give the same pages. A book with several chapters is laid out in
chunks, one chapter per task, in worker processes (`chunked`), then joined with
its fonts merged; a PDF variant (PDF/UA, PDF/A) needs WeasyPrint's own tagging
and metadata, so it takes the single pass over the whole book (`single_pass`).
"""

from __future__ import annotations

from pathlib import Path

from booksmith.errors import BooksmithError
from booksmith.files import atomic_output
from booksmith.options import PAGE_SIZES, PDF_ENGINES, PDF_VARIANTS, RenderOptions
from booksmith.render import Rendered

__all__ = ["write"]


def write(rendered: Rendered, path: Path, options: RenderOptions) -> Path:
    """Write the PDF to `path` atomically and return the path."""
    if options.page_size not in PAGE_SIZES:
        raise BooksmithError(f"unknown page size '{options.page_size}'; choose one of: {', '.join(PAGE_SIZES)}")
    if options.pdf_variant is not None and options.pdf_variant not in PDF_VARIANTS:
        raise BooksmithError(f"unknown PDF variant '{options.pdf_variant}'; choose one of: {', '.join(PDF_VARIANTS)}")
    if options.pdf_engine not in PDF_ENGINES:
        raise BooksmithError(f"unknown PDF engine '{options.pdf_engine}'; choose one of: {', '.join(PDF_ENGINES)}")
    if options.pdf_engine == "typst":
        from booksmith.writers.typst import write_pdf

        with atomic_output(path) as temporary:
            write_pdf(rendered, options, temporary)
        return path
    # Imported here: WeasyPrint takes about a second to import, and only PDFs need it.
    from booksmith.writers.pdf import chunked, single

    with atomic_output(path) as temporary:
        if options.pdf_variant or len(rendered.documents) <= 2:
            single.write_pdf(rendered, options, temporary)
        else:
            chunked.write_pdf(rendered, options, temporary)
        _refuse_tofu(rendered, temporary, path)
    return path


def _refuse_tofu(rendered: Rendered, pdf: Path, path: Path) -> None:
    """Fail, leaving no PDF, when some character of the book would print as an empty box."""
    from booksmith.verify import xhtml_text
    from booksmith.writers.pdf.glyphs import check_glyphs

    text = xhtml_text(document.xhtml for document in rendered.documents)
    check_glyphs(pdf, text, name=path)
