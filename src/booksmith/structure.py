"""Turn cleaned text into a Book: paragraphs, verse, scene breaks, chapters and metadata."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from booksmith import chars
from booksmith.errors import InputError
from booksmith.model import (
    Block,
    Book,
    Chapter,
    ChapterKind,
    Heading,
    Metadata,
    Paragraph,
    SceneBreak,
    Verse,
)
from booksmith.options import ReadOptions
from booksmith.resources import data_toml


@dataclass(frozen=True)
class Structured:
    """A book as structure understood it, with what a reader of the source should know."""

    book: Book
    convention: str
    warnings: tuple[str, ...] = ()
    # The part of the text the book's body is made from (no boilerplate, header
    # or title block): what the word check compares the rendered book against.
    body_text: str = ""


@dataclass(slots=True)
class _Line:
    number: int  # 1-based line in the cleaned text
    text: str

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" "))


@dataclass(slots=True)
class _Item:
    """A unit between reading lines and building chapters."""

    kind: str  # "para", "verse", "break", "heading"
    lines: list[_Line]
    # For headings: level ("part", "chapter", "front", "back") and the split title.
    level: str = ""
    title: str = ""
    subtitle: str | None = None
    align: str | None = None
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- patterns


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    words = data_toml("headings.toml")

    def alternation(items: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))

    number = (
        r"(?:\d+|[ivxlcdm]+|(?:"
        + alternation(words["number_words"])
        + r")(?:[- ](?:"
        + alternation(words["number_words"])
        + r"))*|the\s+(?:"
        + alternation(words["number_words"])
        + r"))"
    )
    title_tail = r"(?:\s*(?:[.:\-–—]+\s*|\s+)(?P<title>\S.*?))?\s*[.:]?"
    return {
        "part": re.compile(
            r"(?:(?:"
            + alternation(words["ordinal_prefixes"])
            + r")\s+)?(?:"
            + alternation(words["part_words"])
            + r")\s+"
            + number
            + r"\.?"
            + title_tail
            + "$",
            re.IGNORECASE,
        ),
        "ordinal_part": re.compile(
            r"(?:"
            + alternation(words["ordinal_prefixes"])
            + r")\s+(?:"
            + alternation(words["part_words"] + words["back_words"])
            + r")\.?$",
            re.IGNORECASE,
        ),
        "chapter": re.compile(
            r"(?:" + alternation(words["chapter_words"]) + r")\s+" + number + r"\.?" + title_tail + "$",
            re.IGNORECASE,
        ),
        "chinese": re.compile(r"第[0-9〇一二三四五六七八九十百千零两]+[章回节卷部](?P<title>.*)$"),
        "front": re.compile(r"(?:" + alternation(words["front_words"]) + r")" + title_tail + "$", re.IGNORECASE),
        "named": re.compile(r"(?:" + alternation(words["chapter_names"]) + r")" + title_tail + "$", re.IGNORECASE),
        "back": re.compile(r"(?:" + alternation(words["back_words"]) + r")" + title_tail + "$", re.IGNORECASE),
        "markdown": re.compile(r"(?P<hashes>#{1,3})\s+(?P<title>\S.*)$"),
        "numbered": re.compile(r"(?:\d{1,3}|[IVXLC]{1,7})\.?$"),
    }


SENTENCE_END = re.compile(r"[.!?…:;,\"”’)]$")
BY_LINE = re.compile(r"^(?:by|par|von|por|di|door|автор:?)\s+(?P<author>\S.{0,80})$", re.IGNORECASE)
FANFIC_KEYS = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "summary": "description",
    "description": "description",
    "fandom": "subjects",
    "fandoms": "subjects",
    "tags": "subjects",
    "additional tags": "subjects",
    "characters": "subjects",
    "relationships": "subjects",
    "relationship": "subjects",
    "series": "series",
    "language": "language",
    "rating": "subjects",
    "category": "subjects",
    "genre": "subjects",
    "genres": "subjects",
    "published": "date",
    "words": None,
    "chapters": None,
    "status": None,
    "updated": None,
    "completed": None,
    "source": None,
    "url": None,
    "warnings": None,
    "archive warning": None,
    "kudos": None,
    "hits": None,
    "bookmarks": None,
    "comments": None,
    "packaged": None,
    "story url": None,
}
HEADER_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ]{1,20}):\s*(?P<value>.*)$")
GUTENBERG_START = re.compile(r"^\s*\*\*\*\s*START OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.IGNORECASE)
GUTENBERG_END = re.compile(r"^\s*\*\*\*\s*END OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.IGNORECASE)
GUTENBERG_OLD_END_HEADER = re.compile(r"^\s*\*?END\*?THE SMALL PRINT", re.IGNORECASE)
GUTENBERG_OLD_FOOTER = re.compile(r"^\s*(?:End of (?:the )?Project Gutenberg|\*\*\*\s*END OF)", re.IGNORECASE)
GUTENBERG_FIELD = re.compile(
    r"^(?P<key>Title|Author|Language|Release Date|Translator|Editor):\s*(?P<value>.*)$", re.IGNORECASE
)
EMPHASIS = (
    (re.compile(r"(?<![\w*])\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*(?![\w*])"), chars.STRONG_START, chars.STRONG_END),
    (re.compile(r"(?<![\w_])__(?=\S)([^_\n]+?)(?<=\S)__(?![\w_])"), chars.STRONG_START, chars.STRONG_END),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"), chars.EMPHASIS_START, chars.EMPHASIS_END),
    (re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])"), chars.EMPHASIS_START, chars.EMPHASIS_END),
)


# ---------------------------------------------------------------- entry point


def structure(text: str, options: ReadOptions | None = None) -> Structured:
    """Build the book model from cleaned text."""
    options = options or ReadOptions()
    lines = [_Line(i + 1, line) for i, line in enumerate(text.split("\n"))]
    found = Metadata()
    if not options.keep_boilerplate:
        lines, found = _strip_gutenberg(lines)
    lines, header = _fanfic_header(lines)
    found = header.over(found)
    if not any(line.text.strip() for line in lines):
        raise InputError("no text is left once the header is removed; use --keep-boilerplate")
    convention = options.paragraphs or _detect_convention(lines)
    items = _items(lines, convention)
    items = _mark_headings(items, options.chapter_pattern)
    items, title_block = _title_block(items)
    found = title_block.over(found)
    chapters = _chapters(items)
    if not chapters:
        raise InputError("has no text to convert, only scene-break marks")
    words = " ".join(p for ch in chapters for b in ch.blocks[:200] for p in _texts(b))
    guessed = Metadata(language=guess_language(words), title=options.fallback_title or "Untitled")
    metadata = options.metadata.over(found.over(guessed))
    warnings = _warnings(chapters)
    first = next((item.lines[0].number for item in items if item.kind != "consumed"), None)
    # Scene-break marks (oOo, xXx, * * *) are ornaments, not words: the book draws them as breaks.
    body = "\n".join(
        line.text
        for line in lines
        if first is not None and line.number >= first and not (line.text.strip() and _is_break_mark(line.text))
    )
    return Structured(Book(metadata, tuple(chapters)), convention, tuple(warnings), body)


def _texts(block: Block) -> tuple[str, ...]:
    if isinstance(block, Paragraph | Heading):
        return (block.text,)
    if isinstance(block, Verse):
        return block.lines
    return ()


# ---------------------------------------------------------------- boilerplate and headers


def _strip_gutenberg(lines: list[_Line]) -> tuple[list[_Line], Metadata]:
    start = next((i for i, ln in enumerate(lines[:1500]) if GUTENBERG_START.match(ln.text)), None)
    if start is None:
        start = next((i for i, ln in enumerate(lines[:1500]) if GUTENBERG_OLD_END_HEADER.match(ln.text)), None)
    if start is None:
        return lines, Metadata()
    metadata = _gutenberg_fields(lines[:start])
    end = next((i for i in range(len(lines) - 1, start, -1) if GUTENBERG_END.match(lines[i].text)), None)
    if end is None:
        end = next((i for i in range(start + 1, len(lines)) if GUTENBERG_OLD_FOOTER.match(lines[i].text)), len(lines))
    return lines[start + 1 : end], metadata


def _gutenberg_fields(header: list[_Line]) -> Metadata:
    values: dict[str, str] = {}
    key = None
    for line in header:
        match = GUTENBERG_FIELD.match(line.text.strip())
        if match:
            key = match["key"].lower()
            values[key] = match["value"].strip()
        elif key == "title" and line.text.startswith(" ") and line.text.strip():
            values["title"] += " " + line.text.strip()  # a subtitle on an indented continuation line
        else:
            key = None
    language = LANGUAGE_NAMES.get(values.get("language", "").lower())
    authors = tuple(a.strip() for a in re.split(r"\s+and\s+|;", values.get("author", "")) if a.strip())
    return Metadata(title=values.get("title") or None, authors=authors, language=language)


LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "russian": "ru",
    "polish": "pl",
    "swedish": "sv",
    "czech": "cs",
    "finnish": "fi",
    "danish": "da",
    "norwegian": "no",
    "latin": "la",
    "greek": "el",
    "chinese": "zh",
    "japanese": "ja",
    "hungarian": "hu",
    "esperanto": "eo",
}


def _fanfic_header(lines: list[_Line]) -> tuple[list[_Line], Metadata]:
    """A block of `Key: value` lines at the top, as fan-fiction downloaders write them."""
    start = next((i for i, ln in enumerate(lines) if ln.text.strip()), 0)
    fields: dict[str, list[str]] = {}
    i = start
    known = 0
    while i < len(lines) and lines[i].text.strip():
        match = HEADER_LINE.match(lines[i].text.strip())
        if not match or match["key"].lower() not in FANFIC_KEYS:
            if i == start or not fields:
                return lines, Metadata()
            break
        target = FANFIC_KEYS[match["key"].lower()]
        known += 1
        if target:
            fields.setdefault(target, []).append(match["value"].strip())
        i += 1
    if known < 2:
        return lines, Metadata()
    subjects = tuple(s.strip() for v in fields.get("subjects", []) for s in v.split(",") if s.strip())
    authors = tuple(a.strip() for v in fields.get("authors", []) for a in re.split(r",|&| and ", v) if a.strip())
    series = fields.get("series", [None])[0]
    series_index = None
    if series:
        match = re.match(r"(?P<name>.+?)\s*(?:\[|\(|#|,\s*part\s*)(?P<n>\d+(?:\.\d+)?)\]?\)?$", series, re.I)
        if match:
            series, series_index = match["name"].strip(), float(match["n"])
    metadata = Metadata(
        title=fields.get("title", [None])[0],
        authors=authors,
        description=" ".join(fields.get("description", [])) or None,
        subjects=subjects,
        series=series,
        series_index=series_index,
        language=LANGUAGE_NAMES.get(fields.get("language", [""])[0].lower()),
    )
    return lines[i:], metadata


# ---------------------------------------------------------------- paragraph conventions


def _blocks(lines: list[_Line]) -> list[tuple[int, list[_Line]]]:
    """Runs of non-blank lines, each with the number of blank lines before it."""
    blocks: list[tuple[int, list[_Line]]] = []
    gap = 0
    current: list[_Line] = []
    for line in lines:
        if line.text.strip():
            if not current:
                blocks.append((gap, current))
            current.append(line)
            gap = 0
        else:
            if current:
                current = []
            gap += 1
    return [(g, b) for g, b in blocks if b]


def _detect_convention(lines: list[_Line]) -> str:
    blocks = _blocks(lines)
    texts = [ln for _, b in blocks for ln in b]
    if not texts:
        return "blank"
    multi = [b for _, b in blocks if len(b) > 1]
    if len(blocks) >= max(2, len(texts) * 0.25) and len(multi) <= len(blocks) * 0.5:
        return "blank"
    lengths = sorted(len(ln.text) for ln in texts)
    p90 = lengths[int(len(lengths) * 0.9)]
    indented = sum(1 for ln in texts if 1 <= ln.indent <= 8)
    if len(blocks) <= max(2, len(texts) * 0.05):
        # Hardly any blank lines: either every line is a paragraph, or indents mark them.
        if indented >= len(texts) * 0.05 and p90 <= 100:
            return "indent"
        return "line" if p90 > 100 or _mostly_sentence_lines(texts) else "indent"
    return "wrapped" if p90 <= 100 else "blank"


def _mostly_sentence_lines(texts: list[_Line]) -> bool:
    ends = sum(1 for ln in texts if SENTENCE_END.search(ln.text.rstrip()))
    return ends >= len(texts) * 0.7


def _wrap_width(lines: list[_Line]) -> int:
    lengths = sorted(len(ln.text.rstrip()) for ln in lines if ln.text.strip())
    return lengths[int(len(lengths) * 0.9)] if lengths else 80


def _items(lines: list[_Line], convention: str) -> list[_Item]:
    blocks = _blocks(lines)
    gaps = Counter(g for g, _ in blocks[1:])
    # The ordinary gap between paragraphs; anything longer is a scene break. In
    # the line and indent conventions paragraphs have no gap, so any blank line is.
    ordinary = 0 if convention in ("line", "indent") else (min(g for g, _ in gaps.most_common(1)) if gaps else 1)
    if convention not in ("line", "indent") and gaps:
        # Most texts use one blank line; a text that mixes 1 and 2 uses both ordinarily.
        ordinary = max(g for g, n in gaps.items() if n >= max(2, gaps.most_common(1)[0][1] * 0.2) or g == ordinary)
    width = _wrap_width(lines)
    items: list[_Item] = []
    for index, (gap, block) in enumerate(blocks):
        if index and gap > ordinary and items and items[-1].kind != "break":
            items.append(_Item("break", [block[0]]))
        items.extend(_block_items(block, convention, width))
    return items


def _block_items(block: list[_Line], convention: str, width: int) -> list[_Item]:
    if all(_is_break_mark(ln.text) for ln in block):
        return [_Item("break", block[:1])]
    if len(block) == 1:
        return [_paragraph(block)]
    if convention == "line":
        return [_Item("break", [ln]) if _is_break_mark(ln.text) else _paragraph([ln]) for ln in block]
    if _is_verse(block, width):
        return [_Item("verse", block)]
    if convention == "indent" or _indent_marks_paragraphs(block):
        return _split_at_indents(block)
    return [_paragraph(block)]


def _is_verse(block: list[_Line], width: int) -> bool:
    longest = max(len(ln.text.rstrip()) for ln in block)
    if longest >= width * 0.8 and width >= 50:
        return False
    short = sum(1 for ln in block if len(ln.text.strip()) < width * 0.65)
    # Lines that all end a sentence look like one-line paragraphs, not verse,
    # unless they are short and indented in the way poems are.
    return short >= len(block) * 0.75 and longest < 90


def _indent_marks_paragraphs(block: list[_Line]) -> bool:
    first = block[0].indent
    return (
        sum(1 for ln in block[1:] if ln.indent > first) >= 1
        and block[0].indent == 0
        and all(ln.indent <= 8 for ln in block)
        and any(ln.indent == 0 for ln in block[1:])
    )


def _split_at_indents(block: list[_Line]) -> list[_Item]:
    items: list[_Item] = []
    current: list[_Line] = []
    base = min(ln.indent for ln in block)
    for line in block:
        if _is_break_mark(line.text):
            if current:
                items.append(_paragraph(current))
                current = []
            items.append(_Item("break", [line]))
            continue
        if current and line.indent > base:
            items.append(_paragraph(current))
            current = []
        current.append(line)
    if current:
        items.append(_paragraph(current))
    return items


LETTER_MARKS = re.compile(r"^(?:[oO0]{3,}|[xX]{3,})$")


def _is_break_mark(text: str) -> bool:
    marks = text.replace(" ", "")
    if not marks or len(marks) > 40:
        return False
    allowed = data_toml("headings.toml")["break_mark_chars"] + "0"
    if any(ch not in allowed for ch in marks):
        return False
    symbols = sum(1 for ch in marks if not ch.isalnum())
    if not symbols:
        # oOo, xXx, o0o: letters count as marks in runs of three or more, but
        # not when they spell an exclamation such as "Ooo".
        return bool(LETTER_MARKS.match(marks)) and not (marks[0].isupper() and marks[1:].islower())
    return len(marks) >= 3 or any(ch in "*#~§⁂※❦❧☙✻✽❖◊◆•" for ch in marks)


def _paragraph(lines: list[_Line]) -> _Item:
    first = lines[0]
    align = "center" if len(lines) == 1 and first.indent >= 10 else None
    return _Item("para", lines, align=align)


def join_lines(lines: list[str]) -> str:
    """Join a hard-wrapped paragraph: spaces between lines, hyphens and dashes at ends kept."""
    out = lines[0].strip()
    for line in lines[1:]:
        part = line.strip()
        if out.endswith(("-", "—", "–")) and not out.endswith((" -", " —", " –")) and part[:1].isalpha():
            out += part  # "well-" + "known": a hyphen kept, never a space inserted
        else:
            out += " " + part
    return out


def inline_markup(text: str) -> str:
    """Replace typed emphasis (_word_, *word*, **word**) with the model's markup characters."""
    if "*" not in text and "_" not in text:
        return text
    for pattern, start, end in EMPHASIS:
        text = pattern.sub(lambda m, s=start, e=end: s + m.group(1) + e, text)
    return text


