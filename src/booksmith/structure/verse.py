"""Tell verse (lines whose breaks the writer chose) from prose, in Latin scripts and in classical CJK poems."""

from __future__ import annotations

import itertools

from booksmith import chars
from booksmith.structure.breaks import is_break_mark
from booksmith.structure.lines import Item, Line, columns

# Lines no longer than this are short enough to be verse in an unwrapped text.
VERSE_LINE = 70


# Editors wrap prose at 60 to 80 columns; a text whose lines mostly stop before this
# column (a book of verse, a collection of short poems) was not wrapped at all.
NARROWEST_WRAP = 50


# The indentation (in columns) of a line of verse quoted between flush paragraphs.
QUOTED_LINE_INDENT = (4, 12)


def set_apart_lines_as_verse(items: list[Item], blocks: list[tuple[int, list[Line]]]) -> None:
    """A lone line indented a little in a text whose paragraphs are flush is a quoted line of verse.

    ("      May its approval beam in that soft eye!" between paragraphs.) A centred
    title sits deeper, a short label is not verse, and where paragraphs are
    indented an indented line is just a paragraph.
    """
    indented = sum(block[0].indent >= QUOTED_LINE_INDENT[0] for _, block in blocks)
    if indented >= len(blocks) * 0.5 or (indented > len(blocks) * 0.2 and indented >= 2):
        return
    for item in items:
        if item.kind == "para" and not item.role and len(item.lines) == 1:
            line = item.lines[0]
            if line.indent in range(*QUOTED_LINE_INDENT) and len(line.text.strip()) >= 20:
                item.kind = "verse"


def hard_wrapped(blocks: list[tuple[int, list[Line]]], width: int) -> bool:
    """Whether most line breaks inside blocks are where an editor wrapping at `width` would put them.

    A book of verse has no wrap width: its longest lines only look like one, and
    measuring its stanzas against them would join half of them into prose.
    """
    if width < NARROWEST_WRAP:
        return False
    breaks = forced = 0
    for _, block in blocks:
        for line, following in itertools.pairwise(block):
            if is_break_mark(line.text) or is_break_mark(following.text):
                continue
            breaks += 1
            forced += not _broken_early(line, following, width)
    return forced >= breaks * 0.6


def _broken_early(line: Line, following: Line, width: int) -> bool:
    """Whether an editor wrapping at `width` would have fitted the next line's first word on this line.

    Chinese and Japanese wrap between any two characters, with no space between.
    """
    first = following.text.split()[0]
    if chars.UNSPACED.match(first):
        return columns(line.text.rstrip()) + columns(first[0]) < width - 2
    return columns(line.text.rstrip()) + 1 + columns(first) < width - 2


# Classical Chinese verse: lines of five or seven characters, each closed by full-width punctuation.
CJK_LINE_END = "，。！？；、"


CJK_VERSE_LINE = 16


# A poem's title or its author's name over its lines: short, and not closed like a sentence.
CJK_LABEL = 24


def is_cjk(ch: str) -> bool:
    """A Chinese character, kana, hangul, or CJK punctuation (「 opens Japanese dialogue)."""
    return "\u3000" < ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"


def _cjk_verse_line(text: str) -> bool:
    return 3 <= len(text) <= CJK_VERSE_LINE and text[-1] in CJK_LINE_END and all(is_cjk(ch) for ch in text[:-1])


def cjk_poem_runs(block: list[Line]) -> list[tuple[int, int]]:
    """Runs of short CJK lines of one length, closed by full-width punctuation: verse in any convention.

    Classical poems are often typed indented and without blank lines, title and
    author over four or eight lines; the indent and line conventions would make
    them one paragraph, or a paragraph a line. A paragraph of prose never ends
    with a comma, so a run must have some: "他笑了。" / "我走了。" stay paragraphs.
    """
    if not any(ln.text.rstrip()[-1:] in "，；、" for ln in block):
        return []  # most blocks have no line ending in a comma, and are done with here
    texts = [ln.text.strip() for ln in block]
    runs: list[tuple[int, int]] = []
    start = 0
    while start < len(texts):
        end = start
        while end < len(texts) and _cjk_verse_line(texts[end]) and abs(len(texts[end]) - len(texts[start])) <= 1:
            end += 1
        commas = sum(1 for text in texts[start:end] if text[-1] in "，；、")
        if end - start >= 2 and commas >= max(1, (end - start) / 4):
            runs.append((start, end))
            start = end
        else:
            start = max(end, start + 1)
    return runs


def poem_labels(lines: list[Line]) -> bool:
    """Whether the lines over a poem are its title and author, each a short line of its own."""
    return all(len(ln.text.strip()) <= CJK_LABEL and ln.text.rstrip()[-1:] not in CJK_LINE_END for ln in lines)


def is_verse(block: list[Line], convention: str, width: int | None) -> bool:
    """Lines whose breaks the writer chose: a poem, a song, an address, a list."""
    if any(is_break_mark(ln.text) for ln in block):
        return False
    if min(ln.indent for ln in block) >= 10:
        return True  # set deep in the page: an address, a signature, a quotation in verse
    if width is not None and (convention == "wrapped" or (convention == "blank" and width <= 100)):
        # A wrapping editor breaks a line only when the next word does not fit;
        # a line that stops well short of that was broken on purpose.
        chosen = sum(1 for line, following in itertools.pairwise(block) if _broken_early(line, following, width))
        return chosen >= (len(block) - 1) * 0.6 or _capital_lines(block)
    lengths = [len(ln.text.strip()) for ln in block]
    return sum(n <= VERSE_LINE for n in lengths) >= len(block) * 0.75 and max(lengths) < VERSE_LINE * 1.4


def _capital_lines(block: list[Line]) -> bool:
    """Every line after a comma or a full stop starts with a capital, as verse is printed."""
    following = [ln.text.strip() for ln in block[1:]]
    capitals = sum(1 for text in following if text[:1].isupper() or text[:1] in "“\"‘'([")
    ends = sum(1 for ln in block[:-1] if ln.text.rstrip()[-1:] in ",;:.!?—-")
    if len(block) == 2:
        return capitals == 1 and ends == 1 and len(block[0].text.strip()) < VERSE_LINE
    return capitals >= len(following) * 0.9 and ends >= len(following) * 0.5


def block_align(block: list[Line], width: int) -> str | None:
    """Deeply indented blocks were placed by the writer: centred, or to the right like a signature."""
    indent = min(ln.indent for ln in block)
    if indent < 10:
        return None
    longest = max(columns(ln.text.strip()) for ln in block)
    centre = (width - longest) / 2
    return "center" if abs(indent - centre) <= max(4, width * 0.08) else "right"
