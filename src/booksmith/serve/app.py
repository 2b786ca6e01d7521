"""The ASGI application (Starlette): OPDS 1.2 and 2.0 feeds, the web page, downloads, builds, covers, uploads."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from booksmith.serve import opds, opds2, web
from booksmith.serve.catalog import FORMATS, ending_of
from booksmith.serve.library import Library
from booksmith.serve.uploads import UploadRefused, Uploads

log = logging.getLogger("booksmith.serve")
# Feeds and pages smaller than this are sent as they are; gzip would save too little to pay.
GZIP_MIN_BYTES = 1000
# A page number this long is not a page number.
PAGE = re.compile(r"[0-9]{1,9}")
NOT_FOUND = "not found\n"
MAX_URL_BYTES = 8 * 1024
MAX_HEADER_BYTES = 32 * 1024


@dataclass(frozen=True)
class Credentials:
    """HTTP basic authentication: the one user and password the server accepts."""

    user: str
    password: str


def create_app(
    library: Library,
    credentials: Credentials | None = None,
    *,
    allow_upload: bool = False,
    upload_limit: int = 16_000_000,
) -> Starlette:
    """The application serving `library`; its catalog must have been scanned (`library.scan()`)."""
    uploads = Uploads(library.cache_folder / "uploads", library.options, upload_limit)
    routes = Routes(library, uploads, allow_upload)
    app = Starlette(routes=routes.table())
    app.state.library = library
    app.add_middleware(_Checked, credentials=credentials)
    return app


class _Checked:
    """Outermost layer: the request log (escaped) and basic authentication, before any route runs."""

    def __init__(self, app, credentials: Credentials | None) -> None:
        self.app = app
        self.credentials = credentials

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = {"code": 0}

        async def logged_send(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            refused = _oversized(scope)
            if refused:
                await logged_send(
                    {
                        "type": "http.response.start",
                        "status": refused,
                        "headers": [(b"content-length", b"0"), (b"connection", b"close")],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
            if self.credentials is not None and not _authorized(scope, self.credentials):
                headers = [
                    (b"www-authenticate", b'Basic realm="booksmith", charset="UTF-8"'),
                    (b"content-length", b"0"),
                ]
                await logged_send({"type": "http.response.start", "status": 401, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            await self.app(scope, receive, logged_send)
        finally:
            client = (scope.get("client") or ("-",))[0]
            target = scope.get("raw_path", b"").decode("latin-1") + (
                "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""
            )
            log.info(
                '%s "%s %s HTTP/%s" %s',
                client,
                scope["method"],
                printable(target),
                scope["http_version"],
                status["code"],
            )


def _oversized(scope) -> int | None:
    """414 for a URL, 431 for headers longer than any client needs (h11 only bounds what arrives in pieces)."""
    if len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) > MAX_URL_BYTES:
        return 414
    if sum(len(name) + len(value) for name, value in scope["headers"]) > MAX_HEADER_BYTES:
        return 431
    return None


def printable(text: str) -> str:
    """`text` with control characters escaped, so that a request line cannot drive the terminal showing the log."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text[:2000])


def _authorized(scope, expected: Credentials) -> bool:
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, encoded = header.partition(" ")
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except ValueError:
        user = password = ""
    matches = hmac.compare_digest(user.encode(), expected.user.encode()) & hmac.compare_digest(
        password.encode(), expected.password.encode()
    )
    return scheme.lower() == "basic" and matches


def _page(request: Request) -> int:
    value = request.query_params.get("page", "1")
    return int(value) if PAGE.fullmatch(value) else 1


def _text(request: Request, name: str, limit: int = 200) -> str:
    return request.query_params.get(name, "")[:limit]


def content(request: Request, body: bytes, mime: str) -> Response:
    """A feed or page: an ETag of its bytes (304 when the client has them) and gzip when the client takes it."""
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    # Compressed here, not by middleware, so that downloads keep their exact bytes, length and ranges.
    if len(body) >= GZIP_MIN_BYTES and "gzip" in request.headers.get("accept-encoding", ""):
        body = gzip.compress(body, compresslevel=6, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=mime, headers=headers)


class Download(FileResponse):
    # 1 MB reads instead of Starlette's 64 kB: half the time for 50 simultaneous 5 MB downloads.
    chunk_size = 1024 * 1024


