"""Builds of texts on request, cached on disk by everything they depend on, pruned least recently used first."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from booksmith.options import BuildOptions
from booksmith.serve.catalog import FOLDER_CONFIG, FORMATS

log = logging.getLogger("booksmith.serve")
DEFAULT_CACHE_BYTES = 1_000_000_000


class BuildCache:
    """Built books in one folder, named by a digest of the text, its sidecar, every booksmith.toml
    above it, the format, the options and booksmith's version; at most `limit` bytes in all."""

    def __init__(self, folder: Path, options: BuildOptions, limit: int = DEFAULT_CACHE_BYTES) -> None:
        self.folder = folder
        self.options = options
        self.limit = limit
        self._locks: dict[Path, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        # (file, size, mtime) of everything a digest read -> the digest: a text is hashed once per change.
        self._digests: dict[tuple, str] = {}

    def path_for(self, source: Path, fmt: str) -> Path:
        """Where the build of `source` as `fmt` is (or would be) cached."""
        return self.folder / f"{self._digest(source, fmt)}{FORMATS[fmt][0]}"

    def cached(self, source: Path, fmt: str) -> Path | None:
        target = self.path_for(source, fmt)
        return target if target.is_file() else None

    def build(self, source: Path, fmt: str, label: str) -> Path:
        """The build, made now unless cached; one build per book and format however many ask at once."""
        target = self.path_for(source, fmt)
        with self._locks_lock:
            lock = self._locks.setdefault(target, threading.Lock())
        with lock:
            if target.is_file():
                _touch(target)  # recently used: pruned last
                return target
            log.info("building %s as %s", label, fmt)
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self.folder, prefix=".build-") as work:
                from booksmith.pipeline import convert

                written = convert(source, Path(work), replace(self.options, formats=(fmt,)), stem="book")[0]
                written.replace(target)
        self.prune(keep=target)
        return target

    def prune(self, keep: Path | None = None) -> None:
        """Remove the least recently used builds until the cache holds at most `limit` bytes."""
        try:
            built = [(p.stat(), p) for p in self.folder.iterdir() if p.is_file() and not p.name.startswith(".")]
        except OSError:
            return
        total = sum(stat.st_size for stat, _ in built)
        for stat, path in sorted(built, key=lambda item: item[0].st_mtime):
            if total <= self.limit:
                break
            if path == keep:
                continue
            path.unlink(missing_ok=True)
            total -= stat.st_size
            log.info("cache: removed %s (least recently used)", path.name)

    def _digest(self, source: Path, fmt: str) -> str:
        from booksmith import __version__

        inputs = [source, source.with_suffix(".toml")]
        inputs += [folder / FOLDER_CONFIG for folder in source.resolve().parents]
        inputs += _cover_of(source)  # a per-book cover (STEM.jpg, or `cover =` in a .toml) changes the book
        stamps = tuple((str(p), *_stamp(p)) for p in inputs)
        memo = (stamps, fmt)
        if memo in self._digests:
            return self._digests[memo]
        digest = hashlib.sha256()
        for path, *stamp in stamps:
            if stamp[0] is not None:
                digest.update(path.encode("utf-8", "surrogateescape") + b"\0" + Path(path).read_bytes() + b"\0")
        digest.update(repr((fmt, self.options, __version__)).encode())
        self._digests[memo] = value = digest.hexdigest()[:32]
        return value


def _cover_of(source: Path) -> list[Path]:
    from booksmith.config import book_settings
    from booksmith.errors import BooksmithError

    try:
        cover = book_settings(source).cover
    except BooksmithError:
        return []  # the build says what is wrong with the settings
    return [cover] if cover is not None else []


def _stamp(path: Path) -> tuple[int | None, int | None]:
    try:
        stat = path.stat()
    except OSError:
        return None, None
    return stat.st_size, stat.st_mtime_ns


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)
