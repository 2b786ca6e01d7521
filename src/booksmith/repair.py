"""Repair what the web did to a decoded text: mojibake, HTML entities, pasted tags, `\\u2019` escapes."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Tags a web page or a forum post leaves in copied text. Only these are read as markup:
# a story that mentions `<tags>` of its own keeps them as words.
PASTED_TAG = re.compile(
    r"</?(?:p|br|hr|i|em|b|strong|div|span|u|s|small|blockquote|center|font)\b[^<>\n]{0,200}?/?>", re.IGNORECASE
)
# Markup is evident when there are several tags and at least one in this many characters.
MIN_TAGS = 4
CHARS_PER_TAG = 1000
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# One stray `&amp;` could be a story about HTML; two or more are a page's text.
MIN_ENTITIES = 2
ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?")
MIN_ESCAPES = 3


def _mojibake_candidates() -> re.Pattern[str]:
    """Two characters that start a UTF-8 sequence read as cp1252, latin-1 or Mac Roman.

    ftfy reads a line at a time in Python: run on every line of a 3 MB text it
    took seconds, so it runs only on the lines this finds at C speed. Punctuation
    that real text puts after an accented letter ("café…", "né»") is left out of
    the second character, so French and Spanish lines are not all candidates.
    """

    def read(codecs: tuple[str, ...], low: int, high: int) -> set[str]:
        return {ch for codec in codecs for ch in bytes(range(low, high + 1)).decode(codec, errors="ignore")}

    western = ("cp1252", "latin-1")
    after_letters = set("‘’“”„…–—«»·¡¿\u00a0\u00ad")
    lead = re.escape("".join(sorted(read(western, 0xC2, 0xF4))))
    follow = re.escape("".join(sorted(read(western, 0x80, 0xBF) - after_letters)))
    # Mac Roman turns the lead bytes of "’" and "é" into "‚" and "√", which real text never puts before a letter.
    mac_follow = re.escape("".join(sorted(read(("mac-roman",), 0x80, 0xBF))))
    return re.compile(f"[{lead}][{follow}]|â€|[‚√][{mac_follow}]")


MOJIBAKE_CANDIDATE = _mojibake_candidates()

# Tag to what the text stands for: typed emphasis (which structure turns into the
# book's emphasis), a scene break, a line or paragraph break.
EMPHASIS_TAGS = {"i": "_", "em": "_", "b": "**", "strong": "**"}
PARAGRAPH_TAGS = {"p", "div", "blockquote", "center"}


@dataclass(frozen=True)
class Repaired:
    text: str
    # What was repaired, one phrase each, for `inspect` and the build's warnings.
    repairs: tuple[str, ...] = ()


def repair(text: str, *, fix_encoding: bool = True) -> Repaired:
    """The text with mojibake, escapes, entities and evidently pasted markup repaired."""
    repairs = []
    if fix_encoding and not text.isascii():
        fixed, lines = _fix_mojibake(text)
        if lines:
            text = fixed
            repairs.append(f"mojibake (text decoded with the wrong encoding) on {lines} line{'s' * (lines != 1)}")
    if "\\u" in text and len(ESCAPE.findall(text[:1_000_000])) >= MIN_ESCAPES:
        text, count = ESCAPE.subn(_unescape, text)
        repairs.append(f"{count} \\u escapes")
    if "<" in text:
        tags = PASTED_TAG.findall(text)
        if len(tags) >= MIN_TAGS and len(tags) * CHARS_PER_TAG >= len(text):
            text = PASTED_TAG.sub(_tag_as_text, text)
            repairs.append(f"{len(tags)} pasted HTML tags")
    if "&" in text:
        entities = ENTITY.findall(text)
        if len(entities) >= MIN_ENTITIES or (entities and any("HTML" in r for r in repairs)):
            text = ENTITY.sub(_entity_as_text, text)
            repairs.append(f"{len(entities)} HTML entities")
    return Repaired(text, tuple(repairs))


def _fix_mojibake(text: str) -> tuple[str, int]:
    """ftfy's encoding repair only: quotes stay curly for the typography stage, widths and ligatures stay."""
    import ftfy  # imported here: most texts are ASCII and never need it

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    if not MOJIBAKE_CANDIDATE.search(text):
        return text, 0
    lines = text.split("\n")
    changed = 0
    for index, line in enumerate(lines):
        if MOJIBAKE_CANDIDATE.search(line):
            fixed = ftfy.fix_text(line, config)
            if fixed != line:
                lines[index] = fixed
                changed += 1
    return ("\n".join(lines) if changed else text), changed


def _entity_as_text(match: re.Match[str]) -> str:
    """The character an entity stands for; `&#0;` and other controls stay as typed (no page means them)."""
    entity = match.group()
    if entity.startswith("&#"):
        code = int(entity[3:-1], 16) if entity[2] in "xX" else int(entity[2:-1])
        if (code < 0x20 and code not in (0x09, 0x0A)) or code == 0x7F or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            return entity
    return html.unescape(entity)


def _unescape(match: re.Match[str]) -> str:
    high, low = match.group(1), match.group(2)
    if low:
        return (chr(int(high, 16)) + chr(int(low, 16))).encode("utf-16", "surrogatepass").decode("utf-16")
    code = int(high, 16)
    return match.group() if 0xD800 <= code <= 0xDFFF else chr(code)


def _tag_as_text(match: re.Match[str]) -> str:
    tag = match.group()
    name = re.match(r"</?\s*(\w+)", tag).group(1).lower()
    if name in EMPHASIS_TAGS:
        return EMPHASIS_TAGS[name]
    if name == "hr":
        return "\n\n* * *\n\n"
    if name == "br":
        return "\n"
    if name in PARAGRAPH_TAGS:
        return "\n\n"
    return ""
