"""Curl the straight quotes of a chapter's paragraphs: pair quotation marks, tell apostrophes from quotes.

Why by hand: SmartyPants-style converters look at one character either side
of each quote and one paragraph at a time, which is where their errors come
from (’em taken for a quotation, a multi-paragraph speech "balanced" shut).
Here each quote gets the readings its neighbours allow, each with a cost
(an elided word from the word list is cheaply an apostrophe, dearly an
opening quote), and a small dynamic programme picks the cheapest reading of
the whole paragraph in which every quotation opens before it closes, single
quotes nest inside double ones, and a quotation left open at the end of a
paragraph is free only when the next paragraph opens again (a speech that
runs on). Quotes already curled keep their glyph; they only constrain the rest.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from booksmith.chars import MARKUP
from booksmith.resources import data_toml
from booksmith.typography.passes import URL

QUOTE_CHARS = re.compile("[\"'“”‘’«»„‚‹›]")
DOUBLE, SINGLE = '"', "'"
APOSTROPHE = "’"
PRIME, DOUBLE_PRIME = "′", "″"

# The readings of a quote character.
OPEN, CLOSE, APOS, MEASURE = "open", "close", "apos", "measure"

# Costs of the readings; a paragraph's reading costs the sum of its quotes'.
# ERROR is the yardstick: a reading dearer than it is chosen only when the
# alternative leaves a quotation unpaired. Tuned on tests/fixtures/typography.
ERROR = 5.0  # a closing quote with no opening one, or a quotation never closed
CROSSING = 5.0  # a quotation closed while one opened inside it is still open (never closed)
# Reading `'word` as an apostrophe when the word is not a known elision: cheap
# after a word (I 'ailed 'er: dialect the list lacks), dear where quotations
# open: at a paragraph's start, or after a sentence ends.
UNKNOWN_ELISION = 6.0
UNKNOWN_ELISION_MID_SENTENCE = 3.5  # after a word, and the word starts with a vowel
UNKNOWN_ELISION_NEW_SENTENCE = 4.5
TRAILING_CLOSES_MID_SENTENCE = 4.0  # reading the ' of `goin' home` as a closing quote
PLURAL_CLOSES_MID_SENTENCE = 3.0  # reading the ' of `dogs' bowls` as a closing quote
UNKNOWN_TRAILING = 3.0  # reading `word'` as an apostrophe when the word is not a known elision
ELISION_OPENS = 2.0  # reading a known elision (`'em`) as an opening quote
ELISION_OPENS_MID_SENTENCE = 2.5  # the same after a word: quotations rarely open mid-sentence
# Italian typed in ASCII writes a final accent as a quote (perche', citta'). Listed
# words (elisions.toml [it]) read it as an apostrophe first; after any other final
# vowel an apostrophe costs this little (not UNKNOWN_TRAILING), yet a quotation
# that is open still closes there first: `'Vieni qui'` ends in a vowel too.
UNLISTED_ACCENT = 1.0
# Reading a quote around a single letter (the letter 's') as an apostrophe: never, in effect.
QUOTED = 3 * ERROR

NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class QuoteStyle:
    """The marks a language uses for outer and inner quotations."""

    outer_open: str
    outer_close: str
    inner_open: str
    inner_close: str


@dataclass
class _Quote:
    """One quote character of a paragraph and the readings it may take."""

    index: int
    mark: str  # DOUBLE or SINGLE: which straight quote it is, or which level its glyph belongs to
    options: dict[str, float]
    glyph: str | None = None  # a quote already curled keeps its glyph
    reading: str = ""
    depth: int = 1  # how deep the quotation it opens or closes is nested: 1 is outermost


@dataclass
class Unit:
    """A run of text set as one paragraph (a paragraph, a heading, or a verse block's lines)."""

    text: str
    line: int = 0  # the source line the text starts on, for warnings
    verse: bool = False  # a verse block's lines, joined by newlines


@dataclass(frozen=True)
class _Words:
    leading: frozenset[str]  # 'em, 'tis
    trailing: frozenset[str]  # ol', an' (and in Italian perche', citta': accents typed in ASCII)
    not_trailing: frozenset[str]  # again, not a dropped g
    accents: bool = False  # whether a quote after any final vowel may be an accent (Italian)
    # The language's commonest words: after a quote nothing closes, 'Who is a quotation
    # left open by mistake, not an elided word as 'Enry is.
    common: frozenset[str] = frozenset()


def _words(language: str | None = None) -> _Words:
    table = data_toml("elisions.toml")
    leading, trailing = frozenset(table["leading"]), frozenset(table["trailing"])
    # Only an Italian book reads a quote after a final vowel as an accent: in English
    # `'Come here'` closes after the e, and the Italian list holds "la", "se", "da".
    italian = (language or "").split("-")[0].lower() == "it"
    if italian:
        leading = frozenset(table["it"]["leading"])
        trailing |= frozenset(table["it"]["accented"])
    stopwords = data_toml("stopwords.toml")
    common = frozenset(stopwords.get((language or "en").split("-")[0].lower(), stopwords["en"]))
    return _Words(leading, trailing, frozenset(table["not_trailing"]), accents=italian, common=common)


# Glyph -> (level, role) when the style does not say otherwise.
DEFAULT_ROLES = {
    "“": (DOUBLE, OPEN),
    "”": (DOUBLE, CLOSE),
    "„": (DOUBLE, OPEN),
    "«": (DOUBLE, OPEN),
    "»": (DOUBLE, CLOSE),
    "‘": (SINGLE, OPEN),
    "’": (SINGLE, CLOSE),
    "‚": (SINGLE, OPEN),
    "‹": (SINGLE, OPEN),
    "›": (SINGLE, CLOSE),
}
ANY = "any"
NEVER_CLOSED = "opens a quotation that is never closed"
CLOSED_UNOPENED = "closes a quotation that was never opened"
CLOSING_PUNCT = ".,;:!?)]}>%"
OPENING_BRACKETS = "([{<"
WORD_AFTER = re.compile(r"[^\W\d_]+")
# A single letter between single quotes, not followed by more of a word: the letter 's'
# (not 'E's, which is he's, so two 'l's stays a guess).
QUOTED_LETTER = re.compile(r"'[^\W\d_]'(?![^\W_])")
DIGITS_AFTER = re.compile(r"\d+")


class QuoteSetter:
    """Curls the quotes of a sequence of paragraphs and collects warnings about unpaired ones."""

    def __init__(self, style: QuoteStyle, *, by_depth: bool = False, language: str | None = None) -> None:
        self.words = _words(language)
        self.warnings: list[str] = []
        self._newlines_of: str | None = None
        self._newlines: list[int] = []
        # Quotations left open before a block of verse, which the prose after it may close.
        self.pending: list[tuple[Unit, _Quote]] = []
        self.through_verse = False
        self.verse_follows = False
        inner = (style.inner_open, style.inner_close)
        outer = (style.outer_open, style.outer_close)
        # By mark, a straight " becomes the outer marks and ' the inner ones, as
        # the writer typed them; by depth, the outermost quotation gets the outer
        # marks whichever straight quote was typed (--quotes british, american).
        self.by_depth = by_depth
        self.glyphs = {
            (DOUBLE, OPEN): outer[0],
            (DOUBLE, CLOSE): outer[1],
            (SINGLE, OPEN): inner[0],
            (SINGLE, CLOSE): inner[1],
            (SINGLE, APOS): APOSTROPHE,
            (SINGLE, MEASURE): PRIME,
            (DOUBLE, MEASURE): DOUBLE_PRIME,
        }
        self.roles = dict(DEFAULT_ROLES)
        for level, (opening, closing) in ((SINGLE, inner), (DOUBLE, outer)):
            opening, closing = opening.strip(), closing.strip()
            self.roles[opening] = (level, ANY if opening == closing else OPEN)
            self.roles[closing] = (level, ANY if opening == closing else CLOSE)
        self.openers = {g for g, (_, role) in self.roles.items() if role in (OPEN, ANY)}

    # -------------------------------------------------------------- public

    def run(self, units: Sequence[Unit]) -> list[str]:
        """Return the units' texts with every quote curled; a quotation may run on into the next unit."""
        texts = []
        for position, unit in enumerate(units):
            following = units[position + 1].text if position + 1 < len(units) else ""
            # A quotation left open before verse may close after it (see _unit).
            self.verse_follows = position + 1 < len(units) and units[position + 1].verse
            texts.append(self._unit(unit, self._reopens(following)))
        for unit, quote in self.pending:
            self._warn(unit, quote, NEVER_CLOSED)
        self.pending, self.through_verse = [], False
        return texts

    # -------------------------------------------------------------- one unit

    def _unit(self, unit: Unit, reopened: tuple[str, ...]) -> str:
        text = unit.text
        carried, self.pending = self.pending, []
        left_open: list[_Quote] = []
        if QUOTE_CHARS.search(text):
            quotes = self._quotes(text)
            # A quotation open before verse may close after it; only a straight ' can be an elision.
            if "'" in text and not unit.verse and not self.verse_follows:
                _unclosable_are_elisions(quotes, reopened, text, self.words.common)
            left_open = self._resolve(quotes, reopened, unit, carried)
            out = list(text)
            for quote in quotes:
                out[quote.index] = quote.glyph or self.glyphs[(self._level(quote), quote.reading)]
            text = "".join(out)
        # A speech may quote a poem or a letter's lines as verse and go on after it without
        # opening again: what is open runs through verse (and the quote-free lines of prose
        # between its verses), and the prose after it may close it.
        if unit.verse:
            self.pending = carried + [(unit, quote) for quote in left_open]
            self.through_verse = True
        elif self.through_verse and not left_open and not QUOTE_CHARS.search(unit.text):
            self.pending = carried
        else:
            self.through_verse = False
            for source, quote in carried:
                self._warn(source, quote, NEVER_CLOSED)
            self.pending = [(unit, quote) for quote in left_open]
        return text

    def _level(self, quote: _Quote) -> str:
        if not self.by_depth or quote.reading not in (OPEN, CLOSE):
            return quote.mark
        return DOUBLE if quote.depth % 2 else SINGLE

    def _reopens(self, text: str) -> tuple[str, ...]:
        """The levels a paragraph opens with, which let the previous paragraph's quotations run on."""
        levels: list[str] = []
        index = _skip(text, 0, MARKUP + " ")
        while index < len(text) and len(levels) < 2:
            ch = text[index]
            if ch in "\"'":
                levels.append(ch)
            elif ch in self.openers:
                levels.append(self.roles[ch][0])
            else:
                break
            index = _skip(text, index + 1, MARKUP)
        return tuple(levels)

    def _quotes(self, text: str) -> list[_Quote]:
        skip = _url_spans(text) if "://" in text or "www." in text else ()
        quotes = []
        for match in QUOTE_CHARS.finditer(text):
            index = match.start()
            if skip and any(start <= index < end for start, end in skip):
                continue
            quotes.append(self._classify(text, index))
        return quotes

    # -------------------------------------------------------------- classification

    def _classify(self, text: str, index: int) -> _Quote:
        ch = text[index]
        if ch in "\"'":
            return _Quote(index, ch, self._readings(text, index, ch))
        level, role = self.roles[ch]
        readings = self._readings(text, index, level)
        if role == OPEN:
            allowed = {OPEN}
        elif role == CLOSE:
            allowed = {CLOSE}
        else:
            allowed = {OPEN, CLOSE}
        if ch == APOSTROPHE:
            allowed.add(APOS)
        kept = {reading: cost for reading, cost in readings.items() if reading in allowed}
        return _Quote(index, level, kept or dict.fromkeys(allowed, 0.0), glyph=ch)

    def _readings(self, text: str, index: int, mark: str) -> dict[str, float]:
        """The readings a quote at `index` may take, each with its cost."""
        prev, following = _neighbour(text, index, -1), _neighbour(text, index, 1)
        before, after = _side(prev, opening=True), _side(following, opening=False)
        if mark == SINGLE and _is_word(prev) and _is_word(following):
            return {APOS: 0.0}  # don't, O'Brien
        if (before, after) in ((OPEN, CLOSE), (CLOSE, OPEN)):
            return {OPEN: 1.0, CLOSE: 1.0}  # a quote standing alone, or wedged between words
        if before == OPEN or after == OPEN:
            kind = OPEN
        elif before == CLOSE or after == CLOSE:
            kind = CLOSE
        else:
            return {OPEN: 1.0, CLOSE: 1.0}
        if kind == CLOSE and prev is not None and prev.isdigit():
            return {CLOSE: 0.0, MEASURE: 1.0}  # 1984" closes; 12" in a list of sizes is inches
        if mark == DOUBLE:
            return {kind: 0.0}
        if kind == OPEN and _is_word(following):
            return self._leading(text, index, prev)
        if kind == CLOSE and prev is not None and prev.isalpha():
            return self._trailing(text, index, following)
        return {kind: 0.0}

    def _leading(self, text: str, index: int, prev: str | None) -> dict[str, float]:
        """`'word`: an opening quote, or an apostrophe for elided letters ('em, 'tis, '90s)."""
        start = _skip(text, index + 1, MARKUP)
        back = _skip_back(text, index - 1, " " + MARKUP)
        previous = text[back] if back >= 0 else None
        mid_sentence = previous is not None and (previous.isalpha() or previous == ",")
        opens = ELISION_OPENS_MID_SENTENCE if mid_sentence else ELISION_OPENS
        # Elisions the list lacks are dropped h's ('ailed, 'orses), so they start
        # with a vowel; 'Glass Houses' is a title and 'friends' a scare quote.
        if mid_sentence and text[start : start + 1] in "aeiou":
            unknown = UNKNOWN_ELISION_MID_SENTENCE
        else:
            unknown = UNKNOWN_ELISION_NEW_SENTENCE if previous is not None and previous in ".!?" else UNKNOWN_ELISION
        if QUOTED_LETTER.match(text, index) and not (previous or " ").isalpha():
            return {OPEN: 0.0, APOS: QUOTED}  # the letter 's', a 'k', not a 'c'
        if index > 0 and text[index - 1] in "'‘" and text[start : start + 1].isupper():
            # ''Enry: a quotation opening on an elided word; the same level cannot open twice.
            return {APOS: 0.0, OPEN: opens}
        digits = DIGITS_AFTER.match(text, start)
        if digits:
            after = text[digits.end() : digits.end() + 1]
            if after in ("'", "’"):
                return {OPEN: 0.0, APOS: opens}  # she scored '99'

            if len(digits.group()) == 2 and after == "s":
                return {APOS: 0.0, OPEN: 3 * opens}  # the '90s
            if len(digits.group()) == 2 and not after.isalnum():
                return {APOS: 0.0, OPEN: opens}  # back in '06
            return {OPEN: 0.0, APOS: unknown}
        word = WORD_AFTER.match(text, start)
        if word and word.group().lower() in self.words.leading:
            return {APOS: 0.0, OPEN: opens}
        return {OPEN: 0.0, APOS: unknown}

    def _trailing(self, text: str, index: int, following: str | None) -> dict[str, float]:
        """`word'`: a closing quote, or an apostrophe (the dogs' bowls, goin', ol')."""
        if index >= 2 and QUOTED_LETTER.match(text, index - 2) and not _is_word(_neighbour(text, index - 2, -1)):
            return {CLOSE: 0.0, APOS: QUOTED}  # the letter 's'
        word = _word_before(text, index).lower()
        continues = following is not None and following.isspace() and _word_follows(text, index)
        # A closing quote is rarely followed by more of the sentence (an' we, dogs' bowls).
        if word in self.words.trailing:
            return {APOS: 0.0, CLOSE: TRAILING_CLOSES_MID_SENTENCE if continues else 1.0}
        if self.words.accents and word[-1:] in "aeiou":
            # Italian: cambiera' is an accent when no open quotation wants closing there.
            return {CLOSE: 0.0, APOS: UNLISTED_ACCENT}
        elided_g = word.endswith("in") and len(word) > 3 and word not in self.words.not_trailing
        if word.endswith("s") or elided_g:
            if continues:  # the dogs' bowls, but also so-called 'experts' said
                return {APOS: 0.0, CLOSE: PLURAL_CLOSES_MID_SENTENCE}
            return {CLOSE: 0.0, APOS: 1.5}
        # Unlisted (fren', rock ’n’): an apostrophe when no quotation is open to close.
        return {CLOSE: 0.0, APOS: UNKNOWN_TRAILING}

    # -------------------------------------------------------------- pairing

    def _resolve(
        self, quotes: list[_Quote], reopened: tuple[str, ...], unit: Unit, carried: list[tuple[Unit, _Quote]]
    ) -> list[_Quote]:
        """Pick the cheapest well-nested reading of a paragraph's quotes; warn about what stays unpaired.

        The state is the stack of quotations open at that point, e.g. ('"', "'")
        inside a single-quoted phrase inside a speech; levels alternate. A quote
        that closes nothing may close a quotation `carried` from before a verse
        block (matched ones are removed from it). Returns the quotations left
        open that the next unit does not open again.
        """
        steps = []
        for quote in quotes:
            if len(quote.options) == 1 and APOS in quote.options:
                quote.reading = APOS  # don't: nothing to decide
            else:
                steps.append(quote)
        if not steps:
            return []
        labels = _cheapest_labels(steps, reopened)
        stack: list[_Quote] = []
        for quote, label in zip(steps, labels, strict=True):
            quote.reading = label.rstrip("!")
            if label == CLOSE + "!":
                if not self._close_carried(carried, quote):
                    self._warn(unit, quote, CLOSED_UNOPENED)
            elif quote.reading == CLOSE:
                while stack and stack[-1].mark != quote.mark:
                    self._warn(unit, stack.pop(), NEVER_CLOSED)
                if stack:
                    quote.depth = len(stack)
                    stack.pop()
            elif label == OPEN + "!":
                if stack and stack[-1].mark == quote.mark:  # it replaces the one left open
                    replaced = stack.pop()
                    # In verse, the old style opens the quotation again on every quoted line.
                    if not _at_line_start(unit.text, quote.index):
                        self._warn(unit, replaced, NEVER_CLOSED)
                    quote.depth = len(stack) + 1
                    stack.append(quote)
                else:  # nested too deep to be read as a quotation
                    self._warn(unit, quote, NEVER_CLOSED)
            elif quote.reading == OPEN:
                quote.depth = len(stack) + 1
                stack.append(quote)
        return stack[_covered(tuple(q.mark for q in stack), reopened) :]

    def _close_carried(self, carried: list[tuple[Unit, _Quote]], quote: _Quote) -> bool:
        """Close the innermost carried quotation of the quote's level; those inside it were never closed."""
        if not any(open_quote.mark == quote.mark for _, open_quote in carried):
            return False
        while carried:
            source, open_quote = carried.pop()
            if open_quote.mark == quote.mark:
                return True
            self._warn(source, open_quote, NEVER_CLOSED)
        return False

    def _warn(self, unit: Unit, quote: _Quote, what: str) -> None:
        """Report a quote with its source line and the text from just before it, so a writer can find it."""
        text = unit.text
        # Counting newlines from the text's start for each warning was quadratic: 200 KB of
        # unpaired quotes on one line took 26 s. The newlines are found once per text.
        if self._newlines_of is not text:
            self._newlines_of, self._newlines = (
                text,
                [i for i, ch in enumerate(text) if ch == "\n"] if "\n" in text else [],
            )
        line = unit.line + bisect_left(self._newlines, quote.index)
        start = max(text.rfind("\n", max(0, quote.index - 12), quote.index) + 1, quote.index - 12)
        end = text.find("\n", quote.index)
        end = min(end if end >= 0 else len(text), quote.index + 40)
        excerpt = "".join(ch for ch in text[start:end] if ch not in MARKUP)
        excerpt = ("…" if start > 0 and text[start - 1] != "\n" else "") + excerpt
        excerpt += "…" if end < len(text) and text[end] != "\n" else ""
        where = f"line {line}" if unit.line else "title"  # titles reach typography without a line
        self.warnings.append(f"{where}: {text[quote.index]} {what}: {excerpt}")


def _unclosable_are_elisions(
    quotes: list[_Quote], reopened: tuple[str, ...], text: str, common: frozenset[str]
) -> None:
    """An opening single quote that nothing after it in the paragraph could close is an elision.

    'Enry 'Iggins, 'Bama, 'Sh!: dialect drops first letters the word list cannot all
    know, and read as quotations they stay open to the paragraph's end. The apostrophe
    becomes the cheap reading where no later single quote may close, unless the
    quotation may run on: the next paragraph opens again the quotations that would be
    open at this one's end (a speech or a quoted letter over several paragraphs), or the
    word is one of the language's commonest ('Who goes there? is a quote left open).
    """
    closer_follows = double_closes_after = False
    double_opens_before = []
    seen_double_open = False
    for quote in quotes:
        double_opens_before.append(seen_double_open)
        seen_double_open = seen_double_open or (quote.mark == DOUBLE and OPEN in quote.options)
    for position in range(len(quotes) - 1, -1, -1):
        quote = quotes[position]
        if quote.mark == DOUBLE:
            double_closes_after = double_closes_after or CLOSE in quote.options
            continue
        candidate = quote.glyph is None and OPEN in quote.options and quote.options.get(APOS, QUOTED) < QUOTED
        if candidate and not closer_follows and not _common_word_after(text, quote.index, common):
            if double_opens_before[position] and double_closes_after:
                runs_on = False  # inside a speech that closes in this paragraph
            else:
                left_open = (DOUBLE, SINGLE) if double_opens_before[position] else (SINGLE,)
                runs_on = reopened[: len(left_open)] == left_open
            if not runs_on:
                quote.options = {APOS: 0.0, OPEN: ELISION_OPENS}
        if CLOSE in quote.options:
            closer_follows = True


def _common_word_after(text: str, index: int, common: frozenset[str]) -> bool:
    word = WORD_AFTER.match(text, _skip(text, index + 1, MARKUP))
    return word is not None and word.group().lower() in common


def _cheapest_labels(steps: list[_Quote], reopened: tuple[str, ...]) -> list[str]:
    """The labels of the cheapest well-nested reading of the quotes, by dynamic programming over open stacks."""
    if all(len(quote.options) == 1 for quote in steps):
        # One reading each (most dialogue): the only path, without the search's bookkeeping.
        state: tuple[str, ...] = ()
        labels = []
        for quote in steps:
            state, _, label = _transition(state, quote.mark, next(iter(quote.options)))
            labels.append(label)
        return labels
    frontier: dict[tuple[str, ...], float] = {(): 0.0}
    trail: list[dict[tuple[str, ...], tuple[tuple[str, ...], str]]] = []
    for quote in steps:
        following: dict[tuple[str, ...], float] = {}
        back: dict[tuple[str, ...], tuple[tuple[str, ...], str]] = {}
        for state, cost in frontier.items():
            for reading, extra in quote.options.items():
                new_state, penalty, label = _transition(state, quote.mark, reading)
                total = cost + extra + penalty
                if total < following.get(new_state, 1e9):
                    following[new_state] = total
                    back[new_state] = (state, label)
        frontier = following
        trail.append(back)
    state = min(frontier, key=lambda s: frontier[s] + _end_cost(s, reopened))
    labels = []
    for back in reversed(trail):
        state, label = back[state]
        labels.append(label)
    labels.reverse()
    return labels


@cache
def _transition(state: tuple[str, ...], mark: str, reading: str) -> tuple[tuple[str, ...], float, str]:
    """The next state, the extra cost and the label of reading a quote of `mark` as `reading`.

    A label ending in "!" is a repair of the source: a closing quote with
    nothing to close, or an opening quote while the same level is still open.
    """
    if reading == OPEN:
        if state and state[-1] == mark:
            return state, ERROR, OPEN + "!"
        if len(state) >= 3:
            return state, ERROR, OPEN + "!"
        return (*state, mark), 0.0, OPEN
    if reading == CLOSE:
        if state and state[-1] == mark:
            return state[:-1], 0.0, CLOSE
        if mark in state:  # closes over a quotation left open inside it
            return state[: len(state) - 1 - state[::-1].index(mark)], CROSSING, CLOSE
        return state, ERROR, CLOSE + "!"
    return state, 0.0, reading


def _at_line_start(text: str, index: int) -> bool:
    """Whether only spaces and markup stand between a quote and the start of its line (in a verse unit)."""
    before = _skip_back(text, index - 1, " " + MARKUP)
    return before >= 0 and text[before] == "\n"


def _covered(stack: tuple[str, ...], reopened: tuple[str, ...]) -> int:
    """How many of the quotations open at a paragraph's end the next paragraph opens again."""
    count = 0
    for open_mark, again in zip(stack, reopened, strict=False):
        if open_mark != again:
            break
        count += 1
    return count


def _end_cost(stack: tuple[str, ...], reopened: tuple[str, ...]) -> float:
    return ERROR * (len(stack) - _covered(stack, reopened))


def _side(ch: str | None, *, opening: bool) -> str | None:
    """What a neighbour says about a quote: OPEN, CLOSE, or None when it says nothing."""
    if ch is None or ch.isspace():
        return OPEN if opening else CLOSE
    if ch.isalnum():
        return CLOSE if opening else OPEN
    if ch in OPENING_BRACKETS:
        return OPEN  # ("a") opens whichever side the bracket is on
    if ch in CLOSING_PUNCT:
        return CLOSE
    return None  # dashes, ellipses, other quotes: decided by the other side


def _neighbour(text: str, index: int, step: int) -> str | None:
    """The nearest character in one direction, looking through inline markup."""
    index += step
    while 0 <= index < len(text):
        if text[index] not in MARKUP:
            return text[index]
        index += step
    return None


def _skip(text: str, index: int, chars: str) -> int:
    while index < len(text) and text[index] in chars:
        index += 1
    return index


def _skip_back(text: str, index: int, chars: str) -> int:
    while index >= 0 and text[index] in chars:
        index -= 1
    return index


def _word_before(text: str, index: int) -> str:
    start = index
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in MARKUP):
        start -= 1
    return "".join(ch for ch in text[start:index] if ch not in MARKUP)


def _word_follows(text: str, index: int) -> bool:
    """Whether the quote at `index` is followed by a space and then a lower-case word (the dogs' bowls)."""
    nxt = _skip(text, index + 1, MARKUP + " ")
    return nxt < len(text) and text[nxt].isalpha() and text[nxt].islower()


def _is_word(ch: str | None) -> bool:
    return ch is not None and ch.isalnum()


def _url_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in URL.finditer(text)]
