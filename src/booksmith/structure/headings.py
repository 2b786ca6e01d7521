"""Find headings among the items: chapters, parts, named sections, typed contents, plays, the title page."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from functools import cache

from booksmith.model import Metadata
from booksmith.resources import data_toml
from booksmith.structure.lines import Item, Line
from booksmith.structure.paragraphs import SENTENCE_END

# "by Jane Doe", "A Novel by Jane Doe", "Poems by …", but not "Translated by …".
BY_LINE = re.compile(
    r"^(?!.*\b(?:translat|edit|illustrat|introduc|adapt)\w*\s+by\b)(?:(?:\w+\s+){0,3})?"
    r"(?:by|par|von|por|di|door|автор:?)\s+(?P<author>\S.{0,80})$",
    re.IGNORECASE,
)
# Lines fan-fiction writers put under a chapter heading that are not its title.
AUTHOR_NOTE = re.compile(r"^(?:A/?N|Author'?s? ?note|Disclaimer|Note|Warning|TW|CW)\b", re.IGNORECASE)
# A line that opens with these is speech or a bracketed note, never a heading's title.
OPENERS = ("“", '"', "‘", "'", "[", "(", "«", "„", "—")
HEADING_ORNAMENTS = "~*=-–—_•·<>[] "
# How sentences end, in scripts with and without capitals (Arabic "؟" and "۔", CJK "。").
SENTENCE_STOPS = (".", "!", "?", "…", "؟", "۔", "。", "！", "？")
SUMMARY = re.compile(r"^(?:Summary|Blurb|Description|Résumé|Zusammenfassung|Resumen):?$", re.IGNORECASE)
# A well-formed Roman numeral ("XIV", not "LIVID"), kept in capitals when a title is tamed.
ROMAN_NUMERAL = re.compile(r"^(?=[MDCLXVI])M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\.?$")
# Words that are also numerals but in titles are words ("MIX", Italian "MI", "DI", "VI").
NUMERAL_WORDS = {"I", "MIX", "MI", "DI", "LI", "CI", "VI", "MID", "DIV", "CD", "MD", "DC", "CV", "MC", "CC", "LX"}
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
# Words a title keeps in lower case unless they start it (English, French, German, Spanish, Italian, Dutch).
SMALL_WORDS = {
    *["a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from"],
    *[
        "de",
        "des",
        "du",
        "la",
        "le",
        "les",
        "et",
        "en",
        "au",
        "aux",
        "un",
        "une",
        "von",
        "der",
        "die",
        "das",
        "und",
        "im",
        "am",
        "zum",
        "zur",
    ],
    *["el", "los", "las", "y", "del", "al", "di", "il", "e", "da", "dei", "delle", "van", "het", "een"],
}
# A heading line is short; anything longer is prose that happens to start with "Chapter".
MAX_HEADING = 100
# ... unless a chapter word and number start it and the rest reads as a title, not a sentence:
# fan fiction gives chapters titles of a hundred characters and more.
MAX_TITLED_HEADING = 240
# A title on a heading's line is at most this long, but for such a numbered heading.
MAX_OWN_TITLE = 80


@cache
def patterns() -> dict[str, re.Pattern[str]]:
    """The heading shapes, built from the word lists in data/headings.toml."""
    words = data_toml("headings.toml")

    def alternation(items: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))

    numbers = alternation(words["number_words"])
    # Hebrew numbers letters: "א", "יב", with a geresh or gershayim ("א׳", "כ״א") as typed or in ASCII.
    letters = "".join(words["letter_numerals"])
    lettered = rf"[{letters}]{{1,2}}[\"״]?[{letters}]|[{letters}]['׳’]?"
    # \d is any script's digits: "Chapter 3", "الفصل ٣" (Arabic-Indic), "فصل ۳" (Extended Arabic-Indic).
    number = rf"(?:\d+|[ivxlcdm]+|(?:{numbers})(?:[- ](?:{numbers}))*|the\s+(?:{numbers})|{lettered})"
    # No book has a thousand parts: "del 1997-98" is a year range after Swedish "del" (part).
    part_number = number.replace(r"\d+", r"\d{1,3}(?!\d)", 1)
    # A title after the number: after a separator, or after a space when it starts
    # with a capital ("Chapter 12 The Storm", not "Chapter one was done by then").
    # (The patterns ignore case; the capital that starts a spaced title must not.)
    tail = r"(?:\s*[.:\-–—]+\s*(?P<title>\S.*?)|\s+(?P<spaced>[^\s\w]*(?-i:[^\W\d_a-zа-яà-ÿ]).*?))?\s*[.:]?"
    named_tail = r"(?:\s*[.:\-–—]+\s*(?P<title>\S.*?))?\s*[.:]?"
    part_words = alternation(words["part_words"])
    ordinals = alternation(words["ordinal_prefixes"])
    return {
        "part": re.compile(rf"(?:(?:{ordinals})\s+)?(?P<word>{part_words})\s+{part_number}\.?{tail}$", re.I),
        "ordinal_part": re.compile(
            rf"(?:{ordinals})\s+(?P<word>{alternation(words['part_words'] + words['back_words'])})\.?$", re.I
        ),
        "chapter": re.compile(rf"(?P<word>{alternation(words['chapter_words'])})\s+{number}\.?{tail}$", re.I),
        # "Erstes Kapitel", "Second Chapter", "Premier chapitre"
        "ordinal_chapter": re.compile(
            rf"(?:{ordinals})\s+(?P<word>{alternation(words['chapter_words'])})\.?{named_tail}$", re.I
        ),
        # Digits typed half- or full-width ("제1장", "第１章"); 話 and 话 head the episodes of web novels.
        "korean": re.compile(r"제\s*[0-9０-９]+\s*[장화부](?:\s*(?P<title>.*?))?$"),
        "chinese": re.compile(
            r"第[0-9０-９〇一二三四五六七八九十百千零两]+[章回节節卷部幕話话](?:[\s：:]*(?P<title>.*?))?$"
        ),
        "front": re.compile(rf"(?P<word>{alternation(words['front_words'])}){named_tail}$", re.I),
        "named": re.compile(rf"(?P<word>{alternation(words['chapter_names'])}){named_tail}$", re.I),
        "back": re.compile(rf"(?P<word>{alternation(words['back_words'])}){named_tail}$", re.I),
        "contents": re.compile(rf"(?:{alternation(words['contents_words'])})\.?:?$", re.I),
        "markdown": re.compile(r"(?P<hashes>#{1,3})\s+(?P<title>\S.*?)\s*#*$"),
        "numbered": re.compile(r"(?:\d{1,3}|[IVXLC]{1,7})\.?$"),
    }


def heading_level(text: str) -> tuple[str | None, str | None, str]:
    """The level a line would head ("part", "chapter", "front", "back"), its own title, its word."""
    if len(text) > MAX_TITLED_HEADING:
        return None, None, ""
    long = len(text) > MAX_HEADING
    found = patterns()
    # "~ Chapter 1 ~", "**Chapter 1**", "=== Part Two ===": ornaments around a heading.
    if text[:1] in HEADING_ORNAMENTS and not found["markdown"].match(text):
        text = text.strip(HEADING_ORNAMENTS)
    for level, key in (
        ("part", "part"),
        ("part", "ordinal_part"),
        ("chapter", "chapter"),
        ("chapter", "ordinal_chapter"),
        ("chapter", "chinese"),
        ("chapter", "korean"),
        ("front", "front"),
        ("chapter", "named"),
        ("back", "back"),
    ):
        if long and key not in ("part", "chapter"):
            continue
        match = found[key].match(text)
        if match:
            groups = match.groupdict()
            title = groups.get("title") or groups.get("spaced")
            if title and title.endswith((",", ";")):
                return None, None, ""
            if title and len(title) > MAX_OWN_TITLE and (key not in ("part", "chapter") or _sentence(title)):
                return None, None, ""
            if long and not title:
                return None, None, ""
            if groups.get("spaced") and _uncased(title) and text.endswith(SENTENCE_STOPS):
                # Without capitals a title after a space is told from the story's words by its end:
                # "الفصل الثاني من الكتاب كان طويلا." is a sentence that starts with "the second chapter".
                return None, None, ""
            word = (groups.get("word") or key).lower()
            if level == "part" and title and found["chapter"].match(title.strip(HEADING_ORNAMENTS)):
                # "ACT I. SCENE I.": a scene, labelled with its act.
                chapter = found["chapter"].match(title.strip(HEADING_ORNAMENTS))
                return "chapter", chapter["title"] or chapter["spaced"], chapter["word"].lower()
            return level, title, word
    match = found["markdown"].match(text)
    if match:
        return "chapter", match["title"], "#" * len(match["hashes"])
    return None, None, ""


def _uncased(text: str) -> bool:
    """Written in a script without capitals (Arabic, Hebrew, Persian, Chinese…), judged by its first letter."""
    first = next((ch for ch in text if ch.isalpha()), "")
    return bool(first) and first.lower() == first.upper()


def _heading_with_title_line(item: Item) -> bool:
    """Two lines that are one heading: "CHAPTER I." over "Down the Rabbit-Hole", not over the story's first line."""
    second = item.lines[1].text.strip()
    return heading_level(item.text)[0] is not None and not _sentence(second) and not second.startswith(OPENERS)


