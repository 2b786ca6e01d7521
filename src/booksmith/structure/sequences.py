"""Find the numbering sequences that head a text's chapters: bare numerals, a name and a number, any word and a numeral.

A line that counts 1, 2, 3… through a text is the strongest evidence of a heading
that a text gives, stronger than any word list: "ADVENTURE I.", "STAVE ONE.",
"Canto 3", "Fit the Second". The sequences found here decide headings whose word
booksmith does not know, and which numbered lines are sections under them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

from booksmith.resources import data_toml
from booksmith.structure.breaks import is_break_mark
from booksmith.structure.candidates import HEADING_ORNAMENTS, MAX_HEADING, patterns
from booksmith.structure.lines import Item
from booksmith.structure.numbers import ROMAN_NUMERAL, number_value


def consistent_numbers(items: list[Item]) -> set[int]:
    """Items that are a bare `1.` or `IV` when the text numbers its chapters that way, in order.

    "XXX" alone on a line is also an ornament (`xXx`); in a sequence it is chapter 30.
    """
    found = patterns()["numbered"]
    candidates = [
        i
        for i, item in enumerate(items[: _notes_start(items)])
        if (item.kind == "para" or (item.kind == "break" and _typed_numeral(item)))
        and len(item.lines) == 1
        and len(item.lines[0].text) < MAX_HEADING
        and found.match(item.text.strip(HEADING_ORNAMENTS))
    ]
    values = [number_value(items[i].text.strip(HEADING_ORNAMENTS)) for i in candidates]
    rising = sum(1 for a, b in itertools.pairwise(values) if a is not None and b == a + 1)
    return set(candidates) if len(candidates) >= 2 and rising >= (len(candidates) - 1) * 0.6 else set()


def _notes_start(items: list[Item]) -> int:
    """Where a closing notes section starts ("NOTES", "Примечания" alone on a line): its numbers are the notes'."""
    notes = _notes_words()
    for index in range(len(items) - 1, len(items) // 2 - 1, -1):
        item = items[index]
        if item.kind == "para" and len(item.lines) == 1 and item.text.strip(" .:").casefold() in notes:
            return index
    return len(items)


@cache
def _notes_words() -> frozenset[str]:
    return frozenset(word.casefold() for word in data_toml("headings.toml")["notes_words"])


# A name and a number alone on a line: "Genesis 1", "1 Kings 4", "Letter 12", "Day 3".
NAMED_NUMBER = re.compile(r"(?P<name>(?:\d\s+)?[^\W\d_][^\W\d_'’ -]*(?:[ '’-][^\W\d_]+){0,3})\s+(?P<number>\d{1,3})")


def named_numbers(items: list[Item]) -> set[int]:
    """Items that are a name and a number when the text heads its chapters that way, each name counting from 1.

    Collections number the chapters of each of their books anew ("Genesis 50" is
    followed by "Exodus 1"), so the count restarts whenever the name changes.
    """
    candidates: list[tuple[int, str, int]] = []
    for i, item in enumerate(items):
        if item.kind == "para" and len(item.lines) == 1 and not item.role and len(item.lines[0].text) < 60:
            found = NAMED_NUMBER.fullmatch(item.text.strip())
            if found:
                candidates.append((i, found["name"].casefold(), int(found["number"])))
    if len(candidates) < 3:
        return set()
    in_order = sum(
        1
        for (_, name, number), (_, before, previous) in zip(candidates, [(0, "", 0), *candidates], strict=False)
        if number == (previous + 1 if name == before else 1)
    )
    repeated = len({name for _, name, _ in candidates}) < len(candidates)
    return {i for i, _, _ in candidates} if repeated and in_order >= len(candidates) * 0.9 else set()


# Any word, then a numeral, then a title or nothing: "ADVENTURE IV. THE RED LAMP", "Stave One", "Book the First".
WORD_NUMBER = re.compile(
    # "FEDERALIST No. 1", "Letter Nr. 4", "Stave #2": a number sign between the word and the number.
    r"(?P<word>[^\W\d_][^\W\d_'’]{2,15})(?:\s+the|\s+(?:No|Nr|Number|N°|№)\.?|\s+#)?"
    r"\s*(?<=\s|\.|#)(?P<number>\d{1,3}|[IVXLCivxlc]{1,7}|[^\W\d_]{3,12})"
    r"(?P<rest>(?:\s*[.:\-–—]+\s*|\s+)\S.*?)?\s*[.:]?"
)
# A sequence this long, counting up this regularly, is a text's own heading convention.
LEAST_SEQUENCE = 3
REGULAR = 0.8


@dataclass(frozen=True)
class Sequence:
    """Headings of one shape that count up through a text: their items, and the shape for `--explain`."""

    shape: str
    indices: tuple[int, ...]

    def why(self, index: int) -> str:
        position = self.indices.index(index) + 1
        return f"{_ordinal(position)} of {len(self.indices)} in the sequence `{self.shape}`"


def word_sequences(items: list[Item]) -> list[Sequence]:
    """Lines alone that start with the same word and a numeral counting 1, 2, 3… through the text."""
    groups: dict[str, list[tuple[int, int | None, str]]] = {}
    for index, item in enumerate(items):
        if item.kind != "para" or len(item.lines) != 1 or item.role or len(item.text) > MAX_HEADING:
            continue
        match = WORD_NUMBER.fullmatch(item.text.strip(HEADING_ORNAMENTS))
        if match is None or match["word"].casefold() in _not_heading_words():
            continue
        value = _numeral(match["number"])
        if value is not None:
            kind = "<roman>" if match["number"].isalpha() and _roman_like(match["number"]) else "<number>"
            groups.setdefault(match["word"].casefold(), []).append((index, value, f"{match['word']} {kind}"))
    found = []
    for members in groups.values():
        values = [value for _, value, _ in members]
        counting = sum(1 for a, b in itertools.pairwise(values) if b == a + 1)
        if len(members) >= LEAST_SEQUENCE and values[0] in (1, 2) and counting >= (len(members) - 1) * REGULAR:
            found.append(Sequence(members[0][2], tuple(index for index, _, _ in members)))
    return found


def _typed_numeral(item: Item) -> bool:
    """A break typed as "XXX" (a gap's break has a reason, and its line is the next paragraph's)."""
    return not item.why and item.text.isupper() and is_break_mark(item.text)


@cache
def _not_heading_words() -> frozenset[str]:
    return frozenset(data_toml("headings.toml")["not_heading_words"])


# A numeral, then a title: "I. The Period", "1.  The Cyclone", "XII) The Last Voyage", and a
# Chinese numeral and a space before its title, without 第…章 ("十六 昔时因"; "三、" numbers a list).
NUMBERED_TITLE = re.compile(
    r"(?:(?P<number>\d{1,3}|[IVXLC]{1,7})[.)]\s+|(?P<cjk>[一二三四五六七八九十百〇]{1,6})\s+)"
    r"(?P<rest>[^\W\d_].{0,90}?)\s*"
)
# Lines of a numbered list follow each other; numbered headings have text between them.
LEAST_BETWEEN = 3


def numbered_titles(items: list[Item]) -> list[Sequence]:
    """Lines alone that number a title, counting 1, 2, 3… through the text (again from 1 under each part)."""
    members: list[tuple[int, int]] = []
    previous = ""
    for index, item in enumerate(items):
        if item.kind != "para" or len(item.lines) != 1 or item.role or len(item.text) > MAX_HEADING:
            continue
        if item.text == previous:
            continue  # a heading typed twice in a row (a copying slip) counts once
        previous = item.text
        match = NUMBERED_TITLE.fullmatch(item.text.strip())
        if match and not match["rest"].endswith((",", ";", "，", "。")):
            value = _numeral(match["number"] or match["cjk"])
            if value is not None:
                members.append((index, value))
    # The chain that counts 1, 2, 3… (again from 1 under each part); a stray match ("L. Frank Baum",
    # an initial read as fifty) stays out of it.
    chain: list[tuple[int, int]] = []
    for index, value in members:
        if (not chain and value == 1) or (
            chain and value in (chain[-1][1] + 1, 1) and index - chain[-1][0] > LEAST_BETWEEN
        ):
            chain.append((index, value))
    if len(chain) < LEAST_SEQUENCE or len(chain) < len(members) * REGULAR:
        return []
    return [Sequence("<numeral>. <title>", tuple(index for index, _ in chain))]


def _numeral(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if _roman_like(token):
        return number_value(f"x {token}")
    return number_value(token)


def _roman_like(token: str) -> bool:
    return bool(ROMAN_NUMERAL.match(token.upper())) and (token.isupper() or token.islower())


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
