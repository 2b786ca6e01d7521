"""Load on `booksmith serve`: start-up, feeds, thumbnails and downloads at 3,000 and 50,000 books.

Usage: python benchmarks/serve_load.py [--books 3000 50000] [--source SRC] [--feeds 200] [--downloads 50]

It writes a folder of small generated EPUBs (each with its own PNG cover) plus one 5 MB EPUB, starts
`python -m booksmith serve` on it (from SRC, a checkout's src folder, when given: run it once with
the source of an older commit, e.g. `git archive c027960 src | tar -x -C /tmp/before`, to compare),
and over loopback measures: seconds until the server answers; p50/p95 latency of 50 feed requests
one at a time and of 200 sent 200 at once (random pages of /opds/all, /opds/recent, search); of 100
thumbnails (first and second request); and of 50 simultaneous downloads of the 5 MB book. Errors are
counted, never hidden.
Targets (issue 15): no error; feeds and warm thumbnails p95 well under 0.1 s at 50,000 books.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WORDS = [
    "amber",
    "harbour",
    "lantern",
    "willow",
    "quarry",
    "meadow",
    "tidal",
    "cinder",
    "orchard",
    "ferry",
    "gable",
    "hollow",
]
CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
)
OPF = (
    '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
    '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:x:{n}</dc:identifier>'
    "<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator><dc:language>{language}</dc:language>"
    '<meta name="calibre:series" content="{series}"/><meta name="calibre:series_index" content="{index}"/>'
    '</metadata><manifest><item id="c" href="cover.png" media-type="image/png" properties="cover-image"/>'
    '<item id="t" href="t.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="t"/></spine>'
    "</package>"
)


def cover_pngs(count: int = 64) -> list[bytes]:
    """A few distinct covers, shared round-robin (making 50,000 PNGs would take longer than the run)."""
    from PIL import Image

    covers = []
    for n in range(count):
        image = io.BytesIO()
        Image.new("RGB", (600, 900), (n * 4 % 256, (n * 7) % 256, (n * 13) % 256)).save(image, "PNG")
        covers.append(image.getvalue())
    return covers


def write_library(folder: Path, books: int) -> None:
    generator = random.Random(books)
    covers = cover_pngs()
    for n in range(books):
        shelf = folder / f"shelf-{n // 500:03d}"
        shelf.mkdir(parents=True, exist_ok=True)
        title = " ".join(generator.choice(WORDS).title() for _ in range(3))
        with zipfile.ZipFile(shelf / f"book-{n:05d}.epub", "w") as archive:
            archive.writestr("mimetype", "application/epub+zip")
            archive.writestr("META-INF/container.xml", CONTAINER)
            opf = OPF.format(
                n=n,
                title=f"{title} {n}",
                author=f"{generator.choice(WORDS).title()} {generator.choice(WORDS).title()}",
                language=generator.choice(["en", "en", "fr", "de"]),
                series=f"Series {n % 300}",
                index=n % 12 + 1,
            )
            archive.writestr("content.opf", opf)
            archive.writestr("t.xhtml", "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>x</p></body></html>")
            archive.writestr("cover.png", covers[n % len(covers)])
    with zipfile.ZipFile(folder / "big.epub", "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", CONTAINER)
        archive.writestr("content.opf", OPF.format(n=0, title="Big", author="A", language="en", series="S", index=1))
        archive.writestr("filler.bin", os.urandom(5_000_000))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        connection.request("GET", path)
        response = connection.getresponse()
        size = len(response.read())
        status = response.status
        connection.close()
    except OSError:
        status, size = 0, 0
    return time.perf_counter() - started, status, size


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc): unlike latency, hardly changed by other load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(port: int, paths: list[str], concurrency: int, pid: int) -> dict:
    cpu = cpu_seconds(pid)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda path: get(port, path), paths))
    cpu = cpu_seconds(pid) - cpu
    times = sorted(seconds for seconds, _, _ in results)
    return {
        "requests": len(paths),
        "errors": sum(1 for _, status, _ in results if status != 200),
        "p50_s": round(statistics.median(times), 4),
        "p95_s": round(times[int(len(times) * 0.95) - 1], 4),
        "server_cpu_ms_per_request": round(1000 * cpu / len(paths), 1),
    }


def run(books: int, source: str | None, feeds: int, downloads: int) -> dict:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "books"
        started = time.perf_counter()
        write_library(folder, books)
        written = time.perf_counter() - started
        port = free_port()
        environment = {**os.environ, "XDG_CACHE_HOME": str(Path(work) / "cache")}
        if source:
            environment["PYTHONPATH"] = source
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "booksmith", "serve", str(folder), "--port", str(port)],
            env=environment,
            stderr=subprocess.DEVNULL,
        )
        try:
            while get(port, "/opds")[1] != 200:
                time.sleep(0.1)
            ready = time.perf_counter() - started
            generator = random.Random(1)
            pages = books // 100
            feed_paths = [
                generator.choice(
                    [f"/opds/all?page={generator.randint(1, pages)}", "/opds/recent", "/opds/search?q=harbour+willow"]
                )
                for _ in range(feeds)
            ]
            thumbs = [
                f"/thumbnail/shelf-{n // 500:03d}/book-{n:05d}" for n in generator.sample(range(books), min(100, books))
            ]
            return {
                "books": books,
                "source": source or "this checkout",
                "library_written_s": round(written, 1),
                "ready_s": round(ready, 2),
                "feeds_one_at_a_time": measure(port, feed_paths[:50], concurrency=1, pid=server.pid),
                "feeds": measure(port, feed_paths, concurrency=200, pid=server.pid),
                "thumbnails_first": measure(port, thumbs, concurrency=10, pid=server.pid),
                "thumbnails_again": measure(port, thumbs, concurrency=10, pid=server.pid),
                "downloads_5mb": measure(port, ["/files/big.epub"] * downloads, concurrency=downloads, pid=server.pid),
            }
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, nargs="+", default=[3000, 50000])
    parser.add_argument("--source", help="a src folder to run booksmith from (an older commit, for before/after)")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--downloads", type=int, default=50)
    arguments = parser.parse_args()
    for books in arguments.books:
        print(json.dumps(run(books, arguments.source, arguments.feeds, arguments.downloads)), flush=True)


if __name__ == "__main__":
    main()
