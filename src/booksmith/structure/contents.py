"""Recognise a typed table of contents, confirm it against the headings, and take it out of the body."""

from __future__ import annotations

import re

from booksmith.structure.candidates import heading_level, patterns, uncased
from booksmith.structure.lines import Item


def heading_key(text: str) -> str:
    """What a heading and its entry in a typed table of contents have in common."""
    level, title, _word = heading_level(text)
    if level in ("part", "chapter") and title and title in text:
        text = text[: text.rfind(title)]  # the label: "Chapter 1", "Book the First"
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


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
            if starts_prose(items, end + 1) or (item.level in ("front", "back") and heading_key(item.text) not in keys):
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
        items[start].own_title = None
        items[start].word = "contents"
    items[entries_from] = Item("verse", lines, contents=True)
    for index in range(entries_from + 1, end):
        items[index] = Item("consumed", items[index].lines)


def _names_of(items: list[Item], index: int) -> set[str]:
    """The keys a heading may be listed under: its label, its own title, or the title line under it."""
    item = items[index]
    names = {heading_key(item.text)}
    if item.own_title:
        names.add(heading_key(item.own_title))
    following = items[index + 1] if index + 1 < len(items) else None
    if following is not None and following.kind in ("para", "verse") and len(following.text) <= 80:
        names.add(heading_key(following.text))
    return names


def starts_prose(items: list[Item], index: int) -> bool:
    if index >= len(items) or items[index].kind != "para":
        return False
    text = items[index].text
    # A CJK character says about as much as two or three Latin letters.
    return len(items[index].lines) > 2 or len(text) > 90 or (uncased(text) and len(text) > 40)


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


# What a contents entry puts around a chapter's title: "1. Arrival", "Chapter 3: The Storm", "IV  The Frost",
# and a page number after it ("The Frost .... 45").
ENTRY_NUMBER = re.compile(r"^(?:(?:chapter|ch\.)\s+)?(?:\d{1,3}|[IVXLC]{1,7})(?:[.):\-–—]\s*|\s+)(?=\S)", re.I)
PAGE_NUMBER = re.compile(r"(?:\s*\.{2,}\s*|\s{2,}|\s+)\d{1,4}$")
# A contents confirms titles as headings when this many of its entries head the text, in order.
LEAST_ENTRIES = 3
ENTRIES_FOUND = 0.6


def titles_from_contents(items: list[Item]) -> bool:
    """Chapters headed only by their titles, found through the typed contents that lists them.

    A fan fiction whose chapters are headed "Arrival", "The Orchard Keeper", with a
    numbered contents at the top: the contents is the strongest evidence the text
    gives of its headings. Each title found alone on a line after the contents, in
    the contents' order, heads a chapter; a lone phrase in the story that looks
    like a heading ("Act 3:", "Interlude:") but is no entry, and is the only one of
    its kind, is text. Returns whether the contents decided the headings.
    """
    found = _typed_contents(items)
    if found is None:
        return False
    start, end, entries = found
    matched: list[int] = []
    position = 0
    for index in range(end, len(items)):
        item = items[index]
        if item.kind not in ("para", "heading") or len(item.lines) != 1 or len(item.text) > 100:
            continue
        if item.kind == "para" and _after_heading(items, index):
            continue  # "CHAPTER I." over the entry's title: the title line of a heading
        key = _plain(item.text)
        ahead = entries[position : position + 3]  # an entry may be missing from the text
        if key in ahead:
            position += ahead.index(key) + 1
            matched.append(index)
            if position == len(entries):
                break
    if len(matched) < LEAST_ENTRIES or len(matched) < len(entries) * ENTRIES_FOUND:
        return False
    line = items[start].lines[0].number
    for count, index in enumerate(matched, start=1):
        item = items[index]
        if item.kind != "heading":
            item.kind, item.level, item.title, item.word, item.own_title = (
                "heading",
                "chapter",
                item.text,
                "title",
                None,
            )
        item.why = f"entry {count} of {len(entries)} in the typed contents at line {line}"
    _demote_lone_headings(items, set(matched), end)
    for index in range(start, end):
        kind = "dropped" if items[index].kind != "break" else "consumed"  # a break's line is the next item's
        items[index] = Item(kind, items[index].lines, why=f"the typed contents at line {line}, replaced by the book's")
    return True


def _typed_contents(items: list[Item]) -> tuple[int, int, list[str]] | None:
    """Where a typed contents stands near the start (its items, start to end) and its entries' titles."""
    limit = max(20, len(items) // 3)
    contents_line = patterns()["contents"]
    start = next(
        (
            i
            for i, item in enumerate(items[:limit])
            if item.kind in ("para", "verse", "heading") and contents_line.match(item.lines[0].text.strip())
        ),
        None,
    )
    if start is None:
        return None
    entries: list[str] = []
    end = start
    for index in range(start, min(len(items), start + 200)):
        item = items[index]
        lines = item.lines[1:] if index == start else item.lines
        if item.kind == "break":
            end = index + 1
            continue
        if item.kind not in ("para", "verse", "heading") or any(len(ln.text.strip()) > 90 for ln in item.lines):
            break
        if index > start and (len(item.lines) > 1 and item.kind == "para" and not _listed(item)):
            break
        if index > start and len(item.lines) == 1 and entries and _plain(item.text) == entries[0]:
            break  # the first entry's title again: the book begins here
        entries.extend(_plain(PAGE_NUMBER.sub("", ENTRY_NUMBER.sub("", ln.text.strip()))) for ln in lines)
        end = index + 1
    entries = [entry for entry in entries if entry]
    return (start, end, entries) if len(entries) >= LEAST_ENTRIES else None


def _after_heading(items: list[Item], index: int) -> bool:
    before = next((items[i] for i in range(index - 1, max(-1, index - 3), -1) if items[i].kind != "break"), None)
    return before is not None and before.kind == "heading"


def _listed(item: Item) -> bool:
    """Lines typed one under another as a list: each short, most starting with a number."""
    numbered = sum(1 for ln in item.lines if ENTRY_NUMBER.match(ln.text.strip()))
    return numbered >= len(item.lines) * 0.6


def _demote_lone_headings(items: list[Item], entries: set[int], after: int) -> None:
    """Heading-like lines that are no entry of the contents, and the only one of their kind, are text."""
    words: dict[str, int] = {}
    for index in range(after, len(items)):
        if items[index].kind == "heading" and index not in entries:
            words[items[index].word] = words.get(items[index].word, 0) + 1
    for index in range(after, len(items)):
        item = items[index]
        if item.kind == "heading" and index not in entries and words[item.word] == 1 and item.level != "front":
            item.kind, item.level, item.title, item.word, item.own_title, item.why = "para", "", "", "", None, ""


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
