"""Report quote errors per 1,000 quotes: straighten a correctly curled corpus, curl it again, count differences.

Usage: python benchmarks/quotes_accuracy.py [FILE.txt ...] [--show]

Without files it reads tests/fixtures/typography/*.txt. Each file is prose
with correctly curled quotes and apostrophes, one paragraph per block of
lines separated by a blank line. The quotes are straightened, then set by
booksmith (the whole typography stage, as a build runs it) and, if it is
installed, by the `smartypants` package (pip install '.[bench]'). A quote is
an error when the character set at its place differs from the original.
"""

from __future__ import annotations

import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "typography"
CURLY = "‘’“”"
STRAIGHTEN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a corpus file: blocks of lines separated by blank lines."""
    return [" ".join(block.split("\n")) for block in text.strip().split("\n\n") if block.strip()]


def set_by_booksmith(texts: list[str], language: str = "en") -> list[str]:
    from booksmith.model import Book, Chapter, Metadata, Paragraph
    from booksmith.typography import typeset

    blocks = tuple(Paragraph(text, line=number) for number, text in enumerate(texts, start=1))
    book = Book(Metadata(language=language), (Chapter(None, blocks),))
    return [block.text for block in typeset(book).book.chapters[0].blocks]


def set_by_smartypants(texts: list[str]) -> list[str] | None:
    try:
        import smartypants
    except ImportError:
        return None
    attrs = smartypants.Attr.q | smartypants.Attr.u  # quotes only, as Unicode characters
    return [smartypants.smartypants(text, attrs) for text in texts]


def quote_errors(originals: list[str], results: list[str]) -> list[tuple[int, str, str]]:
    """(paragraph number, expected, got) excerpts for every quote set differently from the original."""
    errors = []
    for number, (original, result) in enumerate(zip(originals, results, strict=True), start=1):
        if len(original) != len(result):
            errors.append((number, original, result))
            continue
        for index, (want, got) in enumerate(zip(original, result, strict=True)):
            if want in CURLY and want != got:
                start = max(0, index - 30)
                errors.append((number, original[start : index + 30], result[start : index + 30]))
    return errors


def main(argv: list[str]) -> int:
    show = "--show" in argv
    files = [Path(a) for a in argv if not a.startswith("--")] or sorted(CORPUS.glob("*.txt"))
    originals = [p for path in files for p in paragraphs(path.read_text(encoding="utf-8"))]
    straight = [text.translate(STRAIGHTEN) for text in originals]
    quotes = sum(sum(text.count(ch) for ch in CURLY) for text in originals)
    print(f"{len(files)} files, {len(originals)} paragraphs, {quotes} quotes")
    for name, results in (("booksmith", set_by_booksmith(straight)), ("smartypants", set_by_smartypants(straight))):
        if results is None:
            print(f"{name:12} not installed (pip install '.[bench]')")
            continue
        errors = quote_errors(originals, results)
        print(f"{name:12} {len(errors):4} errors, {1000 * len(errors) / quotes:5.1f} per 1,000 quotes")
        if show and name == "booksmith":
            for number, want, got in errors:
                print(f"  paragraph {number}:\n    want {want}\n    got  {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
