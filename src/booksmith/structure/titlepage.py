"""Read the title page at a text's start: title, subtitle, author, date; the blurb after it."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from booksmith.model import Metadata
from booksmith.resources import data_toml
from booksmith.structure.boilerplate import unbracketed
from booksmith.structure.candidates import MAX_HEADING, SENTENCE_STOPS, in_capitals, short_cjk_title, uncased
from booksmith.structure.labels import SMALL_WORDS, readable_case
from booksmith.structure.lines import Item

# "by Jane Doe", "A Novel by Jane Doe", "Poems by …", but not "Translated by …".
BY_LINE = re.compile(
    r"^(?!.*\b(?:translat|edit|illustrat|introduc|adapt)\w*\s+by\b)(?:(?:\w+\s+){0,3})?"
    r"(?:by|par|von|por|di|door|автор:?)\s+(?P<author>\S.{0,80})$",
    re.IGNORECASE,
)


SUMMARY = re.compile(r"^(?:Summary|Blurb|Description|Résumé|Zusammenfassung|Resumen):?$", re.IGNORECASE)


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
        if match and uncased(match["author"]) and not match["author"].endswith(SENTENCE_STOPS):
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


# "余华《活着》": an author's name, then the title in its brackets, on one line.
AUTHOR_AND_TITLE = re.compile(r"(?P<author>[^\W\d_《》]{2,6})\s*《(?P<title>[^《》]+)》")
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
    named = AUTHOR_AND_TITLE.fullmatch(first.text) if first and first.kind == "para" and len(first.lines) == 1 else None
    if named:
        return items[1:], Metadata(title=named["title"].strip(), authors=(named["author"],))
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
    if items[:1] and items[0].kind == "verse" and (named := _name_over_title(items)) is not None:
        return named  # name and title typed one under the other: a block of short lines
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
                found = Metadata(title=readable_case(unbracketed(title)), subtitle=subtitle, authors=authors)
                return items[by_index + 1 :], found
    named = _name_over_title(items)
    if named is not None:
        return named
    # A line in capitals (or a short one in a script without them, "港口的灯"), or a few words in
    # title case as a manuscript starts ("Salt and Cedar"), over the first heading.
    alone = (
        title.isupper()
        or (uncased(title) and short_cjk_title(title) and len(items[0].lines) == 1)
        or (items[1].kind == "heading" and _title_cased(title))
    )
    if items[1:2] and items[1].kind == "heading" and alone:
        return items[1:], Metadata(title=readable_case(unbracketed(title)))
    if len(items) > 2 and items[2].kind == "heading" and alone and len(items[1].text) < 60:
        return items[1:], Metadata(title=readable_case(unbracketed(title)))
    return _repeated_title(items, known), Metadata()


def _name_over_title(items: list[Item]) -> tuple[list[Item], Metadata] | None:
    """An author's name over the title at the very start (no "by"), or a title in capitals and the name under it.

    Russian and many other e-texts open `Лев Толстой` / `Анна Каренина`, or both on one
    line (`Михаил Лермонтов. Герой нашего времени`); what follows (an epigraph, a genre
    line, the first heading) stays. Taken only when the lines are set apart as a title
    page is: a heading soon after them, or blank lines around each.
    """
    if len(items) < 3 or items[0].kind not in ("para", "verse") or len(items[0].lines) > 2:
        return None
    if len(items[0].lines) == 2:
        # Name and title on two lines with no blank line between them: one block.
        items = [Item("para", items[0].lines[:1]), Item("para", items[0].lines[1:]), *items[1:]]
    first = items[0].text
    name, _, title = first.partition(". ")
    if _name_like(name) and _title_line(title):
        return items[1:], Metadata(title=readable_case(title), authors=(name,))
    if items[1].kind != "para" or len(items[1].lines) > 1:
        return None
    second = items[1].text
    heading_soon = any(item.kind == "heading" for item in items[2:8])
    set_apart = items[1].gap > 0 and items[2].gap > 0
    if not (heading_soon or set_apart):
        return None
    if _name_like(first) and (in_capitals(second) or _title_line(second)) and len(second) <= MAX_HEADING:
        return items[2:], Metadata(title=readable_case(second), authors=(first,))
    if _name_like(second) and in_capitals(first) and len(first) <= MAX_HEADING and items[2].kind == "heading":
        return items[2:], Metadata(title=readable_case(first), authors=(second,))
    return None


def _title_line(text: str) -> bool:
    """A short line that can be a title: a capital first, a few words, not closed like a sentence."""
    words = text.split()
    return (
        1 <= len(words) <= 8
        and len(text) <= 60
        and text[:1].isupper()
        and not text.endswith((*SENTENCE_STOPS, ",", ";", ":"))
    )


def _name_like(text: str) -> bool:
    """Two to four capitalised words, as a person's name is written ("Иван Сергеевич Ветров", "J. R. Smith")."""
    words = text.split()
    return (
        2 <= len(words) <= 4
        and len(text) <= 50
        and words[0].lower() not in SMALL_WORDS  # "The Letter" is a title
        and not in_capitals(text)
        and all(w[:1].isupper() and all(ch.isalpha() or ch in ".-'’" for ch in w) for w in words)
    )


def _title_cased(text: str) -> bool:
    """A few words each capitalised but the small ones, not closed like a sentence: "Salt and Cedar"."""
    words = text.split()
    return (
        1 <= len(words) <= 8
        and len(text) <= 60
        and not text.endswith(SENTENCE_STOPS)
        and all(w[:1].isupper() or w.lower() in SMALL_WORDS for w in words)
    )


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
