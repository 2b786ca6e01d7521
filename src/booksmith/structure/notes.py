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
    for marker in {_marker_text(book, pair.ref) for pair in pairs}:
        if WORD.search(marker.translate(TO_DIGITS)):
            body = body.replace(marker, " ")
    chapters, notes_text, body = _attach(book, pairs, headings, body)
    return FoundNotes(book.with_chapters(chapters), body, notes_text)


def _without_last_line(body: str, line: str) -> str | None:
    """The body without the last line that reads `line` (a notes chapter's heading), or None if none does."""
    heading = re.escape(_plain(line).strip())
    matches = list(re.finditer(rf"^[ \t]*{heading}[ \t]*$", body, re.MULTILINE | re.IGNORECASE))
    if not matches:
        return None
    return body[: matches[-1].start()] + body[matches[-1].end() :]


def _marker_text(book: Book, ref: _Ref) -> str:
    block = book.chapters[ref.chapter].blocks[ref.block]
    return block.text[ref.start : ref.end]


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


def _words_pattern(text: str) -> re.Pattern[str] | None:
    words = [re.escape(w) for w in WORD.findall(_plain(text))]
    if not words:
        return None
    if len(words) <= 2 * EDGE_WORDS:
        return re.compile(r"[\W_]+".join(words), re.IGNORECASE)
    head, tail = r"[\W_]+".join(words[:EDGE_WORDS]), r"[\W_]+".join(words[-EDGE_WORDS:])
    return re.compile(rf"{head}[\s\S]*?{tail}", re.IGNORECASE)


def _cut_from_body(book: Book, body: str, pairs: list[_Pair]) -> tuple[str, list[_Pair], set[tuple[int, int]]]:
    """Take each note (and each notes heading) out of the body text, in source order.

    A note whose words cannot be found in the body stays a paragraph where it stands:
    the word check must see every word once, and a note it cannot place would be lost.
    """
    by_block = {(p.chapter, p.block): p for p in pairs}
    heading_blocks = set()
    for c, chapter in enumerate(book.chapters):
        for b, block in enumerate(chapter.blocks):
            if (c, b + 1) in by_block and isinstance(block, Paragraph | Heading) and _is_notes_heading(block.text):
                heading_blocks.add((c, b))
    kept_pairs, kept_headings, pieces = [], set(), []
    cursor = 0
    for c, chapter in enumerate(book.chapters):
        for b, block in enumerate(chapter.blocks):
            if (c, b) not in by_block and (c, b) not in heading_blocks:
                continue
            pattern = _words_pattern(block.text)
            found = pattern.search(body, cursor) if pattern else None
            if found is None:
                continue
            pieces.append(body[cursor : found.start()])
            cursor = found.end()
            if (c, b) in by_block:
                kept_pairs.append(by_block[(c, b)])
            else:
                kept_headings.add((c, b))
    pieces.append(body[cursor:])
    # A heading stays if none of its notes could be taken out.
    kept_blocks = {(p.chapter, p.block) for p in kept_pairs}
    unused = {h for h in kept_headings if (h[0], h[1] + 1) not in kept_blocks}
    if unused:
        return _cut_from_body(book, body, kept_pairs) if kept_pairs else (body, [], set())
    return " ".join(pieces), kept_pairs, kept_headings


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
