"""Find a text's footnotes and endnotes: a marker in the text and a note with the same marker.

Texts typed for the screen mark notes as `[1]`, `(*)`, `*`, `†` or superscript digits,
and put the notes after the paragraph, at the end of the chapter, or at the end of the
book under a `NOTES` heading, each note starting with its marker (`[1] The note.`, or
Project Gutenberg's `[Footnote 1: The note.]`).
A marker becomes a note reference only where a note with the same marker follows it
(a `[1]` with no note stays text), and each note pairs with the earliest marker still
waiting for one: in its own chapter first, then, for a notes section at the end of the
book, in the chapters before it.

Why by hand: no library reads notes out of plain text; the conventions are few and regular.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, replace

from booksmith import chars
from booksmith.model import MAX_NOTES_PER_CHAPTER, Book, Chapter, Heading, Note, Paragraph, note_ref

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
TO_DIGITS = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
# A marker in running text: [12], (*), a bare * † ‡ after a word or its punctuation, superscript digits.
MARKER = re.compile(
    r"\[(?P<bracket>\d{1,3})\]"
    r"|\((?P<paren>\*{1,3}|†{1,2}|‡)\)"
    r"|(?<=[^\s\[(*†‡])(?P<bare>\*{1,3}|†{1,2}|‡)(?![\w*†‡])"
    rf"|(?<=[^\s\d{SUPERSCRIPT_DIGITS}])(?P<sup>[{SUPERSCRIPT_DIGITS}]{{1,3}})(?![\w{SUPERSCRIPT_DIGITS}])"
)
# A paragraph that is a note: its marker, then its text.
NOTE_START = re.compile(
    r"\s*(?:\[(?P<bracket>\d{1,3})\]|\((?P<paren>\*{1,3}|†{1,2}|‡)\)|(?P<bare>\*{1,3}|†{1,2}|‡)"
    rf"|(?P<sup>[{SUPERSCRIPT_DIGITS}]{{1,3}}))[.:)]?\s+(?=\S)"
    # Project Gutenberg's form: [Footnote 1: The note.]
    r"|\s*\[Footnote\s+(?P<gutenberg>\d{1,3}):\s*(?=\S)"
)
# The heading of a block of notes, in a chapter or as a chapter of its own at the end.
NOTES_HEADING = re.compile(r"\s*(?:foot\s*notes?|end\s*notes?|notes?)\s*:?\s*", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+")
# Words of a removed block matched at its start and at its end; what lies between is skipped,
# since joining wrapped lines may have mended words the source splits.
EDGE_WORDS = 4
# How far past a block's length the next block is looked for (headings and dropped lines between).
SEARCH_SLACK = 20_000


@dataclass(frozen=True)
class FoundNotes:
    """The book with its notes attached, and the texts the word check compares."""

    book: Book
    # The body text without the notes, the notes heading or the markers (the book shows numbers).
    body_text: str
    # The notes' own texts, in the order the book shows them.
    notes_text: str


@dataclass
class _Ref:
    chapter: int
    block: int
    start: int
    end: int
    label: str


@dataclass
class _Pair:
    ref: _Ref
    chapter: int  # where the note stands
    block: int
    text: str  # the note without its marker


def _label(match: re.Match[str]) -> str:
    """The marker's label: [12] -> "12", (*) -> "*", ³ -> "3"."""
    value = next(v for name, v in match.groupdict().items() if v)
    return value.translate(TO_DIGITS)


def _is_notes_heading(text: str | None) -> bool:
    return bool(text) and NOTES_HEADING.fullmatch(_plain(text)) is not None


def _plain(text: str) -> str:
    return text.translate({ord(ch): None for ch in chars.MARKUP})


def find_notes(book: Book, body_text: str) -> FoundNotes:
    """Attach every note that has a marker to the marker's chapter; unpaired markers and notes stay text."""
    if not any(ch in body_text for ch in "[(*†‡" + SUPERSCRIPT_DIGITS):
        return FoundNotes(book, body_text, "")
    pairs = _pair(book)
    if not pairs:
        return FoundNotes(book, body_text, "")
    body, pairs, headings = _cut_from_body(book, body_text, pairs)
    if not pairs:
        return FoundNotes(book, body_text, "")
    chapters, notes_text, body = _attach(book, pairs, headings, body)
    return FoundNotes(book.with_chapters(chapters), body, notes_text)