# ---------------------------------------------------------------- headings


def _mark_headings(items: list[_Item], chapter_pattern: str | None) -> list[_Item]:
    patterns = _patterns()
    custom = re.compile(chapter_pattern) if chapter_pattern else None
    numbered = [
        i
        for i, item in enumerate(items)
        if item.kind == "para" and len(item.lines) == 1 and patterns["numbered"].match(item.lines[0].text.strip())
    ]
    use_numbered = len(numbered) >= 2
    for index, item in enumerate(items):
        if item.kind != "para" or len(item.lines) > 2:
            continue
        text = " ".join(ln.text.strip() for ln in item.lines)
        if len(text) > 100:
            continue
        if custom:
            if custom.fullmatch(text):
                item.kind, item.level, item.title = "heading", "chapter", text
            continue
        level, title = _heading_level(text, patterns)
        if level is None and use_numbered and index in numbered:
            level, title = "chapter", text
        if level:
            item.kind, item.level, item.title = "heading", level, text
            item.extra["own_title"] = title
    _attach_subtitles(items)
    return items


def _heading_level(text: str, patterns: dict[str, re.Pattern[str]]) -> tuple[str | None, str | None]:
    for level, key in (
        ("part", "part"),
        ("part", "ordinal_part"),
        ("chapter", "chapter"),
        ("chapter", "chinese"),
        ("front", "front"),
        ("chapter", "named"),
        ("back", "back"),
    ):
        match = patterns[key].match(text)
        if match:
            title = match.groupdict().get("title")
            if title and len(title) > 80:
                return None, None
            if level == "part" and key == "ordinal_part" and re.search(r"epilog", text, re.I):
                level = "back"
            return level, title
    match = patterns["markdown"].match(text)
    if match:
        return "chapter", match["title"]
    return None, None


