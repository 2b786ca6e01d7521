"""Tests for `booksmith serve`: OPDS feeds, downloads, builds on request, path safety and load."""

from __future__ import annotations

import base64
import http.client
import io
import logging
import os
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from booksmith.serve import Credentials, Library, make_server
from booksmith.serve.catalog import read_epub

ATOM = "{http://www.w3.org/2005/Atom}"
ACQUIRE = "http://opds-spec.org/acquisition"

STORY = """The Lamplighter of Harrow

by Orla Pennick

Chapter One

Each evening she walked the length of the harbour wall with a ladder and a flame.

Chapter Two

When the gas came, the town forgot her name, but the gulls did not.
"""

OPF = """<?xml version="1.0" encoding="utf-8"?>
{doctype}<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:00000000-0000-4000-8000-000000000001</dc:identifier>
    <dc:title>{title}</dc:title>
    <dc:creator>Hana Oduya</dc:creator>
    <dc:language>en</dc:language>
    <meta name="calibre:series" content="Harbour Tales"/>
    <meta name="calibre:series_index" content="2"/>
  </metadata>
  <manifest>
    <item id="cover" href="images/cover%20art.png" media-type="image/png" properties="cover-image"/>
    <item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine><itemref idref="c1"/></spine>
</package>
"""


def make_epub(path: Path, title: str = "The Net Mender", doctype: str = "") -> Path:
    """A small EPUB made by hand: enough package document for the catalog, and a PNG cover."""
    from PIL import Image

    cover = io.BytesIO()
    Image.new("RGB", (600, 900), (30, 60, 90)).save(cover, "PNG")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        archive.writestr("OEBPS/content.opf", OPF.format(title=title, doctype=doctype))
        archive.writestr("OEBPS/c1.xhtml", "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>x</p></body></html>")
        archive.writestr("OEBPS/images/cover art.png", cover.getvalue())
    return path


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("serve")
    books = top / "books"
    (books / "tales").mkdir(parents=True)
    (books / "lamplighter.txt").write_text(STORY, encoding="utf-8")
    make_epub(books / "tales" / "net-mender.epub")
    (books / "tales" / "net-mender.pdf").write_bytes(b"%PDF-1.7 a stand-in PDF's bytes\n%%EOF\n")
    (books / "tales" / "net-mender.kepub.epub").write_bytes((books / "tales" / "net-mender.epub").read_bytes())
    (books / ".hidden.epub").write_bytes(b"hidden")
    (top / "secret.epub").write_bytes(b"SECRET outside the served folder")
    (top / "secret.txt").write_text("SECRET text outside\n")
    if hasattr(os, "symlink"):
        os.symlink(top / "secret.epub", books / "escape.epub")
        os.symlink(top / "secret.txt", books / "escape.txt")
    return books


@pytest.fixture(scope="module")
def server(library_dir, tmp_path_factory):
    """A running server on a free loopback port; yields its base URL."""
    library = Library(library_dir, tmp_path_factory.mktemp("cache"))
    running = make_server(library, "127.0.0.1", 0)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def get(server, path: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    """Send `path` as written (no client-side normalisation) and return status, headers and body."""
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def feed(server, path: str) -> etree._Element:
    status, headers, body = get(server, path)
    assert status == 200, path
    assert headers["Content-Type"].startswith("application/atom+xml;profile=opds-catalog")
    root = etree.fromstring(body)  # raises if not well-formed
    assert root.tag == f"{ATOM}feed"
    for element in (root, *root.findall(f"{ATOM}entry")):
        for required in ("id", "title", "updated"):
            assert (element.findtext(f"{ATOM}{required}") or "").strip(), f"{path}: {required} missing"
    assert root.find(f"{ATOM}author/{ATOM}name") is not None  # so entries need no author of their own
    for entry in root.findall(f"{ATOM}entry"):  # RFC 4287: content, or else an alternate link
        assert entry.find(f"{ATOM}content") is not None or entry.find(f"{ATOM}link[@rel='alternate']") is not None
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    assert root.find(f"{ATOM}link[@rel='start']") is not None
    return root


def entries_by_title(root) -> dict[str, etree._Element]:
    return {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}


def test_the_root_is_a_navigation_feed(server):
    root = feed(server, "/opds")
    targets = {link.get("href") for link in root.iter(f"{ATOM}link") if link.get("rel") == "subsection"}
    assert targets == {"/opds/all", "/opds/authors", "/opds/series"}
    search = root.find(f"{ATOM}link[@rel='search']")
    assert search.get("type") == "application/opensearchdescription+xml"
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}content") is not None


