"""Read metadata and defaults from a book's STEM.toml and its folders' booksmith.toml files."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from booksmith.errors import ConfigError, located
from booksmith.model import Metadata

FOLDER_CONFIG = "booksmith.toml"
# The folder settings that are build options rather than metadata.
BUILD_KEYS = ("theme", "page_size", "formats", "scene_break")
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
    except RecursionError:
        # tomllib parses nested arrays recursively: 5,000 levels exhaust the stack.
        raise ConfigError(located(path, "nests arrays or tables too deeply; no booksmith setting needs that")) from None


def metadata_from(table: dict[str, Any], path: Path) -> Metadata:
    """The metadata fields of a TOML table ("author" may be a string or a list)."""
    unknown = set(table) - METADATA_KEYS - {"defaults", *BUILD_KEYS}
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
    try:
        if not sidecar.is_file() or sidecar.name == FOLDER_CONFIG:
            return Metadata()
    except OSError:  # a name at the 255-byte limit has no room for ".toml": there is no sidecar
        return Metadata()
    return metadata_from(read_toml(sidecar), sidecar)


def folder_tables(source: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The defaults table of each booksmith.toml from the source's folder upwards, nearest first."""
    tables = []
    start = source.resolve().parent
    for folder in (start, *start.parents):
        candidate = folder / FOLDER_CONFIG
        if candidate.is_file():
            table = read_toml(candidate)
            defaults = table.get("defaults", table)
            if not isinstance(defaults, dict):
                raise ConfigError(located(candidate, "'defaults' must be a table: [defaults] then key = value lines"))
            metadata_from(defaults, candidate)  # validates the keys
            tables.append((candidate, defaults))
    return tables


def folder_defaults(source: Path) -> dict[str, Any]:
    """Merged booksmith.toml tables from the source's folder upwards; the nearest folder wins."""
    merged: dict[str, Any] = {}
    for _, defaults in folder_tables(source):
        merged = {**defaults, **merged}
    return merged


def folder_build_defaults(source: Path) -> dict[str, tuple[Any, Path]]:
    """The build settings (theme, page_size, formats, scene_break) folders give a source, with
    the file each came from; the nearest folder wins. Values are checked here, so a bad one
    is a ConfigError naming its file."""
    found: dict[str, tuple[Any, Path]] = {}
    for path, defaults in folder_tables(source):
        for key in BUILD_KEYS:
            if key in defaults and key not in found:
                found[key] = (_build_value(key, defaults[key], path), path)
    return found


def _build_value(key: str, value: Any, path: Path) -> Any:
    from booksmith.options import FORMATS, PAGE_SIZES

    if key == "formats":
        names = value.split(",") if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError(located(path, '\'formats\' must be a list like ["epub", "pdf"]'))
        formats = tuple(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise ConfigError(
                located(path, f"'formats' has '{unknown[0] if unknown else ''}'; choose from {', '.join(FORMATS)}")
            )
        return formats
    if not isinstance(value, str):
        raise ConfigError(located(path, f"'{key}' must be a string, not {value!r}"))
    if key == "page_size" and value not in PAGE_SIZES:
        raise ConfigError(located(path, f"'page_size' is '{value}'; choose from {', '.join(PAGE_SIZES)}"))
    return value
