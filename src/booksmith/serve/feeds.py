"""Write catalog entries as OPDS 1.2 Atom feeds, an OpenSearch description and an e-reader HTML page."""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote
from xml.etree import ElementTree as ET

from booksmith.serve.catalog import FORMATS, Entry

ATOM = "http://www.w3.org/2005/Atom"
DCTERMS = "http://purl.org/dc/terms/"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
ACQUIRE = "http://opds-spec.org/acquisition"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
CATALOG_ID = "urn:booksmith:catalog"
# Books per page of an acquisition feed; bigger folders are split into linked pages.
PER_PAGE = 100

ET.register_namespace("", ATOM)
ET.register_namespace("dcterms", DCTERMS)
ET.register_namespace("opensearch", OPENSEARCH)


def book_links(entry: Entry) -> list[tuple[str, str, str]]:
    """(href, MIME type, format) of every way to download a book: its files, or builds of its text."""
    links = []
    folder = posixpath.dirname(entry.key)
    for fmt, (suffix, mime) in FORMATS.items():
        if fmt in entry.files:
            links.append(("/files/" + quote(posixpath.join(folder, entry.files[fmt].name)), mime, fmt))
        elif entry.source is not None:
            links.append(("/build/" + quote(entry.key + suffix), mime, fmt))
    return links


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed(feed_id: str, title: str, self_href: str, kind: str, updated: float, up: str | None) -> ET.Element:
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "booksmith"
    _link(feed, "self", self_href, kind)
    _link(feed, "start", "/opds", NAVIGATION)
    if up:
        _link(feed, "up", up, NAVIGATION)
    _link(feed, "search", "/opds/opensearch.xml", OPENSEARCH_TYPE)
    return feed


def _link(parent: ET.Element, rel: str, href: str, mime: str, title: str | None = None) -> None:
    link = ET.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=href, type=mime)
    if title:
        link.set("title", title)


def _bytes(feed: ET.Element) -> bytes:
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _newest(entries: Iterable[Entry]) -> float:
    return max((e.updated for e in entries), default=0.0)


def navigation_feed(entries: list[Entry]) -> bytes:
    """The catalog's root: all books, by author, by series."""
    updated = _newest(entries)
    feed = _feed(CATALOG_ID, "booksmith library", "/opds", NAVIGATION, updated, None)
    for href, title, text, kind in (
        ("/opds/all", "All books", f"{len(entries)} books, by title", ACQUISITION),
        ("/opds/authors", "By author", f"{len(_authors(entries))} authors", NAVIGATION),
        ("/opds/series", "By series", f"{len(_series(entries))} series", NAVIGATION),
    ):
        _navigation_entry(feed, href, title, text, kind, updated)
    return _bytes(feed)


def _navigation_entry(feed: ET.Element, href: str, title: str, text: str, kind: str, updated: float) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{CATALOG_ID}:{href}"
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(updated)
    ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = text
    _link(entry, "subsection", href, kind)


def _authors(entries: list[Entry]) -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = {}
    for entry in entries:
        for author in entry.authors or ("Unknown author",):
            grouped.setdefault(author, []).append(entry)
    return dict(sorted(grouped.items(), key=lambda item: item[0].casefold()))


def _series(entries: list[Entry]) -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.series:
            grouped.setdefault(entry.series, []).append(entry)
    ordered = {name: sorted(books, key=lambda e: (e.series_index or 0, e.title)) for name, books in grouped.items()}
    return dict(sorted(ordered.items(), key=lambda item: item[0].casefold()))


def groups_feed(entries: list[Entry], by: str) -> bytes:
    """A navigation feed of the authors (`by` = "authors") or series ("series"), each to its books."""
    groups = _authors(entries) if by == "authors" else _series(entries)
    title = "By author" if by == "authors" else "By series"
    feed = _feed(f"{CATALOG_ID}:{by}", title, f"/opds/{by}", NAVIGATION, _newest(entries), "/opds")
    for name, books in groups.items():
        count = f"{len(books)} book{'s' if len(books) != 1 else ''}"
        _navigation_entry(feed, f"/opds/{by}/{quote(name, safe='')}", name, count, ACQUISITION, _newest(books))
    return _bytes(feed)


def group_books(entries: list[Entry], by: str, name: str) -> list[Entry] | None:
    """The books of one author or series, or None if there is no such group."""
    return (_authors(entries) if by == "authors" else _series(entries)).get(name)


