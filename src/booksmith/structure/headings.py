"""Decide which items head chapters and parts, and attach the title lines under bare headings."""

from __future__ import annotations

import itertools
import re
from functools import cache

from booksmith.resources import data_toml
from booksmith.structure.candidates import (
    AUTHOR_NOTE,
    HEADING_ORNAMENTS,
    OPENERS,
    heading_level,
    in_capitals,
    reads_as_sentence,
    short_cjk_title,
    uncased,
)
from booksmith.structure.contents import demote_contents, starts_prose, titles_from_contents
from booksmith.structure.lines import Item, Line
from booksmith.structure.numbers import number_value
from booksmith.structure.paragraphs import SENTENCE_END
from booksmith.structure.sequences import (
    NUMBERED_TITLE,
    WORD_NUMBER,
    consistent_numbers,
    named_numbers,
    numbered_titles,
    word_sequences,
)


def _heading_with_title_line(item: Item) -> bool:
    """Two lines that are one heading: "CHAPTER I." over "Down the Rabbit-Hole", not over the story's first line."""
    second = item.lines[1].text.strip()
    return heading_level(item.text)[0] is not None and not reads_as_sentence(second) and not second.startswith(OPENERS)


# A heading's title may run over this many lines, as long as the whole heading stays this short.
TITLE_LINES = 3
MAX_WRAPPED_HEADING = 300


def _wrapped_heading(item: Item) -> tuple[str | None, str | None, str]:
    """A heading whose title an editor wrapped onto the next lines.

    "Chapter VI. Of the great inquiry that the priest and the barber" / "made in the
    library of our hero" (the title runs on in lower case), or "CHAPTER VI." over a
    title in capitals over two lines.
    """
    if not 2 <= len(item.lines) <= TITLE_LINES or len(item.text) > MAX_WRAPPED_HEADING:
        return None, None, ""
    level, title, word = heading_level(item.lines[0].text.strip())
    if level is None:
        return None, None, ""
    rest = [line.text.strip() for line in item.lines[1:]]
    if any(line.startswith(OPENERS) or len(line) > 90 for line in rest):
        return None, None, ""
    runs_on = title and not title.endswith((".", "!", "?")) and rest[0][:1].islower()
    if not runs_on and not all(in_capitals(line) for line in rest):
        return None, None, ""
    return level, " ".join([title or "", *rest]).strip(), word


def mark_headings(items: list[Item], chapter_pattern: str | None) -> list[Item]:
    """Turn heading paragraphs into heading items, with their titles, levels, subtitles and reasons."""
    custom = re.compile(chapter_pattern) if chapter_pattern else None
    items = _split_leading_headings(items, custom)
    sequences = {
        index: sequence for sequence in word_sequences(items) + numbered_titles(items) for index in sequence.indices
    }
    numbered = consistent_numbers(items) | named_numbers(items)
    for index, item in enumerate(items):
        if item.kind not in ("para", "verse", "break") or item.role or (item.kind == "break" and index not in numbered):
            continue
        text = item.text
        if custom:
            if custom.fullmatch(text):
                _make_heading(item, "chapter", None, "custom", "matches --chapter-pattern")
            continue
        if len(item.lines) == 1 or (len(item.lines) == 2 and _heading_with_title_line(item)):
            level, title, word = heading_level(text)
        else:
            level, title, word = _wrapped_heading(item)
        why = f"the heading word `{word}`" if level else ""
        if len(item.lines) > 1 and level:
            why += f", its title over {len(item.lines)} lines"
        if index in sequences and (level is None or word == "number"):
            match = WORD_NUMBER.fullmatch(text.strip(HEADING_ORNAMENTS)) or NUMBERED_TITLE.fullmatch(text.strip())
            rest = (match["rest"] or "").strip(" .:-–—")
            word = match.groupdict().get("word") or "numbered"
            level, title, word, why = "chapter", rest or None, word.lower(), sequences[index].why(index)
        if level is None and index in numbered:
            level, title, word, why = "chapter", None, "number", "a bare number, in a sequence counting up"
        if level:
            _make_heading(item, level, title, word, why)
    _sections_under_chapters(items)
    _ordered_cjk_parts(items)
    _titled_pieces_after_the_end(items)
    _parts_without_chapters(items)
    _markdown_levels(items)
    if not custom:
        _layout_headings(items)
    if not titles_from_contents(items):
        demote_contents(items)
    _attach_subtitles(items)
    return items


