"""The web page for people: browse, search, a book's page, and dropping texts to convert (Jinja2 templates)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from urllib.parse import quote

from booksmith.serve import opds
from booksmith.serve.catalog import Entry
from booksmith.serve.library import Library

# The templates, style sheet and script live in data/serve/.
DATA = files("booksmith") / "data" / "serve"
STATIC = {"page.css": "text/css; charset=utf-8", "upload.js": "text/javascript; charset=utf-8"}
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


class Pages:
    def __init__(self, library: Library, allow_upload: bool) -> None:
        self.library = library
        self.allow_upload = allow_upload

    def _book(self, entry: Entry) -> dict:
        return {
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
        books = self.library.search(self.library.books(sort), query)
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

    def upload_page(self, results: list[dict], error: str | None = None) -> bytes:
        return render("upload.html", results=results, error=error, allow_upload=self.allow_upload)
