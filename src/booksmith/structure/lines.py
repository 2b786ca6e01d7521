"""Define the working units of the structure stage: source lines and the items built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from booksmith.chars import WIDE


def columns(text: str) -> int:
    """How many columns a line takes in a monospaced editor (wide characters take two)."""
    return len(text) if text.isascii() else len(text) + len(WIDE.findall(text))


@dataclass
class Line:
    """One line of the cleaned text."""

    number: int  # 1-based line in the cleaned text
    text: str

    @property
    def indent(self) -> int:
        """Columns of leading space; Chinese and Japanese indent with full-width spaces, two columns each."""
        lead = len(self.text) - len(self.text.lstrip(" \u3000"))
        return lead + self.text[:lead].count("\u3000") if lead else 0


ItemKind = Literal["para", "verse", "break", "heading", "consumed", "dropped"]


@dataclass
class Item:
    """A unit between reading lines and building chapters.

    Kinds: "para" and "verse" are text; "break" a scene break; "heading" starts a
    chapter or part; "consumed" lines were folded into a heading or the title page
    (their words are in the book there); "dropped" lines leave the book (a typed
    contents that the book's own contents replaces), and the word check with them.
    """

    kind: ItemKind
    lines: list[Line]
    # For headings: "part", "chapter", "front" or "back", and the title split in two.
    level: str = ""
    title: str = ""
    subtitle: str | None = None
    # Presentation ("center", "right") and role ("speaker", "stage-direction", "caption").
    align: str | None = None
    role: str | None = None
    # For headings: the word that starts them ("part", "book", "act"), for nesting levels.
    word: str = ""
    # For headings: the title typed on the heading's own line ("Chapter 3: The Storm").
    own_title: str | None = None
    # Blank lines before the item in the source.
    gap: int = 0
    # The text shown instead of the lines' own (a caption without its brackets, a speaker's name).
    shown: str | None = None
    # The lines' texts as shown, when a speaker's name was taken off the first.
    texts: list[str] | None = None
    # A typed table of contents kept as front matter.
    contents: bool = False
    # Why structure decided what it did, for `inspect --explain`.
    why: str = ""

    @property
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines)


@dataclass(frozen=True)
class Removal:
    """Text of the source that the book does not print, and why: `verify` and `inspect --explain` list them."""

    line: int
    text: str
    reason: str
