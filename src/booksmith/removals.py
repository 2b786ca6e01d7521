"""Account for the source lines a book leaves out: group them by kind and find any that held words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from booksmith.resources import data_toml
from booksmith.structure import Removal

# A Roman numeral or a number is a chapter's number, never an ornament ("XXX", "12").
# A lone "X" or "I" is left to the marks: some texts do draw breaks with one letter.
NUMBER = re.compile(r"^(?=[MDCLXVI]{2})M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$|^\d+$")
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    reasons: tuple[str, ...]


@cache
def categories() -> tuple[Category, ...]:
    return tuple(
        Category(key, entry["label"], tuple(entry["reasons"])) for key, entry in data_toml("removals.toml").items()
    )


def category(removal: Removal) -> Category | None:
    """The kind of a removed line, or None when its reason is none of the accounted kinds."""
    return next((c for c in categories() if any(r in removal.reason for r in c.reasons)), None)


def by_category(removed: Iterable[Removal]) -> list[tuple[str, list[Removal]]]:
    """Removed lines grouped under each kind's label, in the order of the data file; unknown kinds last."""
    groups: dict[str, list[Removal]] = {}
    for removal in removed:
        kind = category(removal)
        groups.setdefault(kind.label if kind else f"other: {removal.reason}", []).append(removal)
    return list(groups.items())


def summary(removed: Iterable[Removal], *, shown: int = 3) -> list[str]:
    """One line per kind: how many lines, which, and the first few texts."""
    lines = []
    for label, items in by_category(removed):
        numbers = ", ".join(str(r.line) for r in items[:10]) + (", …" if len(items) > 10 else "")
        examples = "; ".join(f"`{_short(r.text)}`" for r in items[:shown])
        lines.append(f"removed {len(items)} line{'s' * (len(items) != 1)} ({label}): line {numbers}: {examples}")
    return lines


def lost_line(removed: Iterable[Removal], body_text: str) -> Removal | None:
    """The first removed line that held words of the text outside the accounted kinds, or None.

    An ornament holds no word: `oOo` and `xXx` are marks, but a number (`XXX`, `12`)
    or a word the text uses elsewhere, in the same case (`The`, `End`), is text taken for a mark.
    """
    body_words: set[str] | None = None
    for removal in removed:
        kind = category(removal)
        found = WORD.findall(removal.text)
        if not found:
            continue
        if kind is None:
            return removal
        if kind.key != "ornament":
            continue
        if any(NUMBER.match(word) for word in found):
            return removal
        if body_words is None:
            body_words = set(WORD.findall(body_text))
        if any(len(word) > 1 and word in body_words for word in found):
            return removal
    return None


def check_removals(removed: Iterable[Removal], body_text: str, *, name: str) -> None:
    """Raise VerificationError when a removed line held words of the text."""
    from booksmith.errors import VerificationError

    lost = lost_line(removed, body_text)
    if lost is not None:
        kind = category(lost)
        raise VerificationError(
            f"{name}: line {lost.line} `{_short(lost.text)}` was left out ({kind.label if kind else lost.reason}) "
            "but holds words of the text; please report this (or pass --no-verify to write it anyway)"
        )


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
