"""Set dashes, ellipses and primes in one paragraph's text: ordered str -> str passes."""

from __future__ import annotations

import re
from collections.abc import Callable

from booksmith.chars import ELLIPSIS, EM_DASH, EN_DASH, NARROW_NBSP

Pass = Callable[[str], str]

# A URL ends at any quotation mark: the quotes pass may curl one that ends it, and
# the URL must end at the same place when the text is set again.
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'“”‘’«»„‚‹›]+", re.IGNORECASE)


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


SPACED_DOTS = re.compile(r"(?<!\.)\.(?: \.){2}(?!\.)")
# Not after an ellipsis either: "......" gives "…..." once, and stays so when set again.
THREE_DOTS = re.compile(r"(?<![.…])\.\.\.")


def ellipses(text: str) -> str:
    """`...` and `. . .` are one ellipsis character, which lines cannot break inside."""
    if "." not in text:
        return text
    text = SPACED_DOTS.sub(ELLIPSIS, text)
    return THREE_DOTS.sub(ELLIPSIS, text)


YEAR_RANGE = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})-(1[0-9]{3}|20[0-9]{2})\b")


def year_ranges(text: str) -> str:
    """`1914-1918` is a range and takes an en dash; `1918-1914` is not a range and stays."""
    if "-" not in text:
        return text
    return YEAR_RANGE.sub(lambda m: f"{m[1]}{EN_DASH}{m[2]}" if int(m[1]) < int(m[2]) else m.group(), text)


FEET_INCHES = re.compile(r"(?<=\d)'(\d{1,2})(?:\"|'')")
FEET_ONLY = re.compile(r"(?<=\d)'(?=\d{1,2}\b)")


def primes(text: str) -> str:
    """Heights like `5'10"` use primes, not quotes; done before quotes so they are not paired."""
    if "'" not in text:
        return text
    text = FEET_INCHES.sub(lambda m: f"′{m[1]}″", text)
    return FEET_ONLY.sub("′", text)


ROCK_N_ROLL = re.compile(r"(?<=\s)'n'(?=\s)", re.IGNORECASE)


def n_elision(text: str) -> str:
    """`rock 'n' roll` elides on both sides of the n: two apostrophes, never a quotation."""
    return ROCK_N_ROLL.sub("’n’", text) if "'n'" in text.lower() else text


def make_dash_pass(style: str) -> Pass:
    """A pass that sets `--`, `---`, spaced hyphens and `word- word` as the style's dash."""
    joiners = {
        "closed": (EM_DASH, EM_DASH),
        "spaced": (f" {EM_DASH} ", f" {EM_DASH} "),
        "en-spaced": (f" {EN_DASH} ", f" {EN_DASH} "),
    }
    double = re.compile(r"[ ]*-{2,3}[ ]*" if style != "keep" else r"-{2,3}")
    # A hyphen with a space after it (or on both sides) between words is a dash
    # typed on a keyboard without one; "pre- and post-war" is a suspended hyphen.
    # Every quotation mark counts alike: the quotes pass, which runs later, may turn one
    # into another (» into ” in English), and a second run must then change nothing.
    spaced = re.compile(
        r"(?<=[\w,.!?…\"'“”‘’«»„‚‹›]) - (?=[\w\"'“”‘’«»„‚‹›])"
        r"|(?<=\w)- (?!(?:and|or|to|nor|und|et|y|e)\b)(?=[\w\"'“”‘’«»„‚‹›])"
    )
    opening = re.compile(r"^-{1,3} ?(?=[\w\"'“”‘’«»„‚‹›])")

    def dashes(text: str) -> str:
        """Dashes typed as hyphens become real dashes, spaced as the book's style asks."""
        if "-" not in text:
            return text
        text = opening.sub(EM_DASH + " " if style in ("spaced", "en-spaced") else EM_DASH, text)
        if style == "keep":
            text = double.sub(EM_DASH, text)
            return spaced.sub(f" {EN_DASH} ", text)
        em, en = joiners[style]
        text = _join_double(double, text, em)
        return spaced.sub(en, text)

    return dashes


def _join_double(pattern: re.Pattern[str], text: str, joiner: str) -> str:
    # At the start or end of a text the dash has nothing on one side: no space there.
    def one(match: re.Match[str]) -> str:
        at_start = match.start() == 0
        at_end = match.end() == len(text)
        if at_start or at_end:
            return joiner.strip()
        return joiner

    return pattern.sub(one, text)


FRENCH_SPACE = re.compile(r"(?<=\w|[»”)\]]) ?([;:!?])(?=\s|$|[»”])")


def french_spacing(text: str) -> str:
    """French sets a narrow no-break space before ; : ! ? so they never start a line."""
    return FRENCH_SPACE.sub(NARROW_NBSP + r"\1", text)
