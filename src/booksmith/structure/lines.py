"""Define the working units of the structure stage: source lines and the items built from them."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class Item:
    """A unit between reading lines and building chapters."""

    # "para", "verse", "break", "heading", "consumed" (folded into a heading or the title page)
    kind: str
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
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines)
