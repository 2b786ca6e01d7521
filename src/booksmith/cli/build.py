"""`booksmith build`: convert text files to EPUB, PDF and KEPUB."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from booksmith.cli import common as c
from booksmith.cli.options import build_options, with_build_flags
from booksmith.files import printable_path


@with_build_flags()
def build(
    files: Annotated[
        list[str], typer.Argument(help="Text files to convert; '-' reads standard input.", show_default=False)
    ],
    output: c.Output = None,
    join: Annotated[
        bool, typer.Option("--join", help="Make one book of all the files (or a folder), one chapter each.")
    ] = False,
    strict: c.Strict = False,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
    debug: c.Debug = False,
    flags: dict | None = None,
) -> None:
    """Convert text files to ebooks: STEM.epub and STEM.pdf beside each input, or in -o DIR."""
    options = build_options(flags, timestamp=c.source_date_epoch())
    if join:
        written = c.guarded(lambda: _build_joined(files, output, options, strict), debug=debug)
        if not quiet:
            for path in written:
                typer.echo(printable_path(path))
        return
    taken: set[Path] = set()
    failed = False
    for name in files:
        try:
            written = c.guarded(lambda n=name: _build_one(n, output, options, taken, strict, verbose), debug=debug)
        except typer.Exit:
            failed = True
            continue
        if not quiet:
            for path in written:
                typer.echo(printable_path(path))
    if failed:
        raise typer.Exit(1)


def _build_one(name: str, output: str | None, options, taken: set[Path], strict: bool, verbose: bool) -> list[Path]:
    from booksmith.pipeline import load, write_books

    source: Path | bytes = Path(name)
    stem = None
    if name == "-":
        source, stem = c.read_stdin(), "book"
        options = replace(options, read=replace(options.read, fallback_title=options.read.fallback_title or "Untitled"))
    loaded = load(source, options)
    c.warn_about(name, loaded.warnings)
    if strict and loaded.warnings:
        raise c.fail(f"{name}: {len(loaded.warnings)} warning(s) and --strict is set; fix the text or drop --strict")
    if verbose:
        _describe(name, loaded)
    written = write_books(loaded, source, output, options, stem=stem, taken=taken)
    _warn_kindle(written)
    return written


def _warn_kindle(written: list[Path]) -> None:
    """Warn about what would make Send to Kindle refuse an EPUB (KEPUBs are for Kobo only)."""
    from booksmith.writers.epub.kindle import kindle_problems

    for path in written:
        if path.name.endswith(".epub") and not path.name.endswith(".kepub.epub"):
            for problem in kindle_problems(path):
                c.warn(f"{path}: Send to Kindle: {problem}")


def _describe(name: str, loaded) -> None:
    decoded = loaded.decoded
    chapters = len(loaded.book.chapters)
    typer.echo(
        f"{name}: {decoded.encoding} (confidence {decoded.confidence:.2f}), "
        f"paragraphs by {loaded.convention}, {chapters} chapter{'s' if chapters != 1 else ''}, "
        f"title “{loaded.book.metadata.title}”, language {loaded.book.metadata.language}",
        err=True,
    )


def _build_joined(files: list[str], output: str | None, options, strict: bool) -> list[Path]:
    """--join: one book of every file; `-o book.epub` names the book (and picks its format)."""
    from booksmith.join import join_sources, load_joined
    from booksmith.pipeline import write_books

    paths = join_sources(files)
    loaded = load_joined(paths, options)
    for warning in loaded.warnings:
        c.warn(warning)
    if strict and loaded.warnings:
        raise c.fail(f"{len(loaded.warnings)} warning(s) and --strict is set; fix the text or drop --strict")
    directory, stem = output, (paths[0].parent.name if len(files) == 1 and Path(files[0]).is_dir() else None)
    stem = None if options.name or loaded.settings.name else stem or paths[0].stem  # None: the template decides
    named = _named_output(output)
    if named:
        directory, stem, fmt = str(named[0].parent), named[1], named[2]
        options = replace(options, formats=(fmt,))
    return write_books(loaded, paths[0], directory or str(paths[0].parent), options, stem=stem)


def _named_output(output: str | None) -> tuple[Path, str, str] | None:
    """`-o book.epub` -> (path, "book", "epub"); None when -o names a folder."""
    if not output:
        return None
    path = Path(output)
    for fmt, ending in ((f, s) for f, s in (("kepub", ".kepub.epub"), ("epub", ".epub"), ("pdf", ".pdf"))):
        if path.name.lower().endswith(ending) and len(path.name) > len(ending):
            return path, path.name[: -len(ending)], fmt
    return None