def acquisition_feed(
    entries: list[Entry],
    feed_id: str,
    title: str,
    self_href: str,
    up: str = "/opds",
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> bytes:
    """One page of an acquisition feed: an Atom entry per book with its download, cover and thumbnail links."""
    pages = max(1, -(-len(entries) // per_page))
    page = min(max(page, 1), pages)
    suffix = f":page:{page}" if page > 1 else ""
    feed = _feed(feed_id + suffix, title, _paged(self_href, page), ACQUISITION, _newest(entries), up)
    if pages > 1:  # OPDS paging: clients follow "next" to load the rest
        neighbours = {"first": 1, "last": pages, "previous": page - 1, "next": page + 1}
        for rel, number in neighbours.items():
            if 1 <= number <= pages and number != page:
                _link(feed, rel, _paged(self_href, number), ACQUISITION)
    for book in entries[(page - 1) * per_page : page * per_page]:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = book.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:booksmith:book:{quote(book.key)}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(book.updated)
        for name in book.authors:
            author = ET.SubElement(entry, f"{{{ATOM}}}author")
            ET.SubElement(author, f"{{{ATOM}}}name").text = name
        if book.language:
            ET.SubElement(entry, f"{{{DCTERMS}}}language").text = book.language
        # Atom wants content (or an alternate link) in every entry; clients show it as the blurb.
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = _about(book)
        if book.cover is not None:
            _link(entry, IMAGE, "/cover/" + quote(book.key), book.cover.media_type)
            _link(entry, THUMBNAIL, "/thumbnail/" + quote(book.key), "image/jpeg")
        for href, mime, fmt in book_links(book):
            _link(entry, ACQUIRE, href, mime, fmt.upper())
    return _bytes(feed)


def _about(book: Entry) -> str:
    """A line about a book: its description, its place in a series and the formats on offer."""
    series = book.series and (f"{book.series} #{book.series_index:g}" if book.series_index else book.series)
    formats = "Formats: " + ", ".join(fmt.upper() for _, _, fmt in book_links(book))
    return " · ".join(part for part in (book.description, series, formats) if part)


def _paged(href: str, page: int) -> str:
    return href if page == 1 else f"{href}{'&' if '?' in href else '?'}page={page}"


def search(entries: list[Entry], query: str) -> list[Entry]:
    """The books whose title or an author contains every word of `query` (case-insensitive)."""
    words = query.casefold().split()
    return [e for e in entries if all(w in " ".join((e.title, *e.authors)).casefold() for w in words)]


def opensearch_description() -> bytes:
    """The OpenSearch description OPDS clients read to search by title or author."""
    root = ET.Element(f"{{{OPENSEARCH}}}OpenSearchDescription")
    ET.SubElement(root, f"{{{OPENSEARCH}}}ShortName").text = "booksmith"
    ET.SubElement(root, f"{{{OPENSEARCH}}}Description").text = "Search the books by title or author"
    ET.SubElement(root, f"{{{OPENSEARCH}}}InputEncoding").text = "UTF-8"
    ET.SubElement(root, f"{{{OPENSEARCH}}}OutputEncoding").text = "UTF-8"
    ET.SubElement(root, f"{{{OPENSEARCH}}}Url", type=ACQUISITION, template="/opds/search?q={searchTerms}")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# Large type and links for the small experimental browsers of Kindles and Kobos; no scripts.
PAGE_STYLE = (
    "body{font-family:serif;font-size:1.4em;margin:1em;line-height:1.4}"
    "li{margin:0 0 1.2em 0}a{display:inline-block;padding:.4em .8em;margin:.2em .4em .2em 0;border:2px solid}"
    "input{font-size:1em;padding:.3em}.by{color:#333}"
)


def html_page(entries: list[Entry], query: str = "") -> bytes:
    """A plain HTML list of the books with big download links and a search form."""
    e = html.escape
    items = []
    for book in entries:
        links = " ".join(f'<a href="{e(href)}">{fmt.upper()}</a>' for href, _, fmt in book_links(book))
        by = f' <span class="by">by {e(", ".join(book.authors))}</span>' if book.authors else ""
        items.append(f"<li><b>{e(book.title)}</b>{by}<br>{links}</li>")
    heading = f"Books matching “{e(query)}”" if query else "Books"
    body = "\n".join(items) or "<li>No books here.</li>"
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>booksmith library</title><style>{PAGE_STYLE}</style></head><body>"
        f'<form action="/" method="get"><input name="q" value="{e(query)}"> <input type="submit" value="Search"></form>'
        f'<h1>{heading}</h1><ul>\n{body}\n</ul><p>OPDS catalog: <a href="/opds">/opds</a></p></body></html>\n'
    )
    return page.encode("utf-8")
