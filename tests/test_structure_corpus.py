"""Compare `inspect --json` on each fixture text with the structure expected beside it, and check no word is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "fixtures" / "structure"
TEXTS = sorted(CORPUS.glob("*.txt"))


def test_corpus_is_there():
    assert len(TEXTS) >= 25
    assert all(text.with_suffix(".json").is_file() for text in TEXTS)


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_inspect_matches_expected_structure(text: Path, run_cli):
    expected = json.loads(text.with_suffix(".json").read_text(encoding="utf-8"))
    result = run_cli("inspect", text, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    found = {
        "encoding": report["encoding"],
        "title": report["title"],
        "authors": report["authors"],
        "language": report["language"],
        "paragraph_convention": report["paragraph_convention"],
        "paragraphs": sum(c["paragraphs"] for c in report["chapters"]),
        "scene_breaks": report["scene_breaks"],
        "chapters": [[c["title"], c["kind"], c["depth"]] for c in report["chapters"]],
        "warnings": [w for w in report["warnings"] if "chapter" in w],
    }
    for key in ("description", "subjects", "series", "series_index", "repaired_mojibake"):
        if key in expected:
            found[key] = report[key]
    assert found == expected


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_every_word_of_the_text_is_in_the_book(text: Path):
    from booksmith.pipeline import load
    from booksmith.render import render
    from booksmith.verify import check_words, words, xhtml_text

    loaded = load(text)
    book_text = xhtml_text(d.xhtml for d in render(loaded.book).documents)
    check_words(loaded.body_text, book_text, name=text.name)
    # The body the check compares is most of the text: only boilerplate and a title page are left out.
    assert len(list(words(loaded.body_text))) >= 0.5 * len(list(words(loaded.decoded.text))) - 40
