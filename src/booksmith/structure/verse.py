"""Tell verse (lines whose breaks the writer chose) from prose, in Latin scripts and in classical CJK poems."""

from __future__ import annotations

import itertools
from functools import cache

from booksmith import chars
from booksmith.resources import data_toml
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
    words = following.text.split()
    first = words[0]
    if chars.UNSPACED.match(first):
        return columns(line.text.rstrip()) + columns(first[0]) < width - 2
    if len(words) > 1 and is_title_abbreviation(first):
        first = f"{first} {words[1]}"  # editors keep "Mr. Darcy" together: the line broke before both
    return columns(line.text.rstrip()) + 1 + columns(first) < width - 2


@cache
def _title_abbreviations() -> frozenset[str]:
    return frozenset(data_toml("plays.toml")["title_abbreviations"])


def is_title_abbreviation(word: str) -> bool:
    """ "Mr." or "MRS.": a title whose full stop ends neither a name nor a sentence (data/plays.toml)."""
    return word.endswith(".") and word[:-1].strip("“\"‘'(").lower() in _title_abbreviations()


def _ends_in_title(text: str) -> bool:
    words = text.split()
    return bool(words) and is_title_abbreviation(words[-1])


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
        if _goes_on_in_lower_case(block):
            return False  # a sentence wrapped over the lines, however short they are
        # A wrapping editor breaks a line only when the next word does not fit;
        # a line that stops well short of that was broken on purpose.
        chosen = sum(1 for line, following in itertools.pairwise(block) if _broken_early(line, following, width))
        return chosen >= (len(block) - 1) * 0.6 or _capital_lines(block)
    if _wrapped_prose(block):
        return False  # a preface in a book of verse, wrapped by its editor
    lengths = [len(ln.text.strip()) for ln in block]
    if sum(n <= VERSE_LINE for n in lengths) >= len(block) * 0.75 and max(lengths) < VERSE_LINE * 1.4:
        return True
    # Long lines of verse (Whitman's) still start with capitals and end in punctuation;
    # lines as long as a paragraph are paragraphs typed one under another.
    return len(block) >= 3 and max(lengths) <= LONG_VERSE_LINE and _capital_lines(block)


# A line of verse is seldom longer than this; a longer line typed on its own is a paragraph.
LONG_VERSE_LINE = 100


def _wrapped_prose(block: list[Line]) -> bool:
    """Prose an editor hard-wrapped, in a text not wrapped as a whole (the preface of a book of verse).

    Each line is as full as the block's longest allows (the next word would not
    have fitted), and some lines go on in lower case, as verse lines seldom do.
    """
    if len(block) < 3:
        return False
    width = max(columns(ln.text.rstrip()) for ln in block)
    if width < NARROWEST_WRAP:
        return False
    pairs = list(itertools.pairwise(block))
    forced = sum(1 for line, following in pairs if not _broken_early(line, following, width))
    lower = sum(1 for _, following in pairs if following.text.strip()[:1].islower())
    return forced >= len(pairs) * 0.75 and lower >= len(pairs) * 0.2


def _capital_lines(block: list[Line]) -> bool:
    """Every line after a comma or a full stop starts with a capital, as verse is printed.

    Two lines are too few to tell: a sentence wrapped once starts its second line
    with a capital as often as not. "Mr." ends no sentence, and the name after it
    (or a line opening "Mr. Darcy") has its capital whether it is verse or not.
    """
    if len(block) < 3:
        return False
    pairs = [
        (line, following)
        for line, following in itertools.pairwise(block)
        if not _ends_in_title(line.text) and not is_title_abbreviation(following.text.split()[0])
    ]
    if len(pairs) < 2:
        return False
    capitals = sum(1 for _, following in pairs if _opens_with_capital(following.text.strip()))
    ends = sum(1 for line, _ in pairs if line.text.rstrip()[-1:] in ",;:.!?—-")
    return capitals >= len(pairs) * 0.9 and ends >= len(pairs) * 0.75


def _goes_on_in_lower_case(block: list[Line]) -> bool:
    """Half the lines after the first start in lower case: prose, as verse lines seldom do."""
    lower = sum(1 for line in block[1:] if line.text.strip()[:1].islower())
    return len(block) >= 2 and lower >= (len(block) - 1) * 0.5


def _opens_with_capital(text: str) -> bool:
    """A capital first letter, after any opening quotes or brackets ("“And" yes, "“and" no)."""
    letters = text.lstrip("“\"‘'([«„¿¡*_ ")
    return letters[:1].isupper()


def block_align(block: list[Line], width: int) -> str | None:
    """Deeply indented blocks were placed by the writer: centred, or to the right like a signature."""
    indent = min(ln.indent for ln in block)
    if indent < 10:
        return None
    longest = max(columns(ln.text.strip()) for ln in block)
    centre = (width - longest) / 2
    return "center" if abs(indent - centre) <= max(4, width * 0.08) else "right"
