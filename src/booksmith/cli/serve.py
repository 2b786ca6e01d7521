"""`booksmith serve`: share a folder of books with e-readers as OPDS catalogs and a web page."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Annotated

import typer

from booksmith.cli import common as c

PASSWORD_ENV = "BOOKSMITH_SERVE_PASSWORD"
SIZE = re.compile(r"(?i)\s*([0-9]+(?:\.[0-9]+)?)\s*([kmg]?)b?\s*")


def serve(
    directory: Annotated[Path, typer.Argument(help="Folder of books (.epub, .kepub.epub, .pdf, .txt).")],
    host: Annotated[str, typer.Option("--host", help="Address to listen on; anything but 127.0.0.1 is public.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
    auth: Annotated[
        str | None,
        typer.Option(
            "--auth", metavar="USER", help=f"Require this user name and the password in ${PASSWORD_ENV} (HTTP basic)."
        ),
    ] = None,
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", metavar="FILE", help="PEM certificate: serve HTTPS.")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option("--tls-key", metavar="FILE", help="PEM private key of --tls-cert.")
    ] = None,
    cache_size: Annotated[
        str,
        typer.Option(
            "--cache-size",
            metavar="SIZE",
            help="Disk for books built from texts (e.g. 500M, 2G); oldest used go first.",
        ),
    ] = "1G",
    allow_upload: Annotated[
        bool, typer.Option("--allow-upload", help="Let texts dropped on the web page be added to DIR.")
    ] = False,
    page_size: c.PageSize = "ereader",
    theme: c.Theme = "classic",
    debug: c.Debug = False,
) -> None:
    """Serve DIR at /opds (OPDS 1.2), /opds/v2 (OPDS 2.0) and / (a web page); .txt files are built on request."""
    import platformdirs

    from booksmith import serve as server
    from booksmith.cli.options import build_options

    if not directory.is_dir():
        raise c.fail(f"{directory}: is not a folder; give the folder of books to serve")
    credentials = None
    if auth:
        password = os.environ.get(PASSWORD_ENV)
        if not password:
            raise c.fail(f"--auth {auth} needs the password in the environment variable {PASSWORD_ENV}")
        credentials = server.Credentials(auth, password)
    limit = _bytes(cache_size)
    if (tls_cert is None) != (tls_key is None):
        raise c.fail("--tls-cert and --tls-key go together; give both PEM files")
    tls = server.Tls(tls_cert, tls_key) if tls_cert and tls_key else None
    if tls:
        c.guarded(lambda: server.check_tls(tls), debug=debug)
    if host not in ("127.0.0.1", "localhost", "::1"):
        c.warn(
            f"serving on {host}: anyone who can reach this address can download the books"
            + ("" if credentials else "; add --auth USER to ask for a password")
            + ("" if tls else "; add --tls-cert and --tls-key beyond your own network")
        )
    listener = c.guarded(lambda: server.bind(host, port), debug=debug)
    options = build_options(
        {"formats": "epub", "theme": theme, "page_size": page_size}, timestamp=c.source_date_epoch()
    )
    cache = Path(platformdirs.user_cache_dir("booksmith")) / "serve"
    library = server.Library(directory, cache, options, cache_size=limit)
    _log_requests()
    typer.echo(f"Reading {directory}…", err=True)
    library.scan()
    library.start_watching()
    bound_host, bound_port = listener.getsockname()[:2]
    scheme = "https" if tls else "http"
    typer.echo(
        f"Serving {len(library.catalog)} books from {directory} at {scheme}://{bound_host}:{bound_port}/ "
        "(OPDS: /opds, /opds/v2); Ctrl+C stops",
        err=True,
    )
    app = server.create_app(library, credentials, allow_upload=allow_upload)
    try:
        server.make_server(app, listener, tls).run(sockets=[listener])
    except KeyboardInterrupt:
        pass
    finally:
        library.stop_watching()
        listener.close()


def _bytes(text: str) -> int:
    match = SIZE.fullmatch(text)
    if not match:
        raise c.fail(f"--cache-size {text}: not a size; write it like 500M or 2G")
    number, unit = float(match.group(1)), match.group(2).lower()
    return int(number * {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}[unit])


def _log_requests() -> None:
    """Print the server's request log on stderr (and nothing of the libraries it calls)."""
    log = logging.getLogger("booksmith.serve")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
