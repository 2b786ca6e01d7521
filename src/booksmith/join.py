"""Make one book of several text files: each file a chapter, in natural order."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from booksmith.errors import InputError, located
from booksmith.files import readable_title
from booksmith.model import Chapter
from booksmith.options import BuildOptions
from booksmith.pipeline import Loaded, load

TEXT_SUFFIXES = (".txt", ".text", ".md")


def natural_key(path: Path) -> tuple:
    """Sort key that puts `ch2` before `ch10`: digit runs compare as numbers."""
    parts = re.split(r"(\d+)", path.name.casefold())
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)


def join_sources(names: list[str]) -> list[Path]:
    """The files to join, in natural order; a folder stands for the text files in it."""
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES]
            if not found:
                raise InputError(located(path, "holds no .txt files to join; pass the chapter files"))
            paths.extend(found)
        else:
            paths.append(path)
    return sorted(dict.fromkeys(paths), key=natural_key)


def joined_title(paths: list[Path]) -> str:
    """A title for files with nothing better: their common name ("story-ch1", "story-ch2" -> "Story")."""
    stems = [p.stem for p in paths]
    common = stems[0]
    for stem in stems[1:]:
        while not stem.startswith(common):
            common = common[:-1]
    common = re.sub(r"(?:[\W_\d]|\b(?:ch|chap|chapter|part|pt)\b)+$", "", common, flags=re.IGNORECASE)
    return readable_title(common) if len(common) >= 3 else readable_title(paths[0].resolve().parent.name)


def load_joined(paths: list[Path], options: BuildOptions | None = None) -> Loaded:
    """One book from several files: the first file's metadata, one chapter per file.

    A file with headings of its own keeps them; a file without any becomes one
    chapter titled by its file name made readable ("ch-02" -> "Ch 02").
    """
    options = options or BuildOptions()
    if not paths:
        raise InputError("no files to join; pass the chapter files or a folder of them")
    if not options.read.fallback_title:
        options = replace(options, read=replace(options.read, fallback_title=joined_title(paths)))
    loaded = [load(path, options) for path in paths]
    chapters: list[Chapter] = []
    warnings: list[str] = []
    for path, part in zip(paths, loaded, strict=True):
        own = part.book.chapters
        if len(own) == 1 and own[0].title is None:
            chapters.append(replace(own[0], title=readable_title(path.stem), kind="chapter"))
        else:
            chapters.extend(own)
        warnings.extend(f"{path.name}: {warning}" for warning in part.warnings)
    first = loaded[0]
    book = replace(first.book, chapters=tuple(chapters))
    body = "\n\n".join(part.body_text for part in loaded)
    notes_text = "\n".join(part.notes_text for part in loaded if part.notes_text)
    return Loaded(
        book,
        first.decoded,
        first.convention,
        tuple(warnings),
        body,
        removed=tuple(r for part in loaded for r in part.removed),
        notes=tuple(n for part in loaded for n in part.notes),
        site_lines=tuple(s for part in loaded for s in part.site_lines),
        settings=first.settings,  # the first file's cover and name template stand for the book
        notes_text=notes_text,
    )
