"""What the structure stage found shows in the XHTML: classes for speakers, directions, captions, credits."""

from __future__ import annotations

from pathlib import Path

import pytest

from booksmith.pipeline import load
from booksmith.render import render

CORPUS = Path(__file__).parent / "fixtures" / "structure"


def xhtml(name: str) -> str:
    return "\n".join(d.xhtml.decode("utf-8") for d in render(load(CORPUS / name).book).documents)


def test_play_classes():
    text = xhtml("play.txt")
    assert '<p class="speaker">MARGARET</p>' in text
    assert '<p class="stage-direction">[<em>Wind. MARGARET sits by the fire, mending a net.</em>]</p>' in text


def test_gutenberg_caption_credits_and_scene_break():
    text = xhtml("gutenberg-modern.txt")
    assert '<p class="caption">Martha at the window of the shop</p>' in text
    assert '<p class="credits">Produced by Anna Field' in text
    assert '<hr class="scene-break"/>' in text
    assert "Illustration" not in text
    assert "START OF THE PROJECT GUTENBERG" not in text and "FULL LICENSE" not in text


def test_signature_is_placed_right():
    assert '<div class="verse right">' in xhtml("letters.txt")


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["play.txt", "gutenberg-modern.txt", "gutenberg-old.txt", "poems.txt", "letters.txt", "chinese.txt"]
)
def test_fixture_books_pass_epubcheck(name, tmp_path):
    from conftest import epubcheck_problems

    from booksmith.options import BuildOptions
    from booksmith.pipeline import convert

    (book,) = convert(CORPUS / name, tmp_path, BuildOptions(formats=("epub",)))
    assert epubcheck_problems(book) == []
