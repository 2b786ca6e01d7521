"""Curl straight quotes over a whole chapter: pair quotation marks, tell apostrophes from quotes.

Why by hand: SmartyPants-style converters look at one character either side
of each quote and one paragraph at a time, which is where their errors come
from (’em taken for a quotation, a multi-paragraph speech "balanced" shut).
Here each quote is classified by its neighbours, then single quotes are
paired within the paragraph, using a word list for elisions, and the state
of double quotes is read per paragraph so that speeches may run on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from booksmith.chars import MARKUP, NARROW_NBSP
from booksmith.resources import data_toml

QUOTE_CHARS = re.compile("[\"'“”‘’«»„‚‹›]")
OPENING_PUNCT = "([{<“‘«„‚‹—–-/"
CLOSING_PUNCT = ".,;:!?)]}>…%"
APOSTROPHE = "’"
SPACES_AROUND_NARROW = re.compile("[ \u00a0\u202f]*\u202f[ \u00a0\u202f]*")


@dataclass(frozen=True)
class QuoteStyle:
    """The marks a language uses for outer and inner quotations."""

    outer_open: str
    outer_close: str
    inner_open: str
    inner_close: str


@dataclass
class _Candidate:
    index: int
    kind: str  # "open", "close", "elision", "trail", "apostrophe", "either"
    mark: str  # '"' or "'"
    result: str = ""


def _words() -> tuple[set[str], set[str]]:
    table = data_toml("elisions.toml")
    return set(table["leading"]), set(table["trailing"])


LEADING_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
DECADE = re.compile(r"\d\d(?:s\b|\b)")


class QuoteSetter:
    """Curls the quotes of consecutive paragraphs; keeps state across them and collects warnings."""

    def __init__(self, style: QuoteStyle, *, swap_levels: bool = False) -> None:
        self.style = style
        # British style: the straight double quotes of the source are the inner level.
        self.swap_levels = swap_levels
        self.leading, self.trailing = _words()
        self.warnings: list[str] = []
        self._open_double_line: int | None = None
        # Curly marks that this style uses the other way round (“ closes in German,
        # ” opens in Swedish) are read from their neighbours, like straight quotes.
        opening = {style.outer_open.strip(), style.inner_open.strip()}
        closing = {style.outer_close.strip(), style.inner_close.strip()}
        self._ambiguous = (closing & set("“«„‹‚‘")) | (opening & set("”»›"))
        # French marks carry their own narrow space: typed spaces beside them go.
        self._spaced = any(NARROW_NBSP in mark for mark in (style.outer_open, style.outer_close))

    # -------------------------------------------------------------- public

    def paragraph(self, text: str, line: int = 0) -> str:
        """Return the paragraph with every quote curled."""
        if not QUOTE_CHARS.search(text):
            self._end_paragraph(None, line)
            return text
        starts_with_open = self._first_visible(text) in '"“«„'
        if self._open_double_line is not None and not starts_with_open:
            self._warn_unclosed()
        self._open_double_line = None
        candidates = [self._classify(text, m.start()) for m in QUOTE_CHARS.finditer(text)]
        self._resolve_doubles(candidates, line)
        self._resolve_singles(candidates)
        out = list(text)
        for candidate in candidates:
            out[candidate.index] = candidate.result
        result = "".join(out)
        return SPACES_AROUND_NARROW.sub(NARROW_NBSP, result) if self._spaced else result

    def finish(self) -> None:
        """End of a chapter: a quotation still open there is reported."""
        if self._open_double_line is not None:
            self._warn_unclosed()
        self._open_double_line = None

    # -------------------------------------------------------------- classification

    def _classify(self, text: str, index: int) -> _Candidate:
        ch = text[index]
        prev, following = _neighbour(text, index, -1), _neighbour(text, index, 1)
        mark = '"' if ch in '"“”«»„‹›' else "'"
        if ch in self._ambiguous:
            ch = mark
        if ch in "“«„‹" or (ch == "‚"):
            return _Candidate(index, "open", mark)
        if ch in "”»›":
            return _Candidate(index, "close", mark)
        if ch == "‘":
            return _Candidate(index, "open", "'")
        if ch == "’":
            # A typed ’ before a letter is an apostrophe; after one it may close a quotation.
            return _Candidate(index, "apostrophe" if _is_wordchar(following) else "close", "'")
        opens_before = prev is None or prev.isspace() or _among(prev, "([{<“‘«„‚‹/")
        closes_before = _is_wordchar(prev) or _among(prev, CLOSING_PUNCT + "”’»'\"")
        opens_after = _is_wordchar(following) or _among(following, "‘“'\"([…")
        closes_after = following is None or following.isspace() or _among(following, CLOSING_PUNCT + "—–-”’»")
        if mark == "'":
            if _is_wordchar(prev) and _is_wordchar(following):
                return _Candidate(index, "apostrophe", mark)
            if (opens_before or _among(prev, '—–-…"“')) and _is_wordchar(following):
                after = _skip_markup(text, index + 1)
                if DECADE.match(text, after):
                    return _Candidate(index, "apostrophe", mark)
                word = LEADING_WORD.match(text, after)
                if word and word.group().lower() in self.leading:
                    return _Candidate(index, "elision", mark)
                return _Candidate(index, "open", mark)
            if closes_after and _is_letter(prev):
                lower = _word_before(text, index).lower()
                if lower in self.trailing or lower.endswith(("in", "s")):
                    return _Candidate(index, "trail", mark)
                return _Candidate(index, "close", mark)
        if opens_before and not closes_before:
            return _Candidate(index, "either" if closes_after and not opens_after else "open", mark)
        if closes_before and not opens_before:
            return _Candidate(index, "close", mark)
        if opens_after and not closes_after:
            return _Candidate(index, "open", mark)
        if closes_after and not opens_after:
            return _Candidate(index, "close", mark)
        return _Candidate(index, "either", mark)

    # -------------------------------------------------------------- doubles

    def _resolve_doubles(self, candidates: list[_Candidate], line: int) -> None:
        is_open = False
        for candidate in candidates:
            if candidate.mark != '"':
                continue
            kind = candidate.kind
            if kind == "either":
                kind = "close" if is_open else "open"
            if kind == "close" and not is_open:
                self.warnings.append(f"line {line}: a closing double quote has no opening quote")
            is_open = kind == "open"
            candidate.result = self._double(kind == "open")
        self._open_double_line = line if is_open else None

    def _double(self, opening: bool) -> str:
        if self.swap_levels:
            return self.style.inner_open if opening else self.style.inner_close
        return self.style.outer_open if opening else self.style.outer_close

    def _single(self, opening: bool) -> str:
        if self.swap_levels:
            return self.style.outer_open if opening else self.style.outer_close
        return self.style.inner_open if opening else self.style.inner_close

    # -------------------------------------------------------------- singles

    def _resolve_singles(self, candidates: list[_Candidate]) -> None:
        singles = [c for c in candidates if c.mark == "'"]
        closer_ahead = _closers_ahead(singles)
        closing = self._single(False)
        pending: list[_Candidate] = []
        # Elisions still read as apostrophes since the last closing mark: the ones
        # a stray closing quote may pair with, nearest last. Kept as the loop goes
        # so that a paragraph of many quotes is not scanned again for each one.
        elisions: list[_Candidate] = []
        for position, candidate in enumerate(singles):
            kind = candidate.kind
            if kind == "apostrophe":
                candidate.result = APOSTROPHE
            elif kind == "open":
                pending.append(candidate)
                candidate.result = self._single(True)
            elif kind == "elision":
                # An elision is an opening quote only when a later closing quote
                # has nothing else to pair with (settled in the fix-up below).
                candidate.result = APOSTROPHE
            elif kind == "trail":
                if pending and not closer_ahead[position]:
                    pending.pop()
                    candidate.result = self._single(False)
                else:
                    candidate.result = APOSTROPHE
            elif kind == "close":
                if pending:
                    pending.pop()
                    candidate.result = self._single(False)
                else:
                    self._pair_with_elision(elisions, candidate)
            else:  # either
                if pending:
                    pending.pop()
                    candidate.result = self._single(False)
                else:
                    pending.append(candidate)
                    candidate.result = self._single(True)
            if kind == "elision" and candidate.result == APOSTROPHE:
                elisions.append(candidate)
            elif candidate.result == closing:
                elisions.clear()

    def _pair_with_elision(self, elisions: list[_Candidate], closer: _Candidate) -> None:
        if elisions:
            elisions.pop().result = self._single(True)
            closer.result = self._single(False)
            return
        closer.result = APOSTROPHE  # "dogs'" shapes that were not caught as trailing elisions

    # -------------------------------------------------------------- warnings

    def _warn_unclosed(self) -> None:
        self.warnings.append(f"line {self._open_double_line}: a double quote opened here is never closed")

    def _end_paragraph(self, _text: None, line: int) -> None:
        if self._open_double_line is not None:
            self._warn_unclosed()
            self._open_double_line = None

    @staticmethod
    def _first_visible(text: str) -> str:
        index = _skip_markup(text, 0)
        return text[index] if index < len(text) else ""


def _skip_markup(text: str, index: int) -> int:
    while index < len(text) and text[index] in MARKUP:
        index += 1
    return index


def _neighbour(text: str, index: int, step: int) -> str | None:
    """The nearest character in one direction, looking through inline markup."""
    index += step
    while 0 <= index < len(text):
        if text[index] not in MARKUP:
            return text[index]
        index += step
    return None


def _word_before(text: str, index: int) -> str:
    start = index
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in MARKUP):
        start -= 1
    return "".join(ch for ch in text[start:index] if ch not in MARKUP)


def _among(ch: str | None, options: str) -> bool:
    return ch is not None and ch in options


def _is_letter(ch: str | None) -> bool:
    return ch is not None and ch.isalpha()


def _is_wordchar(ch: str | None) -> bool:
    return ch is not None and (ch.isalnum())


def _closers_ahead(singles: list[_Candidate]) -> list[bool]:
    """For each single quote, whether a closing one follows before the next opening one."""
    ahead = [False] * len(singles)
    following = False
    for position in range(len(singles) - 1, -1, -1):
        ahead[position] = following
        if singles[position].kind == "open":
            following = False
        elif singles[position].kind in ("close", "trail"):
            following = True
    return ahead