def _sentence(text: str) -> bool:
    """A line that reads as a sentence of the story ("She didn't know what to say, so she waited.")."""
    words = [w for w in text.split() if len(w) > 3 and w[:1].isalpha()]
    return len(text.split()) > 6 and sum(w[:1].islower() for w in words) > len(words) / 2


def mark_headings(items: list[Item], chapter_pattern: str | None) -> list[Item]:
    """Turn heading paragraphs into heading items, with their titles, levels and subtitles."""
    custom = re.compile(chapter_pattern) if chapter_pattern else None
    items = _split_leading_headings(items, custom)
    numbered = _consistent_numbers(items) | _named_numbers(items)
    for index, item in enumerate(items):
        if item.kind not in ("para", "verse") or len(item.lines) > 2 or item.role:
            continue
        text = item.text
        if custom:
            if custom.fullmatch(text):
                item.kind, item.level, item.title, item.word = "heading", "chapter", text, "custom"
            continue
        level, title, word = (
            heading_level(text) if len(item.lines) == 1 or _heading_with_title_line(item) else (None, None, "")
        )
        if level is None and index in numbered:
            level, title, word = "chapter", None, "number"
        if level:
            item.kind, item.level, item.title = "heading", level, text
            item.word = word
            item.extra["own_title"] = title
    _markdown_levels(items)
    if not custom:
        _layout_headings(items)
    demote_contents(items)
    _attach_subtitles(items)
    return items


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
    return finished and (following[:1].isupper() or _uncased(following[:1]))


