"""Run the pipeline: read a source, build the model, render it and write the requested formats."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from booksmith.clean import clean, clean_metadata
from booksmith.config import folder_defaults, metadata_from, sidecar_metadata
from booksmith.decode import DecodedText, decode, read_bytes
from booksmith.errors import InputError, located
from booksmith.files import readable_title
from booksmith.markdown import is_markdown, read_markdown
from booksmith.model import Book
from booksmith.options import BuildOptions
from booksmith.structure import Removal, structure
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
    # The text of the book's notes, checked on its own: the book moves notes away from where the source has them.
    notes_text: str = ""


def load(source: Path | str | bytes, options: BuildOptions | None = None, *, name: str | None = None) -> Loaded:
    """Decode, clean, structure and typeset a source file (or bytes) into a book."""
    options = options or BuildOptions()
    read = options.read
    if isinstance(source, bytes):
        data, label = source, name or "<stdin>"
    else:
        path = Path(source)
        data, label = read_bytes(path), name or str(path)
        read = _with_file_defaults(read, path)
    read = replace(read, metadata=clean_metadata(read.metadata))
    decoded = decode(data, encoding=read.encoding, name=label)
    text = clean(decoded.text)
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
    typeset_book = typeset(noted.book, options.typography)
    warnings = list(structured.warnings) + list(typeset_book.warnings)
    if decoded.repaired_mojibake:
        warnings.insert(0, "repaired text that had been decoded with the wrong encoding (mojibake)")
    return Loaded(
        typeset_book.book,
        decoded,
        structured.convention,
        tuple(warnings),
        noted.body_text,
        structured.removed,
        structured.explanations,
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


def output_path(stem: str, fmt: str, directory: Path, taken: set[Path]) -> Path:
    """Where a format of a book goes; a name already used in this run gets a numeric suffix."""
    from booksmith.writers import suffix

    candidate = directory / f"{stem}{suffix(fmt)}"
    number = 2
    while candidate.resolve() in taken:
        candidate = directory / f"{stem}-{number}{suffix(fmt)}"
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
    from booksmith.render import render
    from booksmith.verify import check_words, xhtml_text, xhtml_text_and_notes
    from booksmith.writers import get_writer

    writers = [(fmt, get_writer(fmt)) for fmt in options.formats]
    timestamp = options.render.timestamp
    if isinstance(source, bytes):
        directory, stem = Path(output_dir or "."), stem or "book"
    else:
        path = Path(source)
        directory, stem = (Path(output_dir) if output_dir else path.parent), stem or path.stem
        if timestamp is None and path.exists():
            timestamp = int(path.stat().st_mtime)
    render_options = replace(options.render, timestamp=timestamp)
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
    taken = taken if taken is not None else set()
    return [write(rendered, output_path(stem, fmt, directory, taken), render_options) for fmt, write in writers]
