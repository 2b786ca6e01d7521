"""Answer HTTP requests for a folder of books: OPDS feeds, the HTML page, downloads, builds and covers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import shutil
import tempfile
import threading
from dataclasses import dataclass, replace
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from booksmith.options import BuildOptions
from booksmith.serve import feeds
from booksmith.serve.catalog import FORMATS, Catalog, Entry, EpubInfo, cover_bytes, ending_of, inside, thumbnail_bytes

log = logging.getLogger("booksmith.serve")
# Connections handled at once; more wait in the listen queue instead of starting threads without end.
MAX_CONNECTIONS = 64
CHUNK = 256 * 1024


@dataclass(frozen=True)
class Credentials:
    """HTTP basic authentication: the one user and password the server accepts."""

    user: str
    password: str


class Library:
    """What the server serves: a folder's catalog, builds of its texts, and covers."""

    def __init__(self, root: Path, cache: Path, options: BuildOptions | None = None) -> None:
        self.root = root.resolve()
        self.cache = cache
        self.options = options or BuildOptions()
        self.catalog = Catalog(self.root, self._describe_text)
        self._build_locks: dict[Path, threading.Lock] = {}
        self._locks_lock = threading.Lock()

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

    def built(self, relative: str) -> tuple[Path, str] | None:
        """The build of `KEY.SUFFIX` from KEY.txt (cached by the text's bytes and the options), and its format."""
        fmt = ending_of(relative)
        if fmt is None:
            return None
        source = self.file(relative[: -len(FORMATS[fmt][0])] + ".txt")
        if source is None:
            return None
        digest = self._cache_key(source, fmt)
        target = self.cache / f"{digest}{FORMATS[fmt][0]}"
        with self._locks_lock:
            lock = self._build_locks.setdefault(target, threading.Lock())
        with lock:  # one build per book and format, however many ask at once
            if not target.is_file():
                self._build(source, fmt, target)
        return target, fmt

    def _cache_key(self, source: Path, fmt: str) -> str:
        """What a build depends on: the text, its STEM.toml, the options and booksmith's version."""
        from booksmith import __version__

        digest = hashlib.sha256(source.read_bytes())
        sidecar = source.with_suffix(".toml")
        if sidecar.is_file():
            digest.update(sidecar.read_bytes())
        from booksmith.config import book_settings

        for used in book_settings(source).files:  # its cover image and folders' replace rules
            digest.update(used.read_bytes())
        digest.update(repr((fmt, self.options, __version__)).encode())
        return digest.hexdigest()[:32]

    def _build(self, source: Path, fmt: str, target: Path) -> None:
        from booksmith.pipeline import convert

        log.info("building %s as %s", source.relative_to(self.root), fmt)
        self.cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache) as work:
            written = convert(source, Path(work), replace(self.options, formats=(fmt,)), stem="book")[0]
            written.replace(target)

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.catalog.entries() if e.key == key), None)


