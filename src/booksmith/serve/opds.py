"""Write catalog entries as OPDS 1.2 Atom feeds and an OpenSearch description."""

from __future__ import annotations

import copy
import posixpath
import re
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from lxml import etree as ET  # lxml: several times faster than the standard library at writing feeds

from booksmith.serve.catalog import FORMATS, Entry

ATOM = "http://www.w3.org/2005/Atom"
DCTERMS = "http://purl.org/dc/terms/"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
OPDS = "http://opds-spec.org/2010/catalog"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
ACQUIRE = "http://opds-spec.org/acquisition"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
FACET = "http://opds-spec.org/facet"
SORT_NEW = "http://opds-spec.org/sort/new"
CATALOG_ID = "urn:booksmith:catalog"
# Books per page of an acquisition feed; bigger folders are split into linked pages.
PER_PAGE = 100
SORT_TITLES = {"title": "Title", "author": "Author", "new": "Newest first"}
# Characters XML 1.0 cannot carry at all (a search for "%01" must still give a well-formed feed).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

THREAD = "http://purl.org/syndication/thread/1.0"
NAMESPACES = {None: ATOM, "dcterms": DCTERMS, "opensearch": OPENSEARCH, "opds": OPDS, "thr": THREAD}


def xml_text(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


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


def stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _feed(feed_id: str, title: str, self_href: str, kind: str, updated: float, up: str | None) -> ET.Element:
    feed = ET.Element(f"{{{ATOM}}}feed", nsmap=NAMESPACES)
    _sub(feed, f"{{{ATOM}}}id", feed_id)
    _sub(feed, f"{{{ATOM}}}title", title)
    _sub(feed, f"{{{ATOM}}}updated", stamp(updated))
    author = _sub(feed, f"{{{ATOM}}}author")
    _sub(author, f"{{{ATOM}}}name", "booksmith")
    _link(feed, "self", self_href, kind)
    _link(feed, "start", "/opds", NAVIGATION)
    if up:
        _link(feed, "up", up, NAVIGATION)
    _link(feed, "search", "/opds/opensearch.xml", OPENSEARCH_TYPE)
    return feed


def _link(parent: ET.Element, rel: str, href: str, mime: str, title: str | None = None, **extra: str) -> ET.Element:
    link = _sub(parent, f"{{{ATOM}}}link", rel=rel, href=href, type=mime, **extra)
    if title:
        link.set("title", xml_text(title))
    return link


def _bytes(feed: ET.Element) -> bytes:
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def newest(entries: Iterable[Entry]) -> float:
    return max((e.updated for e in entries), default=0.0)


def navigation_feed(entries: list[Entry], authors: int, series: int, languages: int, updated: float) -> bytes:
    """The catalog's root: all books, recently added, by author, by series, by language."""
    feed = _feed(CATALOG_ID, "booksmith library", "/opds", NAVIGATION, updated, None)
    for rel, href, title, text, kind in (
        ("subsection", "/opds/all", "All books", f"{len(entries)} books, by title", ACQUISITION),
        (SORT_NEW, "/opds/recent", "Recently added", "The newest books first", ACQUISITION),
        ("subsection", "/opds/authors", "By author", f"{authors} authors", NAVIGATION),
        ("subsection", "/opds/series", "By series", f"{series} series", NAVIGATION),
        ("subsection", "/opds/languages", "By language", f"{languages} languages", NAVIGATION),
    ):
        navigation_entry(feed, href, title, text, kind, updated, rel)
    return _bytes(feed)


def navigation_entry(
    feed: ET.Element, href: str, title: str, text: str, kind: str, updated: float, rel: str = "subsection"
) -> None:
    entry = _sub(feed, f"{{{ATOM}}}entry")
    _sub(entry, f"{{{ATOM}}}title", title)
    _sub(entry, f"{{{ATOM}}}id", f"{CATALOG_ID}:{href}")
    _sub(entry, f"{{{ATOM}}}updated", stamp(updated))
    _sub(entry, f"{{{ATOM}}}content", text, type="text")
    _link(entry, rel, href, kind)


def groups_feed(groups: dict[str, list[Entry]], by: str, title: str) -> bytes:
    """A navigation feed of groups (authors, series, languages), each linking to its books."""
    everything = [book for books in groups.values() for book in books]
    feed = _feed(f"{CATALOG_ID}:{by}", title, f"/opds/{by}", NAVIGATION, newest(everything), "/opds")
    for name, books in groups.items():
        count = f"{len(books)} book{'s' if len(books) != 1 else ''}"
        navigation_entry(feed, f"/opds/{by}/{quote(name, safe='')}", name, count, ACQUISITION, newest(books))
    return _bytes(feed)


def href_with(path: str, **parameters: str | int | None) -> str:
    """`path` with the query parameters that are set (page 1 and empty values are left out)."""
    kept = {k: v for k, v in parameters.items() if v not in (None, "") and not (k == "page" and v == 1)}
    return path + ("?" + urlencode(kept) if kept else "")


def acquisition_feed(
    entries: list[Entry],
    feed_id: str,
    title: str,
    path: str,
    up: str = "/opds",
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    query: dict[str, str] | None = None,
    facets: dict[str, list[tuple[str, str, int | None]]] | None = None,
    active: dict[str, str] | None = None,
    has_cover=lambda entry: entry.cover is not None,
    updated: float | None = None,
) -> bytes:
    """One page of an acquisition feed: an Atom entry per book with its download, cover and thumbnail links.

    `query` holds the parameters every link of the feed keeps (q, sort, lang); `facets` maps a facet
    group ("sort", "lang") to its (value, title, count) choices, `active` the chosen value of each.
    """
    query = dict(query or {})
    active = active or {}
    pages = max(1, -(-len(entries) // per_page))
    page = min(max(page, 1), pages)
    suffix = f":page:{page}" if page > 1 else ""
    updated = newest(entries) if updated is None else updated  # given by the caller when it is known cheaply
    feed = _feed(feed_id + suffix, title, href_with(path, **query, page=page), ACQUISITION, updated, up)
    _sub(feed, f"{{{OPENSEARCH}}}totalResults", str(len(entries)))
    _sub(feed, f"{{{OPENSEARCH}}}itemsPerPage", str(per_page))
    _sub(feed, f"{{{OPENSEARCH}}}startIndex", str((page - 1) * per_page + 1))
    if pages > 1:  # OPDS paging: clients follow "next" to load the rest
        neighbours = {"first": 1, "last": pages, "previous": page - 1, "next": page + 1}
        for rel, number in neighbours.items():
            if 1 <= number <= pages and number != page:
                _link(feed, rel, href_with(path, **query, page=number), ACQUISITION)
    group_titles = {"sort": "Sort", "lang": "Language"}
    for group, choices in (facets or {}).items():
        for value, label, count in choices:
            chosen = active.get(group, "") == value
            extra = {f"{{{OPDS}}}facetGroup": group_titles.get(group, group)}
            if chosen:
                extra[f"{{{OPDS}}}activeFacet"] = "true"
            if count is not None:
                extra[f"{{{THREAD}}}count"] = str(count)
            _link(feed, FACET, href_with(path, **{**query, group: value}), ACQUISITION, label, **extra)
    for book in entries[(page - 1) * per_page : page * per_page]:
        feed.append(_cached_entry(book, has_cover(book)))
    return _bytes(feed)


# Made <entry> elements, by the id of their catalog entry (kept alive beside it, so the id stays
# unique): a feed page copies 100 of them in C instead of building 1,200 elements in Python.
_ENTRIES: OrderedDict[tuple[int, bool], tuple[Entry, ET._Element]] = OrderedDict()
CACHED_ENTRIES = 20_000


def _cached_entry(book: Entry, with_cover: bool) -> ET._Element:
    key = (id(book), with_cover)
    found = _ENTRIES.get(key)
    if found is None or found[0] is not book:
        holder = ET.Element(f"{{{ATOM}}}feed", nsmap=NAMESPACES)
        found = (book, book_entry(holder, book, with_cover))
        _ENTRIES[key] = found
        while len(_ENTRIES) > CACHED_ENTRIES:
            _ENTRIES.popitem(last=False)
    else:
        _ENTRIES.move_to_end(key)
    return copy.deepcopy(found[1])


def book_entry(feed: ET.Element, book: Entry, with_cover: bool) -> ET._Element:
    entry = _sub(feed, f"{{{ATOM}}}entry")
    _sub(entry, f"{{{ATOM}}}title", book.title)
    _sub(entry, f"{{{ATOM}}}id", f"urn:booksmith:book:{quote(book.key)}")
    _sub(entry, f"{{{ATOM}}}updated", stamp(book.updated))
    for name in book.authors:
        author = _sub(entry, f"{{{ATOM}}}author")
        _sub(author, f"{{{ATOM}}}name", name)
    if book.language:
        _sub(entry, f"{{{DCTERMS}}}language", book.language)
    if book.series:  # calibre's way, which KOReader and others read; the index also goes in the content
        _sub(entry, f"{{{ATOM}}}category", term=book.series, label=series_label(book), scheme="series")
    # Atom wants content (or an alternate link) in every entry; clients show it as the blurb.
    _sub(entry, f"{{{ATOM}}}content", about(book), type="text")
    if with_cover:
        image = book.cover.media_type if book.cover else "image/jpeg"
        _link(entry, IMAGE, "/cover/" + quote(book.key), image)
        _link(entry, THUMBNAIL, "/thumbnail/" + quote(book.key), "image/jpeg")
    for href, mime, fmt in book_links(book):
        _link(entry, ACQUIRE, href, mime, fmt.upper())
    return entry


def series_label(book: Entry) -> str:
    if not book.series:
        return ""
    return f"{book.series} #{book.series_index:g}" if book.series_index is not None else book.series


def about(book: Entry) -> str:
    """A line about a book: its description, its place in a series and the formats on offer."""
    formats = "Formats: " + ", ".join(fmt.upper() for _, _, fmt in book_links(book))
    return " · ".join(part for part in (book.description, series_label(book), formats) if part)


def opensearch_description() -> bytes:
    """The OpenSearch description OPDS clients read to search by title or author."""
    root = ET.Element(f"{{{OPENSEARCH}}}OpenSearchDescription", nsmap={None: OPENSEARCH})
    ET.SubElement(root, f"{{{OPENSEARCH}}}ShortName").text = "booksmith"
    ET.SubElement(root, f"{{{OPENSEARCH}}}Description").text = "Search the books by title, author or series"
    ET.SubElement(root, f"{{{OPENSEARCH}}}InputEncoding").text = "UTF-8"
    ET.SubElement(root, f"{{{OPENSEARCH}}}OutputEncoding").text = "UTF-8"
    ET.SubElement(root, f"{{{OPENSEARCH}}}Url", type=ACQUISITION, template="/opds/search?q={searchTerms}")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
