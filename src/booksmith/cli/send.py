"""`booksmith send`: put books on a mounted e-reader, or e-mail them to a Kindle."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from booksmith.cli import common as c
from booksmith.cli.options import build_options, with_build_flags

KINDLE_PREFIX = "kindle:"
PASSWORD_ENV = "BOOKSMITH_SMTP_PASSWORD"
KEYRING_SERVICE = "booksmith-smtp"


# The device decides the format and the PDF page size.
@with_build_flags(omit=("formats", "page_size", "pdf_variant", "pdf_engine", "cover_page"))
def send(
    files: Annotated[list[str], typer.Argument(help="Text files (built first) or built books.", show_default=False)],
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Mount point of the e-reader, or kindle:NAME@kindle.com to e-mail (default: the one found)."
        ),
    ] = None,
    no_calibre: Annotated[
        bool, typer.Option("--no-calibre", help="Send Kindles a PDF even when calibre could make an AZW3.")
    ] = False,
    strict: c.Strict = False,
    quiet: c.Quiet = False,
    debug: c.Debug = False,
    flags: dict | None = None,
) -> None:
    """Build each .txt for the reader and copy it onto the device, or e-mail its EPUB to a Kindle."""
    options = build_options(
        {**(flags or {}), "formats": "epub", "page_size": "ereader"}, timestamp=c.source_date_epoch()
    )
    if to and to.lower().startswith(KINDLE_PREFIX):
        address = to[len(KINDLE_PREFIX) :]
        settings = c.guarded(_smtp_settings, debug=debug)
        deliver = lambda name, work: _mail_one(Path(name), address, settings, options, work, strict)  # noqa: E731
    else:
        device = c.guarded(lambda: _device(to), debug=debug)
        converter = None if no_calibre else _ebook_convert()
        deliver = lambda name, work: _copy_one(Path(name), device, options, work, converter, strict)  # noqa: E731
    failed = False
    for name in files:
        with tempfile.TemporaryDirectory(prefix="booksmith-send-") as work:
            try:
                line = c.guarded(lambda n=name, w=work: deliver(n, Path(w)), debug=debug)
            except typer.Exit:
                failed = True
                continue
        if not quiet:
            typer.echo(line)
    if failed:
        raise typer.Exit(1)


def _ebook_convert() -> str | None:
    from booksmith.devices import ebook_convert

    return ebook_convert()


def _device(to: str | None):
    from booksmith.cli.devices import found_devices
    from booksmith.devices import device_at
    from booksmith.errors import DeviceError

    if to:
        return device_at(Path(to))
    found = found_devices()
    if not found:
        raise DeviceError("no e-reader found among the mounted volumes; plug it in and mount it, or give --to PATH")
    if len(found) > 1:
        listed = ", ".join(f"{d.label} at {d.root}" for d in found)
        raise DeviceError(f"several e-readers are mounted ({listed}); choose one with --to PATH")
    return found[0]


def _copy_one(source: Path, device, options, work: Path, converter: str | None, strict: bool) -> str:
    from booksmith.devices import copy_book, prepare

    prepared = prepare(source, device, options, work, converter, strict=strict)
    c.warn_about(source, prepared.warnings)
    copied = copy_book(prepared.path, device)
    already = "" if copied.new else "already there; "
    return f"{copied.path} ({already}{device.label}; {prepared.reason}; {copied.free / 1e6:.0f} MB free)"


def _mail_one(source: Path, address: str, settings, options, work: Path, strict: bool) -> str:
    from booksmith.devices import build_book
    from booksmith.errors import MailError, located
    from booksmith.mail import send_to_kindle

    book = source
    if source.suffix.lower() == ".txt":
        book, warnings = build_book(source, options, work, "epub", strict=strict)
        c.warn_about(source, warnings)
    if not book.is_file():
        raise MailError(located(source, "does not exist; give a .txt or an .epub"))
    send_to_kindle(book, address, settings)
    return f"{book.name} e-mailed to {address} (Amazon delivers it only if {settings.sender} is an approved sender)"


def _smtp_settings():
    """SMTP settings from config.toml and the environment; the password from the environment or the keyring."""
    from dataclasses import replace

    import platformdirs

    from booksmith.config import read_toml
    from booksmith.mail import settings_from

    config = Path(platformdirs.user_config_dir("booksmith")) / "config.toml"
    table = read_toml(config).get("smtp", {}) if config.is_file() else {}
    settings = settings_from(table, os.environ, source=config)
    password = os.environ.get(PASSWORD_ENV) or _keyring_password(settings.user)
    return replace(settings, password=password)


def _keyring_password(user: str | None) -> str | None:
    """The password stored with `keyring set booksmith-smtp USER`, if keyring is installed."""
    if not user:
        return None
    try:
        import keyring
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # no usable backend (e.g. a headless Linux): fall back to no password
        return None
