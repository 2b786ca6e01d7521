"""Write catalog entries as OPDS 2.0 (JSON) feeds: the same catalog as the Atom feeds, for newer readers."""

from __future__ import annotations

import json
from urllib.parse import quote

from booksmith.serve.catalog import Entry
from booksmith.serve.opds import ACQUIRE, PER_PAGE, book_links, href_with, newest, series_label, stamp

FEED_TYPE = "application/opds+json"
PUBLICATION_TYPE = "application/opds-publication+json"


def _dump(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _base_links(self_href: str) -> list[dict]:
    return [
        {"rel": "self", "href": self_href, "type": FEED_TYPE},
        {"rel": "start", "href": "/opds/v2", "type": FEED_TYPE},
        {"rel": "search", "href": "/opds/v2/search{?query}", "type": FEED_TYPE, "templated": True},
    ]


def navigation(updated: float) -> bytes:
    """The root: all books, recently added, by author, by series."""
    return _dump(
        {
            "metadata": {"title": "booksmith library", "modified": stamp(updated)},
            "links": _base_links("/opds/v2"),
            "navigation": [
                {"href": "/opds/v2/all", "title": "All books", "type": FEED_TYPE, "rel": "subsection"},
                {
                    "href": "/opds/v2/recent",
                    "title": "Recently added",
                    "type": FEED_TYPE,
                    "rel": "http://opds-spec.org/sort/new",
                },
                {"href": "/opds/v2/authors", "title": "By author", "type": FEED_TYPE, "rel": "subsection"},
                {"href": "/opds/v2/series", "title": "By series", "type": FEED_TYPE, "rel": "subsection"},
            ],
        }
    )


def groups(found: dict[str, list[Entry]], by: str, title: str) -> bytes:
    """A navigation feed of authors or series, each to its books."""
    return _dump(
        {
            "metadata": {"title": title, "numberOfItems": len(found)},
            "links": _base_links(f"/opds/v2/{by}"),
            "navigation": [
                {"href": f"/opds/v2/{by}/{quote(name, safe='')}", "title": name, "type": FEED_TYPE} for name in found
            ],
        }
    )


def publications(
    entries: list[Entry],
    title: str,
    path: str,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    query: dict[str, str] | None = None,
    has_cover=lambda entry: entry.cover is not None,
    updated: float | None = None,
) -> bytes:
    """One page of publications, with next/previous/first/last links."""
    query = dict(query or {})
    pages = max(1, -(-len(entries) // per_page))
    page = min(max(page, 1), pages)
    links = _base_links(href_with(path, **query, page=page))
    for rel, number in {"first": 1, "last": pages, "previous": page - 1, "next": page + 1}.items():
        if pages > 1 and 1 <= number <= pages and number != page:
            links.append({"rel": rel, "href": href_with(path, **query, page=number), "type": FEED_TYPE})
    return _dump(
        {
            "metadata": {
                "title": title,
                "numberOfItems": len(entries),
                "itemsPerPage": per_page,
                "currentPage": page,
                "modified": stamp(newest(entries) if updated is None else updated),
            },
            "links": links,
            "publications": [
                publication(book, has_cover(book)) for book in entries[(page - 1) * per_page : page * per_page]
            ],
        }
    )


def publication(book: Entry, with_cover: bool) -> dict:
    metadata: dict = {
        "@type": "http://schema.org/Book",
        "identifier": f"urn:booksmith:book:{quote(book.key)}",
        "title": book.title,
        "modified": stamp(book.updated),
    }
    if book.authors:
        metadata["author"] = [{"name": name} for name in book.authors]
    if book.language:
        metadata["language"] = book.language
    if book.description:
        metadata["description"] = book.description
    if book.series:
        position = {"position": book.series_index} if book.series_index is not None else {}
        metadata["belongsTo"] = {"series": [{"name": book.series, **position}]}
        metadata["subtitle"] = series_label(book)
    document = {
        "metadata": metadata,
        "links": [
            {"rel": ACQUIRE, "href": href, "type": mime, "title": fmt.upper()} for href, mime, fmt in book_links(book)
        ],
    }
    if with_cover:
        image = book.cover.media_type if book.cover else "image/jpeg"
        document["images"] = [
            {"href": "/cover/" + quote(book.key), "type": image},
            {"href": "/thumbnail/" + quote(book.key), "type": "image/jpeg", "height": 240},
        ]
    return document
