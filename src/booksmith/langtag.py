"""Check BCP 47 language tags (RFC 5646) before they reach `dc:language`, `xml:lang` and the locale data."""

from __future__ import annotations

import re

# The well-formed syntax of RFC 5646 section 2.1 (grandfathered tags aside): language
# with extended subtags, script, region, variants, extensions, private use. Written out
# because the libraries that check tags (langcodes) also want their registry data.
_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"
    r"(?:-[0-9a-wy-z](?:-[a-z\d]{2,8})+)*"
    r"(?:-x(?:-[a-z\d]{1,8})+)?"
)
BCP47 = re.compile(rf"(?:{_LANGTAG}|x(?:-[a-z\d]{{1,8}})+)", re.IGNORECASE)
# No real tag is longer; a 10,000-character "tag" is refused before the pattern runs.
MAX_LENGTH = 64


def is_language_tag(tag: str) -> bool:
    """True if `tag` is a well-formed BCP 47 language tag (en, pt-BR, zh-Hant-TW, sr-Latn)."""
    return len(tag) <= MAX_LENGTH and BCP47.fullmatch(tag) is not None
