"""Scan a folder of books into catalog entries, reading EPUB metadata and covers as untrusted input."""

from __future__ import annotations

import functools
import logging
import os
import posixpath
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

log = logging.getLogger("booksmith.serve")

# Format -> (file ending, MIME type), in the order links are offered.
FORMATS = {
    "epub": (".epub", "application/epub+zip"),
    "kepub": (".kepub.epub", "application/kepub+zip"),
    "pdf": (".pdf", "application/pdf"),
}
# Books bigger than this inside a zip are not read for metadata (a zip bomb guard).
MAX_XML_BYTES = 2_000_000
MAX_COVER_BYTES = 20_000_000
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"


@dataclass(frozen=True)
class Cover:
    """Where an EPUB keeps its cover image."""

    epub: Path
    member: str
    media_type: str


@dataclass(frozen=True)
class Entry:
    """One book of the catalog: its metadata and the files (or the text) it can be had from."""

    # The book's path inside the folder without its ending, e.g. "tales/the-keeper".
    key: str
    title: str
    authors: tuple[str, ...] = ()
    series: str | None = None
    series_index: float | None = None
    language: str | None = None
    description: str | None = None
    # Seconds since the epoch the newest of its files changed.
    updated: float = 0.0
    # Format -> a built file of it inside the folder.
    files: dict[str, Path] = field(default_factory=dict)
    # The .txt source, built on request into the formats that have no file.
    source: Path | None = None
    cover: Cover | None = None


@dataclass(frozen=True)
class EpubInfo:
    """What the catalog reads from an EPUB's package document."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    series: str | None = None
    series_index: float | None = None
    language: str | None = None
    description: str | None = None
    cover: Cover | None = None


def ending_of(name: str) -> str | None:
    """The format of a file name, or None for files the catalog does not serve."""
    lowered = name.lower()
    for fmt, (suffix, _) in FORMATS.items():
        if fmt != "epub" and lowered.endswith(suffix):
            return fmt
    return "epub" if lowered.endswith(".epub") else None


class Catalog:
    """The books of one folder, rescanned when asked; file metadata is cached by size and mtime."""

    def __init__(self, root: Path, describe_text) -> None:
        self.root = root.resolve()
        # A function (Path -> EpubInfo) that reads a .txt's metadata; the server passes the pipeline's.
        self._describe_text = describe_text
        self._cache: dict[tuple[Path, int, int], EpubInfo] = {}
        self._lock = threading.Lock()

    def entries(self) -> list[Entry]:
        """Every book under the folder, sorted by title."""
        groups: dict[str, dict[str, Path]] = {}
        for path in self._files():
            relative = path.relative_to(self.root).as_posix()
            fmt = "txt" if relative.lower().endswith(".txt") else ending_of(relative)
            suffix = ".txt" if fmt == "txt" else FORMATS[fmt][0]
            groups.setdefault(relative[: -len(suffix)], {})[fmt] = path
        entries = [self._entry(key, files) for key, files in groups.items()]
        return sorted(entries, key=lambda e: (e.title.casefold(), e.key))

    def _files(self):
        """Regular files with a served ending, never following links out of the folder or into hidden ones."""
        for folder, subfolders, names in os.walk(self.root):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
            for name in sorted(names):
                if name.startswith(".") or not (name.lower().endswith(".txt") or ending_of(name)):
                    continue
                path = Path(folder) / name
                if inside(self.root, path) and path.is_file():
                    yield path

    def _entry(self, key: str, found: dict[str, Path]) -> Entry:
        source = found.pop("txt", None)
        described = next((self._info(found[f], read_epub) for f in ("epub", "kepub") if f in found), None)
        if described is None and source is not None:
            described = self._info(source, self._describe_text)
        described = described or EpubInfo()
        newest = max(path.stat().st_mtime for path in (*found.values(), *([source] if source else [])))
        return Entry(
            key=key,
            title=described.title or PurePosixPath(key).name,
            authors=described.authors,
            series=described.series,
            series_index=described.series_index,
            language=described.language,
            description=described.description,
            updated=newest,
            files=found,
            source=source,
            cover=described.cover,
        )

    def _info(self, path: Path, reader) -> EpubInfo:
        stat = path.stat()
        key = (path, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        try:
            info = reader(path)
        except Exception as error:  # an untrusted or broken file must not break the catalog
            log.warning("%s: metadata not read (%s)", path, error)
            info = EpubInfo()
        with self._lock:
            self._cache[key] = info
        return info


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, with every link followed, is inside `root` (a resolved folder)."""
    try:
        return path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):
        return False


