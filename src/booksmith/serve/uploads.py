"""Texts dropped on the web page: kept only inside the cache, described as `inspect` does, built on request."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit

from booksmith.errors import BooksmithError
from booksmith.options import BuildOptions

log = logging.getLogger("booksmith.serve")
# Uploaded texts kept at once; the oldest go first.
KEPT_UPLOADS = 200
DIGEST = re.compile(r"[0-9a-f]{32}")


class UploadRefused(Exception):
    """An upload the server does not take: an HTTP status and the one-line reason shown to the user."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Uploads:
    """The uploads folder: one subfolder per text, named by the digest of its bytes."""

    max_files = 10

    def __init__(self, folder: Path, options: BuildOptions, limit: int) -> None:
        self.folder = folder
        self.options = options
        self.limit = limit

    def check_request(self, length: str | None, origin: str | None, request) -> None:
        """Refuse before reading: no or too big a Content-Length, or a form posted from another site."""
        if origin and urlsplit(origin).netloc not in (request.headers.get("host"), ""):
            raise UploadRefused(403, "uploads are taken only from this server's own page")
        if length is None or not length.isdigit():
            raise UploadRefused(411, "the upload has no length; send it from the page")
        if int(length) > self.limit * self.max_files:
            raise UploadRefused(413, f"the upload is larger than {self.limit // 1_000_000} MB; send a smaller file")

    def accept(self, name: str, data: bytes) -> dict:
        """Keep one uploaded text and describe it; refused (with the CLI's reasons) if it is not text."""
        from booksmith.report import describe

        shown = Path(name.replace("\\", "/")).name or "upload.txt"
        if len(data) > self.limit:
            raise UploadRefused(413, f"{shown}: is larger than {self.limit // 1_000_000} MB; send a smaller file")
        digest = hashlib.sha256(data).hexdigest()[:32]
        stem = re.sub(r"[^\w.\- ]", "_", Path(shown).stem).strip(" .") or "upload"
        folder = self.folder / digest
        folder.mkdir(parents=True, exist_ok=True)
        text = folder / f"{stem[:100]}.txt"
        if not text.exists():
            for old in folder.glob("*.txt"):
                old.unlink()
            text.write_bytes(data)
        try:
            report = describe(text, self.options)
        except BooksmithError as error:
            shutil.rmtree(folder, ignore_errors=True)
            # The CLI's reason, naming the file as the user knows it (never the cache's path).
            raise UploadRefused(422, str(error).replace(str(text), shown)) from None
        self._prune()
        stem = text.stem
        return {
            "name": shown,
            "title": report["title"],
            "authors": report["authors"],
            "language": report["language"],
            "words": report["words"],
            "encoding": report["encoding"],
            "paragraph_convention": report["paragraph_convention"],
            "scene_breaks": report["scene_breaks"],
            "chapters": [
                {k: chapter[k] for k in ("title", "kind", "words", "scene_breaks")} for chapter in report["chapters"]
            ],
            "warnings": report["warnings"],
            "digest": digest,
            "downloads": {
                fmt: f"/uploads/{digest}/{quote(stem)}{suffix}"
                for fmt, suffix in (("epub", ".epub"), ("kepub", ".kepub.epub"), ("pdf", ".pdf"))
            },
            "add": f"/uploads/{digest}/add",
        }

    def text(self, digest: str) -> Path | None:
        if not DIGEST.fullmatch(digest):
            return None
        found = sorted((self.folder / digest).glob("*.txt")) if (self.folder / digest).is_dir() else []
        return found[0] if found else None

    def add_to(self, source: Path, library) -> Path:
        """Copy an uploaded text into the library folder under a name not taken yet, and list it now."""
        target = library.root / source.name
        number = 2
        while target.exists() or target.with_suffix(".epub").exists():
            target = library.root / f"{source.stem}-{number}.txt"
            number += 1
        shutil.copyfile(source, target)
        log.info("added %s to the library", target.name)
        library.catalog.refresh([target])
        return target

    def _prune(self) -> None:
        kept = sorted(self.folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEPT_UPLOADS:]:
            shutil.rmtree(old, ignore_errors=True)
