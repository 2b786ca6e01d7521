"""Group lines into paragraphs, verse, scene breaks and captions, following the text's convention."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cache

from booksmith import chars
from booksmith.resources import data_toml
from booksmith.structure.lines import Item, Line, columns

SENTENCE_END = re.compile(r"[.!?…:;,\"”’»)]$")
LETTER_MARKS = re.compile(r"^(?:[oO0]{3,}|[xX]{3,})$")
ILLUSTRATION = re.compile(r"^\[Illustration(?::\s*(?P<caption>.*?))?\]$", re.IGNORECASE | re.DOTALL)
# Lines no longer than this are short enough to be verse in an unwrapped text.
VERSE_LINE = 70
# Editors wrap prose at 60 to 80 columns; a text whose lines mostly stop before this
# column (a book of verse, a collection of short poems) was not wrapped at all.
NARROWEST_WRAP = 50
EMPHASIS = (
    (re.compile(r"(?<![\w*])\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*(?![\w*])"), chars.STRONG_START, chars.STRONG_END),
    (re.compile(r"(?<![\w_])__(?=\S)([^_\n]+?)(?<=\S)__(?![\w_])"), chars.STRONG_START, chars.STRONG_END),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"), chars.EMPHASIS_START, chars.EMPHASIS_END),
    (re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])"), chars.EMPHASIS_START, chars.EMPHASIS_END),
)


@cache
def _break_chars() -> str:
    return data_toml("headings.toml")["break_mark_chars"] + "0"


def is_break_mark(text: str) -> bool:
    """A line of scene-break marks: `* * *`, `#`, `%`, `~~~`, `oOo`, spaced or indented."""
    # Counted before building the string: nearly every line tested is a paragraph of prose.
    if len(text) - text.count(" ") > 40:
        return False
    marks = text.replace(" ", "")
    if not marks:
        return False
    allowed = _break_chars()
    if any(ch not in allowed for ch in marks):
        return False
    symbols = sum(1 for ch in marks if not ch.isalnum())
    if not symbols:
        # oOo, xXx, o0o: letters count as marks in runs of three or more, but
        # not when they spell an exclamation such as "Ooo".
        return bool(LETTER_MARKS.match(marks)) and not (marks[0].isupper() and marks[1:].islower())
    if set(marks) == {"."}:
        return len(marks) >= 3 and " " in text.strip()  # ". . ." but not an ellipsis typed as "..."
    # `%` alone is the separator of fortune-cookie files and other collections.
    return len(marks) >= 3 or any(ch in "*#~%§⁂※❦❧☙✻✽❖◊◆•" for ch in marks)


def text_blocks(lines: list[Line]) -> list[tuple[int, list[Line]]]:
    """Runs of non-blank lines, each with the number of blank lines before it."""
    blocks: list[tuple[int, list[Line]]] = []
    gap = 0
    current: list[Line] | None = None
    for line in lines:
        if line.text.strip():
            if current is None:
                current = []
                blocks.append((gap, current))
            current.append(line)
            gap = 0
        else:
            current = None
            gap += 1
    return blocks


def detect_convention(lines: list[Line]) -> str:
    """Which of blank, indent, line and wrapped the text uses to separate its paragraphs."""
    blocks = text_blocks(lines)
    texts = [ln for _, b in blocks for ln in b]
    if not texts:
        return "blank"
    if sum(1 for ln in texts if 1 <= ln.indent <= 8 and _cjk(ln.text.lstrip(" \u3000")[:1])) >= len(texts) * 0.4:
        # Chinese and Japanese texts indent their paragraphs with full-width spaces (two spaces once
        # cleaned), blank lines or not, and dialogue in 「」 often goes unindented: not wrapped prose.
        return "indent"
    lengths = sorted(len(ln.text) for ln in texts)
    p90 = lengths[int(len(lengths) * 0.9)]
    if len(blocks) <= max(2, len(texts) * 0.05) and len(texts) >= 3 * len(blocks):
        # Hardly any blank lines: either every line is a paragraph, or indents mark them.
        indented = sum(1 for ln in texts if 1 <= ln.indent <= 8)
        if indented >= len(texts) * 0.05 and p90 <= 100:
            return "indent"
        return "line" if p90 > 100 or _mostly_sentence_lines(texts) else "indent"
    runs = [b for _, b in blocks if len(b) > 1]
    in_runs = [ln for b in runs for ln in b]
    # An indented line followed by a flush one starts a paragraph in the indent
    # convention; verse indents whole runs of lines instead.
    starts = sum(
        1 for b in runs for line, following in itertools.pairwise(b) if 1 <= line.indent <= 8 and following.indent == 0
    )
    if starts >= max(2, len(runs) * 2) and p90 >= 55:
        return "indent"
    if len(in_runs) < len(texts) * 0.4:
        return "blank"  # most paragraphs are one line each, between blank lines
    run_lengths = sorted(len(ln.text) for ln in in_runs)
    return "wrapped" if run_lengths[int(len(run_lengths) * 0.9)] <= 100 else "blank"


def _mostly_sentence_lines(texts: list[Line]) -> bool:
    ends = sum(1 for ln in texts if SENTENCE_END.search(ln.text.rstrip()))
    return ends >= len(texts) * 0.7


def wrap_width(lines: list[Line]) -> int:
    """The column a hard-wrapped text breaks at (the 90th percentile of line lengths)."""
    lengths = sorted(columns(ln.text.rstrip()) for ln in lines if ln.text.strip())
    return lengths[int(len(lengths) * 0.9)] if lengths else 80


# The indentation (in columns) of a line of verse quoted between flush paragraphs.
QUOTED_LINE_INDENT = (4, 12)


def make_items(lines: list[Line], convention: str) -> list[Item]:
    """Paragraphs, verse, captions and scene breaks, in order."""
    blocks = _join_illustrations(text_blocks(lines))
    ordinary = _ordinary_gap(blocks, convention)
    width = wrap_width(lines)
    wrapped = _hard_wrapped(blocks, width)
    items: list[Item] = []
    for index, (gap, block) in enumerate(blocks):
        # Without blank lines between paragraphs, the ones around a title or a
        # heading line are layout, not a scene break.
        around_title = not ordinary and (_lone_short_line(block) or _lone_short_line(blocks[index - 1][1]))
        if index and gap > ordinary and items and items[-1].kind != "break" and not around_title:
            items.append(Item("break", [block[0]], extra={"gap": gap}))
        items.extend(_block_items(block, convention, width, wrapped))
    if convention in ("blank", "wrapped"):
        _set_apart_lines_as_verse(items, blocks)
    return items


def _set_apart_lines_as_verse(items: list[Item], blocks: list[tuple[int, list[Line]]]) -> None:
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


def _hard_wrapped(blocks: list[tuple[int, list[Line]]], width: int) -> bool:
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


def _join_illustrations(blocks: list[tuple[int, list[Line]]]) -> list[tuple[int, list[Line]]]:
    """An `[Illustration: …]` whose caption runs over blank lines is one block until its bracket closes."""
    joined: list[tuple[int, list[Line]]] = []
    open_at: int | None = None
    depth = 0
    for gap, block in blocks:
        if open_at is None and block[0].text.lstrip().lower().startswith("[illustration"):
            open_at, depth = len(joined), 0
            joined.append((gap, list(block)))
        elif open_at is not None:
            joined[open_at][1].extend(block)
        else:
            joined.append((gap, block))
        if open_at is not None:
            depth += sum(ln.text.count("[") - ln.text.count("]") for ln in block)
            if depth <= 0 or len(joined[open_at][1]) > 12:
                open_at = None
    return joined


def _lone_short_line(block: list[Line]) -> bool:
    return len(block) == 1 and len(block[0].text.strip()) < 60 and not is_break_mark(block[0].text)


def _ordinary_gap(blocks: list[tuple[int, list[Line]]], convention: str) -> int:
    """The usual number of blank lines between paragraphs; more than that is a scene break."""
    # In the line and indent conventions paragraphs have no gap, so any blank line is one.
    if convention in ("line", "indent"):
        return 0
    # Gaps before a lone short line (a heading, a title) are layout, and would
    # make a wide chapter gap look ordinary in a short text.
    gaps = Counter(g for g, block in blocks[1:] if not _lone_short_line(block))
    if not gaps:
        return 1
    usual, count = gaps.most_common(1)[0]
    # A text that mixes one and two blank lines throughout uses both ordinarily;
    # scene breaks and chapter gaps are far rarer than paragraph gaps.
    return max(g for g, n in gaps.items() if g == usual or (g > usual and n >= max(3, count * 0.35)))


def _block_items(block: list[Line], convention: str, width: int, wrapped: bool) -> list[Item]:
    if all(is_break_mark(ln.text) for ln in block):
        return [Item("break", block[:1])]
    marks = [i for i, ln in enumerate(block) if is_break_mark(ln.text)]
    if marks and not (len(block) == 2 and marks == [1]):
        # A mark line between lines of text (`%` between the entries of a collection,
        # `* * *` with no blank line around it) separates them; a mark under a single
        # line underlines it and stays with it.
        items: list[Item] = []
        for start, end in itertools.pairwise([-1, *marks, len(block)]):
            if end > start + 1:
                items.extend(_block_items(block[start + 1 : end], convention, width, wrapped))
            if end < len(block):
                items.append(Item("break", [block[end]]))
        return items
    joined = " ".join(ln.text.strip() for ln in block)
    illustration = ILLUSTRATION.match(joined)
    if illustration:
        caption = (illustration["caption"] or "").strip()
        return [_paragraph(block, role="caption", text=caption)] if caption else []
    if len(block) == 1:
        return [_paragraph(block)]
    poems = _cjk_verse(block, convention, width, wrapped)
    if poems is not None:
        return poems
    if convention == "line" and min(ln.indent for ln in block) < 10:
        return [Item("break", [ln]) if is_break_mark(ln.text) else _paragraph([ln]) for ln in block]
    if convention == "indent" and min(ln.indent for ln in block) < 10:
        return _split_at_indents(block)
    if _is_verse(block, convention, width if wrapped else None):
        return [Item("verse", block, align=_block_align(block, width))]
    if convention == "blank" and sum(len(ln.text) > VERSE_LINE * 1.5 for ln in block) >= len(block) / 2:
        # Lines as long as paragraphs, typed one under the other: each one is a paragraph.
        return [Item("break", [ln]) if is_break_mark(ln.text) else _paragraph([ln]) for ln in block]
    if convention == "indent" or _indent_marks_paragraphs(block):
        return _split_at_indents(block)
    return [_paragraph(block)]


# Classical Chinese verse: lines of five or seven characters, each closed by full-width punctuation.
CJK_LINE_END = "，。！？；、"
CJK_VERSE_LINE = 16
# A poem's title or its author's name over its lines: short, and not closed like a sentence.
CJK_LABEL = 24


def _cjk(ch: str) -> bool:
    """A Chinese character, kana, hangul, or CJK punctuation (「 opens Japanese dialogue)."""
    return "\u3000" < ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"


def _cjk_verse_line(text: str) -> bool:
    return 3 <= len(text) <= CJK_VERSE_LINE and text[-1] in CJK_LINE_END and all(_cjk(ch) for ch in text[:-1])


def _cjk_verse(block: list[Line], convention: str, width: int, wrapped: bool) -> list[Item] | None:
    """Runs of short CJK lines of one length, closed by full-width punctuation, are verse in any convention.

    Classical poems are often typed indented and without blank lines, title and
    author over four or eight lines; the indent and line conventions would make
    them one paragraph, or a paragraph a line. A paragraph of prose never ends
    with a comma, so a run must have some: "他笑了。" / "我走了。" stay paragraphs.
    """
    if not any(ln.text.rstrip()[-1:] in "，；、" for ln in block):
        return None  # most blocks have no line ending in a comma, and are done with here
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
    if not runs:
        return None
    items: list[Item] = []
    done = 0
    for begin, end in runs:
        if begin > done:
            items.extend(_poem_labels(block[done:begin], convention, width, wrapped))
        items.append(Item("verse", block[begin:end]))
        done = end
    if done < len(block):
        items.extend(_block_items(block[done:], convention, width, wrapped))
    return items


def _poem_labels(lines: list[Line], convention: str, width: int, wrapped: bool) -> list[Item]:
    """The lines over a poem: its title and author, each a line of its own, or whatever they are."""
    if all(len(ln.text.strip()) <= CJK_LABEL and ln.text.rstrip()[-1:] not in CJK_LINE_END for ln in lines):
        return [_paragraph([ln]) for ln in lines]
    return _block_items(lines, convention, width, wrapped)


def _is_verse(block: list[Line], convention: str, width: int | None) -> bool:
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


def _block_align(block: list[Line], width: int) -> str | None:
    """Deeply indented blocks were placed by the writer: centred, or to the right like a signature."""
    indent = min(ln.indent for ln in block)
    if indent < 10:
        return None
    longest = max(columns(ln.text.strip()) for ln in block)
    centre = (width - longest) / 2
    return "center" if abs(indent - centre) <= max(4, width * 0.08) else "right"


def _indent_marks_paragraphs(block: list[Line]) -> bool:
    """Some lines indented a little, the rest flush: each indented line starts a paragraph."""
    indents = [ln.indent for ln in block]
    return max(indents) <= 8 and any(indents[1:]) and indents[1:].count(0) >= 1


# How a line that ends a paragraph ends, CJK closing brackets and full stops included.
PARAGRAPH_END = re.compile(r"[.!?…:;\"”’»)。！？」』）]$")


def _split_at_indents(block: list[Line]) -> list[Item]:
    items: list[Item] = []
    current: list[Line] = []
    base = min(ln.indent for ln in block)
    if base and all(ln.indent == base for ln in block):
        # Every line indented alike ("　　" before each line of a Chinese web novel): the
        # indents start every line, so lines that end like paragraphs are paragraphs.
        ends = sum(1 for ln in block if PARAGRAPH_END.search(ln.text.rstrip()))
        if ends >= len(block) * 0.7:
            return [Item("break", [ln]) if is_break_mark(ln.text) else _paragraph([ln]) for ln in block]
    for line in block:
        if is_break_mark(line.text):
            if current:
                items.append(_paragraph(current))
                current = []
            items.append(Item("break", [line]))
            continue
        # Japanese dialogue goes unindented: 「 after a closed line starts a paragraph too.
        spoken = line.text.lstrip()[:1] in "「『" and current and current[-1].text.rstrip()[-1:] in "。！？」』"
        if current and (line.indent > base or spoken):
            items.append(_paragraph(current))
            current = []
        current.append(line)
    if current:
        items.append(_paragraph(current))
    return items


def _paragraph(lines: list[Line], *, role: str | None = None, text: str | None = None) -> Item:
    first = lines[0]
    align = None
    if len(lines) == 1 and first.indent >= 10 and len(first.text.strip()) < 70:
        align = "center" if first.indent < 30 or len(first.text.strip()) > 20 else "right"
    item = Item("para", lines, align=align, role=role)
    if text is not None:
        item.extra["text"] = text
    return item


BROKEN_WORD = re.compile(r"(\w+)-$")
LEADING_WORD = re.compile(r"^\s*([^\W\d_]+)(\S*)")


def mend_broken_words(items: list[Item], text: str) -> None:
    """Rejoin a word a line end split with a hyphen ("exam-" / "ple"), only where that is clearly what happened.

    Clearly means the text spells the whole word elsewhere ("example") and never
    writes it with that hyphen ("exam-ple"); "well-" / "known" keeps its hyphen.
    """
    candidates = [
        (item, index)
        for item in items
        if item.kind == "para" and len(item.lines) > 1
        for index in range(len(item.lines) - 1)
        if item.lines[index].text.endswith("-") and LEADING_WORD.match(item.lines[index + 1].text)
    ]
    if not candidates:
        return
    lowered = text.casefold()
    words = set(re.findall(r"[^\W\d_]+", lowered))
    hyphenated = set(re.findall(r"[^\W\d_]+-[^\W\d_]+", lowered))
    for item, index in candidates:
        line, following = item.lines[index], item.lines[index + 1]
        head = BROKEN_WORD.search(line.text)
        tail = LEADING_WORD.match(following.text)
        if not head or not tail or not tail.group(1)[0].islower():
            continue
        whole = (head.group(1) + tail.group(1)).casefold()
        if whole in words and f"{head.group(1)}-{tail.group(1)}".casefold() not in hyphenated:
            # The rest of the word and the punctuation after it move up: "exam-" / "ple," -> "example,".
            line.text = line.text[:-1] + tail.group(1) + tail.group(2)
            following.text = following.text[tail.end(2) :].lstrip()


def join_lines(lines: list[str]) -> str:
    """Join a hard-wrapped paragraph: spaces between lines, hyphens and dashes at ends kept."""
    out = lines[0].strip()
    for line in lines[1:]:
        part = line.strip()
        if not part:
            continue
        closed = _joins_closed(out, part) or (chars.UNSPACED.match(part) and chars.UNSPACED.match(out[-1]))
        out += part if closed else " " + part
    return out


def _joins_closed(line: str, following: str) -> bool:
    """Whether a line ending in a hyphen or dash runs on into the next line's word with no space between.

    A single hyphen is part of a word only when a letter or digit stands before it:
    "well-" / "known" and "a 5-" / "year-old" are compounds (the space would also
    make "5- year" a dash), but "(wie er schon)-" / "sie kam" ends a clause, and
    "schon)-sie" glued two words. A dash ("--", "—", "–") typed against the word
    before it was typed closed ("word--" / "next" is "word--next"); one with a
    space before it ("word --", "word —") was typed spaced, so a space follows too.
    """
    if not following[:1].isalpha():
        return False
    if line.endswith("-") and not line.endswith("--"):
        return line[-2:-1].isalnum()
    if line.endswith(("-", "—", "–")):
        return not line.rstrip("-—–")[-1:].isspace()
    return False


def inline_markup(text: str) -> str:
    """Replace typed emphasis (_word_, *word*, **word**) with the model's markup characters."""
    if "*" not in text and "_" not in text:
        return text
    for pattern, start, end in EMPHASIS:
        text = pattern.sub(lambda m, s=start, e=end: s + m.group(1) + e, text)
    return text
