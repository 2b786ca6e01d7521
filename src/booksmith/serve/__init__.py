"""Serve a folder of books over HTTP as an OPDS catalog and an e-reader web page."""

from __future__ import annotations

from booksmith.serve.server import BookServer, Credentials, Library

__all__ = ["BookServer", "Credentials", "Library", "make_server"]


def make_server(library: Library, host: str = "127.0.0.1", port: int = 8080, credentials: Credentials | None = None):
    """A server for `library` bound to host:port (port 0 picks a free one); call serve_forever() on it."""
    from booksmith.errors import BooksmithError

    try:
        return BookServer((host, port), library, credentials)
    except OSError as error:
        reason = error.strerror or error
        raise BooksmithError(f"cannot listen on {host}:{port} ({reason}); choose another --port") from None
