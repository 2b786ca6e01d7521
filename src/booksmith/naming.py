"""Name a book's files from a template ("{author} - {title}") safely for every e-reader's file system."""

from __future__ import annotations

import re
import string
import unicodedata

from booksmith.model import Metadata

FIELDS = ("title", "author", "series", "series_index", "stem", "language")
# Characters FAT32, exFAT and NTFS refuse in a name (and control characters).
UNSAFE_CHARACTERS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Names Windows (and so FAT drives it formats) reserves whatever the extension.
RESERVED_NAMES = re.compile(r"^(?:CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(?:\..*)?$", re.IGNORECASE)
# FAT32 and exFAT hold 255 UTF-16 units a name; the longest ending (".kepub.epub") and a
# collision's "-99" must still fit.
MAX_STEM_UNITS = 255 - len(".kepub.epub") - 4


def check_template(template: str) -> str | None:
    """What is wrong with a name template (a field it does not know), or None."""
    try:
        names = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError as error:
        return f"is not a valid template ({error}); write fields as {{title}}"
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        return f"has an unknown field {{{unknown[0]}}}; use {', '.join('{' + f + '}' for f in FIELDS)}"
    if not names and not template.strip():
        return 'is empty; use a template like "{author} - {title}"'
    return None


def book_name(template: str, metadata: Metadata, stem: str) -> str:
    """The template filled from the book's metadata, made safe as a file name."""
    index = metadata.series_index
    values = {
        "title": metadata.title or stem,
        "author": " & ".join(metadata.authors) or "Unknown",
        "series": metadata.series or "",
        "series_index": "" if index is None else f"{index:g}",
        "stem": stem,
        "language": metadata.language or "",
    }
    filled = template.format(**values)
    # A template with an empty field ("{series} {series_index} - {title}" for a book in no series)
    # leaves stray separators; they are tidied rather than kept in the name.
    filled = re.sub(r"\s+", " ", filled)
    filled = re.sub(r"^[\s\-–—_.,#]+|[\s\-–—_,#]+$", "", filled)
    return safe_stem(filled or stem)


def safe_stem(stem: str) -> str:
    """A book name every common file system can hold: unsafe characters become '_', no trailing
    dots or spaces, no reserved device name, and short enough with any ending."""
    name = UNSAFE_CHARACTERS.sub("_", unicodedata.normalize("NFC", stem)).strip(" ").rstrip(". ")
    while len(name.encode("utf-16-le", "surrogatepass")) // 2 > MAX_STEM_UNITS:
        name = name[:-1]
    name = name.rstrip(". ")
    if RESERVED_NAMES.match(name):
        name = f"{name}_"
    return name or "book"
