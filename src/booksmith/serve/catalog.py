"""Scan a folder of books into catalog entries, reading EPUB metadata and covers as untrusted input."""

from __future__ import annotations

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


# How many of a catalog's derived views (sorted lists, groups) are kept per version.
SORTS = ("title", "author", "new")


class Catalog:
    """The books of one folder, held in memory: scanned once, then kept current by `refresh` (the watcher).

    Requests read `entries()` and `get()`, never the disk; derived views (sorted lists, groups) are
    computed once per change and shared by every request until the next one.
    """

    def __init__(self, root: Path, describe_text) -> None:
        self.root = root.resolve()
        # A function (Path -> EpubInfo) that reads a .txt's metadata; the server passes the pipeline's.
        self._describe_text = describe_text
        self._cache: dict[Path, tuple[tuple, EpubInfo]] = {}
        self._books: dict[str, Entry] = {}
        self._lock = threading.RLock()
        # Bumped on every change; views and ETags are keyed by it.
        self.version = 0
        self._views: dict[object, object] = {}
        self._scanned = False

    def scan(self) -> None:
        """Read the whole folder (once, at start)."""
        books = {key: self._entry(key, files) for key, files in self._groups(self._files(self.root)).items()}
        with self._lock:
            self._books = {key: entry for key, entry in books.items() if entry is not None}
            self._changed()
            self._scanned = True

    def refresh(self, paths) -> bool:
        """Bring the books of the changed `paths` (files or folders, present or gone) up to date."""
        keys: set[str] = set()
        subtrees: set[str] = set()
        for path in paths:
            path = Path(path)
            try:
                relative = path.relative_to(self.root).as_posix()
            except ValueError:
                continue
            if path.suffix.lower() == ".toml" and path.name != FOLDER_CONFIG:
                keys.add(relative[: -len(".toml")])  # a text's sidecar
            elif path.name == FOLDER_CONFIG or not _book_format(path.name):
                # A folder (added, removed or renamed) or a booksmith.toml: its whole subtree may change.
                subtrees.add(relative if path.name != FOLDER_CONFIG else posixpath.dirname(relative))
            else:
                keys.add(_key_of(relative))
        with self._lock:
            for subtree in subtrees:
                prefix = "" if subtree in ("", ".") else subtree + "/"
                keys.update(key for key in self._books if key.startswith(prefix) or key == subtree)
                folder = self.root / subtree
                if folder.is_dir():
                    keys.update(self._groups(self._files(folder)))
        if not keys:
            return False
        updated = {key: self._entry_from_disk(key) for key in keys}
        with self._lock:
            for key, entry in updated.items():
                if entry is None:
                    self._books.pop(key, None)
                else:
                    self._books[key] = entry
            self._changed()
        return True

    def _changed(self) -> None:
        self.version += 1
        self._views = {}

    def view(self, name: object, compute):
        """A derived view of the books, computed once per catalog version."""
        with self._lock:
            if name in self._views:
                return self._views[name]
            version, books = self.version, list(self._books.values())
        value = compute(books)
        with self._lock:
            if self.version == version:
                self._views[name] = value
        return value

    def entries(self, sort: str = "title") -> list[Entry]:
        """Every book, by title (default), by author, or newest first ("new")."""
        order = {
            "title": lambda e: (e.title.casefold(), e.key),
            "author": lambda e: (tuple(a.casefold() for a in e.authors) or ("\uffff",), e.title.casefold(), e.key),
            "new": lambda e: (-e.updated, e.title.casefold(), e.key),
        }[sort if sort in SORTS else "title"]
        return self.view(("sorted", sort), lambda books: sorted(books, key=order))

    def newest(self) -> float:
        """When the newest book changed (seconds since the epoch), for the feeds' <updated>."""
        return self.view("newest", lambda books: max((e.updated for e in books), default=0.0))

    def get(self, key: str) -> Entry | None:
        with self._lock:
            return self._books.get(key)

    def __len__(self) -> int:
        return len(self._books)

    def watch(self, stop, changed=lambda: None) -> None:
        """Follow changes to the folder until `stop` (a threading.Event) is set; run it in a thread.

        `changed` is called after each update (the library uses it to rebuild its views off the request path)."""
        import watchfiles

        # A short debounce so that a copied or renamed book shows within a second.
        for changes in watchfiles.watch(self.root, stop_event=stop, debounce=250, step=50, recursive=True):
            try:
                if self.refresh(path for _, path in changes):
                    changed()
            except Exception:  # the watcher must outlive one unreadable file
                log.exception("catalog update failed")

    def _entry_from_disk(self, key: str) -> Entry | None:
        folder = self.root / posixpath.dirname(key)
        stem = posixpath.basename(key)
        if not folder.is_dir() or not inside(self.root, folder):
            return None
        candidates = []
        for name in (stem + ".txt", *(stem + suffix for suffix, _ in FORMATS.values())):
            for path in (folder / name, *(folder / n for n in _case_variants(folder, name))):
                candidates.append(path)
        files = [path for path in dict.fromkeys(candidates) if self._served(path)]
        found = self._groups(files).get(key)
        return self._entry(key, found) if found else None

    def _groups(self, paths) -> dict[str, dict[str, Path]]:
        groups: dict[str, dict[str, Path]] = {}
        for path in paths:
            relative = path.relative_to(self.root).as_posix()
            groups.setdefault(_key_of(relative), {})[_book_format(relative)] = path
        return groups

    def _files(self, top: Path):
        """Regular files with a served ending, never following links out of the folder or into hidden ones."""
        for folder, subfolders, names in os.walk(top):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
            for name in sorted(names):
                path = Path(folder) / name
                if self._served(path):
                    yield path

    def _served(self, path: Path) -> bool:
        name = path.name
        if name.startswith(".") or not _book_format(name):
            return False
        if not _utf8(path):
            log.warning("%r: skipped, its name is not UTF-8; rename it", os.fsencode(path))
            return False
        hidden = any(part.startswith(".") for part in path.relative_to(self.root).parts)
        return not hidden and inside(self.root, path) and path.is_file()

    def _entry(self, key: str, found: dict[str, Path]) -> Entry | None:
        found = dict(found)
        source = found.pop("txt", None)
        try:
            newest = max(path.stat().st_mtime for path in (*found.values(), *([source] if source else [])))
        except OSError:  # removed while being read; the watcher reports it next
            return None
        described = next((self._info(found[f], read_epub) for f in ("epub", "kepub") if f in found), None)
        if described is None and source is not None:
            described = self._info(source, self._describe_text)
        described = described or EpubInfo()
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
        try:
            stat = path.stat()
        except OSError:
            return EpubInfo()
        # A text's metadata also depends on its sidecar and booksmith.toml files: their times join the key.
        extra = _config_stamps(path) if path.suffix.lower() == ".txt" else ()
        key = (stat.st_size, stat.st_mtime_ns, extra)
        with self._lock:
            known = self._cache.get(path)
            if known is not None and known[0] == key:
                return known[1]
        try:
            info = reader(path)
        except Exception as error:  # an untrusted or broken file must not break the catalog
            log.warning("%s: metadata not read (%s)", path, error)
            info = EpubInfo()
        with self._lock:
            self._cache[path] = (key, info)  # one per file: a changed file replaces its old entry
        return info


FOLDER_CONFIG = "booksmith.toml"


def _book_format(name: str) -> str | None:
    return "txt" if name.lower().endswith(".txt") else ending_of(name)


def _key_of(relative: str) -> str:
    fmt = _book_format(relative)
    suffix = ".txt" if fmt == "txt" else FORMATS[fmt][0]
    return relative[: -len(suffix)]


def _case_variants(folder: Path, name: str) -> list[str]:
    """Names in `folder` equal to `name` but for case (Book.EPUB for book.epub), cheaply: only when asked."""
    try:
        return [n for n in os.listdir(folder) if n.lower() == name.lower() and n != name]
    except OSError:
        return []


def _utf8(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _config_stamps(text: Path) -> tuple:
    """(path, mtime) of the text's sidecar and every booksmith.toml above it: what its metadata reads."""
    stamps = []
    for candidate in (text.with_suffix(".toml"), *(folder / FOLDER_CONFIG for folder in text.parents)):
        try:
            stamps.append((str(candidate), candidate.stat().st_mtime_ns))
        except OSError:
            continue
    return tuple(stamps)


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
