"""Take Project Gutenberg boilerplate, credits and fan-fiction headers off the lines, as metadata."""

from __future__ import annotations

import re
from functools import cache

from booksmith.model import Metadata
from booksmith.resources import data_toml
from booksmith.structure.candidates import heading_level
from booksmith.structure.lines import Line, Removal

GUTENBERG_START = re.compile(
    r"^\s*\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG|^\s*\*+\s*START\*?\s*OF\s+THE\s+PROJECT", re.IGNORECASE
)
GUTENBERG_END = re.compile(r"^\s*\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG", re.IGNORECASE)
# The old form: the licence ("SMALL PRINT") comes first and ends with this line.
GUTENBERG_OLD_END_HEADER = re.compile(r"^\s*\*?END\*?\s*THE SMALL PRINT", re.IGNORECASE)
# Closing lines before the licence: "End of the Project Gutenberg EBook of …",
# "End of Project Gutenberg's …", or an old "***START**THE SMALL PRINT" footer.
GUTENBERG_FOOTER = re.compile(
    r"^\s*(?:\**\s*)?(?:The\s+)?End of (?:the )?Project Gutenberg|^\s*\*+\s*START\*+\s*THE SMALL PRINT",
    re.IGNORECASE,
)
GUTENBERG_FIELD = re.compile(
    r"^(?P<key>Title|Author|Language|Release Date|Translator|Editor|Produced by|Credits):\s*(?P<value>.*)$",
    re.IGNORECASE,
)
# "The Project Gutenberg EBook of Alice's Adventures in Wonderland, by Lewis Carroll"
GUTENBERG_TITLE_LINE = re.compile(
    r"^\W*The Project Gutenberg (?:e-?book|etext)(?: of)?\s+(?P<title>.+?)(?:,\s+by\s+(?P<author>.+?))?\s*$",
    re.IGNORECASE,
)
CREDIT_LINE = re.compile(
    r"^\s*(?:Produced by|E-?text prepared by|This e-?text was prepared by|Prepared by|Transcribed by|"
    r"Scanned by|Proofread by|HTML version by|Transcribed from the \S+ edition by)\b",
    re.IGNORECASE,
)
# How far into a text its Gutenberg header may reach, and its credits after the marker.
HEADER_LINES = 1500
CREDIT_BLOCKS = 6

# "Name [3]", "Name (3)", "Name #3", "Name, part 3"
SERIES_INDEX = re.compile(r"(?P<name>.+?)\s*(?:\[|\(|#|[,:]\s*part\s*)(?P<n>\d+(?:\.\d+)?)\]?\)?$", re.IGNORECASE)
POSTED = re.compile(r"^\s*Posted originally on the Archive of Our Own", re.IGNORECASE)
HEADER_LINE = re.compile(r"^(?P<key>[^\W\d_][^\W\d_ ]{0,20}(?: [^\W\d_]+){0,2})\s*[:：]\s*(?P<value>.*)$")
# A web address: a line holding one is a site's advertising, never a continued summary.
WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|cc|cn|info|me|io)\b", re.IGNORECASE)
# A title in 《》 inside a line, with a few characters around it: "《斗罗大陆》全集", "余华《活着》".
BRACKETED_TITLE = re.compile(r"《(?P<title>[^《》]+)》")
BRACKET_EXTRA = 6
# Brackets Chinese and Japanese texts put around a book's title: 《山海之间》, 『港の灯』, 「…」.
TITLE_BRACKETS = re.compile(r"^[《『「〈](?P<title>[^《》『』「」〈〉]+)[》』」〉]$")


@cache
def header_fields() -> dict[str, str]:
    """Header keys (lower case) and the metadata field each fills, from data/header-fields.toml."""
    return {key.lower(): field for key, field in data_toml("header-fields.toml")["fields"].items()}


def _field(match: re.Match[str] | None) -> str | None:
    """The metadata field a header line fills ("" for a known key not kept), or None for no header line."""
    return header_fields().get(match["key"].lower()) if match else None


