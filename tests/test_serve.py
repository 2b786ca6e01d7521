"""Tests for `booksmith serve`'s application: OPDS 1.2 and 2.0 feeds, downloads, builds, covers, uploads."""

from __future__ import annotations

import gzip
import io
import json
import os
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from serving import FRENCH, STORY, make_epub, make_library
from starlette.testclient import TestClient

from booksmith.serve import Credentials, Library, create_app
from booksmith.serve.catalog import Catalog, read_epub

ATOM = "{http://www.w3.org/2005/Atom}"
OPDS_NS = "{http://opds-spec.org/2010/catalog}"
ACQUIRE = "http://opds-spec.org/acquisition"
SCHEMA = Path(__file__).parent / "fixtures" / "serve" / "opds2-feed.schema.json"


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory) -> Path:
    return make_library(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def library(library_dir, tmp_path_factory) -> Library:
    found = Library(library_dir, tmp_path_factory.mktemp("cache"))
    found.scan()
    return found


@pytest.fixture(scope="module")
def client(library) -> TestClient:
    with TestClient(create_app(library, allow_upload=True)) as running:
        yield running


def feed(client, path: str) -> etree._Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("application/atom+xml;profile=opds-catalog")
    root = etree.fromstring(response.content)  # raises if not well-formed
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


def titles(root) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]


def entries_by_title(root) -> dict[str, etree._Element]:
    return {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}


def opds2(client, path: str) -> dict:
    import jsonschema

    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/opds+json"
    document = response.json()
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    return document


def test_the_root_is_a_navigation_feed(client):
    root = feed(client, "/opds")
    targets = {link.get("href") for entry in root.findall(f"{ATOM}entry") for link in entry.findall(f"{ATOM}link")}
    assert targets == {"/opds/all", "/opds/recent", "/opds/authors", "/opds/series", "/opds/languages"}
    assert root.find(f"{ATOM}link[@rel='search']").get("type") == "application/opensearchdescription+xml"


def test_every_acquisition_link_downloads_the_right_bytes_and_type(client, library_dir):
    books = entries_by_title(feed(client, "/opds/all"))
    assert set(books) == {"The Lamplighter of Harrow", "The Net Mender", "La Maison du Phare"}
    net = books["The Net Mender"]
    assert [a.findtext(f"{ATOM}name") for a in net.findall(f"{ATOM}author")] == ["Hana Oduya"]
    links = {link.get("type"): link.get("href") for link in net.findall(f"{ATOM}link[@rel='{ACQUIRE}']")}
    files = {
        "application/epub+zip": "net-mender.epub",
        "application/kepub+zip": "net-mender.kepub.epub",
        "application/pdf": "net-mender.pdf",
    }
    assert set(links) == set(files)
    for mime, href in links.items():
        response = client.get(href)
        assert response.status_code == 200 and response.headers["content-type"] == mime
        assert response.content == (library_dir / "tales" / files[mime]).read_bytes()
        disposition = response.headers["content-disposition"]
        assert disposition.startswith(f"attachment; filename=\"{files[mime]}\"; filename*=UTF-8''")


def test_a_unicode_file_name_has_an_ascii_fallback_first(client, library, library_dir):
    make_epub(library_dir / "tales" / "Café Ümlaut «2».epub", title="Café")
    library.catalog.refresh([library_dir / "tales" / "Café Ümlaut «2».epub"])
    try:
        response = client.get("/files/tales/Caf%C3%A9%20%C3%9Cmlaut%20%C2%AB2%C2%BB.epub")
        assert response.status_code == 200
        assert response.headers["content-disposition"] == (
            "attachment; filename=\"Cafe Umlaut 2.epub\"; filename*=UTF-8''Caf%C3%A9%20%C3%9Cmlaut%20%C2%AB2%C2%BB.epub"
        )
    finally:
        (library_dir / "tales" / "Café Ümlaut «2».epub").unlink()
        library.catalog.refresh([library_dir / "tales" / "Café Ümlaut «2».epub"])