def _attach_subtitles(items: list[_Item]) -> None:
    """A short line right after a bare heading is its title ("CHAPTER I" / "A Rabbit-Hole")."""
    for index, item in enumerate(items[:-1]):
        if item.kind != "heading" or item.extra.get("own_title"):
            continue
        following = items[index + 1]
        after = items[index + 2] if index + 2 < len(items) else None
        if following.kind != "para" or len(following.lines) > 2:
            continue
        text = " ".join(ln.text.strip() for ln in following.lines)
        if len(text) > 80 or (SENTENCE_END.search(text) and not text.isupper()):
            continue
        # Two short lines after a heading: the first is its title only when in capitals.
        short_after = (
            after is not None and after.kind == "para" and len(after.lines) == 1 and len(after.lines[0].text) < 40
        )
        if short_after and not text.isupper():
            continue
        item.subtitle = text
        following.kind = "consumed"


def _title_block(items: list[_Item]) -> tuple[list[_Item], Metadata]:
    """`TITLE` / `by Author` at the very start is the title page, not text."""
    if len(items) < 2 or items[0].kind != "para" or items[1].kind != "para":
        return items, Metadata()
    title = " ".join(ln.text.strip() for ln in items[0].lines)
    if len(title) > 100 or len(items[0].lines) > 3 or title.endswith((".", ",", ";")):
        return items, Metadata()
    by_line = BY_LINE.match(" ".join(ln.text.strip() for ln in items[1].lines))
    if by_line:
        return items[2:], Metadata(title=_readable_case(title), authors=(by_line["author"].strip(),))
    if (len(items) > 2 and items[1].kind == "heading") or (
        items[1].kind == "para" and items[2:3] and items[2].kind == "heading" and title.isupper()
    ):
        return items[1:], Metadata(title=_readable_case(title))
    return items, Metadata()