def test_every_acquisition_link_downloads_the_right_bytes_and_type(server, library_dir):
    books = entries_by_title(feed(server, "/opds/all"))
    assert set(books) == {"The Lamplighter of Harrow", "The Net Mender"}
    net = books["The Net Mender"]
    assert [a.findtext(f"{ATOM}name") for a in net.findall(f"{ATOM}author")] == ["Hana Oduya"]
    links = {link.get("type"): link.get("href") for link in net.findall(f"{ATOM}link[@rel='{ACQUIRE}']")}
    assert set(links) == {"application/epub+zip", "application/kepub+zip", "application/pdf"}
    files = {
        "application/epub+zip": "net-mender.epub",
        "application/kepub+zip": "net-mender.kepub.epub",
        "application/pdf": "net-mender.pdf",
    }
    for mime, href in links.items():
        status, headers, body = get(server, href)
        assert status == 200 and headers["Content-Type"] == mime
        assert body == (library_dir / "tales" / files[mime]).read_bytes()


def test_a_text_is_built_on_request_and_cached(server):
    lamp = entries_by_title(feed(server, "/opds/all"))["The Lamplighter of Harrow"]
    assert [a.findtext(f"{ATOM}name") for a in lamp.findall(f"{ATOM}author")] == ["Orla Pennick"]
    links = {link.get("type"): link.get("href") for link in lamp.findall(f"{ATOM}link[@rel='{ACQUIRE}']")}
    assert links["application/kepub+zip"] == "/build/lamplighter.kepub.epub"
    for mime in ("application/epub+zip", "application/kepub+zip"):
        status, headers, body = get(server, links[mime])
        assert status == 200 and headers["Content-Type"] == mime
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            assert archive.read("mimetype") == b"application/epub+zip"
            opf = next(n for n in archive.namelist() if n.endswith(".opf"))
            assert b"The Lamplighter" in archive.read(opf)
    cached = list(server.library.cache.glob("*.kepub.epub"))
    assert len(cached) == 1
    mtime = cached[0].stat().st_mtime_ns
    assert get(server, links["application/kepub+zip"])[0] == 200
    assert cached[0].stat().st_mtime_ns == mtime  # served from the cache, not rebuilt


def test_covers_and_thumbnails(server):
    from PIL import Image

    net = entries_by_title(feed(server, "/opds/all"))["The Net Mender"]
    cover = net.find(f"{ATOM}link[@rel='http://opds-spec.org/image']")
    thumb = net.find(f"{ATOM}link[@rel='http://opds-spec.org/image/thumbnail']")
    status, headers, body = get(server, cover.get("href"))
    assert status == 200 and headers["Content-Type"] == "image/png" and Image.open(io.BytesIO(body)).size == (600, 900)
    status, headers, body = get(server, thumb.get("href"))
    image = Image.open(io.BytesIO(body))
    assert status == 200 and image.format == "JPEG" and max(image.size) <= 240


def test_feeds_by_author_and_by_series(server):
    authors = entries_by_title(feed(server, "/opds/authors"))
    assert set(authors) == {"Hana Oduya", "Orla Pennick"}
    href = authors["Hana Oduya"].find(f"{ATOM}link").get("href")
    assert set(entries_by_title(feed(server, href))) == {"The Net Mender"}
    series = entries_by_title(feed(server, "/opds/series"))
    assert set(series) == {"Harbour Tales"}
    books = feed(server, series["Harbour Tales"].find(f"{ATOM}link").get("href"))
    assert "Harbour Tales #2" in books.find(f"{ATOM}entry/{ATOM}content").text
    assert get(server, "/opds/authors/Nobody")[0] == 404