def _make_heading(item: Item, level: str, title: str | None, word: str, why: str) -> None:
    item.kind, item.level, item.title, item.word, item.own_title, item.why = (
        "heading",
        level,
        item.text,
        word,
        title,
        why,
    )


# Japanese and Chinese novels in two or three parts: "上　先生と私", "中　両親と私", "下　先生と遺書".
ORDERED_PART = re.compile(r"(?P<word>[上中下])\s+(?P<title>\S.{0,24})")


def _ordered_cjk_parts(items: list[Item]) -> None:
    """上 / 中 / 下 ("first", "middle", "last") with a title, alone on lines in that order, are the book's parts."""
    found = [
        (index, match)
        for index, item in enumerate(items)
        if item.kind == "para" and len(item.lines) == 1 and (match := ORDERED_PART.fullmatch(item.text.strip()))
    ]
    words = [match["word"] for _, match in found]
    if len(found) < 2 or words != sorted(words, key="上中下".index) or len(set(words)) != len(words):
        return
    for index, match in found:
        _make_heading(items[index], "part", match["title"], match["word"], "上, 中, 下 in order: the book's parts")


# The opening paragraph of a piece after "The End": prose, not a list of references.
PIECE_WORDS = 25


def _titled_pieces_after_the_end(items: list[Item]) -> None:
    """After "The End" of a book with chapters, a short title line set apart by blank lines heads back matter.

    E-texts append an essay or an editor's afterword after the novel's last line
    ("Конец" / "О романе"): it is a piece of its own in the contents, not more of
    the last chapter.
    """
    ends = _end_words()
    start = len(items) // 3  # closing notes may be as long as a third of the text
    end = next(
        (i for i in range(start, len(items)) if items[i].kind == "para" and _plain_end(items[i].text) in ends), None
    )
    if end is None or not any(item.kind == "heading" for item in items[:end]):
        return
    for index in range(end + 1, len(items) - 1):
        item, after = items[index], items[index + 1]
        if (
            item.kind == "para"
            and len(item.lines) == 1
            and item.gap >= 2
            and after.gap >= 2
            and _title_like(item)
            and not any(ch.isdigit() for ch in item.text)
            and after.kind == "para"
            and len(after.text.split()) >= PIECE_WORDS
        ):
            _make_heading(item, "back", None, "after-the-end", "a title set apart after the book's last line")


@cache
def _end_words() -> frozenset[str]:
    return frozenset(data_toml("headings.toml")["end_words"])


def _plain_end(text: str) -> str:
    return text.strip().strip(".!*_-—~ ").casefold()


def _parts_without_chapters(items: list[Item]) -> None:
    """Three or more parts with no chapters under any of them are the book's chapters: a play's acts, an epic's books.

    Two parts alone ("Part One", "Part Two" over long prose) stay parts: that
    is how such novels name their halves.
    """
    levels = [item.level for item in items if item.kind == "heading"]
    if "chapter" in levels or levels.count("part") < 3:
        return
    for item in items:
        if item.kind == "heading" and item.level == "part":
            item.level = "chapter"
            item.why += "; no chapters under any part, so the parts are the chapters"


def _sections_under_chapters(items: list[Item]) -> None:
    """Bare numbers that count again from 1 under each chapter heading are its sections ("ADVENTURE I." / "I.")."""
    chapters = [i for i, item in enumerate(items) if item.kind == "heading" and item.level == "chapter"]
    named = [i for i in chapters if items[i].word != "number"]
    numbers = [i for i in chapters if items[i].word == "number"]
    if len(named) < 2 or len(numbers) < 2:
        return
    restarts = 0
    for start, end in itertools.pairwise([*named, len(items)]):
        inside = [number_value(items[i].text.strip(HEADING_ORNAMENTS)) for i in numbers if start < i < end]
        restarts += bool(inside) and inside[0] == 1
    if restarts >= len(named) * 0.6:
        for i in numbers:
            items[i].level = "section"
            items[i].why = "a bare number counting again under each chapter: a section"


