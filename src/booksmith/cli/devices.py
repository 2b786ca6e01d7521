"""`booksmith devices`: list the mounted e-readers and the format each will get."""

from __future__ import annotations

import os
from pathlib import Path

import typer

ROOTS_ENV = "BOOKSMITH_DEVICE_ROOTS"


def found_devices():
    """The e-readers mounted where this platform mounts volumes, or in $BOOKSMITH_DEVICE_ROOTS."""
    from booksmith.devices import find_devices, search_roots

    listed = os.environ.get(ROOTS_ENV)
    roots = [Path(p) for p in listed.split(os.pathsep) if p] if listed else search_roots()
    return find_devices(roots)


def devices() -> None:
    """List the mounted e-readers, where books go on each, and the format `send` gives it."""
    from booksmith.devices import FORMAT_FOR, ebook_convert, free_space

    found = found_devices()
    if not found:
        typer.echo("No e-reader found among the mounted volumes (plug it in, or use send --to PATH).")
        return
    for device in found:
        fmt = FORMAT_FOR[device.kind]
        if device.kind == "kindle":
            fmt = "azw3 (calibre)" if ebook_convert() else "pdf (ereader page; install calibre for azw3)"
        free = free_space(device)
        space = f"{free / 1e6:.0f} MB free" if free is not None else "free space unknown"
        typer.echo(f"{device.label}\t{device.root}\t→ {fmt} in {device.books_dir}\t{space}")