def test_opensearch_finds_by_title_and_author(server):
    status, _, body = get(server, "/opds/opensearch.xml")
    template = etree.fromstring(body).find("{http://a9.com/-/spec/opensearch/1.1/}Url").get("template")
    assert status == 200 and "{searchTerms}" in template
    by_author = feed(server, template.replace("{searchTerms}", "oduya"))
    assert set(entries_by_title(by_author)) == {"The Net Mender"}
    by_title = feed(server, template.replace("{searchTerms}", "harrow"))
    assert set(entries_by_title(by_title)) == {"The Lamplighter of Harrow"}
    assert entries_by_title(feed(server, template.replace("{searchTerms}", "zebra"))) == {}


def test_the_html_page_needs_no_javascript(server):
    status, headers, body = get(server, "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<script" not in page.lower() and "/files/tales/net-mender.epub" in page and "Orla Pennick" in page
    status, _, body = get(server, "/?q=net")
    assert "The Net Mender" in body.decode() and "Lamplighter" not in body.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/files/../secret.epub",
        "/files/%2e%2e/secret.epub",
        "/files/%2E%2E%2Fsecret.epub",
        "/files/tales/../../secret.epub",
        "/files/tales/%2e%2e/%2e%2e/secret.epub",
        "/files//etc/passwd",
        "/files/%2Fetc%2Fpasswd",
        "/files/C:%5Cwindows%5Cwin.ini",
        "/files/escape.epub",
        "/build/escape.epub",
        "/build/../secret.epub",
        "/files/.hidden.epub",
        "/files/tales",
        "/files/",
        "/files/lamplighter.txt",
        "/cover/../secret",
        "/thumbnail/lamplighter",
        "/../../etc/passwd",
        "/opds/../../secret.epub",
    ],
)
def test_paths_outside_the_folder_are_not_found(server, path):
    status, _, body = get(server, path)
    assert status == 404 and b"SECRET" not in body


def test_links_out_of_the_folder_are_not_listed(server):
    if not hasattr(os, "symlink"):
        pytest.skip("no symbolic links here")
    _, _, body = get(server, "/opds/all")
    assert b"escape" not in body and b"hidden" not in body


def test_the_server_is_read_only(server):
    for method in ("POST", "PUT", "DELETE"):
        assert get(server, "/files/tales/net-mender.pdf", method=method)[0] in (405, 501)


def test_head_gives_the_headers_without_the_body(server, library_dir):
    status, headers, body = get(server, "/files/tales/net-mender.pdf", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == (library_dir / "tales" / "net-mender.pdf").stat().st_size


def test_fifty_simultaneous_downloads(server, library_dir):
    expected = (library_dir / "tales" / "net-mender.epub").read_bytes()
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda _: get(server, "/files/tales/net-mender.epub"), range(50)))
    assert all(status == 200 and body == expected for status, _, body in results)


def test_requests_are_logged(server, caplog):
    with caplog.at_level(logging.INFO, logger="booksmith.serve"):
        get(server, "/opds")
    assert any('"GET /opds HTTP/1.1" 200' in record.getMessage() for record in caplog.records)


def test_basic_authentication(library_dir, tmp_path):
    running = make_server(Library(library_dir, tmp_path), "127.0.0.1", 0, Credentials("reader", "tide-pw"))
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        status, headers, _ = get(running, "/opds")
        assert status == 401 and headers["WWW-Authenticate"].startswith("Basic")
        wrong = base64.b64encode(b"reader:nope").decode()
        assert get(running, "/opds", {"Authorization": f"Basic {wrong}"})[0] == 401
        right = base64.b64encode(b"reader:tide-pw").decode()
        assert get(running, "/opds", {"Authorization": f"Basic {right}"})[0] == 200
    finally:
        running.shutdown()
        running.server_close()


