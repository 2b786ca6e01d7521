"""`booksmith serve`: share a folder of books with e-readers as an OPDS catalog and a web page."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from booksmith.cli import common as c

PASSWORD_ENV = "BOOKSMITH_SERVE_PASSWORD"


def serve(
    directory: Annotated[Path, typer.Argument(help="Folder of books (.epub, .kepub.epub, .pdf, .txt).")],
    host: Annotated[str, typer.Option("--host", help="Address to listen on; anything but 127.0.0.1 is public.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
    auth: Annotated[
        str | None,
        typer.Option("--auth", help=f"Require this user name and the password in ${PASSWORD_ENV} (HTTP basic)."),
    ] = None,
    page_size: c.PageSize = "ereader",
    theme: c.Theme = "classic",
    debug: c.Debug = False,
) -> None:
    """Serve DIR at /opds (OPDS catalog) and / (a page for e-reader browsers); .txt files are built on request."""
    import platformdirs

    from booksmith.cli.options import build_options
    from booksmith.serve import Credentials, Library, make_server

    if not directory.is_dir():
        raise c.fail(f"{directory}: is not a folder; give the folder of books to serve")
    credentials = None
    if auth:
        password = os.environ.get(PASSWORD_ENV)
        if not password:
            raise c.fail(f"--auth {auth} needs the password in the environment variable {PASSWORD_ENV}")
        credentials = Credentials(auth, password)
    if host not in ("127.0.0.1", "localhost", "::1"):
        c.warn(
            f"serving on {host}: anyone who can reach this address can download the books"
            + ("" if credentials else "; add --auth USER to ask for a password")
        )
    options = build_options(
        {"formats": "epub", "theme": theme, "page_size": page_size}, timestamp=c.source_date_epoch()
    )
    cache = Path(platformdirs.user_cache_dir("booksmith")) / "serve"
    server = c.guarded(lambda: make_server(Library(directory, cache, options), host, port, credentials), debug=debug)
    _log_requests()
    bound_host, bound_port = server.server_address[:2]
    typer.echo(f"Serving {directory} at http://{bound_host}:{bound_port}/ (OPDS: /opds); Ctrl+C stops", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _log_requests() -> None:
    """Print the server's request log on stderr (and nothing of the libraries it calls)."""
    log = logging.getLogger("booksmith.serve")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
