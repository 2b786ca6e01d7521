"""Define the working units of the structure stage: source lines and the items built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# East Asian wide characters (CJK ideographs, kana, hangul, full-width forms and
# punctuation) take two columns in the monospaced editors that wrapped the text.
WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)
# Chinese and Japanese write without spaces between words (Korean puts them in).
UNSPACED = re.compile("[\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]")


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
