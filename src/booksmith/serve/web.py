"""The web page for people: browse, search, a book's page, and dropping texts to convert (Jinja2 templates)."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from urllib.parse import quote

from booksmith.serve import opds
from booksmith.serve.catalog import Entry
from booksmith.serve.library import Library

# The templates, style sheet and script live in data/serve/.
DATA = files("booksmith") / "data" / "serve"
STATIC = {
    "page.css": "text/css; charset=utf-8",
    "upload.js": "text/javascript; charset=utf-8",
    "read.js": "text/javascript; charset=utf-8",
}
# The reading system behind "Read": foliate-js from the npm registry, installed into the package's data
# by `npm ci --prefix src/booksmith/data/reader` (.ci/run); without it the page offers no "Read" link.
READER = files("booksmith") / "data" / "reader" / "node_modules" / "foliate-js"
READER_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", "": "text/plain"}
READER_NAME = re.compile(r"[a-z0-9][a-z0-9-]*(\.js|\.css)?|LICENSE")
BOOKS_PER_PAGE = 50


@cache
def _environment():
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (DATA / name).read_text(encoding="utf-8")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["url"] = lambda value: quote(value)
    return environment


def render(template: str, **values) -> bytes:
    return _environment().get_template(template).render(**values).encode("utf-8")


def static_file(name: str) -> tuple[bytes, str] | None:
    if name not in STATIC:
        return None
    return (DATA / name).read_bytes(), STATIC[name]


def reader_installed() -> bool:
    return (READER / "view.js").is_file()


def reader_file(path: str) -> tuple[bytes, str] | None:
    """A file of the reading system: a .js, .css or the licence, by a plain relative path (no traversal)."""
    parts = path.split("/")
    if not reader_installed() or not all(READER_NAME.fullmatch(part) for part in parts):
        return None
    found = READER.joinpath(*parts)
    if not found.is_file():
        return None
    suffix = "." + parts[-1].rsplit(".", 1)[1] if "." in parts[-1] else ""
    return found.read_bytes(), READER_TYPES.get(suffix, "text/plain")


class Pages:
    def __init__(self, library: Library, allow_upload: bool) -> None:
        self.library = library
        self.allow_upload = allow_upload

    def _book(self, entry: Entry) -> dict:
        epub = next((href for href, _, fmt in opds.book_links(entry) if fmt == "epub"), None)
        return {
            "read": f"/read/{quote(entry.key)}" if epub and reader_installed() else None,
            "epub": epub,
            "key": entry.key,
            "title": entry.title,
            "authors": ", ".join(entry.authors),
            "series": opds.series_label(entry),
            "language": entry.language,
            "description": entry.description,
            "cover": self.library.has_cover(entry),
            "links": [{"href": href, "format": fmt.upper()} for href, _, fmt in opds.book_links(entry)],
        }

    def library_page(self, query: str, sort: str, page: int) -> bytes:
        sort = sort if sort in opds.SORT_TITLES else "title"
        books = self.library.search(query, sort)
        pages = max(1, -(-len(books) // BOOKS_PER_PAGE))
        page = min(max(page, 1), pages)
        shown = books[(page - 1) * BOOKS_PER_PAGE : page * BOOKS_PER_PAGE]

        def href(number: int) -> str:
            return opds.href_with("/", q=query, sort=sort if sort != "title" else "", page=number)

        return render(
            "library.html",
            query=query,
            sort=sort,
            sorts=[
                (value, title, opds.href_with("/", q=query, sort=value if value != "title" else ""))
                for value, title in opds.SORT_TITLES.items()
            ],
            books=[self._book(entry) for entry in shown],
            total=len(books),
            page=page,
            pages=pages,
            previous=href(page - 1) if page > 1 else None,
            next=href(page + 1) if page < pages else None,
            allow_upload=self.allow_upload,
        )

    def book_page(self, entry: Entry) -> bytes:
        return render("book.html", book=self._book(entry))

    def read_page(self, entry: Entry) -> bytes | None:
        book = self._book(entry)
        return render("read.html", book=book) if book["read"] else None

    def upload_page(self, results: list[dict], error: str | None = None) -> bytes:
        return render("upload.html", results=results, error=error, allow_upload=self.allow_upload)