def download(request: Request, path: Path, mime: str, name: str) -> Response:
    """A file with Range (206), ETag and Last-Modified (304), and a name KOReader and browsers both read."""
    response = Download(
        path, media_type=mime, stat_result=path.stat(), headers={"Content-Disposition": content_disposition(name)}
    )
    if _not_modified(request, response):
        kept = {k: response.headers[k] for k in ("etag", "last-modified") if k in response.headers}
        return Response(status_code=304, headers=kept)
    return response


def _not_modified(request: Request, response: Response) -> bool:
    if "if-none-match" in request.headers:
        wanted = [tag.strip().removeprefix("W/") for tag in request.headers["if-none-match"].split(",")]
        return "*" in wanted or response.headers.get("etag") in wanted
    since = request.headers.get("if-modified-since")
    if since and "last-modified" in response.headers:
        try:
            return parsedate_to_datetime(response.headers["last-modified"]) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII `filename` first (KOReader reads only that) and the exact `filename*`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9 ._()\-]", "_", ascii_name).strip() or "book"
    if ascii_name.startswith("."):
        ascii_name = "book" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _not_found() -> Response:
    return PlainTextResponse(NOT_FOUND, status_code=404)


async def _upload_form(request: Request, limit: int, max_files: int):
    """The multipart form of an upload, its files held in memory up to `limit` bytes each, so that
    nothing is written outside the cache (Starlette's parser spools files over 1 MB to the system's temp)."""
    from starlette.formparsers import MultiPartException, MultiPartParser

    class InMemory(MultiPartParser):
        spool_max_size = limit + 1

    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UploadRefused(400, "send the file as a form (multipart/form-data), as the page does")
    try:
        return await InMemory(request.headers, request.stream(), max_files=max_files, max_fields=5).parse()
    except MultiPartException as error:
        raise UploadRefused(400, f"the upload is not a valid form ({error.message})") from None