def _without_last_line(body: str, line: str) -> str | None:
    """The body without the last line that reads `line` (a notes chapter's heading), or None if none does."""
    heading = re.escape(_plain(line).strip())
    matches = list(re.finditer(rf"^[ \t]*{heading}[ \t]*[:.]?[ \t]*$", body, re.MULTILINE | re.IGNORECASE))
    if not matches:
        return None
    return body[: matches[-1].start()] + body[matches[-1].end() :]


def _pair(book: Book) -> list[_Pair]:
    """Each note paired with the earliest marker with its label still waiting, in reading order."""
    waiting: dict[tuple[int, str], deque[_Ref]] = {}
    pairs = []
    for c, chapter in enumerate(book.chapters):
        notes_chapter = _is_notes_heading(chapter.title)
        for b, block in enumerate(chapter.blocks):
            if not isinstance(block, Paragraph | Heading):
                continue
            start = NOTE_START.match(block.text) if isinstance(block, Paragraph) else None
            text = block.text[start.end() :] if start else ""
            if start and start.group("gutenberg"):
                # [Footnote 1: …] in one paragraph; one over several paragraphs stays text.
                text = text.rstrip()[:-1].rstrip() if text.rstrip().endswith("]") else ""
            if start and text:
                label = _label(start)
                ref = _take(waiting, c, label, earlier_chapters=notes_chapter)
                if ref is not None:
                    pairs.append(_Pair(ref, c, b, text))
                    continue
            for match in MARKER.finditer(block.text, start.end() if start else 0):
                waiting.setdefault((c, _label(match)), deque()).append(
                    _Ref(c, b, match.start(), match.end(), _label(match))
                )
    return pairs


def _take(waiting: dict[tuple[int, str], deque[_Ref]], chapter: int, label: str, *, earlier_chapters: bool):
    queue = waiting.get((chapter, label))
    if queue:
        return queue.popleft()
    if earlier_chapters:
        for c in range(chapter):
            queue = waiting.get((c, label))
            if queue:
                return queue.popleft()
    return None


def _words_pattern(text: str, *, line_start: bool = False) -> re.Pattern[str] | None:
    """A pattern for the words of a block as the source types them (spacing, punctuation and
    line breaks may differ); `line_start` anchors it where a paragraph starts, at a line's start."""
    words = [re.escape(w) for w in WORD.findall(_plain(text))]
    if not words:
        return None
    anchor = r"^[^\w\n]*" if line_start else ""
    if len(words) <= 2 * EDGE_WORDS:
        return re.compile(anchor + r"[\W_]+".join(words), re.IGNORECASE | re.MULTILINE)
    head, tail = r"[\W_]+".join(words[:EDGE_WORDS]), r"[\W_]+".join(words[-EDGE_WORDS:])
    return re.compile(rf"{anchor}{head}[\s\S]*?{tail}", re.IGNORECASE | re.MULTILINE)


def _marker_pattern(text: str, ref: _Ref) -> re.Pattern[str] | None:
    """A pattern for a marker by the one or two words just before it and what lies between."""
    before = _plain(text[: ref.start])
    words = list(WORD.finditer(before))[-2:]
    if not words:
        return None
    lead = r"[\W_]+".join(re.escape(w.group()) for w in words)
    gap = r"\s+".join(re.escape(part) for part in before[words[-1].end() :].split(" "))
    return re.compile(rf"{lead}{gap}(?P<marker>{re.escape(text[ref.start : ref.end])})")