def _consistent_numbers(items: list[Item]) -> set[int]:
    """Items that are a bare `1.` or `IV` when the text numbers its chapters that way, in order."""
    found = patterns()["numbered"]
    candidates = [
        i
        for i, item in enumerate(items)
        if item.kind == "para"
        and len(item.lines) == 1
        and len(item.lines[0].text) < MAX_HEADING
        and found.match(item.text.strip(HEADING_ORNAMENTS))
    ]
    values = [number_value(items[i].text.strip(HEADING_ORNAMENTS)) for i in candidates]
    rising = sum(1 for a, b in itertools.pairwise(values) if a is not None and b == a + 1)
    return set(candidates) if len(candidates) >= 2 and rising >= (len(candidates) - 1) * 0.6 else set()


# A name and a number alone on a line: "Genesis 1", "1 Kings 4", "Letter 12", "Day 3".
NAMED_NUMBER = re.compile(r"(?P<name>(?:\d\s+)?[^\W\d_][^\W\d_'’ -]*(?:[ '’-][^\W\d_]+){0,3})\s+(?P<number>\d{1,3})")


def _named_numbers(items: list[Item]) -> set[int]:
    """Items that are a name and a number when the text heads its chapters that way, each name counting from 1.

    Collections number the chapters of each of their books anew ("Genesis 50" is
    followed by "Exodus 1"), so the count restarts whenever the name changes.
    """
    candidates: list[tuple[int, str, int]] = []
    for i, item in enumerate(items):
        if item.kind == "para" and len(item.lines) == 1 and not item.role and len(item.lines[0].text) < 60:
            found = NAMED_NUMBER.fullmatch(item.text.strip())
            if found:
                candidates.append((i, found["name"].casefold(), int(found["number"])))
    if len(candidates) < 3:
        return set()
    in_order = sum(
        1
        for (_, name, number), (_, before, previous) in zip(candidates, [(0, "", 0), *candidates], strict=False)
        if number == (previous + 1 if name == before else 1)
    )
    repeated = len({name for _, name, _ in candidates}) < len(candidates)
    return {i for i, _, _ in candidates} if repeated and in_order >= len(candidates) * 0.9 else set()


