"""Normalise decoded text: one newline convention, no invisible or XML-invalid characters, NFC."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields, replace

from booksmith import chars
from booksmith.model import Metadata

TAB_WIDTH = 4


def _removal_table() -> dict[int, int | str | None]:
    table: dict[int, int | str | None] = {}
    # C0 and C1 controls are invalid (or discouraged) in XML and mean nothing in
    # a story; tab, newline and form feed are handled below instead.
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        if chr(code) not in "\t\n\f":
            table[code] = None
    for ch in chars.INVISIBLE + chars.MARKUP + "\ufffe\uffff":
        table[ord(ch)] = None
    for ch in chars.ODD_SPACES:
        table[ord(ch)] = " "
    # A form feed is a page break in old e-texts: treat it as a paragraph gap.
    table[ord("\f")] = "\n\n"
    # Line and paragraph separators from word processors are just newlines.
    table[0x2028] = "\n"
    table[0x2029] = "\n\n"
    return table


REMOVALS = _removal_table()
SURROGATES = re.compile("[\ud800-\udfff]")
LEADING_TABS = re.compile(r"^[ \t]+", re.MULTILINE)
INNER_TABS = re.compile(r"(?<=\S)\t+")


def clean(text: str) -> str:
    """Return the text with LF newlines, spaces instead of tabs, in NFC, without what cannot be text.

    Joiners, direction marks, variation selectors and combining marks stay: they
    belong to the words (chars.INVISIBLE says what goes and why).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text:
        text = chars.ANSI_ESCAPE.sub("", text)  # before the controls go, or "[32m" would stay as text
    text = _without_surrogates(text.translate(REMOVALS))
    if chars.ZERO_WIDTH_SPACE in text:
        text = chars.JUNK_ZERO_WIDTH_SPACE.sub("", text)
    # Line by line: a regex anchored at line ends tries every space of the text and was 20 times slower.
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    if "\t" in text:
        # Leading indentation is meaningful (paragraph and verse detection): keep
        # its width, expressed in spaces; a tab between words is one space.
        text = LEADING_TABS.sub(lambda m: m.group().expandtabs(TAB_WIDTH), text)
        text = INNER_TABS.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text.strip("\n")


def clean_metadata(metadata: Metadata) -> Metadata:
    """Metadata whose text fields are single lines without XML-invalid or invisible characters.

    Metadata comes from the command line and TOML files, not only from the cleaned
    text, and a control character in a title would make the book invalid XML.
    """
    changes: dict[str, object] = {}
    for f in fields(metadata):
        value = getattr(metadata, f.name)
        if isinstance(value, str):
            changes[f.name] = _one_line(value) or None
        elif isinstance(value, tuple):
            changes[f.name] = tuple(line for line in map(_one_line, value) if line)
    return replace(metadata, **changes)


def _one_line(text: str) -> str:
    text = _without_surrogates(text.translate(REMOVALS))
    if chars.ZERO_WIDTH_SPACE in text:
        text = chars.JUNK_ZERO_WIDTH_SPACE.sub("", text)
    return " ".join(text.split())


def _without_surrogates(text: str) -> str:
    """Lone surrogates (from lenient decoding) cannot be written as UTF-8; drop them."""
    try:
        text.encode("utf-8")  # a C-speed scan: nearly every text has none
    except UnicodeEncodeError:
        return SURROGATES.sub("", text)
    return text
