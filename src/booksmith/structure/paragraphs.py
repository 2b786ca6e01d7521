"""Group lines into paragraphs, verse, scene breaks and captions, following the text's convention."""

from __future__ import annotations

import itertools
import re

from booksmith import chars
from booksmith.structure.breaks import GapReading, is_break_mark
from booksmith.structure.candidates import heading_level
from booksmith.structure.lines import Item, Line, columns
from booksmith.structure.verse import (
    VERSE_LINE,
    block_align,
    cjk_poem_runs,
    hard_wrapped,
    is_cjk,
    is_verse,
    poem_labels,
    set_apart_lines_as_verse,
)

SENTENCE_END = re.compile(r"[.!?…:;,\"”’»)。！？」』）；，]$")


ILLUSTRATION = re.compile(r"^\[Illustration(?::\s*(?P<caption>.*?))?\]$", re.IGNORECASE | re.DOTALL)


EMPHASIS = (
    (re.compile(r"(?<![\w*])\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*(?![\w*])"), chars.STRONG_START, chars.STRONG_END),
    (re.compile(r"(?<![\w_])__(?=\S)([^_\n]+?)(?<=\S)__(?![\w_])"), chars.STRONG_START, chars.STRONG_END),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"), chars.EMPHASIS_START, chars.EMPHASIS_END),
    (re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])"), chars.EMPHASIS_START, chars.EMPHASIS_END),
)


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
    if sum(1 for ln in texts if 1 <= ln.indent <= 8 and is_cjk(ln.text.lstrip(" \u3000")[:1])) >= len(texts) * 0.4:
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


def make_items(lines: list[Line], convention: str, break_lines: int | None = None) -> tuple[list[Item], GapReading]:
    """Paragraphs, verse, captions and scene breaks, in order; and how the text's gaps were read."""
    blocks = _join_illustrations(text_blocks(lines))
    gaps = GapReading(blocks, convention, break_lines)
    width = wrap_width(lines)
    wrapped = hard_wrapped(blocks, width)
    items: list[Item] = []
    for index, (gap, block) in enumerate(blocks):
        if index and items and items[-1].kind != "break":
            why = gaps.break_before(index)
            if why:
                items.append(Item("break", [block[0]], gap=gap, why=why))
        first = len(items)
        items.extend(_block_items(block, convention, width, wrapped))
        if len(items) > first:
            items[first].gap = gap
    if convention in ("blank", "wrapped"):
        set_apart_lines_as_verse(items, blocks)
    return items, gaps


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


def _block_items(block: list[Line], convention: str, width: int, wrapped: bool) -> list[Item]:
    if all(is_break_mark(ln.text) for ln in block):
        return [Item("break", block[:1])]
    # A row of dots inside a block marks lines left out of a quotation, not a break.
    marks = [i for i, ln in enumerate(block) if is_break_mark(ln.text) and ln.text.strip(". ")]
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
    if is_verse(block, convention, width if wrapped else None):
        return [Item("verse", block, align=block_align(block, width))]
    if convention == "blank" and sum(len(ln.text) > VERSE_LINE * 1.5 for ln in block) >= len(block) / 2:
        # Lines as long as paragraphs, typed one under the other: each one is a paragraph.
        return [Item("break", [ln]) if is_break_mark(ln.text) else _paragraph([ln]) for ln in block]
    if convention == "indent" or _indent_marks_paragraphs(block):
        return _split_at_indents(block)
    return [_paragraph(block)]


def _indent_marks_paragraphs(block: list[Line]) -> bool:
    """Some lines indented a little, the rest flush: each indented line starts a paragraph."""
    indents = [ln.indent for ln in block]
    return max(indents) <= 8 and any(indents[1:]) and indents[1:].count(0) >= 1


# A flush line this short may be a heading between indented paragraphs.
HEADING_LINE = 60
# How a line that ends a paragraph ends, CJK closing brackets and full stops included.
PARAGRAPH_END = re.compile(r"[.!?…:;\"”’»)。！？」』）]$")


def _cjk_verse(block: list[Line], convention: str, width: int, wrapped: bool) -> list[Item] | None:
    """Classical CJK poems inside a block as verse items, with their title and author lines apart."""
    runs = cjk_poem_runs(block)
    if not runs:
        return None
    items: list[Item] = []
    done = 0
    for begin, end in runs:
        if begin > done:
            labels = block[done:begin]
            if poem_labels(labels):
                items.extend(_paragraph([ln]) for ln in labels)
            else:
                items.extend(_block_items(labels, convention, width, wrapped))
        items.append(Item("verse", block[begin:end]))
        done = end
    if done < len(block):
        items.extend(_block_items(block[done:], convention, width, wrapped))
    return items


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
        if line.indent == base and len(line.text) < HEADING_LINE and heading_level(line.text.strip())[0]:
            # A heading typed flush between indented paragraphs ("第二章　牢狱"): an item of its own.
            if current:
                items.append(_paragraph(current))
            items.append(_paragraph([line]))
            current = []
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
        item.shown = text
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
    # Pieces gathered in a list and joined once: adding to one string is quadratic in a long block.
    pieces = [lines[0].strip()]
    last = pieces[0]
    for line in lines[1:]:
        part = line.strip()
        if not part:
            continue
        closed = _joins_closed(last, part) or (chars.UNSPACED.match(part) and chars.UNSPACED.match(last[-1:]))
        pieces.append(part if closed else " " + part)
        last = part
    return "".join(pieces)


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
