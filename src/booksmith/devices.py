"""Find mounted e-readers and copy a book onto one, in the format that reader wants."""

from __future__ import annotations

import os
import shutil
import string
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from booksmith.errors import DeviceError, InputError, located

if TYPE_CHECKING:
    from booksmith.options import BuildOptions

# Device kind -> the format booksmith sends it (the Kindle's may become "azw3").
FORMAT_FOR = {"kobo": "kepub", "kindle": "pdf", "pocketbook": "epub", "tolino": "epub", "koreader": "epub"}
# File endings each kind of reader opens, best first, for books that are already built.
READS = {
    "kobo": (".kepub.epub", ".epub", ".pdf"),
    "kindle": (".azw3", ".pdf"),
    "pocketbook": (".epub", ".pdf"),
    "tolino": (".epub", ".pdf"),
    "koreader": (".epub", ".pdf"),
}
SUFFIX = {"kepub": ".kepub.epub", "epub": ".epub", "pdf": ".pdf", "azw3": ".azw3"}


@dataclass(frozen=True)
class Device:
    """A mounted e-reader: what it is and where its books go."""

    # One of FORMAT_FOR's keys.
    kind: str
    # The mount point.
    root: Path
    # The folder books are copied into.
    books_dir: Path
    # The model as the device reports it, if it does (Kobo: the product id from .kobo/version).
    model: str | None = None
    # The firmware version, if the device reports it.
    firmware: str | None = None

    @property
    def label(self) -> str:
        name = {"koreader": "KOReader", "pocketbook": "PocketBook"}.get(self.kind, self.kind.capitalize())
        parts = (self.model and f"model {self.model}", self.firmware and f"firmware {self.firmware}")
        details = ", ".join(part for part in parts if part)
        return f"{name} ({details})" if details else name


@dataclass(frozen=True)
class Copied:
    """A book copied onto a device."""

    path: Path
    # Bytes still free on the device after the copy.
    free: int
    # False when the same book was already there under that name (nothing was copied).
    new: bool = True


def search_roots(platform: str = sys.platform, top: Path = Path("/")) -> list[Path]:
    """The mount points of removable volumes on this platform (`top` stands for / in tests)."""
    if platform.startswith("win"):
        return [Path(f"{letter}:\\") for letter in string.ascii_uppercase[3:]]  # D: onwards; C: is the system
    if platform == "darwin":
        return _children([top / "Volumes"])
    # Linux: /media/USER/LABEL and /run/media/USER/LABEL (udisks), or /mnt/LABEL mounted by hand.
    media = _children([top / "media", top / "run" / "media"])
    return [*_children(media), *_children([top / "mnt"])]


def _children(folders: Iterable[Path]) -> list[Path]:
    found = []
    for folder in folders:
        try:
            found.extend(sorted(child for child in folder.iterdir() if child.is_dir()))
        except OSError:
            continue
    return found


def find_devices(roots: Iterable[Path]) -> list[Device]:
    """Every e-reader among `roots` (mount points), in the order given."""
    return [device for device in map(identify, roots) if device is not None]


def identify(root: Path) -> Device | None:
    """The e-reader mounted at `root`, or None if the folder does not look like one."""
    try:
        if (root / ".kobo").is_dir():
            model, firmware = _kobo_version(root / ".kobo" / "version")
            return Device("kobo", root, root, model, firmware)
        if (root / "documents").is_dir() and (root / "system").is_dir():
            return Device("kindle", root, root / "documents")
        if (root / "koreader").is_dir() or (root / ".adds" / "koreader").is_dir():
            return Device("koreader", root, _books_folder(root))
        if (root / "system" / "config" / "books.db").exists() or (root / "system" / "profiles").is_dir():
            return Device("pocketbook", root, _books_folder(root))
        if (root / ".tolino").is_dir() or (root / "Android" / "data" / "de.telekom.epub").is_dir():
            return Device("tolino", root, _books_folder(root))
    except OSError:
        return None
    return None