def _split_leading_headings(items: list[Item], custom: re.Pattern[str] | None) -> list[Item]:
    """Headings typed inside a block of lines, with no blank line around them, become items of their own."""
    split: list[Item] = []
    for item in items:
        if item.kind not in ("para", "verse") or item.role or len(item.lines) < 2:
            split.append(item)
            continue
        if not custom and len(item.lines) == 2 and _heading_with_title_line(item):
            split.append(item)  # "CHAPTER I." over "Down the Rabbit-Hole": one heading with its title
            continue
        current: list[Line] = []
        for position, line in enumerate(item.lines):
            if _heading_inside(item.lines, position, custom):
                if current:
                    split.append(Item(item.kind if len(current) > 1 else "para", current))
                split.append(Item("para", [line]))
                current = []
            else:
                current.append(line)
        if current:
            kind = item.kind if len(current) > 1 else "para"
            split.append(Item(kind, current) if len(current) < len(item.lines) else item)
    return split


def _heading_inside(lines: list[Line], position: int, custom: re.Pattern[str] | None) -> bool:
    """A line that heads what follows it: the custom pattern, or a bare "Chapter 2" after a finished sentence."""
    text = lines[position].text.strip()
    if len(text) > 60:
        return False
    if custom:
        return bool(custom.fullmatch(text))
    level, title, _word = heading_level(text)
    if level not in ("part", "chapter") or title or len(lines) < 2:
        return False
    finished = position == 0 or lines[position - 1].text.rstrip()[-1:] in '.!?"”’»؟。！？」』'
    if position + 1 == len(lines):
        # The last line: in an indented text a flush heading line joins the paragraph
        # above it, and the next paragraph's indent already starts a new item.
        return finished
    following = lines[position + 1].text.strip()
    return finished and (following[:1].isupper() or uncased(following[:1]))


# Blank lines that set a story's title apart in a collection (a scene break is usually fewer).
WIDE_GAP = 3


def _layout_headings(items: list[Item]) -> None:
    """In a text with no heading words, lines in capitals set apart by wide gaps head its stories.

    A collection of stories titles each one in capitals after several blank lines
    ("THE GIFT OF THE MAGI"); three or more such lines, and nothing else that
    heads anything, make them the chapters.
    """
    if any(item.kind == "heading" and item.level in ("chapter", "section") for item in items):
        return  # parts alone ("FIRST PART") leave the chapters to find
    found = [
        index
        for index in range(len(items) - 1)
        if (items[index].gap >= WIDE_GAP if index else starts_prose(items, 1))
        and items[index].kind == "para"
        and len(items[index].lines) == 1
        and _caps_title(items[index].text)
        and items[index + 1].kind in ("para", "verse", "break")
    ]
    if len(found) >= 3:
        for index in found:
            why = f"one of {len(found)} lines in capitals set apart by wide gaps, in a text with no heading words"
            _make_heading(items[index], "chapter", None, "layout", why)


def _caps_title(text: str) -> bool:
    cased = sum(1 for ch in text if ch.lower() != ch.upper())
    return cased >= 2 and in_capitals(text) and len(text) <= 60 and not text.endswith(("!", "?", ","))


def _markdown_levels(items: list[Item]) -> None:
    """`# Part` over `## Chapter` when a text uses both; a lone `#` level is chapters."""
    words = {item.word for item in items if item.kind == "heading" and item.word.startswith("#")}
    if len(words) > 1:
        top = min(words, key=len)
        for item in items:
            if item.kind == "heading" and item.word == top:
                item.level = "part"


def _attach_subtitles(items: list[Item]) -> None:
    """Short lines right after a bare heading are its title ("CHAPTER I" / "A Rabbit-Hole").

    Blank lines between a heading and its title may be more than the text's
    usual gap, so break items in between are skipped (a chapter never starts
    with a scene break anyway). Where most bare headings of a text have a short
    line under them, that is the text's way of titling chapters, and a title
    may end like a sentence ("Of the title.", "Time! Time!").
    """
    relaxed = _titles_under_headings(items)
    for index, item in enumerate(items[:-1]):
        if item.kind != "heading" or item.own_title or item.word == "contents" or item.level == "section":
            continue
        following = _next_content(items, index + 1)
        if (
            following is None
            or following.contents
            or not (_title_like(following) or (relaxed and _short_line(following)))
        ):
            continue
        if BARE_NUMBER.fullmatch(following.text.strip()):
            continue  # "NOTES" / "1": the first note's number, not a title
        if item.word in ("chinese", "korean") and not short_cjk_title(following.text):
            continue  # "第一章" over the chapter's first paragraph: CJK prose has no capitals to tell it by
        text = following.text
        after = _next_content(items, items.index(following, index + 1) + 1, limit=3)
        if (after is None or after.kind == "heading") and not text.isupper():
            continue  # the line is the chapter's only text, not its title ("Chapter 1" / "One.")
        if text.isupper() and after is not None and _title_like(after) and after.text.isupper():
            # A title in capitals running onto a second line of its own.
            text += " " + after.text
            after.kind = "consumed"
        elif not text.isupper() and after is not None and _title_like(after) and len(after.text) < 40:
            continue  # two short lines after a heading: only a title in capitals is one
        item.subtitle = text
        following.kind = "consumed"