def unbracketed(title: str) -> str:
    """A title without the 《》 or 『』 a CJK text puts around it, and what sites add after ("《…》全集")."""
    match = TITLE_BRACKETS.match(title.strip())
    if match:
        return match["title"].strip()
    inside = BRACKETED_TITLE.search(title)
    if inside and len(title) - len(inside.group()) <= BRACKET_EXTRA:
        return inside["title"].strip()
    return title


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
    "korean": "ko",
    "hungarian": "hu",
    "esperanto": "eo",
    "català": "ca",
    "catalan": "ca",
    "français": "fr",
    "deutsch": "de",
    "español": "es",
    "italiano": "it",
    "português": "pt",
    "nederlands": "nl",
    "русский": "ru",
}


def language_code(name: str) -> str | None:
    """A BCP 47 tag for a language as a header writes it ("English", "fr", "German")."""
    name = name.strip().lower()
    if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", name):
        return name
    return LANGUAGE_NAMES.get(name.split(",")[0].split(" and ")[0].strip())


def strip_gutenberg(lines: list[Line]) -> tuple[list[Line], Metadata]:
    """The text between the Gutenberg markers, and the header's title, author and language."""
    head = lines[:HEADER_LINES]
    start = next((i for i, ln in enumerate(head) if GUTENBERG_START.match(ln.text)), None)
    if start is None:
        start = next((i for i, ln in enumerate(head) if GUTENBERG_OLD_END_HEADER.match(ln.text)), None)
    if start is None:
        return lines, Metadata()
    metadata = _gutenberg_fields(lines[:start])
    end = next((i for i in range(len(lines) - 1, start, -1) if GUTENBERG_END.match(lines[i].text)), len(lines))
    # The "End of the Project Gutenberg EBook of …" line sits just before the end
    # marker (or, in old files, is the only end): everything from it on is licence.
    footer = next((i for i in range(start + 1, end) if GUTENBERG_FOOTER.match(lines[i].text)), None)
    if footer is not None and (end == len(lines) or end - footer < 40):
        end = footer
    return lines[start + 1 : end], metadata


def _gutenberg_fields(header: list[Line]) -> Metadata:
    values: dict[str, str] = {}
    key = None
    for line in header:
        match = GUTENBERG_FIELD.match(line.text.strip())
        if match:
            key = match["key"].lower()
            values.setdefault(key, match["value"].strip())
        elif key == "title" and line.text.startswith(" ") and line.text.strip():
            _continue_title(values, line.text.strip())
        elif key in ("credits", "produced by") and line.text.startswith(" ") and line.text.strip():
            values[key] += " " + line.text.strip()
        else:
            key = None
            title_line = GUTENBERG_TITLE_LINE.match(line.text.strip())
            if title_line and "title_line" not in values:
                values["title_line"] = title_line["title"].strip(" ,")
                values["author_line"] = (title_line["author"] or "").strip()
    title = values.get("title") or values.get("title_line") or None
    subtitle = values.get("subtitle") or None
    author = values.get("author") or values.get("author_line") or ""
    authors = gutenberg_authors(author)
    credits = tuple(v for k, v in values.items() if k in ("produced by", "credits") and v)
    return Metadata(
        title=title,
        subtitle=subtitle,
        authors=authors,
        language=language_code(values.get("language", "")),
        credits=credits,
    )


# What a Gutenberg header adds inside an author's name: "H. G. (Herbert George) Wells".
NAME_EXPANSION = re.compile(r"\s*\([^()]*\)")


def gutenberg_authors(field: str) -> tuple[str, ...]:
    """The names in an `Author:` field: "A, B, and C", "A and B", "A; B", without expansions in brackets."""
    field = NAME_EXPANSION.sub("", field)
    names = [n.strip() for n in re.split(r"\s+and\s+|;|&", field) if n.strip()]
    # Commas separate names only when each part is a whole name ("Alexander Hamilton, John Jay"),
    # not in a name written surname first ("Wells, H. G.").
    split = [part.strip() for name in names for part in name.split(",") if part.strip()]
    if len(split) > len(names) and all(len(part.split()) >= 2 for part in split):
        names = split
    return tuple(names)


