"""`booksmith serve` over real HTTP: uvicorn on a free port, raw requests a client library would tidy up,
hostile clients, load, TLS, and the command's one-line errors."""

from __future__ import annotations

import logging
import os
import socket
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from serving import Running, make_library

from booksmith.serve import Library, Tls, create_app


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory) -> Path:
    return make_library(tmp_path_factory.mktemp("http"))


@pytest.fixture(scope="module")
def server(library_dir, tmp_path_factory):
    library = Library(library_dir, tmp_path_factory.mktemp("cache"))
    library.scan()
    running = Running(create_app(library))
    yield running
    running.stop()


def exchange(server: Running, raw: bytes, wait: float = 5.0) -> bytes:
    """Send raw bytes on one connection and read until the server closes it (or `wait` passes)."""
    with socket.create_connection((server.host, server.port), timeout=wait) as connection:
        connection.sendall(raw)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received


TRAVERSALS = [
    "/files/../secret.epub",
    "/files/%2e%2e/secret.epub",
    "/files/%2E%2E%2Fsecret.epub",
    "/files/tales/../../secret.epub",
    "/files/tales/%2e%2e/%2e%2e/secret.epub",
    "/files/..%2f..%2fsecret.epub",
    "/files/%252e%252e/secret.epub",
    "/files//etc/passwd",
    "/files/%2Fetc%2Fpasswd",
    "/files/C:%5Cwindows%5Cwin.ini",
    "/files/..%5csecret.epub",
    "/files/escape.epub",
    "/files/escape.txt",
    "/files/.hidden.epub",
    "/files/tales",
    "/files/",
    "/files/lamplighter.txt",
    "/files/tales/net-mender.epub%00.txt",
    "/build/escape.epub",
    "/build/../secret.epub",
    "/build/%2e%2e/secret.epub",
    "/build/..%2fsecret.epub",
    "/build//tmp/secret.epub",
    "/cover/../secret",
    "/cover/escape",
    "/thumbnail/%2e%2e/secret",
    "/thumbnail/escape",
    "/book/../secret",
    "/book/escape",
    "/../../etc/passwd",
    "/opds/../../secret.epub",
    "/opds/authors/..%2F..%2Fsecret",
    "/static/..%2Fapp.py",
    "/uploads/../../secret.txt/x.epub",
    "/uploads/0000000000000000000000000000000g/x.epub",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_outside_the_folder_are_not_found(server, path):
    status, _, body = server.get(path)
    assert status in (400, 404) and b"SECRET" not in body


def test_links_out_of_the_folder_are_not_listed(server):
    _, _, body = server.get("/opds/all")
    assert b"escape" not in body and b"hidden" not in body


def test_no_response_shows_a_path_or_a_traceback(server, library_dir):
    paths = [*TRAVERSALS, "/", "/opds/all?page=%C2%B2", "/opds/search?q=%00", "/build/lamplighter.pdf.epub", "/x"]
    for path in paths:
        _, _, body = server.get(path)
        assert str(library_dir).encode() not in body and b"Traceback" not in body and b"site-packages" not in body


def test_long_urls_and_headers_get_a_clean_4xx(server):
    status, _, _ = server.get("/opds/search?q=" + "a" * 100_000)
    assert 400 <= status < 500
    status, _, _ = server.get("/opds", headers={"X-Long": "b" * 100_000})
    assert 400 <= status < 500
    status, _, _ = server.get("/opds", headers={f"X-Many-{n}": "c" * 200 for n in range(400)})
    assert 400 <= status < 500
    assert server.get("/opds")[0] == 200  # and the server carries on


def test_a_get_with_a_body_is_one_request(server):
    smuggled = b"GET /files/tales/net-mender.pdf HTTP/1.1\r\nHost: x\r\n\r\n"
    raw = b"GET /opds HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
    answer = exchange(server, raw + smuggled)
    assert answer.count(b"HTTP/1.1 ") == 1 and answer.startswith(b"HTTP/1.1 200")


def test_duplicate_content_lengths_are_refused(server):
    raw = b"GET /opds HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello"
    assert exchange(server, raw).startswith(b"HTTP/1.1 400")


def test_escape_codes_in_a_request_never_reach_the_log_raw(server, caplog):
    with caplog.at_level(logging.INFO):
        exchange(server, b"GET /opds\x1b[2J\x1b]0;owned\x07 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        server.get("/opds/search?q=%1B%5B2J")
        time.sleep(0.2)
    assert caplog.records and not any("\x1b" in record.getMessage() for record in caplog.records)


def test_requests_are_logged(server, caplog):
    with caplog.at_level(logging.INFO, logger="booksmith.serve"):
        server.get("/opds")
        deadline = time.monotonic() + 5  # the line is written once the response has gone
        while not any('"GET /opds HTTP/1.1" 200' in r.getMessage() for r in caplog.records):
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
    assert any('"GET /opds HTTP/1.1" 200' in record.getMessage() for record in caplog.records)


def test_slow_clients_do_not_block_others(server):
    """70 connections trickling their headers (the slowloris attack) while someone else is served."""
    trickling = []
    try:
        for _ in range(70):
            connection = socket.create_connection((server.host, server.port), timeout=5)
            connection.sendall(b"GET /opds HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            trickling.append(connection)
        for connection in trickling[:10]:
            connection.sendall(b"a")
        status, _, body = server.get("/opds/all")
        assert status == 200 and b"The Net Mender" in body
    finally:
        for connection in trickling:
            connection.close()


def test_concurrent_feeds_and_downloads(server, library_dir):
    expected = (library_dir / "tales" / "net-mender.epub").read_bytes()
    with ThreadPoolExecutor(max_workers=50) as pool:
        feeds = list(pool.map(lambda _: server.get("/opds/all"), range(200)))
        downloads = list(pool.map(lambda _: server.get("/files/tales/net-mender.epub"), range(50)))
    assert all(status == 200 and b"The Net Mender" in body for status, _, body in feeds)
    assert all(status == 200 and body == expected for status, _, body in downloads)


def test_a_resumed_download_gets_the_rest(server, library_dir):
    whole = (library_dir / "tales" / "net-mender.epub").read_bytes()
    status, headers, body = server.get("/files/tales/net-mender.epub", {"Range": f"bytes={len(whole) - 100}-"})
    assert status == 206 and body == whole[-100:] and headers["content-length"] == "100"
    status, _, _ = server.get("/files/tales/net-mender.epub", {"Range": f"bytes={len(whole) + 5}-"})
    assert status == 416


def test_simultaneous_requests_for_a_build_build_it_once(library_dir, tmp_path, caplog):
    library = Library(library_dir, tmp_path / "cache")
    library.scan()
    running = Running(create_app(library))
    try:
        with caplog.at_level(logging.INFO, logger="booksmith.serve"), ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: running.get("/build/lamplighter.epub"), range(8)))
    finally:
        running.stop()
    assert all(status == 200 for status, _, _ in results)
    assert len({body for _, _, body in results}) == 1
    assert sum("building lamplighter.epub" in record.getMessage() for record in caplog.records) == 1


def self_signed(folder: Path) -> Tls:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
            *("-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return Tls(cert, key)


def test_https_with_a_certificate(library_dir, tmp_path):
    import http.client

    tls = self_signed(tmp_path)
    library = Library(library_dir, tmp_path / "cache")
    library.scan()
    running = Running(create_app(library), tls)
    try:
        context = ssl.create_default_context(cafile=tls.cert)
        context.check_hostname = False
        connection = http.client.HTTPSConnection(running.host, running.port, context=context, timeout=30)
        connection.request("GET", "/opds")
        response = connection.getresponse()
        assert response.status == 200 and b"booksmith library" in response.read()
        connection.close()
    finally:
        running.stop()


def test_the_command_serves_a_folder_end_to_end(library_dir, tmp_path):
    """`booksmith serve` as a user runs it: a real process on a free port, then a feed and a build."""
    import http.client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "booksmith", "serve", str(library_dir), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        line = process.stderr.readline()
        while line and "Serving" not in line:
            line = process.stderr.readline()
        assert f"at http://127.0.0.1:{port}/" in line and "3 books" in line
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", "/opds/all")
        assert b"The Net Mender" in connection.getresponse().read()
        connection.request("GET", "/build/lamplighter.epub")
        response = connection.getresponse()
        assert response.status == 200 and response.read()[:2] == b"PK"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_rejects_bad_input_in_one_line(tmp_path, run_cli, monkeypatch):
    result = run_cli("serve", tmp_path / "nowhere")
    assert result.exit_code == 1 and "is not a folder" in result.stderr
    monkeypatch.delenv("BOOKSMITH_SERVE_PASSWORD", raising=False)
    result = run_cli("serve", tmp_path, "--auth", "reader")
    assert result.exit_code == 1 and "BOOKSMITH_SERVE_PASSWORD" in result.stderr
    (tmp_path / "cert.pem").write_text("not a certificate\n")
    (tmp_path / "key.pem").write_text("not a key\n")
    result = run_cli("serve", tmp_path, "--tls-cert", tmp_path / "cert.pem", "--tls-key", tmp_path / "key.pem")
    assert result.exit_code == 1 and "cert.pem: the certificate and key do not load" in result.stderr
    result = run_cli("serve", tmp_path, "--tls-cert", tmp_path / "none.pem", "--tls-key", tmp_path / "key.pem")
    assert result.exit_code == 1 and "none.pem: no such file" in result.stderr
    result = run_cli("serve", tmp_path, "--tls-cert", tmp_path / "cert.pem")
    assert result.exit_code == 1 and "go together" in result.stderr
    result = run_cli("serve", tmp_path, "--cache-size", "lots")
    assert result.exit_code == 1 and "--cache-size lots: not a size" in result.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("serve", tmp_path, "--port", taken.getsockname()[1])
    assert result.exit_code == 1 and "choose another --port" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_serve_warns_when_it_listens_beyond_this_computer(tmp_path, run_cli, monkeypatch):
    class Stopped:
        def run(self, sockets):
            raise KeyboardInterrupt

    monkeypatch.setattr("booksmith.serve.make_server", lambda *args: Stopped())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = run_cli("serve", tmp_path, "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 0
    assert (
        "warning: serving on 0.0.0.0" in result.stderr and "--auth" in result.stderr and "--tls-cert" in result.stderr
    )