def test_ranges_etags_and_last_modified(client, library_dir):
    path = "/files/tales/net-mender.pdf"
    whole = (library_dir / "tales" / "net-mender.pdf").read_bytes()
    part = client.get(path, headers={"Range": "bytes=4-11"})
    assert part.status_code == 206 and part.content == whole[4:12]
    assert part.headers["content-range"] == f"bytes 4-11/{len(whole)}"
    first = client.get(path)
    assert first.headers["accept-ranges"] == "bytes"
    assert client.get(path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_feeds_and_pages_are_gzipped_and_answer_304(client):
    for path in ("/opds/all", "/", "/opds/v2/all"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"  # httpx has already decompressed the body
        raw = client.get(path, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in raw.headers and raw.content == response.content
        assert gzip.decompress(gzip.compress(raw.content)) == raw.content
        again = client.get(path, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304 and again.content == b""


def test_a_text_is_built_on_request_and_cached(client, library):
    lamp = entries_by_title(feed(client, "/opds/all"))["The Lamplighter of Harrow"]
    assert [a.findtext(f"{ATOM}name") for a in lamp.findall(f"{ATOM}author")] == ["Orla Pennick"]
    links = {link.get("type"): link.get("href") for link in lamp.findall(f"{ATOM}link[@rel='{ACQUIRE}']")}
    assert links["application/kepub+zip"] == "/build/lamplighter.kepub.epub"
    response = client.get(links["application/epub+zip"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/epub+zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.read("mimetype") == b"application/epub+zip"
        opf = next(n for n in archive.namelist() if n.endswith(".opf"))
        assert b"The Lamplighter" in archive.read(opf)
    cached = list(library.builds.folder.glob("*.epub"))
    assert len(cached) == 1
    inode = cached[0].stat().st_ino
    assert client.get(links["application/epub+zip"]).content == response.content
    assert list(library.builds.folder.glob("*.epub")) == cached
    assert cached[0].stat().st_ino == inode  # served from the cache, not built again (a build replaces the file)


def test_head_on_a_build_does_not_build_it(client, library):
    before = set(library.builds.folder.glob("*")) if library.builds.folder.exists() else set()
    response = client.head("/build/lamplighter.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    after = set(library.builds.folder.glob("*")) if library.builds.folder.exists() else set()
    assert after == before  # no PDF was made


def test_a_changed_folder_config_gives_a_new_build(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    (books / "lamplighter.txt").write_text(STORY)
    library = Library(books, tmp_path / "cache")
    library.scan()
    client = TestClient(create_app(library))

    def author() -> bytes:
        with zipfile.ZipFile(io.BytesIO(client.get("/build/lamplighter.epub").content)) as archive:
            opf = next(n for n in archive.namelist() if n.endswith(".opf"))
            return archive.read(opf)

    (books / "booksmith.toml").write_text('author = "First Name"\n')
    assert b"First Name" in author() or b"Orla Pennick" in author()
    first = author()
    (books / "booksmith.toml").write_text('title = "A Retitled Lamp"\n')
    second = author()
    assert b"A Retitled Lamp" in second and b"A Retitled Lamp" not in first


def test_the_build_cache_drops_the_least_recently_used(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    for name in ("one", "two", "three"):
        (books / f"{name}.txt").write_text(STORY.replace("Harrow", name.title()))
    library = Library(books, tmp_path / "cache", cache_size=1)  # room for one build only
    library.scan()
    client = TestClient(create_app(library))
    for name in ("one", "two", "three"):
        assert client.get(f"/build/{name}.epub").status_code == 200
    kept = list(library.builds.folder.glob("*.epub"))
    assert len(kept) == 1 and kept[0] == library.builds.path_for(books / "three.txt", "epub")


def test_every_entry_has_a_cover_and_thumbnail_including_texts(client):
    from PIL import Image

    for title, entry in entries_by_title(feed(client, "/opds/all")).items():
        cover = entry.find(f"{ATOM}link[@rel='http://opds-spec.org/image']")
        thumb = entry.find(f"{ATOM}link[@rel='http://opds-spec.org/image/thumbnail']")
        assert cover is not None and thumb is not None, title
        response = client.get(cover.get("href"))
        assert response.status_code == 200 and response.headers["content-type"] == cover.get("type")
        image = Image.open(io.BytesIO(response.content))
        assert image.size[1] > image.size[0]  # a portrait cover
        response = client.get(thumb.get("href"))
        image = Image.open(io.BytesIO(response.content))
        assert response.status_code == 200 and image.format == "JPEG" and max(image.size) <= 240
        assert client.get(thumb.get("href"), headers={"If-None-Match": response.headers["etag"]}).status_code == 304


def test_a_huge_cover_is_refused_not_decoded(tmp_path):
    from PIL import Image

    books = tmp_path / "books"
    books.mkdir()
    png = io.BytesIO()
    Image.new("L", (8000, 5000), 128).save(png, "PNG")  # 40 million pixels, a few kB on disk
    make_epub(books / "huge.epub", title="Huge", cover=png.getvalue())
    jpeg = io.BytesIO()
    Image.new("RGB", (8000, 5000), (10, 20, 30)).save(jpeg, "JPEG")
    make_epub(books / "big-jpeg.epub", title="Big JPEG", cover=jpeg.getvalue())
    library = Library(books, tmp_path / "cache")
    library.scan()
    client = TestClient(create_app(library))
    assert client.get("/thumbnail/huge").status_code == 404
    response = client.get("/thumbnail/big-jpeg")  # decoded at an eighth of its size
    assert response.status_code == 200 and max(Image.open(io.BytesIO(response.content)).size) <= 240


def test_recently_added_is_newest_first(client):
    assert titles(feed(client, "/opds/recent")) == ["La Maison du Phare", "The Net Mender", "The Lamplighter of Harrow"]
    root = feed(client, "/opds")
    recent = next(e for e in root.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "Recently added")
    assert recent.find(f"{ATOM}link").get("rel") == "http://opds-spec.org/sort/new"


def test_sort_and_language_facets(client):
    root = feed(client, "/opds/all")
    facets = root.findall(f"{ATOM}link[@rel='http://opds-spec.org/facet']")
    groups = {f.get(f"{OPDS_NS}facetGroup") for f in facets}
    assert groups == {"Sort", "Language"}
    active = {f.get("title") for f in facets if f.get(f"{OPDS_NS}activeFacet") == "true"}
    assert active == {"Title", "All languages"}
    french = next(f for f in facets if f.get("title") == "fr")
    assert titles(feed(client, french.get("href"))) == ["La Maison du Phare"]
    by_author = next(f for f in facets if f.get("title") == "Author")
    assert titles(feed(client, by_author.get("href"))) == [
        "The Net Mender",  # Hana Oduya
        "La Maison du Phare",  # Odile Rance
        "The Lamplighter of Harrow",  # Orla Pennick
    ]
    newest = next(f for f in facets if f.get("title") == "Newest first")
    assert titles(feed(client, newest.get("href")))[0] == "La Maison du Phare"


def test_series_with_index(client):
    series = entries_by_title(feed(client, "/opds/series"))
    assert set(series) == {"Harbour Tales", "Côte"}
    books = feed(client, series["Harbour Tales"].find(f"{ATOM}link").get("href"))
    entry = books.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}category[@scheme='series']").get("label") == "Harbour Tales #2"
    assert "Harbour Tales #2" in entry.findtext(f"{ATOM}content")


def test_feeds_by_author_and_language(client):
    authors = entries_by_title(feed(client, "/opds/authors"))
    assert set(authors) == {"Hana Oduya", "Orla Pennick", "Odile Rance"}
    assert titles(feed(client, authors["Hana Oduya"].find(f"{ATOM}link").get("href"))) == ["The Net Mender"]
    languages = entries_by_title(feed(client, "/opds/languages"))
    assert set(languages) == {"en", "fr"}
    assert client.get("/opds/authors/Nobody").status_code == 404


def test_opensearch_finds_by_title_author_and_series(client):
    response = client.get("/opds/opensearch.xml")
    template = etree.fromstring(response.content).find("{http://a9.com/-/spec/opensearch/1.1/}Url").get("template")
    assert "{searchTerms}" in template
    assert titles(feed(client, template.replace("{searchTerms}", "oduya"))) == ["The Net Mender"]
    assert titles(feed(client, template.replace("{searchTerms}", "harrow"))) == ["The Lamplighter of Harrow"]
    assert titles(feed(client, template.replace("{searchTerms}", "côte"))) == ["La Maison du Phare"]
    assert titles(feed(client, template.replace("{searchTerms}", "zebra"))) == []


@pytest.mark.parametrize("query", ["%00", "%01", "%1B%5B31m", "%EF%BF%BE", "%F0%9F%93%9A"])
def test_any_search_gives_a_well_formed_feed(client, query):
    feed(client, f"/opds/search?q={query}")
    assert client.get(f"/?q={query}").status_code == 200


@pytest.mark.parametrize("page", ["%C2%B2", "-1", "0", "99999999999999999999", "x", "%00"])
def test_odd_page_numbers_give_a_page(client, page):
    assert titles(feed(client, f"/opds/all?page={page}"))
    assert client.get(f"/?page={page}").status_code == 200
    assert client.get(f"/opds/v2/all?page={page}").status_code == 200


def test_opds2_has_the_same_books(client):
    root = opds2(client, "/opds/v2")
    assert {link["href"] for link in root["navigation"]} >= {"/opds/v2/all", "/opds/v2/recent", "/opds/v2/authors"}
    everything = opds2(client, "/opds/v2/all")
    by_title = {p["metadata"]["title"]: p for p in everything["publications"]}
    assert set(by_title) == set(titles(feed(client, "/opds/all")))
    net = by_title["The Net Mender"]
    assert net["metadata"]["belongsTo"]["series"] == [{"name": "Harbour Tales", "position": 2.0}]
    assert {link["type"] for link in net["links"]} == {
        "application/epub+zip",
        "application/kepub+zip",
        "application/pdf",
    }
    for publication in everything["publications"]:
        assert client.get(publication["images"][1]["href"]).status_code == 200
    recent = opds2(client, "/opds/v2/recent")
    assert recent["publications"][0]["metadata"]["title"] == "La Maison du Phare"
    found = opds2(client, "/opds/v2/search?query=oduya")
    assert [p["metadata"]["title"] for p in found["publications"]] == ["The Net Mender"]
    series = opds2(client, "/opds/v2/series")
    assert opds2(client, series["navigation"][0]["href"])["publications"]


def test_big_feeds_are_paged_with_totals():
    from booksmith.serve.catalog import Entry
    from booksmith.serve.opds import acquisition_feed

    books = [Entry(key=f"b{n}", title=f"Book {n}", updated=float(n)) for n in range(5)]

    def page(number: int):
        root = etree.fromstring(acquisition_feed(books, "urn:x", "All", "/opds/all", page=number, per_page=2))
        links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
        assert root.findtext("{http://a9.com/-/spec/opensearch/1.1/}totalResults") == "5"
        return titles(root), links

    found, links = page(2)
    assert found == ["Book 2", "Book 3"]
    assert (links["self"], links["previous"], links["next"]) == ("/opds/all?page=2", "/opds/all", "/opds/all?page=3")
    assert (links["first"], links["last"]) == ("/opds/all", "/opds/all?page=3")
    found, links = page(3)
    assert found == ["Book 4"] and "next" not in links
    assert page(99)[0] == ["Book 4"]  # past the end: the last page


def test_the_web_page_works_without_scripts(client):
    response = client.get("/")
    page = response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "/files/tales/net-mender.epub" in page and "Orla Pennick" in page
    assert '<form id="drop" class="drop" action="/upload" method="post" enctype="multipart/form-data">' in page
    found = client.get("/?q=net").text
    assert "The Net Mender" in found and "Lamplighter" not in found
    book = client.get("/book/tales/net-mender").text
    assert "A net mender&#39;s winter on the north shore." in book and "/cover/tales/net-mender" in book
    assert client.get("/book/nothing-here").status_code == 404
    assert client.get("/static/upload.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/../app.py").status_code == 404


def test_a_dropped_text_is_described_and_built(client, library, tmp_path):
    from conftest import epub_documents

    response = client.post(
        "/upload",
        files={"file": ("The Lamp – copy.txt", STORY.encode(), "text/plain")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    [book] = response.json()["books"]
    assert book["title"] == "The Lamplighter of Harrow" and book["authors"] == ["Orla Pennick"]
    assert [c["title"] for c in book["chapters"]] == ["Chapter One", "Chapter Two"]
    epub = client.get(book["downloads"]["epub"])
    assert epub.status_code == 200  # EPUBCheck runs on it in the browser test (test_serve_browser.py)
    (tmp_path / "dropped.epub").write_bytes(epub.content)
    text = " ".join(epub_documents(tmp_path / "dropped.epub").values())
    assert "harbour wall with a ladder and a flame" in text and "the gulls did not" in text
    # Kept inside the cache, nowhere else.
    assert list((library.cache_folder / "uploads").glob("*/*.txt"))
    assert not list(library.root.glob("*copy*"))


def test_the_upload_form_answers_a_page_without_scripts(client):
    response = client.post("/upload", files={"file": ("maison.txt", FRENCH.encode(), "text/plain")})
    assert response.status_code == 200 and "La Maison du Phare" in response.text
    assert "Chapitre premier" in response.text and "/uploads/" in response.text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "not text"),
        ("bomb.txt", None, "not text"),
        ("empty.txt", b"", "is empty"),
        ("noise.txt", bytes(range(256)) * 64, "binary"),
    ],
)
def test_uploads_that_are_not_text_are_refused_with_the_cli_reason(client, library, name, data, reason):
    if data is None:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb:
            bomb.writestr("a.txt", b"0" * 20_000_000)
        data = archive.getvalue()
    response = client.post("/upload", files={"file": (name, data)}, headers={"Accept": "application/json"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith(f"{name}: ") and reason in error and "\n" not in error
    assert str(library.cache_folder) not in error


def test_huge_uploads_are_refused_before_they_are_read(library, tmp_path):
    client = TestClient(create_app(library, upload_limit=1000))
    response = client.post(
        "/upload", files={"file": ("big.txt", b"word " * 5000)}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 413 and "larger than" in response.json()["error"]


def test_uploads_from_another_site_are_refused(client):
    response = client.post(
        "/upload", files={"file": ("a.txt", STORY.encode())}, headers={"Origin": "https://elsewhere.example"}
    )
    assert response.status_code == 403


def test_adding_an_upload_needs_allow_upload(library_dir, tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    library = Library(books, tmp_path / "cache")
    library.scan()
    closed = TestClient(create_app(library))
    [book] = closed.post(
        "/upload", files={"file": ("lamp.txt", STORY.encode())}, headers={"Accept": "application/json"}
    ).json()["books"]
    assert closed.post(book["add"]).status_code == 403 and not list(books.iterdir())
    opened = TestClient(create_app(library, allow_upload=True))
    response = opened.post(book["add"], follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/book/lamp"
    assert (books / "lamp.txt").read_text() == STORY
    assert titles(feed(opened, "/opds/all")) == ["The Lamplighter of Harrow"]


def test_basic_authentication(library):
    client = TestClient(create_app(library, Credentials("reader", "tide-pw")))
    response = client.get("/opds")
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Basic")
    assert client.get("/opds", auth=("reader", "nope")).status_code == 401
    assert client.get("/files/tales/net-mender.pdf").status_code == 401
    assert client.get("/opds", auth=("reader", "tide-pw")).status_code == 200


def test_the_server_is_read_only(client):
    for method in ("PUT", "DELETE", "PATCH"):
        assert client.request(method, "/files/tales/net-mender.pdf").status_code == 405
    assert client.post("/files/tales/net-mender.pdf").status_code == 405


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
    (tmp_path / "secret.txt").write_text("SECRET")
    books = tmp_path / "books"
    books.mkdir()
    make_epub(books / "xxe.epub", "&x;", f'<!DOCTYPE package [<!ENTITY x SYSTEM "file://{tmp_path}/secret.txt">]>\n')
    catalog = Catalog(books, describe_text=None)
    catalog.scan()
    [entry] = catalog.entries()
    assert entry.title == "xxe" and entry.cover is None


def test_a_file_name_that_is_not_utf8_is_skipped(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    make_epub(books / "fine.epub", "Fine")
    make_epub(Path(os.fsdecode(bytes(books) + b"/caf\xe9.epub")), "Latin-1 name")
    library = Library(books, tmp_path / "cache")
    library.scan()
    client = TestClient(create_app(library))
    for path in ("/", "/opds/all", "/opds/search?q=fine", "/?q=caf", "/opds/v2/all"):
        assert client.get(path).status_code == 200, path
    assert titles(feed(client, "/opds/all")) == ["Fine"]


def test_the_catalog_follows_the_folder(tmp_path):
    """Add, change, rename and remove files: the feeds follow within a moment, with no rescan per request."""
    books = tmp_path / "books"
    (books / "shelf").mkdir(parents=True)
    make_epub(books / "first.epub", "First Book")
    library = Library(books, tmp_path / "cache")
    library.scan()
    library.start_watching()
    client = TestClient(create_app(library))

    def eventually(expected: list[str], *hrefs: str) -> None:
        """Wait (up to 10 s; the watcher takes well under one) until the feed has these books at these paths."""

        def matches() -> bool:
            root = feed(client, "/opds/all")
            found = {link.get("href") for link in root.iter(f"{ATOM}link")}
            return sorted(titles(root)) == sorted(expected) and set(hrefs) <= found

        deadline = time.monotonic() + 10
        while not matches() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert matches(), client.get("/opds/all").text

    try:
        time.sleep(0.3)  # the watcher starts
        make_epub(books / "shelf" / "second.epub", "Second Book")
        eventually(["First Book", "Second Book"], "/files/shelf/second.epub")
        make_epub(books / "shelf" / "second.epub", "Second Book, Revised")
        eventually(["First Book", "Second Book, Revised"])
        (books / "shelf").rename(books / "moved")
        eventually(["First Book", "Second Book, Revised"], "/files/moved/second.epub")
        assert "/files/shelf/" not in client.get("/opds/all").text
        (books / "first.epub").rename(books / "renamed.epub")
        eventually(["First Book", "Second Book, Revised"], "/files/renamed.epub")
        assert "/files/first.epub" not in client.get("/opds/all").text
        (books / "renamed.epub").unlink()
        eventually(["Second Book, Revised"])
        (books / "lamp.txt").write_text(STORY)
        eventually(["Second Book, Revised", "The Lamplighter of Harrow"], "/build/lamp.epub", "/thumbnail/lamp")
        (books / "lamp.toml").write_text('title = "Lamp, by Its Sidecar"\n')
        eventually(["Second Book, Revised", "Lamp, by Its Sidecar"])
    finally:
        library.stop_watching()
