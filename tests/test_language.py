"""Issue 14: the language of a text is identified by a maintained model, on the body, with a clear fallback."""

from __future__ import annotations

import json
import tomllib
import zipfile
from pathlib import Path

import pytest

from booksmith.structure.language import identify_language

PARAGRAPHS = tomllib.loads((Path(__file__).parent / "fixtures" / "languages.toml").read_text(encoding="utf-8"))


def test_at_least_forty_languages_are_written_for_the_test():
    assert len(PARAGRAPHS) >= 40


@pytest.mark.parametrize("tag", sorted(PARAGRAPHS))
def test_each_language_is_identified(tag):
    identified = identify_language(PARAGRAPHS[tag])
    assert (identified.tag, identified.fallback) == (tag, None)
    assert 0 < identified.confidence <= 1


@pytest.mark.parametrize("text", ["Hi.", "12 34 56", "— * —"])
def test_too_little_text_falls_back_to_english_and_says_why(text):
    identified = identify_language(text)
    assert (identified.tag, identified.confidence, identified.fallback) == ("en", 0.0, "too little text to tell")


def test_the_body_decides_not_an_english_header_and_inspect_says_how_sure(tmp_path, run_cli):
    source = tmp_path / "yol.txt"
    header = "Title: The Old House\nAuthor: Ada Quill\n\n"
    source.write_text(header + "\n\n".join([PARAGRAPHS["tr"]] * 4), encoding="utf-8")
    report = json.loads(run_cli("inspect", "--json", source).stdout)
    assert report["language"] == "tr"
    assert report["language_how"].startswith("identified, ") and report["language_confidence"] > 0.5
    assert run_cli("build", source, "-f", "epub", "-o", tmp_path).exit_code == 0
    with zipfile.ZipFile(tmp_path / "yol.epub") as book:
        opf = next(book.read(n).decode() for n in book.namelist() if n.endswith(".opf"))
    assert "<dc:language>tr</dc:language>" in opf