def _continue_title(values: dict[str, str], more: str) -> None:
    """An indented line under `Title:` either goes on with a long title or is its subtitle."""
    if "subtitle" in values:
        values["subtitle"] += " " + more
    elif values["title"].endswith((",", "-", ";", " of", " and", " the", " a")) or more[:1].islower():
        values["title"] += " " + more
    else:
        values["subtitle"] = more


def take_credits(lines: list[Line]) -> tuple[list[Line], tuple[str, ...]]:
    """Move "Produced by …" paragraphs near the start out of the text, for the title page."""
    credits: list[str] = []
    remove: set[int] = set()
    block: list[Line] = []
    blocks_seen = 0
    for index, line in enumerate(lines):
        if line.text.strip():
            block.append(line)
            continue
        if block:
            blocks_seen += 1
            _collect_credit(block, index - len(block), credits, remove)
            block = []
        if blocks_seen >= CREDIT_BLOCKS:
            break
    else:
        if block:
            _collect_credit(block, len(lines) - len(block), credits, remove)
    if not remove:
        return lines, ()
    return [ln for i, ln in enumerate(lines) if i not in remove], tuple(credits)


def _collect_credit(block: list[Line], first: int, credits: list[str], remove: set[int]) -> None:
    if CREDIT_LINE.match(block[0].text):
        credits.append(" ".join(ln.text.strip() for ln in block))
        remove.update(range(first, first + len(block)))


def fanfic_header(lines: list[Line]) -> tuple[list[Line], Metadata]:
    """A block of `Key: value` lines at the top, as fan-fiction downloaders write them.

    Values may follow their key on indented lines (`Fandom:` / `    The Long Road`),
    as in the archive's own text download, which starts with the title and a
    "Posted originally on …" line.
    """
    start = next((i for i, ln in enumerate(lines) if ln.text.strip()), 0)
    fields: dict[str, list[str]] = {}
    archive = next((i for i in range(start, min(start + 4, len(lines))) if POSTED.match(lines[i].text)), None)
    if archive is not None:
        fields["title"] = [lines[start].text.strip()] if archive > start else []
        start = archive + 1
        while start < len(lines) and not lines[start].text.strip():
            start += 1
    i = start
    known = 0
    target: str | None = None
    while i < len(lines) and (lines[i].text.strip() or (known and _header_goes_on(lines, i))):
        text = lines[i].text.strip()
        match = HEADER_LINE.match(text)
        key = _field(match)
        if key is not None and not lines[i].text[:1].isspace():
            target = key or None
            known += 1
            if target:
                fields.setdefault(target, []).append(match["value"].strip())
        elif target and lines[i].text[:1].isspace() and fields.get(target) == [""]:
            fields[target] = [text]  # the value on the indented line under its key
        elif target and lines[i].text[:1].isspace() and fields.get(target):
            fields[target].append(text if target == "description" else text.strip(","))
        elif target == "description" and fields.get("description") and _continues_summary(text):
            fields["description"].append(text)  # a summary running over several lines
        elif target is None and known and lines[i].text[:1].isspace():
            pass  # an indented value of a key booksmith does not keep
        elif not text:
            pass  # a blank line between keys ("书名：…" / "" / "作者：…"): _header_goes_on said so
        elif i == start or not fields:
            return lines, Metadata()
        else:
            break
        i += 1
    if known < 2:
        return lines, Metadata()
    subjects = tuple(dict.fromkeys(s.strip() for v in fields.get("subjects", []) for s in v.split(",") if s.strip()))
    authors = tuple(a.strip() for v in fields.get("authors", []) for a in re.split(r",|&| and ", v) if a.strip())
    series = fields.get("series", [None])[0]
    series_index = None
    if series:
        match = re.match(
            r"(?P<name>.+?)\s*(?:\[|\(|#|,\s*part\s*|:\s*part\s*)(?P<n>\d+(?:\.\d+)?)\]?\)?$", series, re.I
        )
        if match:
            series, series_index = match["name"].strip(), float(match["n"])
    metadata = Metadata(
        title=unbracketed(fields.get("title", [""])[0]) or None,
        authors=authors,
        description=" ".join(v for v in fields.get("description", []) if v) or None,
        subjects=subjects,
        series=series or None,
        series_index=series_index,
        language=language_code(fields.get("language", [""])[0]),
        date=fields.get("date", [None])[0] or None,
    )
    return lines[i:], metadata