def _kobo_version(path: Path) -> tuple[str | None, str | None]:
    """Model and firmware from .kobo/version: `serial,kernel,firmware,…,…,model-id`."""
    try:
        fields = path.read_text(encoding="ascii", errors="replace").strip().split(",")
    except OSError:
        return None, None
    firmware = fields[2].strip() if len(fields) > 2 and fields[2].strip() else None
    model = fields[-1].rsplit("-", 1)[-1].lstrip("0") if len(fields) > 5 else None
    return model or None, firmware


def _books_folder(root: Path) -> Path:
    for name in ("books", "Books"):
        if (root / name).is_dir():
            return root / name
    return root


def free_space(device: Device) -> int | None:
    """Bytes free on the device, or None if it cannot be asked (unmounted meanwhile)."""
    try:
        return shutil.disk_usage(device.root).free
    except OSError:
        return None


def device_at(path: Path) -> Device:
    """The device at `--to PATH`: identified if possible, else treated as a plain EPUB reader folder."""
    if not path.is_dir():
        raise DeviceError(located(path, "is not a folder; give the mount point of the e-reader"))
    return identify(path) or Device("koreader", path, _books_folder(path))


def ebook_convert() -> str | None:
    """calibre's ebook-convert program, if it is installed."""
    return shutil.which("ebook-convert")