def read_epub(path: Path) -> EpubInfo:
    """Title, authors, series, language and cover of an EPUB, parsed with entities forbidden."""
    with zipfile.ZipFile(path) as archive:
        container = _parse(_member(archive, "META-INF/container.xml", MAX_XML_BYTES))
        rootfile = container.find(f".//{{{CONTAINER}}}rootfile")
        if rootfile is None or not rootfile.get("full-path"):
            raise ValueError("no package document in META-INF/container.xml")
        opf_name = rootfile.get("full-path")
        package = _parse(_member(archive, opf_name, MAX_XML_BYTES))
        info = _package_info(package)
        cover = _cover(package, archive, path, posixpath.dirname(opf_name))
    return EpubInfo(**{**info, "cover": cover})


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ValueError(f"{name} is larger than {limit} bytes")
    return archive.read(info)


def _parse(data: bytes):
    # defusedxml refuses DTD entity declarations (so no external entities and no
    # "billion laughs" expansion); the EPUBs a server is given are untrusted files.
    from defusedxml import ElementTree

    return ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)


def _package_info(package) -> dict:
    metadata = package.find(f"{{{OPF}}}metadata")
    if metadata is None:
        return {}

    def texts(tag: str) -> list[str]:
        return [e.text.strip() for e in metadata.findall(f"{{{DC}}}{tag}") if e.text and e.text.strip()]

    metas = metadata.findall(f"{{{OPF}}}meta")
    named = {m.get("name"): m.get("content") for m in metas if m.get("name")}
    series, index = named.get("calibre:series"), named.get("calibre:series_index")
    collection = next((m for m in metas if m.get("property") == "belongs-to-collection" and m.text), None)
    if series is None and collection is not None:
        series = collection.text.strip()
        refines = f"#{collection.get('id')}"
        index = next(
            (m.text for m in metas if m.get("refines") == refines and m.get("property") == "group-position"), None
        )
    try:
        series_index = float(index) if index else None
    except ValueError:
        series_index = None
    return {
        "title": next(iter(texts("title")), None),
        "authors": tuple(texts("creator")),
        "series": series or None,
        "series_index": series_index,
        "language": next(iter(texts("language")), None),
        "description": next(iter(texts("description")), None),
    }


def _cover(package, archive: zipfile.ZipFile, path: Path, base: str) -> Cover | None:
    """The cover image: the EPUB 3 cover-image item, else the EPUB 2 `<meta name="cover">` one."""
    items = package.findall(f"{{{OPF}}}manifest/{{{OPF}}}item")
    item = next((i for i in items if "cover-image" in (i.get("properties") or "").split()), None)
    if item is None:
        meta = next((m for m in package.iter(f"{{{OPF}}}meta") if m.get("name") == "cover"), None)
        item = next((i for i in items if meta is not None and i.get("id") == meta.get("content")), None)
    if item is None or not (item.get("media-type") or "").startswith("image/") or not item.get("href"):
        return None
    member = posixpath.normpath(posixpath.join(base, unquote(item.get("href"))))
    try:
        size = archive.getinfo(member).file_size
    except KeyError:
        return None
    return Cover(path, member, item.get("media-type")) if size <= MAX_COVER_BYTES else None


def cover_bytes(cover: Cover) -> bytes:
    with zipfile.ZipFile(cover.epub) as archive:
        return _member(archive, cover.member, MAX_COVER_BYTES)


def thumbnail_bytes(cover: Cover, height: int = 240) -> bytes:
    """A JPEG of the cover at most `height` pixels high, for catalog lists."""
    return _thumbnail(cover, cover.epub.stat().st_mtime_ns, height)


@functools.lru_cache(maxsize=256)
def _thumbnail(cover: Cover, mtime_ns: int, height: int) -> bytes:
    """Cached by the EPUB's change time: a catalog page asks for every thumbnail again."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(cover_bytes(cover))) as image:
        image.thumbnail((height, height))
        output = io.BytesIO()
        image.convert("RGB").save(output, "JPEG", quality=85)
    return output.getvalue()