def test_epub_metadata_is_read_without_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    external = f'<!DOCTYPE package [<!ENTITY x SYSTEM "file://{secret}">]>\n'
    with pytest.raises(Exception, match=r"(?i)entit"):
        read_epub(make_epub(tmp_path / "xxe.epub", "&x;", external))
    laughs = '<!DOCTYPE package [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
    with pytest.raises(Exception, match=r"(?i)entit"):
        read_epub(make_epub(tmp_path / "laughs.epub", "&b;", laughs))
    info = read_epub(make_epub(tmp_path / "fine.epub", "Plain"))
    assert (info.title, info.series, info.series_index) == ("Plain", "Harbour Tales", 2.0)
    assert info.cover is not None and info.cover.member == "OEBPS/images/cover art.png"


def test_a_hostile_epub_is_listed_by_its_file_name(tmp_path):
    from booksmith.serve.catalog import Catalog

    (tmp_path / "secret.txt").write_text("SECRET")
    books = tmp_path / "books"
    books.mkdir()
    make_epub(books / "xxe.epub", "&x;", f'<!DOCTYPE package [<!ENTITY x SYSTEM "file://{tmp_path}/secret.txt">]>\n')
    [entry] = Catalog(books, describe_text=None).entries()
    assert entry.title == "xxe" and entry.cover is None


def test_serve_rejects_a_missing_folder_and_auth_without_a_password(tmp_path, run_cli, monkeypatch):
    result = run_cli("serve", tmp_path / "nowhere")
    assert result.exit_code == 1 and "is not a folder" in result.stderr
    monkeypatch.delenv("BOOKSMITH_SERVE_PASSWORD", raising=False)
    result = run_cli("serve", tmp_path, "--auth", "reader")
    assert result.exit_code == 1 and "BOOKSMITH_SERVE_PASSWORD" in result.stderr


def test_serve_warns_when_it_listens_beyond_this_computer(tmp_path, run_cli, monkeypatch):
    class Stopped:
        server_address = ("0.0.0.0", 8080)

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            pass

    monkeypatch.setattr("booksmith.serve.make_server", lambda *args: Stopped())
    result = run_cli("serve", tmp_path, "--host", "0.0.0.0")
    assert result.exit_code == 0
    assert "warning: serving on 0.0.0.0" in result.stderr and "--auth" in result.stderr


def test_urls_in_feeds_are_paths_on_this_server(server):
    root = feed(server, "/opds/all")
    for link in root.iter(f"{ATOM}link"):
        href = urlsplit(link.get("href"))
        assert not href.scheme and href.path.startswith("/")


def test_big_acquisition_feeds_are_paged():
    from booksmith.serve.catalog import Entry
    from booksmith.serve.feeds import acquisition_feed

    books = [Entry(key=f"b{n}", title=f"Book {n}", updated=float(n)) for n in range(5)]

    def page(number: int):
        root = etree.fromstring(acquisition_feed(books, "urn:x", "All", "/opds/all", page=number, per_page=2))
        links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
        return [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")], links

    titles, links = page(2)
    assert titles == ["Book 2", "Book 3"]
    assert (links["self"], links["previous"], links["next"]) == ("/opds/all?page=2", "/opds/all", "/opds/all?page=3")
    assert (links["first"], links["last"]) == ("/opds/all", "/opds/all?page=3")
    titles, links = page(3)
    assert titles == ["Book 4"] and "next" not in links
    assert page(99)[0] == ["Book 4"]  # past the end: the last page
    titles, links = page(1)
    assert titles == ["Book 0", "Book 1"] and links["next"] == "/opds/all?page=2" and "previous" not in links


def test_simultaneous_requests_for_a_build_build_it_once(library_dir, tmp_path, caplog):
    running = make_server(Library(library_dir, tmp_path / "cache"), "127.0.0.1", 0)
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        with caplog.at_level(logging.INFO, logger="booksmith.serve"), ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: get(running, "/build/lamplighter.epub"), range(8)))
    finally:
        running.shutdown()
        running.server_close()
    assert all(status == 200 for status, _, _ in results)
    assert len({body for _, _, body in results}) == 1
    assert sum("building lamplighter.txt" in record.getMessage() for record in caplog.records) == 1
