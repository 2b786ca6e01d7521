"""Read metadata and defaults from a book's STEM.toml and its folders' booksmith.toml files."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from booksmith.errors import ConfigError, located
from booksmith.model import Metadata

FOLDER_CONFIG = "booksmith.toml"
METADATA_KEYS = {
    "title",
    "subtitle",
    "author",
    "authors",
    "language",
    "description",
    "subjects",
    "series",
    "series_index",
    "identifier",
    "isbn",
    "publisher",
    "date",
    "rights",
}


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a malformed one is a ConfigError naming the file and line."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(located(path, f"is not valid TOML: {error}; fix that line")) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(located(path, f"cannot be read ({error})")) from None


def metadata_from(table: dict[str, Any], path: Path) -> Metadata:
    """The metadata fields of a TOML table ("author" may be a string or a list)."""
    unknown = set(table) - METADATA_KEYS - {"defaults", "theme", "page_size", "formats", "scene_break"}
    if unknown:
        raise ConfigError(
            located(path, f"unknown key '{sorted(unknown)[0]}'; known keys: {', '.join(sorted(METADATA_KEYS))}")
        )
    authors = table.get("authors", table.get("author", ()))
    if isinstance(authors, str):
        authors = (authors,)
    subjects = table.get("subjects", ())
    if isinstance(subjects, str):
        subjects = (subjects,)
    try:
        index = table.get("series_index")
        return Metadata(
            title=_text(table, "title"),
            subtitle=_text(table, "subtitle"),
            authors=tuple(map(str, authors)),
            language=_text(table, "language"),
            description=_text(table, "description"),
            subjects=tuple(map(str, subjects)),
            series=_text(table, "series"),
            series_index=float(index) if index is not None else None,
            identifier=_text(table, "identifier") or _isbn(table),
            publisher=_text(table, "publisher"),
            date=_text(table, "date"),
            rights=_text(table, "rights"),
        )
    except (TypeError, ValueError) as error:
        raise ConfigError(located(path, f"has a value of the wrong type ({error})")) from None


def _text(table: dict[str, Any], key: str) -> str | None:
    value = table.get(key)
    return None if value is None else str(value)


def _isbn(table: dict[str, Any]) -> str | None:
    isbn = table.get("isbn")
    return f"urn:isbn:{str(isbn).replace('-', '')}" if isbn else None


def sidecar_metadata(source: Path) -> Metadata:
    """Metadata from `story.toml` beside `story.txt`, if there is one."""
    sidecar = source.with_suffix(".toml")
    if not sidecar.is_file() or sidecar.name == FOLDER_CONFIG:
        return Metadata()
    return metadata_from(read_toml(sidecar), sidecar)


def folder_defaults(source: Path) -> dict[str, Any]:
    """Merged booksmith.toml tables from the source's folder upwards; the nearest folder wins."""
    merged: dict[str, Any] = {}
    start = source.resolve().parent
    for folder in (start, *start.parents):
        candidate = folder / FOLDER_CONFIG
        if candidate.is_file():
            table = read_toml(candidate)
            defaults = table.get("defaults", table)
            metadata_from(defaults, candidate)  # validates the keys
            merged = {**defaults, **merged}
    return merged
