"""Set dashes, ellipses and primes in one paragraph's text: ordered str -> str passes."""

from __future__ import annotations

import re
from collections.abc import Callable

from booksmith.chars import ELLIPSIS, EM_DASH, EN_DASH, NARROW_NBSP

Pass = Callable[[str], str]

# A web address, without the punctuation or quote that may follow it in a sentence.
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”]*[^\s<>\"“”'’.,;:!?)\]]", re.IGNORECASE)


def outside_urls(transform: Pass) -> Pass:
    """Apply a pass only to the parts of a text that are not URLs, which must stay as typed."""

    def apply(text: str) -> str:
        if "://" not in text and "www." not in text:
            return transform(text)
        parts, last = [], 0
        for match in URL.finditer(text):
            parts.append(transform(text[last : match.start()]))
            parts.append(match.group())
            last = match.end()
        parts.append(transform(text[last:]))
        return "".join(parts)

    apply.__doc__ = transform.__doc__
    return apply


SPACED_DOTS = re.compile(r"(?<![.…])\.(?: \.){2}(?!\.)")
DOT_RUN = re.compile(r"\.{3,}")


def ellipses(text: str) -> str:
    """`...` and `. . .` are one ellipsis character, which lines cannot break inside; `....` is one and a stop."""
    if "..." not in text and ". ." not in text:
        return text
    text = SPACED_DOTS.sub(ELLIPSIS, text)
    return DOT_RUN.sub(lambda m: ELLIPSIS * (len(m.group()) // 3) + "." * (len(m.group()) % 3), text)


YEAR_RANGE = re.compile(r"\b(1[0-9]{3}|20[0-9]{2}) ?- ?(1[0-9]{3}|20[0-9]{2}|[0-9]{2})\b(?!-\d)")


def year_ranges(text: str) -> str:
    """`1914-1918` and `1914-18` are ranges and take an en dash; `1918-1914` is not a range and stays."""
    if "-" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        first, last = match[1], match[2]
        if len(last) == 2:
            last = first[:2] + last
        return f"{match[1]}{EN_DASH}{match[2]}" if int(first) < int(last) else match.group()

    return YEAR_RANGE.sub(one, text)


FEET_INCHES = re.compile(r"(?<=\d)'(\d{1,2})(?:\"|'')")
FEET_ONLY = re.compile(r"(?<=\d)'(?=\d{1,2}\b)")


def primes(text: str) -> str:
    """Heights like `5'10"` use primes, not quotes; done before quotes so they are not paired."""
    if "'" not in text:
        return text
    text = FEET_INCHES.sub(lambda m: f"′{m[1]}″", text)
    return FEET_ONLY.sub("′", text)


ROCK_N_ROLL = re.compile(r"(?<=\s)'(n)'(?=\s)", re.IGNORECASE)


def n_elision(text: str) -> str:
    """`rock 'n' roll` elides on both sides of the n: two apostrophes, never a quotation."""
    return ROCK_N_ROLL.sub(r"’\1’", text) if "'n'" in text.lower() else text


# A run of two or three hyphens, with the spaces typed around it.
DOUBLE_HYPHEN = r"(?P<left>[ ]*)(?P<run>-{2,3})(?P<right>[ ]*)"
# A hyphen with spaces on both sides, between words: a dash typed on a keyboard without one.
SPACED_HYPHEN = r"(?<=[\w,.!?;:…’”\"')\]])(?P<left2> )-(?P<right2> )(?=[\w“‘\"'(])"
# `word- word` is a dash too, but `pre- and post-war` is a suspended hyphen.
DANGLING_HYPHEN = r"(?<=\w)-(?P<right3> )(?!(?:and|or|to|nor|und|oder|bis|et|ou|y|e|o|u|i)\b)(?=[\w“‘\"'])"
DASHES = re.compile("|".join((DOUBLE_HYPHEN, SPACED_HYPHEN, DANGLING_HYPHEN)))
# A line that opens with a dash: dialogue in many languages, an interruption in English.
OPENING_DASH = re.compile(r"^-{1,3}[ ]?(?=[^\W\d]|[\"'“‘«„»‚])", re.MULTILINE)
QUOTE_SIDE = "\"'“”‘’«»„‚‹›([)]"


def make_dash_pass(style: str) -> Pass:
    """A pass that sets `--`, `---`, spaced hyphens and `word- word` as the style's dash.

    Styles: "closed" (word—word), "spaced" (word — word), "en-spaced"
    (word – word; `---` stays an em dash), "keep" (em dash for `--`, en dash
    for a hyphen, spaces as typed).
    """
    between = EN_DASH if style == "en-spaced" else EM_DASH

    def dash(match: re.Match[str]) -> str:
        text = match.string
        run = match["run"] or "-"
        left = match["left"] or match["left2"] or ""
        right = match["right"] or match["right2"] or match["right3"] or ""
        char = EM_DASH if len(run) > 1 else EN_DASH
        if style == "keep":
            return left + char + right
        char = EM_DASH if len(run) == 3 else between
        if style == "closed":
            return char
        start, end = match.start(), match.end()
        before = text[start - 1] if start > 0 else "\n"
        after = text[end] if end < len(text) else "\n"
        # Against a quote or bracket the typed spacing decides: "Wait--" stays shut.
        space_left = left if before in QUOTE_SIDE else ("" if before == "\n" else " ")
        space_right = right if after in QUOTE_SIDE else ("" if after == "\n" else " ")
        return space_left + char + space_right

    def opening(match: re.Match[str]) -> str:
        if style in ("spaced", "en-spaced") or (style == "keep" and match.group().endswith(" ")):
            return EM_DASH + " "
        return EM_DASH

    def dashes(text: str) -> str:
        """Dashes typed as hyphens become real dashes, spaced as the book's style asks."""
        if "-" not in text:
            return text
        text = OPENING_DASH.sub(opening, text)
        return DASHES.sub(dash, text) if "-" in text else text

    return dashes


FRENCH_SPACE = re.compile(r"(?<=\S)[ \u00a0\u202f]?([;:!?]+)(?![\w/])")
GUILLEMET_OPEN = re.compile(r"([«‹])[ \u00a0\u202f]*")
GUILLEMET_CLOSE = re.compile(r"[ \u00a0\u202f]*([»›])")


def french_spacing(text: str) -> str:
    """French sets a narrow no-break space inside « » and before ; : ! ? so they never start a line."""
    if "«" in text or "»" in text or "‹" in text:
        text = GUILLEMET_OPEN.sub(r"\1" + NARROW_NBSP, text)
        text = GUILLEMET_CLOSE.sub(NARROW_NBSP + r"\1", text)
    return FRENCH_SPACE.sub(NARROW_NBSP + r"\1", text)
