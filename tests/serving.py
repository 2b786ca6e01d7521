"""Helpers for the serve tests: a library of books written here, the app, and a real uvicorn on a free port."""

from __future__ import annotations

import http.client
import io
import os
import threading
import time
import zipfile
from pathlib import Path

STORY = """The Lamplighter of Harrow

by Orla Pennick

Chapter One

Each evening she walked the length of the harbour wall with a ladder and a flame.

Chapter Two

When the gas came, the town forgot her name, but the gulls did not.
"""

FRENCH = """La Maison du Phare

par Odile Rance

Chapitre premier

Le vent soufflait sur la lande et la mer montait doucement vers les rochers noirs.

Chapitre deux

Au matin, la maison était vide, mais la lampe brûlait encore derrière la vitre.
"""

OPF = """<?xml version="1.0" encoding="utf-8"?>
{doctype}<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:00000000-0000-4000-8000-000000000001</dc:identifier>
    <dc:title>{title}</dc:title>
    <dc:creator>Hana Oduya</dc:creator>
    <dc:language>en</dc:language>
    <dc:description>A net mender's winter on the north shore.</dc:description>
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


def make_epub(path: Path, title: str = "The Net Mender", doctype: str = "", cover=None) -> Path:
    """A small EPUB made by hand: enough package document for the catalog, and a PNG cover."""
    from PIL import Image

    if cover is None:
        image = io.BytesIO()
        Image.new("RGB", (600, 900), (30, 60, 90)).save(image, "PNG")
        cover = image.getvalue()
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
        archive.writestr("OEBPS/images/cover art.png", cover)
    return path


def make_library(top: Path) -> Path:
    """books/: a text, an EPUB with its PDF and KEPUB, a French text, hidden and linked-out files."""
    books = top / "books"
    (books / "tales").mkdir(parents=True)
    (books / "fr").mkdir()
    (books / "lamplighter.txt").write_text(STORY, encoding="utf-8")
    make_epub(books / "tales" / "net-mender.epub")
    (books / "tales" / "net-mender.pdf").write_bytes(b"%PDF-1.7 a stand-in PDF's bytes\n%%EOF\n")
    (books / "tales" / "net-mender.kepub.epub").write_bytes((books / "tales" / "net-mender.epub").read_bytes())
    (books / "fr" / "la-maison.txt").write_text(FRENCH, encoding="utf-8")
    (books / "fr" / "la-maison.toml").write_text('language = "fr"\nseries = "Côte"\nseries_index = 1\n')
    (books / ".hidden.epub").write_bytes(b"hidden")
    (top / "secret.epub").write_bytes(b"SECRET outside the served folder")
    (top / "secret.txt").write_text("SECRET text outside\n")
    os.symlink(top / "secret.epub", books / "escape.epub")
    os.symlink(top / "secret.txt", books / "escape.txt")
    # Oldest first: the lamplighter, then the net mender, then the French text (for "Recently added").
    for number, path in enumerate(
        [books / "lamplighter.txt", *sorted((books / "tales").iterdir()), books / "fr" / "la-maison.txt"]
    ):
        os.utime(path, (1_700_000_000 + number * 1000, 1_700_000_000 + number * 1000))
    return books


class Running:
    """A real uvicorn serving `app` on a free loopback port, in a thread."""

    def __init__(self, app, tls=None) -> None:
        from booksmith.serve import bind, make_server

        self.listener = bind("127.0.0.1", 0)
        self.host, self.port = self.listener.getsockname()[:2]
        self.server = make_server(app, self.listener, tls)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.listener]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def get(self, path: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
        """Send `path` as written (no client-side normalisation) and return status, headers and body."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.listener.close()
