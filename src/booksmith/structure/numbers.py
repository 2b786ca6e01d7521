"""Read the numbers that count chapters: Roman, spelled-out, Hebrew letter and Chinese numerals."""

from __future__ import annotations

import itertools
import re
from functools import cache

from booksmith.resources import data_toml

# A well-formed Roman numeral ("XIV", not "LIVID"), kept in capitals when a title is tamed.
ROMAN_NUMERAL = re.compile(r"^(?=[MDCLXVI])M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\.?$")


# Words that are also numerals but in titles are words ("MIX", Italian "MI", "DI", "VI").
NUMERAL_WORDS = {"I", "MIX", "MI", "DI", "LI", "CI", "VI", "MID", "DIV", "CD", "MD", "DC", "CV", "MC", "CC", "LX"}


ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


@cache
def _number_words() -> dict[str, int]:
    return {word: value for word, value in data_toml("headings.toml")["number_values"].items()}


def number_value(title: str) -> int | None:
    """The number in a heading: "Chapter 12", "CHAPTER XIV.", "Chapter Twenty-One", "第三章"."""
    counted = CJK_COUNT.match(title.strip()) or BARE_CJK_NUMBER.fullmatch(title.strip())
    if counted:
        return cjk_number(counted["number"])
    lettered = _letter_number(title)
    if lettered:
        return lettered
    words = re.findall(r"[^\W_]+", title.lower())
    values = _number_words()
    total = 0
    for word in words[1:] if len(words) > 1 else words:
        if word.isdigit():
            return int(word)
        if word in values:
            total += values[word]
        elif total:
            break
        elif re.fullmatch(r"[ivxlcdm]+", word):
            return _roman(word)
    return total or None


@cache
def _letter_values() -> dict[str, int]:
    return dict(data_toml("headings.toml")["letter_numerals"])


def _letter_number(title: str) -> int | None:
    """A Hebrew number after the heading's word, the sum of its letters: "פרק יב" -> 12, "פרק כ״א" -> 21."""
    parts = title.split(maxsplit=2)
    if len(parts) < 2:
        return None
    letters = _letter_values()
    token = parts[1].rstrip(".:")
    digits = [ch for ch in token if ch not in "'\"׳״’"]
    if not digits or len(digits) > 3 or any(ch not in letters for ch in digits):
        return None
    return sum(letters[ch] for ch in digits)


def _roman(token: str) -> int:
    total = 0
    for a, b in itertools.zip_longest(token, token[1:]):
        value = ROMAN[a]
        total += -value if b in ROMAN and ROMAN[b] > value else value
    return total


# "第三百二十一章": the number between 第 and the unit.
CJK_COUNT = re.compile(r"第(?P<number>[0-9０-９〇一二三四五六七八九十百千零两]+)")
BARE_CJK_NUMBER = re.compile(r"(?P<number>[〇一二三四五六七八九十百千]{1,6})")
CJK_DIGITS = dict(zip("〇零一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
CJK_UNITS = {"十": 10, "百": 100, "千": 1000}


def cjk_number(text: str) -> int | None:
    """A number written in digits (half- or full-width) or Chinese numerals: "210", "２１０", "二百一十"."""
    if text.isdigit():
        return int(text)  # int() reads full-width digits too
    total = digit = 0
    for ch in text:
        if ch in CJK_DIGITS:
            digit = digit * 10 + CJK_DIGITS[ch] if ch in "〇零" or digit else CJK_DIGITS[ch]
        elif ch in CJK_UNITS:
            total += (digit or 1) * CJK_UNITS[ch]
            digit = 0
        else:
            return None
    return total + digit
