"""Decide scene breaks: marks typed on a line of their own (`* * *`, `%`), and gaps wider than the usual."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from booksmith.resources import data_toml
from booksmith.structure.lines import Item, Line

LETTER_MARKS = re.compile(r"^(?:[oO0]{3,}|[xX]{3,})$")


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
    if set(marks) == {"…"}:
        return len(marks) >= 2  # "……" alone between scenes of a Chinese novel; "…" alone is a silence
    if set(marks) == {"."}:
        return len(marks) >= 3 and " " in text.strip()  # ". . ." but not an ellipsis typed as "..."
    # `%` alone is the separator of fortune-cookie files and other collections.
    return len(marks) >= 3 or any(ch in "*#~%§⁂※❦❧☙✻✽❖◊◆•" for ch in marks)


Blocks = list[tuple[int, list[Line]]]
# A line this short, alone between blank lines, may be a heading, a signature or a date line.
SHORT_LINE = 60
# How much deeper than the text's paragraphs a block must start to be set apart (a quotation, a letter);
# in a text whose paragraphs are flush, a smaller indent already sets a block apart.
DEEPER = 4
FLUSH_DEEPER = 2
# A line wholly in typed emphasis: "_Dr. Seward's Diary._", "*Later that night*".
EMPHASISED_LINE = re.compile(r"^([_*])[^_*]+\1\.?$|^([_*])[^_*]+\.\2$")
# The source under an epigraph: "—SPENSER.", "--_Old saying_", "—DANIEL: _Tragedy of Philotas_."
ATTRIBUTION = re.compile(r"^(?:—|--|―|–)\s*[_*]?[A-Z][^.!?]{0,60}[.]?[_*]?\.?$")
ATTRIBUTED = re.compile(r"[.!?”’\"'](?:—|--)\s*[_*]?[A-Z][A-Z .'’]{2,40}(?::.{0,60})?\.?[_*]?\.?\s*$")
# Lines in capitals, no more than this many, are a heading or a signature.
HEADING_LINES = 3
SPEECH_OPENERS = ("「", "『", "（", "(", "“", '"', "—", "―", "-")
# Breaks read from blank lines more often than one in this many paragraphs may be the text's spacing.
SPACING_SUSPECT = 8
# A chapter's opening (an epigraph and its source, a dateline, a subtitle): at most this many words and items.
OPENING_WORDS = 80
OPENING_ITEMS = 2


class GapReading:
    """How a text uses blank lines: the gap between its paragraphs, and which wider gaps are scene breaks.

    Decided from the whole text's distribution of gaps, then from what stands on
    each side of a wide gap. Printed books (and the e-texts made from them) set
    letters, epigraphs, quotations, signatures and headings apart with extra blank
    lines; a story marks a change of scene with them between two paragraphs of
    prose. So a wide gap is a scene break only when prose stands on both sides.
    """

    def __init__(self, blocks: Blocks, convention: str, given: int | None = None) -> None:
        self.blocks = blocks
        # The user's --scene-break-lines: N blank lines are a break wherever they stand; 0, never.
        self.given = given
        # How deep the text's paragraphs start: each block is a paragraph in texts with blank lines
        # between them; where paragraphs start at indents or line ends, every line counts.
        # Speech opens flush in Japanese ("「…」") however deep the narration's paragraphs start.
        starts = (
            [line for _, block in blocks for line in block if not line.text.startswith(SPEECH_OPENERS)]
            if convention in ("indent", "line")
            else None
        )
        firsts = sorted(line.indent for line in starts) if starts else sorted(block[0].indent for _, block in blocks)
        self.indent = firsts[len(firsts) // 2] if firsts else 0
        self.spacing = 0
        self.ordinary = self._ordinary_gap(convention)
        # Wide gaps that were not taken for scene breaks, with the reason, for `inspect --explain`.
        self.rejected: list[str] = []

    def _ordinary_gap(self, convention: str) -> int:
        """The usual number of blank lines between paragraphs; more than that may be a scene break."""
        self.ordinary = 0
        if convention in ("line", "indent") and not _blank_lines_between_paragraphs(self.blocks, convention):
            return 0  # paragraphs start at line ends or indents: any blank line is a break
        # Gaps before a lone short line (a heading, a title) are layout, and would
        # make a wide chapter gap look ordinary in a short text.
        gaps = Counter(g for g, block in self.blocks[1:] if not lone_short_line(block))
        if not gaps:
            return 1
        usual, count = gaps.most_common(1)[0]
        self.ordinary = usual  # for now: _set_apart compares gaps with it
        # A text that mixes one and two blank lines between its paragraphs of prose
        # uses both ordinarily; scene breaks are far rarer than paragraph gaps. Wider
        # gaps around letters and quotations say nothing about that.
        between_prose = Counter(
            gap
            for index, (gap, block) in enumerate(self.blocks[1:], start=1)
            if gap > usual and not self._set_apart(index) and not self._set_apart(index - 1)
        )
        ordinary = max([usual, *(g for g, n in between_prose.items() if n >= max(3, count * 0.35))])
        # Wider gaps read as spacing because the text has many: the unsure case of `unsure`.
        self.spacing = sum(n for g, n in between_prose.items() if g <= ordinary)
        return ordinary

    def break_before(self, index: int) -> str:
        """Why the gap before block `index` is a scene break, or "" when it is not one."""
        gap, block = self.blocks[index]
        if self.given is not None:
            if not self.given or gap < self.given:
                return ""
            return f"{gap} blank line{'s' * (gap > 1)}, where --scene-break-lines is {self.given}"
        if gap <= self.ordinary:
            return ""
        before = self.blocks[index - 1][1]
        if not self.ordinary:
            # Without blank lines between paragraphs, those around a title or a heading line are layout.
            if lone_short_line(block) or lone_short_line(before):
                self._reject(block, gap, "next to a short line (a title or a heading)")
                return ""
            if len(block) == 1 or len(before) == 1:
                # A scene is more than one paragraph; one alone between blank lines is set apart.
                self._reject(block, gap, "next to a paragraph set apart on its own (a letter, a quotation)")
                return ""
            if before[-1].text.rstrip().endswith(":"):
                self._reject(block, gap, "after a line that introduces what follows (a letter, a quotation)")
                return ""
            if self.indent and (_flush(block) or _flush(before)):
                self._reject(block, gap, "next to flush lines in a text of indented paragraphs (a quotation, an entry)")
                return ""
        else:
            for side, at in (("before", index - 1), ("after", index)):
                reason = self._set_apart(at)
                if reason:
                    self._reject(block, gap, f"with {reason} {side} them")
                    return ""
        return f"{gap} blank line{'s' * (gap > 1)} between paragraphs of prose, where {self.ordinary} is usual"

    def unsure(self, items: list[Item]) -> list[str]:
        """A warning when the text's gaps do not tell scene breaks from spacing clearly.

        Blank lines are the weakest evidence a text gives. Say so, with the lines and
        the option that settles it, when as many wide gaps were read as spacing as
        were taken for breaks, when breaks come every few paragraphs, or when wide
        gaps between prose were taken for spacing only because there are many.
        """
        breaks = [item for item in items if item.kind == "break" and item.why]
        paragraphs = sum(1 for item in items if item.kind in ("para", "verse"))
        settle = "give --scene-break-lines N (N blank lines make a break; 0: blank lines never do)"
        if self.spacing:
            return [
                f"{self.spacing} gaps of up to {self.ordinary} blank lines between paragraphs were read as the "
                f"text's spacing, not as scene breaks, because there are so many; if they are breaks, give "
                f"--scene-break-lines {self.ordinary}"
            ]
        if not breaks or (len(self.rejected) < len(breaks) and len(breaks) * SPACING_SUSPECT <= paragraphs):
            return []
        where = ", ".join(str(item.lines[0].number) for item in breaks[:5]) + (", …" * (len(breaks) > 5))
        others = f", and {len(self.rejected)} other wide gaps were read as spacing" if self.rejected else ""
        return [
            f"{len(breaks)} scene break{'s' * (len(breaks) > 1)} read from blank lines (before line {where}) "
            f"may be spacing{others}; if that is wrong, {settle}"
        ]

    def _reject(self, block: list[Line], gap: int, reason: str) -> None:
        self.rejected.append(f"line {block[0].number}: not a scene break: {gap} blank lines {reason}, as spacing")

    def _set_apart(self, index: int) -> str:
        """What makes block `index` one that printers set apart with space, or ""."""
        block = self.blocks[index][1]
        if all(is_break_mark(line.text) for line in block):
            return ""
        deeper = self.indent + DEEPER if self.indent else FLUSH_DEEPER
        if min(line.indent for line in block) >= deeper:
            return "an indented block (a quotation, a letter, verse)"
        if len(block) <= HEADING_LINES and all(_in_capitals(line.text) for line in block):
            return "lines in capitals (a heading, a signature)"
        text = block[0].text.strip()
        bare = text.strip("_*“”‘’\"' ")
        if (len(block) == 1 and bare[:1] in "([" and bare[-1:] in ")]") or bare[-2:] in (").", "].", ")_"):
            return "a line in brackets (a note, a citation)"
        joined = " ".join(line.text.strip() for line in block)
        if len(block) <= 2 and len(joined) <= 2 * SHORT_LINE and EMPHASISED_LINE.match(joined):
            return "a line in italics (an entry's heading: a diary, a letter, a telegram)"
        if block[-1].text.rstrip().endswith(":") and index + 1 < len(self.blocks):
            return "a line that introduces what follows (a letter, a quotation)"
        words = bare.rstrip(".,!").split()
        if len(block) == 1 and len(words) <= 3 and all(w[:1].isupper() for w in words):
            return "a name alone (a signature)"
        if len(block) == 1 and len(text) < SHORT_LINE:
            if bare.endswith((",", ":", ";")) or bare[-1:].isalnum():
                return "a short line not closed like a sentence (a heading, a salutation, a date)"
            following = self.blocks[index + 1][0] if index + 1 < len(self.blocks) else 0
            if self.blocks[index][0] > self.ordinary and following > self.ordinary:
                return "a short line with wide gaps on both sides (a date line, a heading)"
        if len(block) >= 2 and all(len(ln.text.strip()) < SHORT_LINE for ln in block):
            return "short lines (verse, a letter's address or close)"
        if ATTRIBUTION.match(block[-1].text.strip()) or ATTRIBUTED.search(block[-1].text):
            return "a quotation's source (an epigraph)"
        return ""


def _in_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and not any(ch.islower() for ch in letters)


def drop_opening_breaks(items: list[Item], rejected: list[str]) -> list[Item]:
    """A wide gap after a chapter's opening epigraph, dateline or subtitle is spacing, not a scene break.

    Novels open chapters with a quotation and its source, letters with a place and a
    date, journals with the journal's name; printers set them apart with space.
    """
    kept: list[Item] = []
    opening: list[Item] | None = None  # the text since the last heading, while it may still be its opening
    for item in items:
        if item.kind == "heading" and item.level != "section":
            opening = []
        elif item.kind == "break" and item.why and opening is not None:
            # A longer opening (a verse epigraph typed a line per paragraph) still is one
            # when it ends with its source ("Old song.", "—SPENSER.").
            if opening and (len(opening) <= OPENING_ITEMS or _source_line(opening[-1].text)):
                line = item.lines[0].number
                rejected.append(f"line {line}: not a scene break: the gap after a chapter's opening lines")
                opening = None
                continue
            opening = None
        elif item.kind in ("para", "verse") and opening is not None:
            opening.append(item)
            if sum(len(i.text.split()) for i in opening) > OPENING_WORDS:
                opening = None
        kept.append(item)
    return kept


def _flush(block: list[Line]) -> bool:
    return all(line.indent == 0 for line in block) and not block[0].text.startswith(SPEECH_OPENERS)


def _source_line(text: str) -> bool:
    """A quotation's source under it: "—SPENSER.", "Old song.", "Княжнин." (a few words, a capital first)."""
    text = text.strip()
    if ATTRIBUTION.match(text):
        return True
    words = text.rstrip(".").split()
    return 1 <= len(words) <= 3 and len(text) < 40 and text[:1].isupper() and not any(c in text for c in ",;!?:")


def lone_short_line(block: list[Line]) -> bool:
    return len(block) == 1 and len(block[0].text.strip()) < SHORT_LINE and not is_break_mark(block[0].text)


def _blank_lines_between_paragraphs(blocks: Blocks, convention: str) -> bool:
    """Whether a text whose paragraphs start at indents or line ends also puts a blank line between most of them.

    Chinese web novels indent every paragraph with full-width spaces and leave a
    blank line after each one: those blank lines are spacing, not breaks.
    """
    if len(blocks) < 4:
        return False
    starts = len(blocks)
    for _, block in blocks:
        if convention == "line":
            starts += len(block) - 1
        else:
            starts += sum(1 for line in block[1:] if line.indent > 0)
    return len(blocks) >= starts * 0.5
