"""Write a Kobo KEPUB: the EPUB with sentences wrapped in koboSpan elements.

Kobo's reader uses the spans for reading statistics, highlights and faster
page turns. Why by hand: no maintained Python library does this pass
(kepubify is a Go program); it is a small walk over our own XHTML.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from booksmith.files import atomic_output
from booksmith.options import RenderOptions
from booksmith.render import Rendered
from booksmith.render.split import sentences
from booksmith.writers.epub import epub_bytes

XHTML_NS = "http://www.w3.org/1999/xhtml"
# Elements whose text is counted as one Kobo "paragraph".
PARAGRAPHS = {f"{{{XHTML_NS}}}{tag}" for tag in ("p", "h1", "h2", "h3", "h4", "li")}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def write(rendered: Rendered, path: Path, options: RenderOptions) -> Path:
    """Write the KEPUB to `path` atomically and return the path."""
    data = epub_bytes(rendered, options, transform=kobo_spans)
    with atomic_output(path) as temporary:
        temporary.write_bytes(data)
    return path


def kobo_spans(xhtml: bytes) -> bytes:
    """The document with every paragraph's sentences in koboSpan spans and the body in book-columns."""
    root = etree.fromstring(xhtml, PARSER)
    body = root.find(f"{{{XHTML_NS}}}body")
    for paragraph, element in enumerate(list(body.iter(*PARAGRAPHS)), start=1):
        _wrap_sentences(element, paragraph)
    columns = etree.Element(f"{{{XHTML_NS}}}div", id="book-columns")
    inner = etree.SubElement(columns, f"{{{XHTML_NS}}}div", id="book-inner")
    inner.text, body.text = body.text, None
    for child in list(body):
        inner.append(child)
    body.append(columns)
    return XML_DECLARATION + etree.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


def _wrap_sentences(element: etree._Element, paragraph: int) -> None:
    counter = [0]

    def spans_for(text: str) -> list[etree._Element]:
        spans = []
        for sentence in sentences(text):
            counter[0] += 1
            span = etree.Element(f"{{{XHTML_NS}}}span", {"class": "koboSpan", "id": f"kobo.{paragraph}.{counter[0]}"})
            span.text = sentence
            spans.append(span)
        return spans

    def visit(node: etree._Element) -> None:
        # Children first (their tails are re-parented below), then the node's own text.
        for child in list(node):
            if child.get("class") != "koboSpan":
                visit(child)
            if child.tail:
                tail_spans = spans_for(child.tail)
                child.tail = None
                position = node.index(child) + 1
                for offset, span in enumerate(tail_spans):
                    node.insert(position + offset, span)
        if node.text:
            text_spans = spans_for(node.text)
            node.text = None
            for offset, span in enumerate(text_spans):
                node.insert(offset, span)

    visit(element)
    _renumber(element, paragraph)


def _renumber(element: etree._Element, paragraph: int) -> None:
    """Spans are created out of reading order above; number them in document order."""
    spans = [span for span in element.iter(f"{{{XHTML_NS}}}span") if span.get("class") == "koboSpan"]
    for number, span in enumerate(spans, start=1):
        span.set("id", f"kobo.{paragraph}.{number}")
