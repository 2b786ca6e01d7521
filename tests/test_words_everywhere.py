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


NUMBERED = (
    "THE LONG ROAD\n\nby Ada Quill\n\nXXVIII\n\nThe road went on past the mill.\n\n* * *\n\n"
    "They walked until dusk.\n\nXXIX\n\nAnother day came.\n\nxXx\n\nThe mill was gone.\n\n"
    "XXX\n\nThe last chapter of the road.\n"
)


def test_xxx_as_a_chapter_number_is_kept_and_verify_lists_removals_by_kind(tmp_path, run_cli):
    source = tmp_path / "road.txt"
    source.write_text(NUMBERED, encoding="utf-8")
    assert run_cli("build", source, "-f", "epub", "-o", tmp_path).exit_code == 0
    assert "XXX" in "".join(epub_documents(tmp_path / "road.epub").values())
    result = run_cli("verify", tmp_path / "road.epub", source)
    assert result.exit_code == 0, result.stderr
    assert "removed 2 lines (scene-break marks drawn as ornaments): line 9, 17: `* * *`; `xXx`" in result.stdout
    assert "removed 2 lines (header fields and title page turned into metadata)" in result.stdout
    explained = run_cli("inspect", "--explain", source).stdout
    assert "removed 2 lines (scene-break marks drawn as ornaments)" in explained


def test_a_removed_line_that_held_words_fails_build_and_verify(tmp_path, run_cli, monkeypatch):
    import booksmith.structure as structure

    source = tmp_path / "road.txt"
    source.write_text(NUMBERED, encoding="utf-8")
    assert run_cli("build", source, "-f", "epub", "-o", tmp_path).exit_code == 0
    # A structure that takes "XXX" for an ornament, as one did: the chapter number vanishes.
    monkeypatch.setattr(structure, "is_break_mark", lambda text: text.strip() in ("* * *", "xXx", "XXX"))
    monkeypatch.setattr(structure, "mark_headings", lambda items, pattern: items)
    result = run_cli("verify", tmp_path / "road.epub", source)
    assert result.exit_code == 1
    assert "line 21 `XXX` was left out (scene-break marks drawn as ornaments) but holds words" in result.stderr
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "again")
    assert result.exit_code == 1 and "`XXX` was left out" in result.stderr
    assert not (tmp_path / "again").exists() or not list((tmp_path / "again").iterdir())


def test_removed_lines_of_unknown_kind_with_words_are_losses():
    from booksmith.removals import lost_line
    from booksmith.structure import Removal

    assert lost_line([Removal(4, "Chapter Nine", "a mystery step")], "body") is not None
    assert lost_line([Removal(4, "~~~", "a mystery step")], "body") is None
    assert lost_line([Removal(4, "The End", "a scene-break mark")], "The road. The End came.") is not None
    assert lost_line([Removal(4, "oOo", "a scene-break mark")], "The road went on.") is None
