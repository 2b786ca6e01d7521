"""Run the application with uvicorn on a socket bound here, so that a taken port or bad TLS files are one line."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from booksmith.errors import BooksmithError

# Seconds an idle keep-alive connection is kept; slow or idle clients cost a coroutine, not a thread.
KEEP_ALIVE_SECONDS = 30
# Bytes of request line and headers h11 buffers before answering 400 (long URLs and headers).
MAX_HEADER_BYTES = 32 * 1024


@dataclass(frozen=True)
class Tls:
    cert: Path
    key: Path


def check_tls(tls: Tls) -> None:
    """Load the certificate and key now, so that a bad pair stops the start with one line."""
    for path, what in ((tls.cert, "--tls-cert"), (tls.key, "--tls-key")):
        if not path.is_file():
            raise BooksmithError(f"{path}: no such file; give {what} an existing PEM file")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(tls.cert, tls.key)
    except (ssl.SSLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error.__class__.__name__
        raise BooksmithError(
            f"{tls.cert}: the certificate and key do not load ({reason}); give a PEM certificate and its private key"
        ) from None


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0 picks a free one)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise BooksmithError(
            f"cannot listen on {host} ({error.strerror}); give --host an address of this computer"
        ) from None
    family, kind, protocol, _, address = infos[0]
    listener = socket.socket(family, kind, protocol)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(2048)
    except OSError as error:
        listener.close()
        reason = error.strerror or error
        raise BooksmithError(f"cannot listen on {host}:{port} ({reason}); choose another --port") from None
    listener.set_inheritable(True)
    return listener


def make_server(app, listener: socket.socket, tls: Tls | None = None):
    """A uvicorn server for `app` on `listener`; run it with `server.run(sockets=[listener])`."""
    import uvicorn

    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,  # the app logs each request itself, with control characters escaped
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        http="h11",
        lifespan="off",
        ssl_certfile=str(tls.cert) if tls else None,
        ssl_keyfile=str(tls.key) if tls else None,
    )
    return uvicorn.Server(config)
