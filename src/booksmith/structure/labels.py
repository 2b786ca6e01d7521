"""Decide how a heading is shown: its label and title apart, capitals tamed, closing stops dropped."""

from __future__ import annotations

import re
from functools import cache

from booksmith.resources import data_toml
from booksmith.structure.candidates import HEADING_ORNAMENTS
from booksmith.structure.lines import Item
from booksmith.structure.numbers import NUMERAL_WORDS, ROMAN_NUMERAL

# Words a title keeps in lower case unless they start it (English, French, German, Spanish, Italian, Dutch).
SMALL_WORDS = {
    *["a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from"],
    *[
        "de",
        "des",
        "du",
        "la",
        "le",
        "les",
        "et",
        "en",
        "au",
        "aux",
        "un",
        "une",
        "von",
        "der",
        "die",
        "das",
        "und",
        "im",
        "am",
        "zum",
        "zur",
    ],
    *["el", "los", "las", "y", "del", "al", "di", "il", "e", "da", "dei", "delle", "van", "het", "een"],
}


def readable_case(text: str) -> str:
    """A line typed in capitals, as a title: "DOWN THE RABBIT-HOLE" -> "Down the Rabbit-Hole"."""
    if not text.isupper() or len(text) <= 3:
        return text
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        # Russian titles capitalise only their first word: "ГЛАВА ПЕРВАЯ" -> "Глава первая".
        tamed = re.sub(r"(^|[.!?:]\s+)(\w)", lambda m: m.group(1) + m.group(2).upper(), text.lower())
        return _keep_numerals(text, tamed)
    words = text.split(" ")
    out = []
    previous = ""
    for index, word in enumerate(words):
        core = word.strip(".,:;!?()[]\"'“”‘’*†")
        after_label = previous in _label_words()
        previous = core.lower()
        if ROMAN_NUMERAL.match(core) and (core not in NUMERAL_WORDS or after_label):
            out.append(word)  # "XIV" stays a numeral, as "VI" does after "BOOK"
        elif index and core.lower() in SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append("-".join(part[:1] + part[1:].lower() for part in word.split("-")))
    return " ".join(out)


def _keep_numerals(typed: str, tamed: str) -> str:
    """Put back the Roman numerals of `typed` into the same words of `tamed`."""
    return " ".join(
        original if ROMAN_NUMERAL.match(original.strip(".,:;")) else word
        for original, word in zip(typed.split(" "), tamed.split(" "), strict=False)
    )


@cache
def _label_words() -> frozenset[str]:
    words = data_toml("headings.toml")
    return frozenset(w.rstrip(".") for w in words["part_words"] + words["chapter_words"])


def heading_label(text: str, *, ornaments: str = HEADING_ORNAMENTS) -> str:
    """How a heading is shown: its words as typed, without a closing full stop, capitals tamed."""
    text = text.strip(ornaments)
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    if text.endswith(":"):
        text = text[:-1].rstrip()
    return readable_case(text)


def split_label(item: Item) -> tuple[str, str | None]:
    """A heading's label and title: "CHAPTER I. Down the Rabbit-Hole" -> ("Chapter I", "Down the Rabbit-Hole")."""
    own = item.own_title
    if item.word.startswith("#"):
        return (own or item.text), item.subtitle
    if own and own in item.text:
        # "第一章　旅立ち", "第一章：旅立ち": the full-width space or colon belongs to neither part.
        label = item.text[: item.text.rfind(own)].rstrip(" .:-–—\u3000：")
        return heading_label(label) if label else heading_label(own), _title(own)
    return heading_label(item.text), _title(item.subtitle) if item.subtitle else None


def _title(text: str) -> str:
    # A title keeps what surrounds it: "*Waited*" is emphasis, not an ornament.
    return heading_label(text, ornaments=" ")