# Blank lines that set a story's title apart in a collection (a scene break is usually fewer).
WIDE_GAP = 3


def _layout_headings(items: list[Item]) -> None:
    """In a text with no heading words, lines in capitals set apart by wide gaps head its stories.

    A collection of stories titles each one in capitals after several blank lines
    ("THE GIFT OF THE MAGI"); three or more such lines, and nothing else that
    heads anything, make them the chapters.
    """
    if any(item.kind == "heading" for item in items):
        return
    found = [
        index
        for index in range(len(items) - 1)
        if (items[index - 1].extra.get("gap", 0) >= WIDE_GAP if index else _starts_prose(items, 1))
        and items[index].kind == "para"
        and len(items[index].lines) == 1
        and _caps_title(items[index].text)
        and items[index + 1].kind in ("para", "verse", "break")
    ]
    if len(found) >= 3:
        for index in found:
            items[index].kind, items[index].level, items[index].title = "heading", "chapter", items[index].text
            items[index].word = "layout"
            items[index].extra["own_title"] = None


def _caps_title(text: str) -> bool:
    cased = sum(1 for ch in text if ch.lower() != ch.upper())
    return cased >= 3 and in_capitals(text) and len(text) <= 60 and not text.endswith(("!", "?", ","))


def in_capitals(text: str) -> bool:
    """Typed in capitals: str.isupper() alone is true of "L とそれに…", one Latin capital among letters without case."""
    letters = [ch for ch in text if ch.isalpha()]
    cased = sum(1 for ch in letters if ch.lower() != ch.upper())
    return text.isupper() and cased >= len(letters) * 0.8


def _markdown_levels(items: list[Item]) -> None:
    """`# Part` over `## Chapter` when a text uses both; a lone `#` level is chapters."""
    words = {item.word for item in items if item.kind == "heading" and item.word.startswith("#")}
    if len(words) > 1:
        top = min(words, key=len)
        for item in items:
            if item.kind == "heading" and item.word == top:
                item.level = "part"


def heading_key(text: str) -> str:
    """What a heading and its entry in a typed table of contents have in common."""
    level, title, _word = heading_level(text)
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    if level in ("part", "chapter") and title:
        return " ".join(words[:2])
    return " ".join(words)


