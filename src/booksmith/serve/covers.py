"""Covers and thumbnails of catalog entries: an EPUB's own image, or the generated cover of a text."""

from __future__ import annotations

import io
import logging
import threading
from collections import OrderedDict

from booksmith.serve.catalog import Entry, cover_bytes

log = logging.getLogger("booksmith.serve")
# Thumbnails are this many pixels high at most: what OPDS clients and the web page show in lists.
THUMBNAIL_HEIGHT = 240
# Decoded pixels a cover may have before it is thumbnailed (a 12000×7400 cover is 89 million,
# half a gigabyte decoded); JPEGs are decoded at a reduced scale first, so only other formats hit it.
MAX_PIXELS = 30_000_000
# Images kept in memory (covers of texts and thumbnails): a catalog page asks for every thumbnail again.
CACHED_IMAGES = 2048


class Covers:
    """The cover and thumbnail of a book, made once per version of the book and kept in an LRU cache."""

    def __init__(self, theme: str = "classic") -> None:
        self.theme = theme
        self._made: OrderedDict[tuple, tuple[bytes, str] | None] = OrderedDict()
        self._lock = threading.Lock()

    def cover(self, entry: Entry) -> tuple[bytes, str] | None:
        """(image, MIME type): the EPUB's cover, or for a text the cover its build would get."""
        return self._cached(("cover", entry.key, entry.updated), lambda: self._cover(entry))

    def thumbnail(self, entry: Entry) -> tuple[bytes, str] | None:
        """A JPEG of the cover at most THUMBNAIL_HEIGHT pixels high, or None if the cover is unusable."""
        return self._cached(("thumbnail", entry.key, entry.updated), lambda: self._thumbnail(entry))

    def has_cover(self, entry: Entry) -> bool:
        return entry.cover is not None or entry.source is not None

    def _cached(self, key: tuple, make):
        with self._lock:
            if key in self._made:
                self._made.move_to_end(key)
                return self._made[key]
        try:
            made = make()
        except Exception as error:  # a broken or hostile image means no cover, not a failed request
            log.warning("cover of %s not made (%s)", key[1], error)
            made = None
        with self._lock:
            self._made[key] = made
            while len(self._made) > CACHED_IMAGES:
                self._made.popitem(last=False)
        return made

    def _cover(self, entry: Entry) -> tuple[bytes, str] | None:
        if entry.cover is not None:
            return cover_bytes(entry.cover), entry.cover.media_type
        if entry.source is None:
            return None
        from booksmith.cover import generated_cover
        from booksmith.model import Metadata

        metadata = Metadata(
            title=entry.title, authors=entry.authors, series=entry.series, series_index=entry.series_index
        )
        return generated_cover(metadata, self.theme), "image/jpeg"

    def _thumbnail(self, entry: Entry) -> tuple[bytes, str] | None:
        from PIL import Image

        cover = self.cover(entry)
        if cover is None:
            return None
        with Image.open(io.BytesIO(cover[0])) as image:
            box = (THUMBNAIL_HEIGHT, THUMBNAIL_HEIGHT)
            if image.format == "JPEG":
                image.draft("RGB", box)  # decode at 1/2, 1/4 or 1/8 scale: cheap and bounded
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValueError(f"cover is {width}×{height} pixels, more than {MAX_PIXELS:,}")
            image.thumbnail(box)
            output = io.BytesIO()
            image.convert("RGB").save(output, "JPEG", quality=85)
        return output.getvalue(), "image/jpeg"
