"""The only resources WeasyPrint may load for a book: booksmith's own files and inline data.

An option value that reached the CSS once made WeasyPrint fetch a URL from the
network; escaping (render.css_string) stops that, and this fetcher makes sure no
stylesheet or text can make the PDF writer read the network or a file outside
booksmith's styles and data.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from booksmith.resources import data_path, styles_path


def allowed_roots() -> tuple[Path, ...]:
    return (data_path().resolve(), styles_path().resolve())


def is_allowed(url: str) -> bool:
    """True for data: URLs and file: URLs inside booksmith's data and styles folders."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    return any(path.is_relative_to(root) for root in allowed_roots())


def url_fetcher():
    """A WeasyPrint URL fetcher that refuses everything `is_allowed` does not allow."""
    from weasyprint.urls import URLFetcher

    class BookFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not is_allowed(url):
                raise ValueError(f"booksmith loads only its own files, not {url[:80]}")
            return super().fetch(url, headers)

    return BookFilesOnly(allowed_protocols=("file", "data"), allow_redirects=False)