def demote_contents(items: list[Item]) -> None:
    """A table of contents typed at the start lists the headings: never chapters, and dropped when confirmed.

    Confirmed means the first heading after it is one of its entries; an
    unconfirmed list stays as front matter, so nothing is lost on a wrong guess.
    """
    limit = max(20, len(items) // 3)
    contents_line = patterns()["contents"]
    start = next(
        (
            i
            for i, item in enumerate(items[:limit])
            if item.kind in ("para", "verse") and contents_line.match(item.lines[0].text.strip())
        ),
        None,
    )
    if start is None:
        start = _heading_run(items, limit)
        if start is None:
            return
        entries_from = start
    else:
        # "CONTENTS" alone, or heading a block of entries typed right under it.
        entries_from = start + 1 if len(items[start].lines) == 1 else start
    keys: set[str] = set()
    first_key: str | None = None
    confirmed = False
    end = entries_from
    while end < len(items):
        item = items[end]
        if item.kind == "heading" and first_key is not None:
            if first_key in _names_of(items, end):
                confirmed = True  # the first entry's own heading: the book begins here
                break
            if _starts_prose(items, end + 1) or (
                item.level in ("front", "back") and heading_key(item.text) not in keys
            ):
                break
        if item.kind not in ("heading", "para", "verse", "break") or any(
            len(ln.text.strip()) > 90 for ln in item.lines
        ):
            break
        if item.kind != "break":
            for line in item.lines:
                key = heading_key(line.text.strip())
                if key and not contents_line.match(line.text.strip()):
                    keys.add(key)
                    first_key = first_key or key
        end += 1
    if sum(len(item.lines) for item in items[entries_from:end] if item.kind != "break") < 2 or end >= len(items):
        return
    if confirmed:
        # The entries name the headings that follow: the book's own contents
        # replaces this typed one, so it leaves the body (and the word check).
        for index in range(start, end):
            if items[index].kind != "break":  # a break's line is the next item's first line
                items[index] = Item("dropped", items[index].lines)
            else:
                items[index] = Item("consumed", items[index].lines)
        return
    contents = items[entries_from:end]
    lines = [ln for item in contents if item.kind != "break" for ln in item.lines]
    heading_line = items[start].lines[:1]
    if entries_from == start and items[start].kind != "heading" and contents_line.match(lines[0].text.strip()):
        lines = lines[1:]  # "CONTENTS" typed right above its entries: it becomes the heading
        items.insert(start, Item("para", heading_line))
        entries_from, end = entries_from + 1, end + 1
    if entries_from > start:
        items[start].kind, items[start].level, items[start].title = "heading", "front", items[start].text
        items[start].extra["own_title"] = None
        items[start].word = "contents"
    items[entries_from] = Item("verse", lines, extra={"contents": True})
    for index in range(entries_from + 1, end):
        items[index] = Item("consumed", items[index].lines)


def _names_of(items: list[Item], index: int) -> set[str]:
    """The keys a heading may be listed under: its label, its own title, or the title line under it."""
    item = items[index]
    names = {heading_key(item.text)}
    if item.extra.get("own_title"):
        names.add(heading_key(item.extra["own_title"]))
    following = items[index + 1] if index + 1 < len(items) else None
    if following is not None and following.kind in ("para", "verse") and len(following.text) <= 80:
        names.add(heading_key(following.text))
    return names


def _starts_prose(items: list[Item], index: int) -> bool:
    if index >= len(items) or items[index].kind != "para":
        return False
    return len(items[index].lines) > 2 or len(items[index].text) > 90


def _heading_run(items: list[Item], limit: int) -> int | None:
    """The start of three or more headings in a row, near the start, that all recur later."""
    later: dict[str, int] = {}
    for index in range(len(items) - 1, -1, -1):
        if items[index].kind == "heading":
            later.setdefault(heading_key(items[index].text), index)
    run = 0
    for index, item in enumerate(items[:limit]):
        if item.kind == "heading" and later.get(heading_key(item.text), -1) > index:
            run += 1
            if run >= 3:
                return index - 2
        else:
            run = 0
    return None


def _attach_subtitles(items: list[Item]) -> None:
    """Short lines right after a bare heading are its title ("CHAPTER I" / "A Rabbit-Hole").

    Blank lines between a heading and its title may be more than the text's
    usual gap, so break items in between are skipped (a chapter never starts
    with a scene break anyway).
    """
    for index, item in enumerate(items[:-1]):
        if item.kind != "heading" or item.extra.get("own_title") or item.word == "contents":
            continue
        following = _next_content(items, index + 1)
        if following is None or not _title_like(following) or following.extra.get("contents"):
            continue
        if item.word in ("chinese", "korean") and not _short_cjk_title(following.text):
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


# A CJK title under its heading is a few words ("旅立ち", "归来"); a line longer than this is prose.
CJK_TITLE = 24


def _short_cjk_title(text: str) -> bool:
    return len(text) <= CJK_TITLE and not text.endswith(SENTENCE_STOPS)


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
    prose = sum(1 for item in items if item.kind == "para" and len(item.lines) > 1)
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
            item.kind, item.level, item.title, item.word = "heading", "chapter", item.text, "poem"
            item.extra["own_title"] = None


def _cjk_label(item: Item) -> bool:
    """A short line in a script without capitals, not closed like a sentence: a poem's title, its author."""
    return (
        item.kind == "para"
        and len(item.lines) == 1
        and _uncased(item.text)
        and _short_cjk_title(item.text)
        and item.text[-1] not in "，；、"
    )


def title_block(items: list[Item], known: Metadata) -> tuple[list[Item], Metadata]:
    """`TITLE` / `by Author` at the very start is the title page, not text; a summary after it is the blurb."""
    # Gaps between the short lines of a title page are layout, not scene breaks.
    page = 0
    while page < min(8, len(items)) and (items[page].kind == "break" or _short_para(items[page])):
        page += 1
    head = [item for item in items[:page] if item.kind != "break"]
    without_gaps = head + items[page:]
    kept, found = _title_page(without_gaps, known)
    # No title page there: the gaps between the short opening paragraphs were scene breaks after all.
    items = items if found == Metadata() and len(kept) == len(without_gaps) else kept
    if len(items) > 2 and items[0].kind == "para" and SUMMARY.match(items[0].text) and items[1].kind == "para":
        return items[2:], replace(found, description=items[1].text)
    return items, found


NAME_PARTICLES = {
    "de",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "du",
    "la",
    "le",
    "and",
    "&",
    "y",
    "e",
    "of",
    "ten",
    "ter",
}


@cache
def _cjk_by_lines() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """ "作者：林小雨" and "山田花子　著": the CJK author labels and marks of data/headings.toml."""
    words = data_toml("headings.toml")
    labels = "|".join(re.escape(w) for w in sorted(words["author_labels"], key=len, reverse=True))
    marks = "|".join(re.escape(w) for w in sorted(words["author_marks"], key=len, reverse=True))
    return (
        re.compile(rf"^(?:{labels})\s*[:：]\s*(?P<author>\S.{{0,40}})$"),
        # The mark after a space, so a title ending in 著 ("名著") is not a by-line.
        re.compile(rf"^(?P<author>[^\s:：].{{0,40}}?)\s+(?:{marks})$"),
    )


def _cjk_author(text: str) -> str | None:
    for pattern in _cjk_by_lines():
        match = pattern.match(text)
        if match and _uncased(match["author"]) and not match["author"].endswith(SENTENCE_STOPS):
            return match["author"].strip()
    return None


def by_line_author(text: str) -> str | None:
    """The author of a by-line ("by Jane Doe", "A Novel by J. R. Smith", "作者：林小雨"), if the rest reads as names."""
    match = BY_LINE.match(text)
    if not match:
        return _cjk_author(text) if len(text) <= 48 else None
    author = TRAILING_YEAR.sub("", match["author"]).strip().rstrip(".")
    words = author.replace(",", " ").split()
    if not words or len(words) > 8:
        return None
    if len(words) == 1 and not match["author"].rstrip().endswith((".", ",", ";", "!", "?")):
        return author  # a user name, often in lower case ("by quietfoxglove")
    if all(w[:1].isupper() or w.lower() in NAME_PARTICLES or not w[:1].isalpha() for w in words):
        return author
    return None


def _short_para(item: Item) -> bool:
    return item.kind == "para" and len(item.lines) <= 2 and len(item.text) <= 80


# A year alone on a title page's line, "1818" or "(1818)": the date of the book, not its text.
YEAR_LINE = re.compile(r"[(\[]?(?P<year>1[5-9]\d\d|20\d\d)[)\]]?\.?")
# "Jane Austen (1803)": a year after the author's name on a by-line.
TRAILING_YEAR = re.compile(r"\s*[(\[](?P<year>1[5-9]\d\d|20\d\d)[)\]]\s*$")
# "by" alone on a line, with the author on the next (the layout of many Gutenberg title pages).
LONE_BY = {"by", "par", "von", "por", "di", "door"}


def _title_page(items: list[Item], known: Metadata) -> tuple[list[Item], Metadata]:
    """The title page at the start of the items: the items after it, and what it says."""
    tidy, year = _tidy_title_page(items)
    kept, found = _title_page_found(tidy, known)
    if found.title is None and not found.authors:
        # No title page: the lines set apart were text after all.
        return _title_page_found(items, known)
    if year is None:
        by_line = next((item.text for item in tidy[1:3] if TRAILING_YEAR.search(item.text)), "")
        year = by_line and TRAILING_YEAR.search(by_line)["year"]
    return kept, replace(found, date=found.date or year or None)


def _tidy_title_page(items: list[Item]) -> tuple[list[Item], str | None]:
    """The opening items without a year line (returned apart), with a lone "by" joined to the name under it."""
    year = None
    head = []
    for index, item in enumerate(items[:5]):
        match = YEAR_LINE.fullmatch(item.text.strip()) if index and item.kind == "para" else None
        if match and year is None:
            year = match["year"]
        else:
            head.append(item)
    tidy = head + items[5:]
    if (
        len(tidy) > 2
        and tidy[1].kind == tidy[2].kind == "para"
        and tidy[1].text.strip().lower() in LONE_BY
        and len(tidy[2].lines) == 1
    ):
        tidy = [tidy[0], Item("para", tidy[1].lines + tidy[2].lines), *tidy[3:]]
    return tidy, year


def _title_page_found(items: list[Item], known: Metadata) -> tuple[list[Item], Metadata]:
    first = items[0] if items else None
    if (
        first
        and first.kind in ("para", "verse")
        and len(first.lines) in (2, 3)
        and by_line_author(first.lines[-1].text.strip())
    ):
        # Title and by-line typed on consecutive lines.
        items = [Item("para", first.lines[:-1]), Item("para", first.lines[-1:]), *items[1:]]
    elif first and first.kind in ("para", "verse") and len(first.lines) == 3 and by_line_author(first.lines[1].text):
        # Title, author and a line under them ("译者：…", the translator), each a line of its own.
        items = [Item("para", [line]) for line in first.lines] + items[1:]
    if len(items) < 2 or items[0].kind != "para" or items[1].kind not in ("para", "heading"):
        return _repeated_title(items, known), Metadata()
    title = items[0].text
    if len(title) > MAX_HEADING or len(items[0].lines) > 3 or title.endswith((",", ";")):
        return items, Metadata()
    for by_index in (1, 2):
        if by_index < len(items) and items[by_index].kind == "para":
            author = by_line_author(items[by_index].text)
            if author and (by_index == 1 or len(items[1].text) < 80):
                subtitle = items[1].text if by_index == 2 else None
                authors = tuple(a.strip() for a in re.split(r"\s+and\s+|&|,|、|，", author) if a.strip())
                found = Metadata(title=readable_case(title), subtitle=subtitle, authors=authors)
                return items[by_index + 1 :], found
    # A line in capitals (or a short one in a script without them, "港口的灯") over the first heading.
    alone = title.isupper() or (_uncased(title) and _short_cjk_title(title) and len(items[0].lines) == 1)
    if items[1:2] and items[1].kind == "heading" and alone:
        return items[1:], Metadata(title=readable_case(title))
    if len(items) > 2 and items[2].kind == "heading" and alone and len(items[1].text) < 60:
        return items[1:], Metadata(title=readable_case(title))
    return _repeated_title(items, known), Metadata()


def _repeated_title(items: list[Item], known: Metadata) -> list[Item]:
    """The title (and author) a Gutenberg text repeats at its start, already on the title page."""
    if not known.title:
        return items
    names = {_plain(known.title), *(_plain(a) for a in known.authors)}
    count = 0
    while count < min(4, len(items)) and items[count].kind == "para":
        text = _plain(items[count].text)
        by_line = BY_LINE.match(items[count].text)
        if text not in names and not (by_line and _plain(by_line["author"]) in names):
            break
        count += 1
    return items[count:] if count and count < len(items) else items


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def readable_case(text: str) -> str:
    """A line typed in capitals, as a title: "DOWN THE RABBIT-HOLE" -> "Down the Rabbit-Hole"."""
    if not text.isupper() or len(text) <= 3:
        return text
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        # Russian titles capitalise only their first word: "ГЛАВА ПЕРВАЯ" -> "Глава первая".
        tamed = re.sub(r"(^|[.!?:]\s+)(\w)", lambda m: m.group(1) + m.group(2).upper(), text.lower())
        return _keep_numerals(text, tamed)
    words = text.split(" ")
    out = []
    previous = ""
    for index, word in enumerate(words):
        core = word.strip(".,:;!?()[]\"'“”‘’")
        after_label = previous in _label_words()
        previous = core.lower()
        if ROMAN_NUMERAL.match(core) and (core not in NUMERAL_WORDS or after_label):
            out.append(word)  # "XIV" stays a numeral, as "VI" does after "BOOK"
        elif index and core.lower() in SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append("-".join(part[:1] + part[1:].lower() for part in word.split("-")))
    return " ".join(out)


def _keep_numerals(typed: str, tamed: str) -> str:
    """Put back the Roman numerals of `typed` into the same words of `tamed`."""
    return " ".join(
        original if ROMAN_NUMERAL.match(original.strip(".,:;")) else word
        for original, word in zip(typed.split(" "), tamed.split(" "), strict=False)
    )


@cache
def _label_words() -> frozenset[str]:
    words = data_toml("headings.toml")
    return frozenset(w.rstrip(".") for w in words["part_words"] + words["chapter_words"])


def heading_label(text: str, *, ornaments: str = HEADING_ORNAMENTS) -> str:
    """How a heading is shown: its words as typed, without a closing full stop, capitals tamed."""
    text = text.strip(ornaments)
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    if text.endswith(":"):
        text = text[:-1].rstrip()
    return readable_case(text)


def split_label(item: Item) -> tuple[str, str | None]:
    """A heading's label and title: "CHAPTER I. Down the Rabbit-Hole" -> ("Chapter I", "Down the Rabbit-Hole")."""
    own = item.extra.get("own_title")
    if item.word.startswith("#"):
        return (own or item.text), item.subtitle
    if own:
        # "第一章　旅立ち", "第一章：旅立ち": the full-width space or colon belongs to neither part.
        label = item.text[: item.text.rfind(own)].rstrip(" .:-–—\u3000：")
        return heading_label(label) if label else heading_label(own), _title(own)
    return heading_label(item.text), _title(item.subtitle) if item.subtitle else None


def _title(text: str) -> str:
    # A title keeps what surrounds it: "*Waited*" is emphasis, not an ornament.
    return heading_label(text, ornaments=" ")


@cache
def _number_words() -> dict[str, int]:
    return {word: value for word, value in data_toml("headings.toml")["number_values"].items()}


def number_value(title: str) -> int | None:
    """The number in a heading: "Chapter 12", "CHAPTER XIV.", "Chapter Twenty-One", "第三章"."""
    lettered = _letter_number(title)
    if lettered:
        return lettered
    words = re.findall(r"[^\W_]+", title.lower())
    values = _number_words()
    total = 0
    for word in words[1:] if len(words) > 1 else words:
        if word.isdigit():
            return int(word)
        if word in values:
            total += values[word]
        elif total:
            break
        elif re.fullmatch(r"[ivxlcdm]+", word):
            return _roman(word)
    return total or None


@cache
def _letter_values() -> dict[str, int]:
    return dict(data_toml("headings.toml")["letter_numerals"])


def _letter_number(title: str) -> int | None:
    """A Hebrew number after the heading's word, the sum of its letters: "פרק יב" -> 12, "פרק כ״א" -> 21."""
    parts = title.split(maxsplit=2)
    if len(parts) < 2:
        return None
    letters = _letter_values()
    token = parts[1].rstrip(".:")
    digits = [ch for ch in token if ch not in "'\"׳״’"]
    if not digits or len(digits) > 3 or any(ch not in letters for ch in digits):
        return None
    return sum(letters[ch] for ch in digits)


def _roman(token: str) -> int:
    total = 0
    for a, b in itertools.zip_longest(token, token[1:]):
        value = ROMAN[a]
        total += -value if b in ROMAN and ROMAN[b] > value else value
    return total