class Handler(BaseHTTPRequestHandler):
    """One request: GET and HEAD only (the server is read-only); anything unknown is 404."""

    server: BookServer
    protocol_version = "HTTP/1.1"
    server_version = "booksmith"
    # Seconds an idle keep-alive connection may hold one of the server's connection slots.
    timeout = 30

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        try:
            if not self._authorized():
                return
            url = urlsplit(self.path)
            path = unquote(url.path)
            parameters = parse_qs(url.query)
            query = parameters.get("q", [""])[0]
            page = parameters.get("page", ["1"])[0]
            self._route(path, query, int(page) if page.isdigit() else 1)
        except (ConnectionError, TimeoutError):
            pass  # the client went away mid-download
        except Exception:
            log.exception("%s failed", self.path)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"internal error\n", "text/plain; charset=utf-8")

    def _route(self, path: str, query: str, page: int) -> None:
        library = self.server.library
        if path in ("/", "/index.html"):
            entries = library.catalog.entries()
            body = feeds.html_page(feeds.search(entries, query) if query else entries, query)
            return self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")
        if path == "/opds":
            return self._send(HTTPStatus.OK, feeds.navigation_feed(library.catalog.entries()), feeds.NAVIGATION)
        if path == "/opds/all":
            everything = library.catalog.entries()
            body = feeds.acquisition_feed(everything, f"{feeds.CATALOG_ID}:all", "All books", path, page=page)
            return self._send(HTTPStatus.OK, body, feeds.ACQUISITION)
        if path == "/opds/opensearch.xml":
            return self._send(HTTPStatus.OK, feeds.opensearch_description(), feeds.OPENSEARCH_TYPE)
        if path == "/opds/search":
            found = feeds.search(library.catalog.entries(), query)
            href = f"/opds/search?q={quote(query)}"
            feed_id = f"{feeds.CATALOG_ID}:search:{quote(query)}"
            body = feeds.acquisition_feed(found, feed_id, f"Search: {query}", href, page=page)
            return self._send(HTTPStatus.OK, body, feeds.ACQUISITION)
        for by in ("authors", "series"):
            if path == f"/opds/{by}":
                return self._send(HTTPStatus.OK, feeds.groups_feed(library.catalog.entries(), by), feeds.NAVIGATION)
            if path.startswith(f"/opds/{by}/"):
                return self._group(by, path[len(f"/opds/{by}/") :], page)
        if path.startswith("/files/"):
            found = library.file(path[len("/files/") :])
            fmt = found and ending_of(found.name)
            if found and fmt:
                return self._send_file(found, FORMATS[fmt][1])
        if path.startswith("/build/"):
            built = library.built(path[len("/build/") :])
            if built:
                return self._send_file(built[0], FORMATS[built[1]][1], name=Path(path).name)
        for kind in ("cover", "thumbnail"):
            if path.startswith(f"/{kind}/"):
                entry = library.entry(path[len(f"/{kind}/") :])
                if entry and entry.cover:
                    body = cover_bytes(entry.cover) if kind == "cover" else thumbnail_bytes(entry.cover)
                    return self._send(HTTPStatus.OK, body, entry.cover.media_type if kind == "cover" else "image/jpeg")
        self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    def _group(self, by: str, name: str, page: int) -> None:
        books = feeds.group_books(self.server.library.catalog.entries(), by, name)
        if books is None:
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
        href = f"/opds/{by}/{quote(name, safe='')}"
        feed_id = f"{feeds.CATALOG_ID}:{by}:{quote(name)}"
        body = feeds.acquisition_feed(books, feed_id, name, href, f"/opds/{by}", page=page)
        self._send(HTTPStatus.OK, body, feeds.ACQUISITION)

    def _authorized(self) -> bool:
        expected = self.server.credentials
        if expected is None:
            return True
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
        except ValueError:
            user = password = ""
        matches = hmac.compare_digest(user.encode(), expected.user.encode()) & hmac.compare_digest(
            password.encode(), expected.password.encode()
        )
        if scheme.lower() == "basic" and matches:
            return True
        self.send_response(HTTPStatus.UNAUTHORIZED)
        self.send_header("WWW-Authenticate", 'Basic realm="booksmith", charset="UTF-8"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def _send(self, status: HTTPStatus, body: bytes, mime: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_file(self, path: Path, mime: str, name: str | None = None) -> None:
        with path.open("rb") as handle:
            stat = path.stat()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(stat.st_size))
            self.send_header("Last-Modified", formatdate(stat.st_mtime, usegmt=True))
            self.send_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name or path.name)}")
            self.end_headers()
            if self.command != "HEAD":
                shutil.copyfileobj(handle, self.wfile, CHUNK)

    def log_message(self, format: str, *args) -> None:
        log.info("%s %s", self.address_string(), format % args)


class BookServer(ThreadingHTTPServer):
    """A threading HTTP server with a cap on simultaneous connections."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], library: Library, credentials: Credentials | None = None) -> None:
        super().__init__(address, Handler)
        self.library = library
        self.credentials = credentials
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request, client_address) -> None:
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()