def _readable_case(title: str) -> str:
    return title.title() if title.isupper() and len(title) > 3 else title


# ---------------------------------------------------------------- chapters


def _chapters(items: list[_Item]) -> list[Chapter]:
    chapters: list[Chapter] = []
    blocks: list[Block] = []
    heading: _Item | None = None
    in_part = False

    def flush() -> None:
        nonlocal in_part
        cleaned = _tidy_breaks(blocks)
        if heading is None:
            if cleaned:
                chapters.append(Chapter(None, tuple(cleaned), kind="front"))
            return
        kind: ChapterKind = "chapter" if heading.level not in ("part", "front", "back") else heading.level  # type: ignore[assignment]
        if kind == "part":
            in_part = True
        depth = 1 if in_part and kind != "part" else 0
        title, subtitle = heading.title, heading.subtitle
        chapters.append(Chapter(title, tuple(cleaned), kind=kind, subtitle=subtitle, depth=depth))

    for item in items:
        if item.kind == "heading":
            flush()
            heading, blocks = item, []
        elif item.kind == "break":
            blocks.append(SceneBreak(item.lines[0].number))
        elif item.kind == "verse":
            blocks.append(Verse(tuple(inline_markup(ln.text.strip()) for ln in item.lines), item.lines[0].number))
        elif item.kind == "para":
            text = inline_markup(join_lines([ln.text for ln in item.lines]))
            blocks.append(Paragraph(text, item.align, item.lines[0].number))
    flush()
    if len(chapters) == 1 and chapters[0].kind == "front" and chapters[0].title is None:
        chapters[0] = Chapter(None, chapters[0].blocks, kind="chapter")
    return chapters


