"""Corpus and golden tests: curled prose, straightened, comes back exactly; one story through the whole chain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import epub_text

from booksmith.model import Book, Chapter, Metadata, Paragraph, block_texts
from booksmith.pipeline import load
from booksmith.structure import inline_markup
from booksmith.typography import typeset

CORPUS = Path(__file__).parent / "fixtures" / "typography"
FILES = sorted(CORPUS.glob("*.txt"))
STRAIGHTEN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
CURLY = re.compile("[‘’“”]")


def paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [inline_markup(" ".join(block.split("\n"))) for block in text.strip().split("\n\n")]


def test_the_corpus_holds_over_a_thousand_quotes() -> None:
    assert len(FILES) >= 4
    assert sum(len(CURLY.findall(p.read_text(encoding="utf-8"))) for p in FILES) >= 1000


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_straightened_corpus_comes_back_exactly(path: Path) -> None:
    originals = paragraphs(path)
    blocks = tuple(Paragraph(text.translate(STRAIGHTEN), line=n) for n, text in enumerate(originals, start=1))
    result = typeset(Book(Metadata(language="en"), (Chapter(None, blocks),)))
    assert [b.text for b in result.book.chapters[0].blocks] == originals
    assert result.warnings == ()


def _epub_quotes(path: Path, tmp_path: Path, run_cli) -> None:
    source = tmp_path / path.name
    source.write_text(path.read_text(encoding="utf-8").translate(STRAIGHTEN), encoding="utf-8")
    result = run_cli("build", source, "--format", "epub", "-o", tmp_path, "--language", "en")
    assert result.exit_code == 0, result.stderr
    text = epub_text(tmp_path / f"{path.stem}.epub")
    assert "'" not in text and '"' not in text
    assert CURLY.findall(text) == CURLY.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_epub_text_has_the_original_quotes(path: Path, tmp_path: Path, run_cli) -> None:
    """Built as a user would build the straightened file, the EPUB holds the original quotes in order."""
    _epub_quotes(path, tmp_path, run_cli)


def test_golden_story_through_the_whole_chain() -> None:
    """decode, clean, structure and typography on a raw story; the expected file was checked by eye."""
    loaded = load(CORPUS / "golden" / "story.txt")
    got = [f"# title: {loaded.book.metadata.title}"]
    for chapter in loaded.book.chapters:
        got.append(f"# chapter: {chapter.title}")
        got.extend(text for block in chapter.blocks for text in block_texts(block))
    got.append("# warnings")
    got.extend(loaded.warnings)
    expected = (CORPUS / "golden" / "story.expected.txt").read_text(encoding="utf-8")
    assert "\n\n".join(got) + "\n" == expected