def to_azw3(epub: Path, converter: str) -> Path:
    """Convert an EPUB to AZW3 beside it with calibre's ebook-convert."""
    target = epub.with_suffix(".azw3")
    try:
        subprocess.run([converter, str(epub), str(target)], check=True, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as error:
        raise DeviceError(located(epub, f"ebook-convert failed ({error}); send the PDF with --no-calibre")) from None
    if not target.is_file():
        raise DeviceError(located(epub, "ebook-convert wrote no AZW3; send the PDF with --no-calibre"))
    return target


def copy_book(book: Path, device: Device, name: str | None = None) -> Copied:
    """Copy `book` into the device's books folder under a temporary name, then rename it.

    An identical file already there is kept as it is; a different book of the same
    name is never overwritten: the copy gets a numeric suffix instead.
    """
    folder = device.books_dir
    # A `books` folder that is a link elsewhere would take the copy off the device.
    if not folder.resolve().is_relative_to(device.root.resolve()):
        raise DeviceError(
            located(folder, f"leads outside the device (to {folder.resolve()}); remove that link or pass --to")
        )
    name = name or book.name
    size = book.stat().st_size
    try:
        folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as error:
        reason = error.strerror or error
        raise DeviceError(located(folder, f"cannot be written ({reason}); is the device mounted?")) from None
    target = _free_name(folder, name, book)
    if target.exists():  # the same bytes are already there
        return Copied(target, free, new=False)
    if size > free:
        raise DeviceError(
            located(
                device.root,
                f"not enough space for {book.name} ({_megabytes(size)} needed, {_megabytes(free)} free); "
                "delete books from the device first",
            )
        )
    temporary = None
    try:
        # A hidden name: readers skip dot files, so an interrupted copy is never listed as a book.
        handle, temporary = tempfile.mkstemp(prefix=".booksmith-", suffix=".part", dir=folder)
        os.close(handle)
        shutil.copyfile(book, temporary)
        os.replace(temporary, target)  # atomic within one folder
    except BaseException as error:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        raise DeviceError(
            located(target, f"could not be copied ({error.strerror or error}); check the device's free space")
        ) from None
    return Copied(target, shutil.disk_usage(folder).free)


def _free_name(folder: Path, name: str, book: Path) -> Path:
    """`name` in `folder`, or `name` with -2, -3… when a different file already has it."""
    stem, suffix = _split(name)
    candidate, number = folder / name, 2
    while candidate.exists() and not _same_bytes(candidate, book):
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def _split(name: str) -> tuple[str, str]:
    for ending in (".kepub.epub", *SUFFIX.values()):
        if name.endswith(ending):
            return name[: -len(ending)], ending
    stem, dot, suffix = name.rpartition(".")
    return (stem, dot + suffix) if stem else (name, "")


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as left, b.open("rb") as right:
        return all(x == y for x, y in zip(_chunks(left), _chunks(right), strict=False))


def _chunks(handle) -> Iterator[bytes]:
    while chunk := handle.read(1 << 20):
        yield chunk


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def built_format(book: Path, device: Device) -> str | None:
    """The ending of an already built book if `device` reads it, else None."""
    return next((ending for ending in READS[device.kind] if book.name.endswith(ending)), None)


@dataclass(frozen=True)
class Prepared:
    """The file to put on a device, and why that format was chosen."""

    path: Path
    reason: str
    # Warnings met while building it from a text.
    warnings: tuple[str, ...] = ()


def prepare(
    source: Path, device: Device, options: BuildOptions, workdir: Path, converter: str | None = None, *, strict=False
) -> Prepared:
    """The book to send to `device`: a .txt source is built in its format, a built book is checked.

    `options` are the BuildOptions of the command line; `converter` is calibre's
    ebook-convert (Kindles then get AZW3 instead of PDF).
    """
    if source.suffix.lower() != ".txt":
        return _prepared_built(source, device, workdir, converter)
    kind = device.kind
    if kind == "kindle" and converter:
        epub, warnings = build_book(source, options, workdir, "epub", strict=strict)
        reason = "AZW3 made with calibre's ebook-convert (Kindles do not open EPUB)"
        return Prepared(to_azw3(epub, converter), reason, warnings)
    if kind == "kindle":
        ereader = replace(options, render=replace(options.render, page_size="ereader"))
        pdf, warnings = build_book(source, ereader, workdir, "pdf", strict=strict)
        return Prepared(pdf, KINDLE_PDF_REASON, warnings)
    fmt = FORMAT_FOR[kind]
    book, warnings = build_book(source, options, workdir, fmt, strict=strict)
    return Prepared(book, "KEPUB, Kobo's own flavour of EPUB" if fmt == "kepub" else "EPUB", warnings)


def build_book(
    source: Path, options: BuildOptions, workdir: Path, fmt: str, *, strict: bool = False
) -> tuple[Path, tuple[str, ...]]:
    """Build a text in one format into `workdir`; returns the book and the warnings met on the way."""
    from booksmith.pipeline import load, write_books

    loaded = load(source, options)
    if strict and loaded.warnings:
        raise InputError(
            located(source, f"{len(loaded.warnings)} warning(s) and --strict is set; fix the text or drop --strict")
        )
    return write_books(loaded, source, workdir, replace(options, formats=(fmt,)))[0], loaded.warnings


KINDLE_PDF_REASON = (
    "PDF sized for e-readers: Kindles do not open EPUB over USB and calibre's ebook-convert (for AZW3) "
    "is not installed; for a reflowable book, e-mail the EPUB with --to kindle:NAME@kindle.com"
)


def _prepared_built(source: Path, device: Device, workdir: Path, converter: str | None) -> Prepared:
    if not source.is_file():
        raise DeviceError(located(source, "does not exist; give a .txt or a built book"))
    ending = built_format(source, device)
    if ending is None and device.kind == "kindle" and converter and source.name.endswith(".epub"):
        copy = workdir / source.name
        shutil.copyfile(source, copy)
        return Prepared(to_azw3(copy, converter), "AZW3 made with calibre's ebook-convert (Kindles do not open EPUB)")
    if ending is None:
        hint = (
            "; e-mail an EPUB with --to kindle:NAME@kindle.com, or send the .txt for a PDF"
            if device.kind == "kindle"
            else "; send the .txt instead"
        )
        readable = ", ".join(READS[device.kind])
        raise DeviceError(located(source, f"is not a format a {device.label} reads ({readable}){hint}"))
    if device.kind == "kobo" and ending != ".kepub.epub":
        return Prepared(source, f"{ending[1:].upper()} as given (send the .txt to get a KEPUB)")
    return Prepared(source, f"{ending[1:].upper()} as given")