def _tidy_breaks(blocks: list[Block]) -> list[Block]:
    """A scene break never starts or ends a chapter, and two in a row are one."""
    tidy: list[Block] = []
    for block in blocks:
        if isinstance(block, SceneBreak) and (not tidy or isinstance(tidy[-1], SceneBreak)):
            continue
        tidy.append(block)
    while tidy and isinstance(tidy[-1], SceneBreak):
        tidy.pop()
    return tidy


def _warnings(chapters: list[Chapter]) -> list[str]:
    warnings = []
    numbers = [_chapter_number(ch.title) for ch in chapters if ch.kind == "chapter" and ch.title]
    known = [n for n in numbers if n is not None]
    for previous, current in itertools.pairwise(known):
        if current > previous + 1:
            missing = ", ".join(str(n) for n in range(previous + 1, min(current, previous + 4)))
            warnings.append(f"chapter numbering jumps from {previous} to {current} (missing {missing})")
    words = sum(len(t.split()) for ch in chapters for b in ch.blocks for t in _texts(b))
    if len(chapters) == 1 and words > 30_000:
        warnings.append(f"no chapter headings found in {words} words; try --chapter-pattern")
    return warnings


ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _chapter_number(title: str) -> int | None:
    match = re.search(r"\b(\d+|[ivxlcdm]+)\b", title, re.IGNORECASE)
    if not match:
        return None
    token = match.group(1).lower()
    if token.isdigit():
        return int(token)
    total = 0
    for a, b in zip(token, token[1:] + " ", strict=False):
        value = ROMAN[a]
        total += -value if b in ROMAN and ROMAN[b] > value else value
    return total


