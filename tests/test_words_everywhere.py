"""Issue 14: every word in every script survives cleaning and reaches the book byte for byte."""

from __future__ import annotations

import pytest

from booksmith import clean as clean_module
from booksmith.clean import clean
from booksmith.decode import decode
from booksmith.errors import VerificationError
from booksmith.options import BuildOptions
from booksmith.pipeline import convert, load
from tests.conftest import epub_documents, epubcheck_problems

PERSIAN = "من می\u200cخواهم به خانه بروم و کتاب\u200cها را بخوانم."
HINDI = "क्\u200dष और र\u200dय शब्द यहाँ हैं।"
FAMILY = "👨\u200d👩\u200d👧"
EMOJI = f"The family {FAMILY} waved, and the heart ❤\ufe0f glowed."
HEBREW_WITH_MARKS = "He wrote \u200fשלום\u200f and ALM \u061c here."
THAI = "ภาษาไทย\u200bเขียน\u200bติดกัน"


@pytest.mark.parametrize("kept", [PERSIAN, HINDI, EMOJI, HEBREW_WITH_MARKS, THAI])
def test_clean_keeps_characters_that_belong_to_the_text(kept):
    assert clean(kept) == kept


def test_clean_removes_only_what_cannot_be_text():
    assert clean("wo\u200brd\x00 and \ufeffBOM\x07") == "word and BOM"


def test_the_book_keeps_joiners_and_emoji_byte_for_byte(tmp_path):
    source = tmp_path / "scripts.txt"
    paragraphs = [PERSIAN, HINDI, EMOJI, HEBREW_WITH_MARKS, "A closing line in English so the story has a body."]
    source.write_text("\n\n".join(paragraphs * 3), encoding="utf-8")
    (book,) = convert(source, tmp_path / "out", BuildOptions(formats=("epub",)))
    xhtml = "".join(epub_documents(book).values())
    for paragraph in (PERSIAN, HINDI, FAMILY, "\u200fשלום\u200f", "\u061c"):
        assert paragraph in xhtml
    assert epubcheck_problems(book) == []


def test_a_cleaning_step_that_changes_a_word_is_caught(tmp_path, monkeypatch):
    # The check compares with the text before cleaning: deleting the non-joiner would
    # turn "می‌خواهم" into "میخواهم", a different spelling, and must stop the build.
    broken = dict(clean_module.REMOVALS)
    broken[0x200C] = None
    monkeypatch.setattr(clean_module, "REMOVALS", broken)
    with pytest.raises(VerificationError, match="cleaning the text changed its words near"):
        load((PERSIAN + "\n\n").encode() * 3, BuildOptions(formats=("epub",)))


def test_a_short_text_with_a_nul_and_controls_is_text(tmp_path, run_cli):
    words = "The keeper climbed the tower at dusk and lit the lamp for the boats coming home. " * 3
    data = (words + "\n\nShe waited\x00 by the\x01 window\x02 until\x03 dawn.\n").encode()
    assert decode(data, name="short.txt").text.startswith("The keeper")
    source = tmp_path / "short.txt"
    source.write_bytes(data)
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert "She waited by the window until dawn." in "".join(epub_documents(tmp_path / "out" / "short.epub").values())