def _cut_from_body(book: Book, body: str, pairs: list[_Pair]) -> tuple[str, list[_Pair], set[tuple[int, int]]]:
    """The body text without the paired notes, their markers and their headings; the pairs and
    headings that could be found in it.

    Every block is found in the body in turn (from where the one before it ended), so a
    note or a marker is cut where it stands, not where the same words stand earlier. A
    pair whose note or marker cannot be found stays text, both sides: the word check must
    see every word once, and one it cannot place would be lost.
    """
    notes = {(p.chapter, p.block): p for p in pairs}
    refs: dict[tuple[int, int], list[_Pair]] = {}
    for pair in pairs:
        refs.setdefault((pair.ref.chapter, pair.ref.block), []).append(pair)
    headings = set()
    for c, chapter in enumerate(book.chapters):
        for b, block in enumerate(chapter.blocks):
            if (c, b + 1) in notes and isinstance(block, Paragraph | Heading) and _is_notes_heading(block.text):
                headings.add((c, b))
    cuts: list[tuple[int, int]] = []  # spans of the body to take out
    found_notes, found_refs, found_headings = set(), set(), set()
    cursor = 0
    for c, chapter in enumerate(book.chapters):
        for b, block in enumerate(chapter.blocks):
            if not isinstance(block, Paragraph | Heading):
                continue
            pattern = _words_pattern(block.text, line_start=True)
            # Blocks follow each other closely: a window keeps a block not found from costing a scan.
            span = pattern.search(body, cursor, cursor + 4 * len(block.text) + SEARCH_SLACK) if pattern else None
            if span is None:
                continue
            if (c, b) in notes or (c, b) in headings:
                cuts.append(span.span())
                (found_notes if (c, b) in notes else found_headings).add((c, b))
            for pair in refs.get((c, b), ()):
                marker = _marker_pattern(block.text, pair.ref)
                where = marker.search(body, span.start(), span.end()) if marker else None
                if where is not None:
                    cuts.append(where.span("marker"))
                    found_refs.add(id(pair))
            cursor = span.end()
    kept = [p for p in pairs if (p.chapter, p.block) in found_notes and id(p) in found_refs]
    kept_blocks = {(p.chapter, p.block) for p in kept}
    kept_headings = {h for h in found_headings if (h[0], h[1] + 1) in kept_blocks}
    if len(kept) < len(pairs):
        # Cut only what stays cut: a pair lost on one side keeps both its marker and its note.
        return _cut_from_body(book, body, kept) if kept else (body, [], set())
    pieces, position = [], 0
    for start, end in sorted(cuts):
        pieces.append(body[position:start])
        position = end
    pieces.append(body[position:])
    return " ".join(pieces), kept, kept_headings


def _attach(
    book: Book, pairs: list[_Pair], headings: set[tuple[int, int]], body: str
) -> tuple[tuple[Chapter, ...], str, str]:
    """The chapters with references in their text, notes attached, and the note blocks taken out;
    the notes' text; the body without the heading of a notes chapter left empty (which goes)."""
    refs_by_chapter: dict[int, list[_Pair]] = {}
    for pair in pairs:
        refs_by_chapter.setdefault(pair.ref.chapter, []).append(pair)
    removed = {(p.chapter, p.block) for p in pairs} | headings
    chapters, notes_texts = [], []
    for c, chapter in enumerate(book.chapters):
        chapter_pairs = sorted(refs_by_chapter.get(c, []), key=lambda p: (p.ref.block, p.ref.start))
        chapter_pairs = chapter_pairs[:MAX_NOTES_PER_CHAPTER]
        blocks = list(chapter.blocks)
        notes = []
        for number, pair in enumerate(chapter_pairs, start=1):
            notes.append(Note(number, pair.text, blocks[pair.ref.block].line if pair.ref.block < len(blocks) else 0))
        # Replace markers from the end of each block, so earlier positions stay valid.
        for number, pair in sorted(enumerate(chapter_pairs, start=1), key=lambda x: (-x[1].ref.block, -x[1].ref.start)):
            block = blocks[pair.ref.block]
            text = block.text[: pair.ref.start] + note_ref(number) + block.text[pair.ref.end :]
            blocks[pair.ref.block] = replace(block, text=text)
        kept = tuple(block for b, block in enumerate(blocks) if (c, b) not in removed)
        notes_texts.extend(note.text for note in notes)
        if not kept and not notes and _is_notes_heading(chapter.title) and chapter.blocks:
            # A notes chapter whose every note went to its reference goes, heading and all.
            without_heading = _without_last_line(body, chapter.title or "")
            if without_heading is not None:
                body = without_heading
                continue
        chapters.append(replace(chapter, blocks=kept, notes=tuple(notes)))
    return tuple(chapters), "\n".join(notes_texts), body
