"""Cutting long chapters for e-readers: at paragraphs, then sentences, then words, keeping emphasis."""

from __future__ import annotations

from booksmith import chars
from booksmith.model import Paragraph, SceneBreak, Verse
from booksmith.render.split import pieces, sentences

EM, END = chars.EMPHASIS_START, chars.EMPHASIS_END


def test_sentences_give_the_text_back():
    text = "One. “Two?” she asked! Three… four"
    assert sentences(text) == ["One. ", "“Two?” ", "she asked! ", "Three… ", "four"]
    assert "".join(sentences(text)) == text


def test_groups_stay_within_the_budget_and_keep_block_order():
    blocks = (*(Paragraph(f"Paragraph {n} " + "word " * 50) for n in range(100)), SceneBreak())
    groups = pieces(blocks, 2000)
    assert all(sum(len(x.encode()) + 1 for x in group) <= 2000 for group in groups)
    flat = [x for group in groups for x in group]
    assert len(flat) == 101 and flat[-1] == '<hr class="scene-break"/>'
    assert [x.split()[1] for x in flat[:-1]] == [str(n) for n in range(100)]


def test_a_giant_paragraph_is_cut_between_sentences_then_words():
    sentence = "The sea kept no count of the days it took. "
    giant = Paragraph(sentence * 200 + "x" * 3000)
    flat = [x for group in pieces((giant,), 1500) for x in group]
    assert len(flat) > 5 and all(len(x.encode()) <= 1500 for x in flat)
    assert flat[0].startswith("<p>") and all(x.startswith('<p class="continued">') for x in flat[1:])
    text = " ".join(x.split(">", 1)[1].rsplit("<", 1)[0] for x in flat)
    assert text.replace(" ", "").replace("x", "") == (sentence * 200).replace(" ", "")
    # Cuts between sentences come before cuts inside them.
    prose = [x for x in flat if "xx" not in x]
    assert len(prose) > 5 and all(x.endswith(".</p>") for x in prose)


def test_emphasis_cut_in_two_is_closed_and_reopened():
    giant = Paragraph(f"Before. {EM}" + "Stressed words go on. " * 100 + f"{END} After.")
    flat = [x for group in pieces((giant,), 800) for x in group]
    assert len(flat) > 2
    assert all(x.count("<em>") == x.count("</em>") for x in flat)
    assert all("<em>" in x for x in flat)


def test_a_long_poem_is_cut_between_lines():
    poem = Verse(tuple(f"line {n} of the long poem" for n in range(400)))
    flat = [x for group in pieces((poem,), 3000) for x in group]
    assert len(flat) > 2 and all(x.startswith('<div class="verse">') for x in flat)
    assert sum(x.count('<p class="line">') for x in flat) == 400