BARE_NUMBER = re.compile(r"[\dIVXLCivxlc]{1,7}\.?")
# A title line under a bare heading: at most this long.
TITLE_WORDS = 12


def _short_line(item: Item) -> bool:
    """One short line that does not open like speech or an author's note."""
    text = item.text
    return (
        item.kind == "para"
        and len(item.lines) == 1
        and not item.role
        and len(text.split()) <= TITLE_WORDS
        and not text.startswith(OPENERS)
        and not AUTHOR_NOTE.match(text)
        and not text[:1].islower()
    )


def _titles_under_headings(items: list[Item]) -> bool:
    """Whether most bare headings of the text have a short line under them, followed by more text."""
    bare = [i for i, item in enumerate(items[:-2]) if item.kind == "heading" and not item.own_title]
    titled = 0
    for index in bare:
        following = _next_content(items, index + 1)
        if following is not None and _short_line(following):
            after = _next_content(items, items.index(following, index + 1) + 1)
            titled += after is not None and after.kind in ("para", "verse") and not _short_line(after)
    return len(bare) >= 2 and titled >= len(bare) * 0.6


def _next_content(items: list[Item], start: int, limit: int = 3) -> Item | None:
    """The first item from `start` that is not a scene break, looking a few items ahead."""
    for item in items[start : start + limit]:
        if item.kind != "break":
            return item
    return None


def _title_like(item: Item) -> bool:
    """Short, and not a sentence: a title in capitals, or a few capitalised words ("A Visitor at Dusk.")."""
    if item.kind not in ("para", "verse") or len(item.lines) > 3 or item.role or item.align == "right":
        return False
    text = item.text
    if len(item.lines) > 2 and not text.isupper():
        return False
    if len(text) > 120 or text.startswith(OPENERS) or AUTHOR_NOTE.match(text):
        return False
    if not SENTENCE_END.search(text) or text.isupper():
        return True
    words = text.rstrip(".").split()
    return text.endswith(".") and len(words) <= 6 and all(w[:1].isupper() for w in words if len(w) > 3)


def mark_poem_titles(items: list[Item]) -> None:
    """In a book that is mostly verse, a short line in capitals (or centred) over a poem is the poem's title."""
    verse = sum(1 for item in items if item.kind == "verse")
    # Prose: paragraphs over several lines, or one long line (each paragraph of a Chinese novel).
    prose = sum(1 for item in items if item.kind == "para" and (len(item.lines) > 1 or len(item.text) > 100))
    if verse < 2 or verse < prose * 2:
        return
    author = -1
    for index, item in enumerate(items[:-1]):
        following = items[index + 1]
        if index == author:
            continue
        if _cjk_label(item) and _cjk_label(following) and index + 2 < len(items) and items[index + 2].kind == "verse":
            following, author = items[index + 2], index + 1  # "山城晚望" over its author "林小雨" over the poem
        if (
            item.kind == "para"
            and not item.role
            and len(item.lines) == 1
            and (in_capitals(item.text) or item.align == "center" or _cjk_label(item))
            and not SENTENCE_END.search(item.text.rstrip("."))
            and len(item.text) <= 60
            and following.kind == "verse"
        ):
            _make_heading(item, "chapter", None, "poem", "a short line over a poem, in a book mostly of verse")


def _cjk_label(item: Item) -> bool:
    """A short line in a script without capitals, not closed like a sentence: a poem's title, its author."""
    return (
        item.kind == "para"
        and len(item.lines) == 1
        and uncased(item.text)
        and short_cjk_title(item.text)
        and item.text[-1] not in "，；、"
    )
