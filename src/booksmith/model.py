"""Define the book model: the one contract between reading a text and writing a book."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Literal

ChapterKind = Literal["front", "part", "chapter", "back"]


@dataclass(frozen=True, kw_only=True)
class Metadata:
    """Facts about the book; None (or empty) means unknown, so sources can be layered."""

    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None  # BCP 47 tag
    description: str | None = None
    subjects: tuple[str, ...] = ()
    series: str | None = None
    series_index: float | None = None
    identifier: str | None = None  # e.g. an ISBN or a URN; None derives one from the text
    publisher: str | None = None
    date: str | None = None
    # When the text was last changed (an archive's "Updated:" date), YYYY-MM-DD.
    modified: str | None = None
    # Where the text came from: the archive's address of the story.
    source: str | None = None
    rights: str | None = None
    # Who produced this edition ("Produced by …" lines of an e-text), for the title page.
    credits: tuple[str, ...] = ()

    def over(self, lower: Metadata) -> Metadata:
        """Return these facts, falling back to `lower` for every field not known here."""
        merged = {}
        for f in fields(self):
            mine = getattr(self, f.name)
            merged[f.name] = mine if mine not in (None, ()) else getattr(lower, f.name)
        return Metadata(**merged)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose; `text` may hold inline markup characters from chars.py."""

    text: str
    # Presentation the source carried: None, "center", "right" (a signature), "noindent".
    align: str | None = None
    # 1-based line of the source where it starts, for messages; not part of the text.
    line: int = field(default=0, compare=False)
    # What the paragraph is in a play or an illustrated text: None (prose), "speaker",
    # "stage-direction" or "caption" (an illustration's caption); rendered as a class.
    role: str | None = None


@dataclass(frozen=True)
class Verse:
    """Lines whose breaks matter (poems, songs, addresses): each line stays a line."""

    lines: tuple[str, ...]
    line: int = field(default=0, compare=False)
    # Presentation the source carried: None, "center" or "right" (a letter's signature).
    align: str | None = None


@dataclass(frozen=True)
class SceneBreak:
    """A break between scenes inside a chapter (drawn as an ornament or a short rule)."""

    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Heading:
    """A heading inside a chapter that does not start a new chapter (e.g. a letter's date line)."""

    text: str
    line: int = field(default=0, compare=False)


Block = Paragraph | Verse | SceneBreak | Heading


@dataclass(frozen=True)
class Note:
    """A footnote or endnote of a chapter; its reference is `note_ref(number)` inside a block's text."""

    # Numbered from 1 within its chapter, in the order the chapter refers to its notes.
    number: int
    # The note's text, without the marker the source put before it; may hold inline markup.
    text: str
    line: int = field(default=0, compare=False)


# A reference to a note travels inside paragraph text as one private-use character per note
# number (U+E100 + number), so text passes see one character where the reader sees a link.
NOTE_REF_BASE = 0xE100
MAX_NOTES_PER_CHAPTER = 0x7FF


def note_ref(number: int) -> str:
    """The character that stands for a reference to note `number` of the chapter."""
    return chr(NOTE_REF_BASE + number)


def note_number(ch: str) -> int | None:
    """The note number a character refers to, or None if it is no note reference."""
    number = ord(ch) - NOTE_REF_BASE
    return number if 0 < number <= MAX_NOTES_PER_CHAPTER else None


@dataclass(frozen=True)
class Chapter:
    """A unit of the table of contents: front matter, a part, a chapter or back matter."""

    title: str | None
    blocks: tuple[Block, ...]
    kind: ChapterKind = "chapter"
    # The title's second line, e.g. "Down the Rabbit-Hole" under "Chapter I".
    subtitle: str | None = None
    # Chapters belong to the part before them; parts have depth 0, their chapters 1.
    depth: int = 0
    # The chapter's notes, referred to from its blocks' text (see `note_ref`).
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Book:
    """A whole book: metadata and its chapters in reading order."""

    metadata: Metadata
    chapters: tuple[Chapter, ...]

    def with_chapters(self, chapters: tuple[Chapter, ...]) -> Book:
        return replace(self, chapters=chapters)


def block_texts(block: Block) -> tuple[str, ...]:
    """Every run of reader-visible text a block holds, in order."""
    if isinstance(block, Paragraph | Heading):
        return (block.text,)
    if isinstance(block, Verse):
        return block.lines
    return ()


def chapter_texts(chapter: Chapter) -> list[str]:
    """The visible texts of a chapter: its title lines, then its blocks."""
    texts = [t for t in (chapter.title, chapter.subtitle) if t]
    for block in chapter.blocks:
        texts.extend(block_texts(block))
    texts.extend(note.text for note in chapter.notes)
    return texts