def _continues_summary(text: str) -> bool:
    """A line after a summary's first that goes on with it: not a heading, not a site's advertising."""
    return heading_level(text)[0] is None and not WEB_ADDRESS.search(text)


def _header_goes_on(lines: list[Line], index: int) -> bool:
    """A blank line inside the header: another known key follows it."""
    following = lines[index + 1].text.strip() if index + 1 < len(lines) else ""
    return _field(HEADER_LINE.match(following)) is not None


# A site's address in brackets, or bare, at the end of a heading line: "第2章 渡口 (www.example.org)".
SITE_MARK = re.compile(r"\s*[(（\[【<]?\s*(?:https?://|www\.)[^\s)）\]】>]+\s*[)）\]】>]?\s*$", re.IGNORECASE)


def strip_site_addresses(lines: list[Line]) -> list[Removal]:
    """Take a web site's address off heading lines, where sites that copy novels stamp it."""
    removed = []
    for line in lines:
        if "www." not in line.text and "://" not in line.text:
            continue
        match = SITE_MARK.search(line.text)
        if match and match.start() and heading_level(line.text[: match.start()].strip())[0]:
            removed.append(Removal(line.number, match.group().strip(), "a web site's address in a heading"))
            line.text = line.text[: match.start()]
    return removed


# How far into a text a site's advertising line may stand: before the story, among its first lines.
AD_LINES = 8


@cache
def _site_word_pattern() -> re.Pattern[str]:
    words = data_toml("header-fields.toml")["site_lines"]["words"]
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _site_words(text: str) -> bool:
    return bool(_site_word_pattern().search(text))


def strip_site_lines(lines: list[Line]) -> list[Removal]:
    """Take out the lines a download site put at the top of a text ("本书来自 www.… 免费txt小说下载")."""
    removed = []
    seen = 0
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        seen += 1
        if seen > AD_LINES or heading_level(text)[0]:
            break
        if len(text) <= 120 and (WEB_ADDRESS.search(text) or (len(text) <= 60 and _site_words(text))):
            removed.append(Removal(line.number, text, "a download site's advertising line at the top"))
            line.text = ""
    return removed


# Aozora Bunko's e-texts open with the title, the author and a guide to their notation
# (《》 for ruby, ｜ where it starts, ［＃］ for the typist's notes) between two rules of dashes.
NOTATION_RULE = re.compile(r"^\s*-{20,}\s*$")
NOTATION_GUIDE_MARKS = ("ルビ", "《》", "［＃")


def strip_notation_guide(lines: list[Line]) -> tuple[list[Removal], Metadata]:
    """Take out an Aozora Bunko notation guide, and the title and author lines above it as metadata."""
    opening = [line for line in lines[:400] if line.text.strip()]
    rules = [i for i, line in enumerate(opening) if NOTATION_RULE.match(line.text)]
    if len(rules) < 2 or not 1 <= rules[0] <= 4:
        return [], Metadata()
    start, end = rules[0], rules[1]
    guide = "".join(line.text for line in opening[start:end])
    if not any(mark in guide for mark in NOTATION_GUIDE_MARKS):
        return [], Metadata()
    head = [line.text.strip() for line in opening[:start]]
    found = Metadata(title=head[0], authors=tuple(head[1:2]) if len(head) > 1 and len(head[1]) <= 20 else ())
    removed = [
        Removal(line.number, line.text.strip(), "the title and author, in the metadata") for line in opening[:start]
    ]
    removed += [
        Removal(line.number, line.text.strip(), "the e-text's guide to its notation (Aozora Bunko)")
        for line in opening[start : end + 1]
    ]
    for line in opening[: end + 1]:
        line.text = ""
    return removed, found
