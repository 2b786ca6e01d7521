"""Serve a folder of books over HTTP: OPDS 1.2 and 2.0 catalogs and a web page, on Starlette and uvicorn.

Split by concern: catalog (the books in memory, kept current), covers, cache (builds on request),
opds and opds2 (feeds), web (the page; templates in data/serve), uploads, app (routes), server (uvicorn).
"""

from __future__ import annotations

from booksmith.serve.app import Credentials, create_app
from booksmith.serve.library import Library
from booksmith.serve.server import Tls, bind, check_tls, make_server

__all__ = ["Credentials", "Library", "Tls", "bind", "check_tls", "create_app", "make_server"]
