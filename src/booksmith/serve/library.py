"""What the server serves: a folder's catalog in memory, builds of its texts, covers, and its groupings."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from booksmith.options import BuildOptions
from booksmith.serve.cache import DEFAULT_CACHE_BYTES, BuildCache
from booksmith.serve.catalog import FORMATS, Catalog, Entry, EpubInfo, ending_of, inside
from booksmith.serve.covers import Covers

log = logging.getLogger("booksmith.serve")
UNKNOWN_AUTHOR = "Unknown author"
UNKNOWN_LANGUAGE = "und"
# Searches whose results are kept (by catalog version, words, order and language).
REMEMBERED_SEARCHES = 128


class Library:
    """A folder of books: its in-memory catalog (kept current by `start_watching`), builds and covers."""

    def __init__(
        self, root: Path, cache: Path, options: BuildOptions | None = None, cache_size: int = DEFAULT_CACHE_BYTES
    ) -> None:
        self.root = root.resolve()
        self.cache_folder = cache
        self.options = options or BuildOptions()
        self.catalog = Catalog(self.root, self._describe_text)
        self.builds = BuildCache(cache / "builds", self.options, cache_size)
        self.covers = Covers(self.options.render.theme)
        self._stop = threading.Event()
        self._searches: OrderedDict[tuple, list[Entry]] = OrderedDict()
        self._searches_lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def scan(self) -> None:
        self.catalog.scan()
        self.warm()

    def warm(self) -> None:
        """Compute the views requests use (sorted lists, groups, search text), so no request pays for them."""
        for sort in ("title", "author", "new"):
            self.books(sort)
        self.authors(), self.series(), self.languages(), self.catalog.newest()
        self.search("warm")

    def start_watching(self) -> None:
        """Follow the folder's changes in a background thread until `stop_watching`."""
        self._stop.clear()
        self._watcher = threading.Thread(
            target=self.catalog.watch, args=(self._stop, self.warm), daemon=True, name="watch"
        )
        self._watcher.start()

    def stop_watching(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)

    def _describe_text(self, path: Path) -> EpubInfo:
        from booksmith.pipeline import load

        metadata = load(path, replace(self.options, verify=False)).book.metadata
        return EpubInfo(
            title=metadata.title,
            authors=metadata.authors,
            series=metadata.series,
            series_index=metadata.series_index,
            language=metadata.language,
            description=metadata.description,
        )

    def file(self, relative: str) -> Path | None:
        """A served file inside the folder named by a URL path, or None (traversal, links out, hidden, other)."""
        parts = relative.split("/")
        if any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\0" in p or ":" in p for p in parts):
            return None
        path = self.root.joinpath(*parts)
        if not (ending_of(path.name) or path.name.lower().endswith(".txt")) or not inside(self.root, path):
            return None
        return path if path.is_file() else None

    def source_of(self, relative: str) -> tuple[Path, str] | None:
        """The text behind a build URL `KEY.SUFFIX` and the format asked for, or None."""
        fmt = ending_of(relative)
        if fmt is None:
            return None
        source = self.file(relative[: -len(FORMATS[fmt][0])] + ".txt")
        return (source, fmt) if source is not None else None

    def entry(self, key: str) -> Entry | None:
        return self.catalog.get(key)

    def has_cover(self, entry: Entry) -> bool:
        return self.covers.has_cover(entry)

    # Groupings, computed once per catalog change.

    def authors(self) -> dict[str, list[Entry]]:
        def group(books: list[Entry]) -> dict[str, list[Entry]]:
            grouped: dict[str, list[Entry]] = {}
            for entry in sorted(books, key=lambda e: (e.title.casefold(), e.key)):
                for author in entry.authors or (UNKNOWN_AUTHOR,):
                    grouped.setdefault(author, []).append(entry)
            return dict(sorted(grouped.items(), key=lambda item: item[0].casefold()))

        return self.catalog.view("authors", group)

    def series(self) -> dict[str, list[Entry]]:
        def group(books: list[Entry]) -> dict[str, list[Entry]]:
            grouped: dict[str, list[Entry]] = {}
            for entry in books:
                if entry.series:
                    grouped.setdefault(entry.series, []).append(entry)
            ordered = {
                name: sorted(found, key=lambda e: (e.series_index is None, e.series_index or 0, e.title.casefold()))
                for name, found in grouped.items()
            }
            return dict(sorted(ordered.items(), key=lambda item: item[0].casefold()))

        return self.catalog.view("series", group)

    def languages(self) -> dict[str, list[Entry]]:
        """Books by the primary subtag of their language ("en" for en-GB), in title order."""

        def group(books: list[Entry]) -> dict[str, list[Entry]]:
            grouped: dict[str, list[Entry]] = {}
            for entry in self.catalog.entries("title"):
                grouped.setdefault(language_of(entry), []).append(entry)
            return dict(sorted(grouped.items()))

        return self.catalog.view("languages", group)

    def books(self, sort: str = "title", language: str = "") -> list[Entry]:
        """All books in one order, optionally of one language; a cached view (fast at any size)."""
        if not language:
            return self.catalog.entries(sort)

        def only(books: list[Entry]) -> list[Entry]:
            return [e for e in self.catalog.entries(sort) if language_of(e) == language]

        return self.catalog.view(("books", sort, language), only)

    def search(self, query: str, sort: str = "title", language: str = "") -> list[Entry]:
        """The books (as `books(sort, language)`) whose title, an author or the series holds every word of `query`."""
        books = self.books(sort, language)
        words = tuple(query.casefold().split())
        if not words:
            return books
        # Readers page through the results of one search: the same search again costs nothing.
        remembered = (self.catalog.version, words, sort, language)
        with self._searches_lock:
            if remembered in self._searches:
                self._searches.move_to_end(remembered)
                return self._searches[remembered]

        def haystacks(_: list[Entry]) -> list[str]:  # made once per change, in the order of `books`
            return [" ".join((e.title, *e.authors, e.series or "")).casefold() for e in books]

        found = list(zip(books, self.catalog.view(("haystacks", sort, language), haystacks), strict=True))
        for word in words:  # one plain comprehension per word: 50,000 books in a few milliseconds
            found = [pair for pair in found if word in pair[1]]
        result = [book for book, _ in found]
        with self._searches_lock:
            self._searches[remembered] = result
            while len(self._searches) > REMEMBERED_SEARCHES:
                self._searches.popitem(last=False)
        return result


def language_of(entry: Entry) -> str:
    return (entry.language or UNKNOWN_LANGUAGE).split("-")[0].lower()
