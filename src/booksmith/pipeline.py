"""Run the pipeline: read a source, build the model, render it and write the requested formats."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from booksmith.clean import clean, clean_metadata
from booksmith.config import BookSettings, book_settings, folder_defaults, metadata_from, sidecar_metadata
from booksmith.decode import DecodedText, decode, read_bytes
from booksmith.errors import InputError, located
from booksmith.files import fitting_name, readable_title
from booksmith.langtag import is_language_tag
from booksmith.markdown import is_markdown, read_markdown
from booksmith.model import Book
from booksmith.naming import book_name
from booksmith.options import BuildOptions, ReplaceRule
from booksmith.rules import apply_rules
from booksmith.structure import Removal, guess_language, structure
from booksmith.structure.archives import Note
from booksmith.structure.notes import FoundNotes, find_notes
from booksmith.typography import typeset


@dataclass(frozen=True)
class Loaded:
    """A source read into the model, with what was learned on the way."""

    book: Book
    decoded: DecodedText
    # The paragraph convention the text uses ("blank", "indent", "line", "wrapped").
    convention: str
    warnings: tuple[str, ...]
    # The text the book's body was made from, for the word check.
    body_text: str
    # Text of the body the book does not print, and why; what decided the structure (`inspect --explain`).
    removed: tuple[Removal, ...] = ()
    explanations: tuple[str, ...] = ()
    # Author's notes found, and a site's navigation or advertising lines (text, count, first line).
    notes: tuple[Note, ...] = ()
    site_lines: tuple[tuple[str, int, int], ...] = ()
    # The replace rules applied to the text, and how many times each matched.
    rules: tuple[tuple[ReplaceRule, int], ...] = ()
    # What the files beside the text say: its cover image and the name template for its files.
    settings: BookSettings = field(default_factory=BookSettings)
    # The text of the book's notes, checked on its own: the book moves notes away from where the source has them.
    notes_text: str = ""


def load(source: Path | str | bytes, options: BuildOptions | None = None, *, name: str | None = None) -> Loaded:
    """Decode, clean, structure and typeset a source file (or bytes) into a book."""
    options = options or BuildOptions()
    read = options.read
    settings = BookSettings()
    if isinstance(source, bytes):
        data, label = source, name or "<stdin>"
    else:
        path = Path(source)
        data, label = read_bytes(path), name or str(path)
        read = _with_file_defaults(read, path)
        settings = book_settings(path)
    read = replace(read, metadata=clean_metadata(read.metadata))
    language = read.metadata.language
    if language and not is_language_tag(language):
        shown = language if len(language) <= 40 else language[:39] + "…"
        raise InputError(f"language '{shown}' is not a BCP 47 language tag; use one such as en, fr, pt-BR or zh-Hant")
    decoded = decode(data, encoding=read.encoding, name=label)
    text = clean(decoded.text)
    if options.verify:
        from booksmith.verify import check_cleaning

        check_cleaning(decoded.text, text, name=label)
    rules = read.replace_rules + settings.rules
    text, matched = apply_rules(text, rules)
    if not text.strip():
        raise InputError(located(label, "is empty once invisible characters are removed; there is no text to convert"))
    try:
        if is_markdown(label, read):
            markdown = read_markdown(text, read, name=label)
            structured = markdown.structured
            noted = FoundNotes(structured.book, structured.body_text, markdown.notes_text)
        else:
            structured = structure(text, read)
            noted = find_notes(structured.book, structured.body_text)
    except InputError as error:
        raise InputError(located(label, str(error))) from None
    except re.error as error:
        raise InputError(f"--chapter-pattern is not a valid regular expression ({error})") from None
    book = noted.book
    if book.metadata.language and not is_language_tag(book.metadata.language):
        # A header's "Language:" line that is no tag: the text's own language instead.
        book = replace(book, metadata=replace(book.metadata, language=guess_language(structured.body_text)))
    typeset_book = typeset(book, options.typography)
    warnings = list(structured.warnings) + list(typeset_book.warnings)
    if decoded.repairs:
        warnings.insert(0, f"repaired text damaged on the way: {', '.join(decoded.repairs)}")
    return Loaded(
        typeset_book.book,
        decoded,
        structured.convention,
        tuple(warnings),
        noted.body_text,
        structured.removed,
        structured.explanations,
        structured.notes,
        structured.site_lines,
        tuple(zip(rules, matched, strict=True)),
        settings,
        noted.notes_text,
    )


def load_book(source: Path | str | bytes, options: BuildOptions | None = None) -> Book:
    """The book model of a source file: the public entry point for reading."""
    return load(source, options).book


def _with_file_defaults(read, path: Path):
    """Layer sidecar and folder metadata under the options' own (the command line wins)."""
    folder = folder_defaults(path)
    metadata = read.metadata.over(sidecar_metadata(path))
    if folder:
        metadata = metadata.over(metadata_from(folder, path.parent / "booksmith.toml"))
    fallback = read.fallback_title or readable_title(path.stem)
    return replace(read, metadata=metadata, fallback_title=fallback)


