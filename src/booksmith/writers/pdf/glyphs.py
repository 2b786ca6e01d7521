"""Check a written PDF for tofu: every character of the book must have a glyph in the fonts it embeds.

WeasyPrint draws a character no installed font covers as an empty box and says
nothing; a Chinese novel built on a machine without a CJK font came out as boxes
on every page. The embedded subsets keep no character map, so each is traced
back to the installed file it was cut from (fonts._original) and that file's
character map decides.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from booksmith.errors import BooksmithError, located
from booksmith.writers.pdf.fonts import BFCHAR, _all_resources, _font_file, _original

# Characters that need no glyph of their own: spaces, controls, joiners and marks of
# direction (format characters), variation selectors.
NO_GLYPH_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}
SHOWN_MISSING = 5
# Where to find a font for the scripts people most often lack one for (Debian package names).
CJK_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC")


class MissingGlyphsError(BooksmithError):
    """The PDF would show boxes for some characters: no installed font has them."""


def check_glyphs(pdf: Path, text: str, *, name: Path) -> None:
    """Raise MissingGlyphsError naming the script and first characters the PDF's fonts cannot show."""
    needed = {ch for ch in set(text) if _needs_glyph(ch)}
    if not needed or needed <= _ascii_letters():
        return
    missing = sorted(needed - _covered(pdf), key=text.index)
    if missing:
        raise MissingGlyphsError(located(name, _message(missing)))


def _needs_glyph(ch: str) -> bool:
    if ch.isspace() or "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef":
        return False
    return unicodedata.category(ch) not in NO_GLYPH_CATEGORIES


@cache
def _ascii_letters() -> frozenset[str]:
    # Every PDF font booksmith uses has these: a text of only them needs no look at the fonts.
    return frozenset(chr(c) for c in range(0x21, 0x7F))


def _covered(pdf: Path) -> set[str]:
    from pypdf import PdfReader

    covered: set[str] = set()
    seen: set[str] = set()
    reader = PdfReader(str(pdf))
    for resources in _all_resources(reader):
        fonts = resources.get("/Font")
        for reference in fonts.get_object().values() if fonts is not None else ():
            font = reference.get_object()
            base = str(font.get("/BaseFont"))
            if base in seen:
                continue
            seen.add(base)
            covered |= _font_characters(font)
    return covered


def _font_characters(font) -> set[str]:
    """The characters a PDF font can show: its original file's character map, else what its text map lists."""
    if font.get("/Subtype") == "/Type0":
        try:
            original = _original(_font_file(font).get_data())
        except (KeyError, IndexError, TypeError):
            original = None
        if original is not None:
            return _cmap(*original)
    mapped: set[str] = set()
    if "/ToUnicode" in font:
        for gid, hex_text in BFCHAR.findall(font["/ToUnicode"].get_object().get_data()):
            if int(gid, 16):  # glyph 0 is the box drawn for a missing character
                mapped |= set(bytes.fromhex(hex_text.decode()).decode("utf-16-be", errors="ignore"))
    return mapped


@cache
def _cmap(path: Path, index: int) -> frozenset[str]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    return frozenset(chr(code) for code in (font.getBestCmap() or {}))


def _message(missing: list[str]) -> str:
    first = missing[0]
    script = _script(first)
    shown = "".join(missing[:SHOWN_MISSING])
    codes = ", ".join(f"U+{ord(ch):04X}" for ch in missing[:SHOWN_MISSING])
    label = script if script == "CJK" else script.title()
    if script in CJK_SCRIPTS:
        fix = "install a CJK font (Debian: apt-get install fonts-noto-cjk)"
    elif unicodedata.category(first) == "So":
        fix = "install a font with these symbols (Debian: apt-get install fonts-noto-color-emoji fonts-symbola)"
    else:
        fix = f"install a font for {label} (Debian: apt-get install fonts-noto-core)"
    return f"no installed font has {label} characters such as “{shown}” ({codes}); {fix}, or build an EPUB"


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if not name:
        return "unnamed"
    if unicodedata.category(ch) == "So":
        return "symbol"
    return name.split(" ")[0]