class Routes:
    """The handlers, sharing the library and the uploads."""

    def __init__(self, library: Library, uploads: Uploads, allow_upload: bool) -> None:
        self.library = library
        self.uploads = uploads
        self.allow_upload = allow_upload
        self.web = web.Pages(library, allow_upload)

    def table(self) -> list[Route]:
        return [
            Route("/", self.home),
            Route("/index.html", self.home),
            Route("/book/{key:path}", self.book),
            Route("/static/{name}", self.static),
            Route("/read/{key:path}", self.read),
            Route("/reader/{path:path}", self.reader),
            Route("/opds", self.opds_root),
            Route("/opds/all", self.opds_all),
            Route("/opds/recent", self.opds_recent),
            Route("/opds/opensearch.xml", self.opensearch),
            Route("/opds/search", self.opds_search),
            Route("/opds/v2", self.opds2_root),
            Route("/opds/v2/all", self.opds2_books),
            Route("/opds/v2/recent", self.opds2_books),
            Route("/opds/v2/search", self.opds2_books),
            Route("/opds/v2/{by:str}", self.opds2_groups),
            Route("/opds/v2/{by:str}/{name:path}", self.opds2_group),
            Route("/opds/{by:str}", self.opds_groups),
            Route("/opds/{by:str}/{name:path}", self.opds_group),
            Route("/files/{path:path}", self.files),
            Route("/build/{path:path}", self.build),
            Route("/cover/{key:path}", self.cover),
            Route("/thumbnail/{key:path}", self.thumbnail),
            Route("/upload", self.upload, methods=["POST"]),
            Route("/uploads/{digest:str}/add", self.add_upload, methods=["POST"]),
            Route("/uploads/{digest:str}/{name:str}", self.upload_build),
        ]

    # The web page.

    async def home(self, request: Request) -> Response:
        query, sort = _text(request, "q"), _text(request, "sort", 10)
        return content(request, self.web.library_page(query, sort, _page(request)), "text/html; charset=utf-8")

    async def book(self, request: Request) -> Response:
        entry = self.library.entry(request.path_params["key"])
        if entry is None:
            return _not_found()
        return content(request, self.web.book_page(entry), "text/html; charset=utf-8")

    async def static(self, request: Request) -> Response:
        found = web.static_file(request.path_params["name"])
        if found is None:
            return _not_found()
        body, mime = found
        return content(request, body, mime)

    async def read(self, request: Request) -> Response:
        entry = self.library.entry(request.path_params["key"])
        page = self.web.read_page(entry) if entry else None
        if page is None:
            return _not_found()
        return content(request, page, "text/html; charset=utf-8")

    async def reader(self, request: Request) -> Response:
        found = web.reader_file(request.path_params["path"])
        if found is None:
            return _not_found()
        return content(request, *found)

    # OPDS 1.2.

    def _facets(self) -> dict:
        """The facet choices of an acquisition feed: sort orders, and every language with its count."""
        languages = self.library.languages()
        return {
            "sort": [(value, title, None) for value, title in opds.SORT_TITLES.items()],
            "lang": [
                ("", "All languages", len(self.library.catalog)),
                *((code, code, len(books)) for code, books in languages.items()),
            ],
        }

    async def opds_root(self, request: Request) -> Response:
        library = self.library
        body = opds.navigation_feed(
            library.books(),
            len(library.authors()),
            len(library.series()),
            len(library.languages()),
            library.catalog.newest(),
        )
        return content(request, body, opds.NAVIGATION)

    async def _acquisition(self, request: Request, title: str, feed_id: str, default_sort: str = "title") -> Response:
        sort = _text(request, "sort", 10) or default_sort
        sort = sort if sort in opds.SORT_TITLES else default_sort
        language = _text(request, "lang", 20)
        query = _text(request, "q")
        books, updated = self.library.books(sort, language), self.library.catalog.newest()
        if request.url.path == "/opds/search":
            books, updated = self.library.search(query, sort, language), None
        parameters = {"q": query, "sort": sort if sort != default_sort else "", "lang": language}
        body = opds.acquisition_feed(
            books,
            feed_id + (f":search:{quote(query)}" if query else ""),
            title,
            request.url.path,
            page=_page(request),
            query=parameters,
            facets=self._facets(),
            active={"sort": sort, "lang": language},
            has_cover=self.library.has_cover,
            updated=updated,
        )
        return content(request, body, opds.ACQUISITION)

    async def opds_all(self, request: Request) -> Response:
        return await self._acquisition(request, "All books", f"{opds.CATALOG_ID}:all")

    async def opds_recent(self, request: Request) -> Response:
        return await self._acquisition(request, "Recently added", f"{opds.CATALOG_ID}:recent", default_sort="new")

    async def opds_search(self, request: Request) -> Response:
        return await self._acquisition(request, f"Search: {_text(request, 'q')}", f"{opds.CATALOG_ID}")

    async def opensearch(self, request: Request) -> Response:
        return content(request, opds.opensearch_description(), opds.OPENSEARCH_TYPE)

    def _groups(self, by: str) -> tuple:
        """The grouping for `by` ("authors", "series", "languages") and its feed title; (None, None) for no such."""
        return {
            "authors": (self.library.authors, "By author"),
            "series": (self.library.series, "By series"),
            "languages": (self.library.languages, "By language"),
        }.get(by, (None, None))

    def _group_books(self, by: str, name: str) -> list | None:
        """The books of one author, series or language, or None when there is no such group."""
        group, _ = self._groups(by)
        return group().get(name) if group else None

    async def opds_groups(self, request: Request) -> Response:
        group, title = self._groups(request.path_params["by"])
        if group is None:
            return _not_found()
        return content(request, opds.groups_feed(group(), request.path_params["by"], title), opds.NAVIGATION)

    async def opds_group(self, request: Request) -> Response:
        by, name = request.path_params["by"], request.path_params["name"]
        books = self._group_books(by, name)
        if books is None:
            return _not_found()
        body = opds.acquisition_feed(
            books,
            f"{opds.CATALOG_ID}:{by}:{quote(name)}",
            name,
            f"/opds/{by}/{quote(name, safe='')}",
            f"/opds/{by}",
            page=_page(request),
            has_cover=self.library.has_cover,
        )
        return content(request, body, opds.ACQUISITION)

    # OPDS 2.0.

    async def opds2_root(self, request: Request) -> Response:
        return content(request, opds2.navigation(self.library.catalog.newest()), opds2.FEED_TYPE)

    async def opds2_books(self, request: Request) -> Response:
        path = request.url.path
        sort = "new" if path.endswith("/recent") else "title"
        language = _text(request, "lang", 20)
        books = self.library.books(sort, language)
        query = _text(request, "query") or _text(request, "q")
        title = {"/opds/v2/recent": "Recently added", "/opds/v2/all": "All books"}.get(path, f"Search: {query}")
        updated = self.library.catalog.newest()
        if path.endswith("/search"):
            books, updated = self.library.search(query, sort, language), None
        body = opds2.publications(
            books,
            title,
            path,
            page=_page(request),
            query={"query": query},
            has_cover=self.library.has_cover,
            updated=updated,
        )
        return content(request, body, opds2.FEED_TYPE)

    async def opds2_groups(self, request: Request) -> Response:
        group, title = self._groups(request.path_params["by"])
        if group is None:
            return _not_found()
        return content(request, opds2.groups(group(), request.path_params["by"], title), opds2.FEED_TYPE)

    async def opds2_group(self, request: Request) -> Response:
        by, name = request.path_params["by"], request.path_params["name"]
        books = self._group_books(by, name)
        if books is None:
            return _not_found()
        path = f"/opds/v2/{by}/{quote(name, safe='')}"
        body = opds2.publications(books, name, path, page=_page(request), has_cover=self.library.has_cover)
        return content(request, body, opds2.FEED_TYPE)

    # Files, builds and covers.

    async def files(self, request: Request) -> Response:
        found = self.library.file(request.path_params["path"])
        fmt = found and ending_of(found.name)
        if not (found and fmt):
            return _not_found()
        return download(request, found, FORMATS[fmt][1], found.name)

    async def build(self, request: Request) -> Response:
        relative = request.path_params["path"]
        found = self.library.source_of(relative)
        if found is None:
            return _not_found()
        source, fmt = found
        return await self._built(request, source, fmt, Path(relative).name, relative)

    async def _built(self, request: Request, source: Path, fmt: str, name: str, label: str) -> Response:
        mime = FORMATS[fmt][1]
        if request.method == "HEAD":  # the headers of a build, without running it
            cached = self.library.builds.cached(source, fmt)
            if cached is not None:
                return download(request, cached, mime, name)
            response = Response(headers={"Content-Type": mime, "Content-Disposition": content_disposition(name)})
            del response.headers["content-length"]  # unknown until it is built
            return response
        built = await run_in_threadpool(self.library.builds.build, source, fmt, label)
        return download(request, built, mime, name)

    async def cover(self, request: Request) -> Response:
        return await self._image(request, self.library.covers.cover)

    async def thumbnail(self, request: Request) -> Response:
        return await self._image(request, self.library.covers.thumbnail)

    async def _image(self, request: Request, make) -> Response:
        entry = self.library.entry(request.path_params["key"])
        if entry is None or not self.library.has_cover(entry):
            return _not_found()
        made = await run_in_threadpool(make, entry)
        if made is None:
            return _not_found()
        body, mime = made
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        headers = {"ETag": etag, "Cache-Control": "max-age=3600"}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=mime, headers=headers)

    # Uploads: a text dropped on the page, converted in the cache (and with --allow-upload, added).

    async def upload(self, request: Request) -> Response:
        wants_json = "application/json" in request.headers.get("accept", "")
        try:
            self.uploads.check_request(request.headers.get("content-length"), request.headers.get("origin"), request)
            form = await _upload_form(request, self.uploads.limit, self.uploads.max_files)
            files = [item for item in form.getlist("file") if hasattr(item, "filename")]
            if not files:
                raise UploadRefused(400, "no file was sent; choose a .txt file")
            results = []
            for item in files:
                data = await item.read(self.uploads.limit + 1)
                results.append(await run_in_threadpool(self.uploads.accept, item.filename or "upload.txt", data))
        except UploadRefused as refused:
            if wants_json:
                return JSONResponse({"error": refused.reason}, status_code=refused.status)
            return Response(
                self.web.upload_page([], refused.reason),
                status_code=refused.status,
                media_type="text/html; charset=utf-8",
            )
        if wants_json:
            return JSONResponse({"books": results, "can_add": self.allow_upload})
        return Response(self.web.upload_page(results), media_type="text/html; charset=utf-8")

    async def upload_build(self, request: Request) -> Response:
        digest, name = request.path_params["digest"], request.path_params["name"]
        fmt = ending_of(name)
        source = self.uploads.text(digest)
        if fmt is None or source is None:
            return _not_found()
        return await self._built(request, source, fmt, name, f"upload {source.name}")

    async def add_upload(self, request: Request) -> Response:
        if not self.allow_upload:
            return PlainTextResponse("adding books is off; start the server with --allow-upload\n", status_code=403)
        try:
            self.uploads.check_request("0", request.headers.get("origin"), request)
        except UploadRefused as refused:
            return PlainTextResponse(refused.reason + "\n", status_code=refused.status)
        source = self.uploads.text(request.path_params["digest"])
        if source is None:
            return _not_found()
        added = await run_in_threadpool(self.uploads.add_to, source, self.library)
        key = added.relative_to(self.library.root).with_suffix("").as_posix()
        return RedirectResponse("/book/" + quote(key), status_code=303)