def _updated_at(day: str | None) -> int | None:
    """An archive's "Updated:" day (YYYY-MM-DD) as the book's timestamp (its dcterms:modified):
    the story's own date, the same on every rebuild, where a saved file's mtime is only when it was saved."""
    if not day:
        return None
    try:
        return int(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())
    except ValueError:
        return None


def output_path(stem: str, fmt: str, directory: Path, taken: set[Path]) -> Path:
    """Where a format of a book goes; a name already used in this run gets a numeric suffix."""
    from booksmith.writers import suffix

    candidate = directory / fitting_name(stem, suffix(fmt))
    number = 2
    while candidate.resolve() in taken:
        candidate = directory / fitting_name(stem, f"-{number}{suffix(fmt)}")
        number += 1
    taken.add(candidate.resolve())
    return candidate


def convert(
    source: Path | str | bytes,
    output_dir: Path | str | None = None,
    options: BuildOptions | None = None,
    *,
    stem: str | None = None,
    taken: set[Path] | None = None,
) -> list[Path]:
    """Build the book of one source in every requested format; returns the written paths.

    Outputs go to `output_dir`, or beside the source. `taken` collects the paths
    a run has written, so two sources with the same stem never overwrite each other.
    """
    options = options or BuildOptions()
    return write_books(load(source, options), source, output_dir, options, stem=stem, taken=taken)


def write_books(
    loaded: Loaded,
    source: Path | str | bytes,
    output_dir: Path | str | None,
    options: BuildOptions,
    *,
    stem: str | None = None,
    taken: set[Path] | None = None,
) -> list[Path]:
    """Render a loaded book once, check its words, and write each requested format."""
    from booksmith.removals import check_removals
    from booksmith.render import render
    from booksmith.verify import check_words, xhtml_text, xhtml_text_and_notes
    from booksmith.writers import get_writer

    writers = [(fmt, get_writer(fmt)) for fmt in options.formats]
    timestamp = options.render.timestamp
    if isinstance(source, bytes):
        directory, stem = Path(output_dir or "."), stem or "book"
    else:
        path = Path(source)
        template = options.name or loaded.settings.name
        named = book_name(template, loaded.book.metadata, path.stem) if template else path.stem
        directory, stem = (Path(output_dir) if output_dir else path.parent), stem or named
        if timestamp is None:
            timestamp = _updated_at(loaded.book.metadata.modified)
        if timestamp is None and path.exists():
            timestamp = int(path.stat().st_mtime)
    cover = options.render.cover or (None if options.render.no_cover else loaded.settings.cover)
    render_options = replace(options.render, timestamp=timestamp, cover=cover)
    rendered = render(loaded.book, render_options)
    if options.verify:
        name = stem if isinstance(source, bytes) else str(source)
        if loaded.notes_text:
            # Each note once: the body against the book without its notes, the notes against the notes.
            text, notes = xhtml_text_and_notes(d.xhtml for d in rendered.documents)
            check_words(loaded.body_text, text, name=name)
            check_words(loaded.notes_text, notes, name=name)
        else:
            check_words(loaded.body_text, xhtml_text(d.xhtml for d in rendered.documents), name=name)
        check_removals(loaded.removed, loaded.body_text, name=name)
    taken = taken if taken is not None else set()
    return [write(rendered, output_path(stem, fmt, directory, taken), render_options) for fmt, write in writers]