# ---------------------------------------------------------------- language

WORD = re.compile(r"\w+", re.UNICODE)


def guess_language(text: str) -> str:
    """The BCP 47 tag of the language a sample is most likely written in; "en" when unsure."""
    sample = text[:20_000]
    scripts = Counter()
    for ch in sample:
        if "\u3040" <= ch <= "\u30ff":
            scripts["ja"] += 1
        elif "\uac00" <= ch <= "\ud7af":
            scripts["ko"] += 1
        elif "\u4e00" <= ch <= "\u9fff":
            scripts["zh"] += 1
        elif "\u0600" <= ch <= "\u06ff":
            scripts["ar"] += 1
        elif "\u0590" <= ch <= "\u05ff":
            scripts["he"] += 1
        elif "\u0370" <= ch <= "\u03ff":
            scripts["el"] += 1
    if scripts:
        script, count = scripts.most_common(1)[0]
        if count > len(sample) * 0.1:
            if script in ("zh", "ja") and scripts["ja"] > count * 0.05:
                return "ja"
            return script
    words = [w.lower() for w in WORD.findall(sample)]
    if not words:
        return "en"
    lists = data_toml("stopwords.toml")
    counts = Counter(words)
    scores = {lang: sum(counts[w] for w in set(stop)) for lang, stop in lists.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= max(3, len(words) * 0.05) else "en"
