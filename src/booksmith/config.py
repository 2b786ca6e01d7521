"""Read metadata and defaults from a book's STEM.toml and its folders' booksmith.toml files."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from booksmith.errors import ConfigError, located
from booksmith.model import Metadata
from booksmith.options import ReplaceRule

FOLDER_CONFIG = "booksmith.toml"
# The folder settings that are build options rather than metadata.
BUILD_KEYS = ("theme", "page_size", "formats", "scene_break")
# Settings that belong to each book rather than to its metadata: its cover image, the
# find-and-replace rules applied to its text, and (in booksmith.toml) how its files are named.
BOOK_KEYS = ("cover", "replace", "name")
COVER_ENDINGS = (".jpg", ".jpeg", ".png")
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
    unknown = set(table) - METADATA_KEYS - {"defaults", *BUILD_KEYS, *BOOK_KEYS}
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
    if not _is_file(sidecar) or sidecar.name == FOLDER_CONFIG:
        return Metadata()
    return metadata_from(read_toml(sidecar), sidecar)


def _is_file(path: Path) -> bool:
    """Whether a file is there; a name at the 255-byte limit has no room for ".toml" or ".jpg": it is not."""
    try:
        return path.is_file()
    except OSError:
        return False


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


@dataclass(frozen=True)
class BookSettings:
    """What the files around a text say about its book beyond metadata."""

    # The cover image: STEM.toml's `cover`, else STEM.jpg/.png beside the text, else a booksmith.toml's.
    cover: Path | None = None
    # Replace rules, the folders' (outermost first) then STEM.toml's, in the order they apply.
    rules: tuple[ReplaceRule, ...] = ()
    # The nearest booksmith.toml's `name` template for the book's files.
    name: str | None = None
    # The files these came from (a change to any of them changes the book).
    files: tuple[Path, ...] = ()


def book_settings(source: Path) -> BookSettings:
    """The cover, replace rules and name template a text's STEM.toml and folders give its book."""
    sidecar = source.with_suffix(".toml")
    sidecar_table = read_toml(sidecar) if _is_file(sidecar) and sidecar.name != FOLDER_CONFIG else {}
    folders = []
    start = source.resolve().parent
    for folder in (start, *start.parents):
        candidate = folder / FOLDER_CONFIG
        if candidate.is_file():
            folders.append((candidate, read_toml(candidate)))
    files = [path for path, _ in folders]
    cover = _cover(sidecar, sidecar_table) if sidecar_table else None
    if cover is None:
        cover = next((p for p in (source.with_suffix(e) for e in COVER_ENDINGS) if _is_file(p)), None)
        if cover is None:
            cover = next((c for c in (_cover(p, _defaults(t)) for p, t in folders) if c), None)
    if cover is not None:
        files.append(cover)
    rules: list[ReplaceRule] = []
    for path, table in reversed(folders):
        rules.extend(replace_rules(table, path))
    if sidecar_table:
        rules.extend(replace_rules(sidecar_table, sidecar))
        files.append(sidecar)
    name = next((_name(p, _defaults(t)) for p, t in folders if "name" in _defaults(t)), None)
    return BookSettings(cover, tuple(rules), name, tuple(files))


def _defaults(table: dict[str, Any]) -> dict[str, Any]:
    defaults = table.get("defaults", table)
    return defaults if isinstance(defaults, dict) else {}


def _cover(path: Path, table: dict[str, Any]) -> Path | None:
    value = table.get("cover")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(located(path, "'cover' must be the name of a JPEG or PNG file, like cover = \"story.jpg\""))
    cover = (path.parent / value).resolve()
    if not cover.is_file():
        raise ConfigError(located(path, f"cover '{value}' is not a file; put the image there or fix the name"))
    if cover.suffix.lower() not in COVER_ENDINGS:
        raise ConfigError(located(path, f"cover '{value}' is not a JPEG or PNG; use a .jpg or .png image"))
    return cover


def _name(path: Path, table: dict[str, Any]) -> str:
    from booksmith.naming import check_template

    value = table["name"]
    if not isinstance(value, str):
        raise ConfigError(located(path, "'name' must be a string like name = \"{author} - {title}\""))
    problem = check_template(value)
    if problem:
        raise ConfigError(located(path, f"'name' {problem}"))
    return value


def replace_rules(table: dict[str, Any], path: Path) -> list[ReplaceRule]:
    """The `[[replace]]` rules of a TOML table, each checked: `find` must be a valid regular expression."""
    import re

    found = table.get("replace", [])
    if isinstance(table.get("defaults"), dict) and "replace" in table["defaults"]:
        found = [*found, *table["defaults"]["replace"]] if isinstance(found, list) else found
    if not isinstance(found, list) or not all(isinstance(rule, dict) for rule in found):
        raise ConfigError(located(path, "'replace' must be [[replace]] tables with find = and replace = lines"))
    rules = []
    for number, rule in enumerate(found, start=1):
        where = f"[[replace]] rule {number}"
        unknown = set(rule) - {"find", "replace", "count"}
        if unknown:
            key = sorted(unknown)[0]
            raise ConfigError(located(path, f"{where} has unknown key '{key}'; use find, replace, count"))
        find, replacement, count = rule.get("find"), rule.get("replace", ""), rule.get("count", 0)
        if not isinstance(find, str) or not find:
            raise ConfigError(located(path, f'{where} needs find = "a regular expression"'))
        if not isinstance(replacement, str):
            raise ConfigError(located(path, f"{where}: 'replace' must be a string"))
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ConfigError(located(path, f"{where}: 'count' must be a whole number, 0 for every match"))
        try:
            pattern = re.compile(find, re.MULTILINE)
            pattern.sub(replacement, "")  # checks `replace` too: a group it names must exist
        except re.error as error:
            raise ConfigError(
                located(path, f"{where} ('{find}') is not a valid regular expression and replacement ({error})")
            ) from None
        rules.append(ReplaceRule(find, replacement, count, f"{path}, {where}"))
    return rules
