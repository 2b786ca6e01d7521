"""Cut a chapter's blocks into pieces whose XHTML stays under a byte budget, for e-readers' file limits.

Older readers (Adobe RMSDK in Kobo, PocketBook, Tolino, Sony) refuse or slow
down on XHTML files over about 300 KB, so long chapters become several files.
Cuts fall between paragraphs; a paragraph larger than the budget is cut between
sentences, and a sentence larger than it between words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from booksmith import chars
from booksmith.model import Block, Paragraph, Verse
from booksmith.render.blocks import NoteLinks, block_xhtml

# A sentence ends after . ! ? or … and any closing quotes or brackets, before white space.
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)\]]*\s+")
WORD_END = re.compile(r"\s+")
OPENERS = {chars.EMPHASIS_END: chars.EMPHASIS_START, chars.STRONG_END: chars.STRONG_START}
CLOSERS = {chars.EMPHASIS_START: chars.EMPHASIS_END, chars.STRONG_START: chars.STRONG_END}


def pieces(blocks: tuple[Block, ...], budget: int, links: NoteLinks | None = None) -> list[list[str]]:
    """The blocks' XHTML, grouped so each group's UTF-8 size stays within `budget` bytes."""
    groups: list[list[str]] = [[]]
    size = 0
    for block in blocks:
        for xhtml in _block_xhtml_within(block, budget, links):
            cost = len(xhtml.encode("utf-8")) + 1
            if groups[-1] and size + cost > budget:
                groups.append([])
                size = 0
            groups[-1].append(xhtml)
            size += cost
    return groups


def _block_xhtml_within(block: Block, budget: int, links: NoteLinks | None = None) -> Iterator[str]:
    """The block's XHTML, or, when it alone exceeds the budget, the XHTML of its pieces."""
    xhtml = block_xhtml(block, links)
    if len(xhtml.encode("utf-8")) < budget:
        yield xhtml
        return
    if isinstance(block, Verse):
        # A long poem: stanzas of lines, each within the budget.
        lines: list[str] = []
        for line in block.lines:
            if lines and len(block_xhtml(Verse((*lines, line))).encode("utf-8")) >= budget:
                yield block_xhtml(Verse(tuple(lines)))
                lines = []
            lines.append(line)
        if lines:
            yield block_xhtml(Verse(tuple(lines)))
        return
    if not isinstance(block, Paragraph):
        yield xhtml
        return
    # Markup escapes to at most 6 bytes per character ("&quot;"); keep a margin for the tags.
    texts = _cut(block.text, max(budget // 6 - 32, 16))
    for number, text in enumerate(texts):
        align = block.align if number == 0 else "continued"
        yield block_xhtml(Paragraph(text, align=align), links)


def _cut(text: str, limit: int) -> list[str]:
    """Cut text into runs of at most `limit` characters at sentence, else word, else character ends."""
    runs: list[str] = []
    for sentence in sentences(text):
        units = [sentence] if len(sentence) <= limit else _split_keeping(sentence, WORD_END)
        for unit in units:
            for start in range(0, len(unit), limit):
                chunk = unit[start : start + limit]
                if runs and len(runs[-1]) + len(chunk) <= limit:
                    runs[-1] += chunk
                else:
                    runs.append(chunk)
    return _rebalanced([run.strip() for run in runs if run.strip()])


def sentences(text: str) -> list[str]:
    """The text's sentences, each with the white space after it (joined, they give the text back)."""
    return [part for part in _split_keeping(text, SENTENCE_END) if part]


def _split_keeping(text: str, separator: re.Pattern[str]) -> list[str]:
    """Cut after each separator match, keeping the separator with the text before it."""
    parts, start = [], 0
    for match in separator.finditer(text):
        parts.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        parts.append(text[start:])
    return parts


def _rebalanced(runs: list[str]) -> list[str]:
    """Close emphasis still open at the end of a run and reopen it in the next, so no run loses it."""
    result, open_marks = [], []
    for run in runs:
        text = "".join(open_marks) + run
        for ch in run:
            if ch in CLOSERS:
                open_marks.append(ch)
            elif ch in OPENERS and open_marks and open_marks[-1] == OPENERS[ch]:
                open_marks.pop()
        result.append(text + "".join(CLOSERS[mark] for mark in reversed(open_marks)))
    return result
