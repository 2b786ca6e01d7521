"""Read what fan-fiction archives and download tools wrap around a story.

The layouts: AO3 work pages pasted from a browser and AO3 downloads, FanFiction.Net
story pages, FanFicFare's text output, FicHub's HTML export saved as text, Wattpad
and Royal Road pages, and the plain `Key: value` header other downloaders write.
From them come the book's metadata; inside the story come author's notes (kept,
gathered at the chapter's end or dropped) and a site's navigation and advertising
lines (reported, and removed when asked).

Hand-written: no library reads these layouts from plain text (FanFicFare and FicHub
read the sites' HTML, which a pasted or saved text no longer has).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache

from booksmith.model import Chapter, Metadata, Paragraph, Verse
from booksmith.resources import data_toml
from booksmith.structure.boilerplate import WEB_ADDRESS, header_fields, language_code, unbracketed
from booksmith.structure.candidates import heading_level
from booksmith.structure.lines import Line, Removal

AUTHORS_NOTES = ("keep", "end", "drop")
# How far into a text an archive's header may reach.
HEADER_LINES = 200
# A line saying who wrote the story: "by Wren Halloway", "By: Wren Halloway".
BY_LINE = re.compile(r"^by:?\s+(?P<author>\S.{0,150})$", re.IGNORECASE)
POSTED = re.compile(r"^\s*Posted originally on the Archive of Our Own(?: at (?P<url>\S+?))?\.?\s*$", re.IGNORECASE)
URL = re.compile(r"https?://\S+[^\s.,)]")
SERIES_PART = re.compile(r"\bPart\s+(?P<n>\d+)\s+of\s+(?P<name>.+?)(?:\s+(?:Next Work|→|»|«|←).*)?$", re.IGNORECASE)
# "Name [3]", "Name (3)", "Name #3", "Name, part 3"
SERIES_INDEX = re.compile(r"(?P<name>.+?)\s*(?:\[|\(|#|[,:]\s*part\s*)(?P<n>\d+(?:\.\d+)?)\]?\)?$", re.IGNORECASE)
HEADER_LINE = re.compile(r"^(?P<key>[^\W\d_][^\W\d_ ]{0,20}(?: [^\W\d_]+){0,2})\s*[:：]\s*(?P<value>.*)$")
# FanFiction.Net's story line: "Rated: Fiction T - English - Drama/Romance - A, B - Chapters: 3 - …".
FFN_RATED = re.compile(r"^Rated:\s*(?:Fiction|Fic)\s+\S+\s+-\s+(?P<rest>.+)$")
FFN_FIELD = re.compile(r"^(?P<key>[A-Za-z ]+):\s*(?P<value>.+)$")
FICHUB_MARK = re.compile(r"^Exported with the assistance of FicHub(?:\.net)?\s*$", re.IGNORECASE)
FICHUB_SOURCE = re.compile(r"^Original source:\s*(?P<url>\S+)\s*$", re.IGNORECASE)
# Wattpad's counts: "Reads 12,345 Votes 804 Parts 3" (on one line or one word a line).
WATTPAD_COUNTS = re.compile(r"^Reads\s*[\d.,]+[KM]?\s*Votes\s*[\d.,]+[KM]?\s*Parts\s*\d+", re.IGNORECASE)
HASHTAG = re.compile(r"#(?P<tag>[^\s#]+)")
ROYAL_ROAD_NOTE = re.compile(r"^A note from\s+\S.{0,80}$", re.IGNORECASE)
DATE_FORMATS = ("%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%m/%d/%Y", "%d %b %Y", "%d %B %Y", "%Y/%m/%d")


@dataclass(frozen=True)
class Note:
    """An author's note the text holds: where it starts, its lines and how it begins."""

    line: int
    lines: tuple[int, ...]
    # Its first words (for `inspect`), and its first line whole (a note that looked like a heading).
    text: str
    first: str = ""


@dataclass
class ArchiveReading:
    """What an archive's layout told about a text."""

    metadata: Metadata = field(default_factory=Metadata)
    # "ao3", "ffn", "fanficfare", "fichub", "wattpad", "royalroad", "header" or None.
    layout: str | None = None
    notes: list[Note] = field(default_factory=list)
    # Archive labels taken out of the body ("Chapter Text"), dropped notes, stripped site lines.
    removed: list[Removal] = field(default_factory=list)
    # Navigation and advertising lines found: (text, how many times, first line).
    site_lines: list[tuple[str, int, int]] = field(default_factory=list)


@cache
def _table() -> dict:
    return data_toml("archives.toml")


def read_archive(
    lines: list[Line], *, authors_notes: str = "keep", strip_site_lines: bool = False
) -> tuple[list[Line], ArchiveReading]:
    """Take an archive's header off the lines as metadata, and find notes and site lines in the rest."""
    reading = ArchiveReading()
    for layout, reader in LAYOUTS:
        taken = reader(lines)
        if taken is not None:
            lines, reading.metadata = taken
            reading.layout = layout
            break
    reading.removed.extend(_take_chrome(lines, reading.layout))
    reading.site_lines = _site_lines(lines)
    if strip_site_lines:
        reading.removed.extend(_strip_site_lines(lines, reading.site_lines))
    site_texts = {text for text, _, _ in reading.site_lines}
    reading.notes = find_notes(lines, reading.removed, stop_at=site_texts)
    if authors_notes == "drop":
        reading.removed.extend(_drop_notes(lines, reading.notes))
    lines = _without(lines, {r.line for r in reading.removed})
    if authors_notes == "end":
        lines = _notes_to_chapter_end(lines, reading.notes, site_texts)
    return lines, reading


def _without(lines: list[Line], removed: set[int]) -> list[Line]:
    """The lines less those taken out. A line taken out between two paragraph lines leaves a
    blank line (it separated them); one next to a blank line leaves nothing, so that two blank
    lines never meet where there was one and read as a scene break."""
    if not removed:
        return lines
    kept: list[Line] = []
    after_removal = False
    for line in lines:
        if line.number in removed:
            if kept and kept[-1].text.strip():
                kept.append(Line(line.number, ""))
            after_removal = True
            continue
        if after_removal and not line.text.strip() and kept and not kept[-1].text.strip():
            continue
        after_removal = False
        kept.append(line)
    return kept


# ---------------------------------------------------------------- headers


def _first_texts(lines: list[Line], limit: int = HEADER_LINES) -> list[int]:
    """Indexes of the non-blank lines among the first `limit`."""
    return [i for i in range(min(limit, len(lines))) if lines[i].text.strip()]


def _label(text: str, labels: dict[str, str]) -> tuple[str, str] | None:
    """(label, value on the same line) when a line starts with one of `labels` and a colon."""
    key, colon, value = text.partition(":")
    if not colon:
        return None
    key = key.strip().lower()
    return (key, value.strip()) if key in labels else None


def ao3_header(lines: list[Line]) -> tuple[list[Line], Metadata] | None:
    """AO3's work page pasted from a browser, or its download: meta block, title, author, summary."""
    labels = _table()["ao3"]["labels"]
    stats_labels = _table()["ao3"]["stats"]
    indexes = _first_texts(lines)
    if not indexes:
        return None
    fields: dict[str, list[str]] = {}
    title = author = source = None
    position = 0
    # The download's first lines: the title, then "Posted originally on the Archive of Our Own at URL."
    for k in range(min(3, len(indexes))):
        posted = POSTED.match(lines[indexes[k]].text)
        if posted:
            source = (posted["url"] or "").rstrip(".") or None
            title = lines[indexes[0]].text.strip() if k else None
            position = k + 1
            break
    meta_start = position
    current: str | None = None
    while position < len(indexes):
        text = lines[indexes[position]].text.strip()
        label = _label(text, labels)
        if label:
            current = label[0]
            fields.setdefault(current, [])
            if label[1]:
                fields[current].append(label[1])
        elif current == "stats" and (_label(text, stats_labels) or _stats_value_expected(fields)):
            fields["stats"].append(text)
        elif current and current != "stats" and text and not _field(HEADER_LINE.match(text)):
            fields[current].append(text)  # a value on the lines below its label
        else:
            break
        position += 1
    found_meta = len(fields) >= 2
    summary_at = _summary_label(lines, indexes, position)
    following = lines[indexes[position]].text.strip() if position < len(indexes) else ""
    if summary_at != position and _field(HEADER_LINE.match(following)):
        return None  # a downloader's `Key: value` header that starts with AO3's names ("Rating:", "Title:")
    if not found_meta and (summary_at is None or summary_at - position > 2 or not _has_ao3_marker(lines)):
        return None
    if not found_meta and source is None:
        position = meta_start
    # Title and author sit between the meta block and "Summary:" (the download puts "by " before the name).
    preface = [lines[indexes[i]].text.strip() for i in range(position, summary_at if summary_at else position)]
    if summary_at is None:
        preface = [lines[indexes[i]].text.strip() for i in range(position, min(position + 2, len(indexes)))]
        if len(preface) < 2 or _heading(preface[0]) or _heading(preface[1]):
            preface = preface[:0]
    if preface:
        title = preface[0]
        if len(preface) > 1:
            by = BY_LINE.match(preface[1])
            author = by["author"] if by else preface[1]
    end = summary_at if summary_at is not None else position + len(preface)
    description = None
    if summary_at is not None:
        value, end = _block_until(lines, indexes, summary_at)
        description = value or None
    metadata = _ao3_metadata(fields, stats_labels)
    authors = _authors(author) if author else ()
    metadata = replace(
        metadata,
        title=title or metadata.title,
        authors=authors,
        description=description,
        source=source,
    )
    cut = indexes[end] if end < len(indexes) else len(lines)
    return lines[cut:], metadata


def _stats_value_expected(fields: dict[str, list[str]]) -> bool:
    """Under "Stats:" a sub-label on its own line is followed by its value on the next."""
    stats = fields.get("stats") or []
    return bool(stats) and stats[-1].endswith(":")


def _summary_label(lines: list[Line], indexes: list[int], position: int) -> int | None:
    """Where "Summary:" (or the download's "Summary") stands, a few lines after the meta block."""
    for k in range(position, min(position + 4, len(indexes))):
        text = lines[indexes[k]].text.strip()
        if re.fullmatch(r"Summary:?", text, re.IGNORECASE) or re.match(r"Summary:\s*\S", text):
            return k
    return None


def _has_ao3_marker(lines: list[Line]) -> bool:
    chrome = ("chapter text", "work text:", "work text")
    return any(line.text.strip().lower() in chrome for line in lines[:5000])


def _block_until(lines: list[Line], indexes: list[int], label_at: int) -> tuple[str, int]:
    """The text under a label ("Summary:") up to the next label, heading or archive marker."""
    first = lines[indexes[label_at]].text.strip()
    parts = [first.partition(":")[2].strip()] if ":" in first else []
    k = label_at + 1
    while k < len(indexes):
        text = lines[indexes[k]].text.strip()
        if _is_note_label(text) or text.lower() in _chrome_lines() or _heading(text):
            break
        parts.append(text)
        k += 1
    return " ".join(p for p in parts if p), k


def _ao3_metadata(fields: dict[str, list[str]], stats_labels: dict[str, str]) -> Metadata:
    labels = _table()["ao3"]["labels"]
    subjects: list[str] = []
    for key, values in fields.items():
        if labels.get(key) == "subjects":
            subjects.extend(tag.strip() for value in values for tag in value.split(",") if tag.strip())
    series = series_index = None
    for value in fields.get("series", []):
        part = SERIES_PART.search(value)
        if part:
            series, series_index = part["name"].strip(), float(part["n"])
            break
    dates: dict[str, str] = {}
    stats = " ".join(fields.get("stats", []))
    # Each label's value runs to the next label: a browser may copy them with no space between
    # ("Published:2023-02-11Updated:2023-04-02").
    names = "|".join(re.escape(name) for name in stats_labels)
    for match in re.finditer(rf"(?P<key>{names}):\s*(?P<value>.*?)\s*(?=(?:{names}):|$)", stats, re.IGNORECASE):
        kept = stats_labels.get(match["key"].lower())
        if kept and match["value"]:
            dates.setdefault(kept, match["value"])
    language = fields.get("language", [""])[0]
    return Metadata(
        subjects=tuple(dict.fromkeys(subjects)),
        series=series,
        series_index=series_index,
        language=language_code(language) if language else None,
        date=iso_date(dates.get("date")),
        modified=iso_date(dates.get("modified")),
    )


def fanficfare_header(lines: list[Line]) -> tuple[list[Line], Metadata] | None:
    """FanFicFare's text output: title, "by AUTHOR", `Label: value` lines, a contents, "\\tChapter" headings."""
    indexes = _first_texts(lines, 12)
    if len(indexes) < 3:
        return None
    by = BY_LINE.match(lines[indexes[1]].text.strip())
    if not by or not HEADER_LINE.match(lines[indexes[2]].text.strip()):
        return None
    start = indexes[2]
    entries: dict[str, str] = {}
    last = None
    i = start
    while i < len(lines):
        text = lines[i].text.strip()
        match = HEADER_LINE.match(text)
        if match and (match["key"].lower() in FFF_LABELS or match["key"].lower() in header_fields()):
            last = match["key"].lower()
            entries[last] = match["value"].strip()
        elif text and last == "summary":
            entries["summary"] += " " + text  # FanFicFare wraps its title page at 78 columns
        elif text or (i + 1 < len(lines) and not lines[i + 1].text.strip()):
            break
        i += 1
    if "story url" not in entries and len(entries) < 3:
        return None
    # Its typed contents: "TABLE OF CONTENTS" and one line per chapter, before the first chapter.
    while i < len(lines) and not lines[i].text.strip():
        i += 1
    if i < len(lines) and lines[i].text.strip().upper() == "TABLE OF CONTENTS":
        i += 1
        entries_seen: set[str] = set()
        # The contents ends where its first entry comes again, as the first chapter's heading.
        while i < len(lines) and lines[i].text.strip() not in entries_seen:
            if lines[i].text.strip():
                entries_seen.add(lines[i].text.strip())
            i += 1
        if i == len(lines):
            return None
    metadata = _entries_metadata(entries)
    metadata = replace(
        metadata,
        title=lines[indexes[0]].text.strip(),
        authors=_authors(by["author"]),
        source=entries.get("story url") or None,
    )
    return lines[i:], metadata


# FanFicFare's title-page labels that are not in header-fields.toml.
FFF_LABELS = {
    "story url",
    "author url",
    "publisher",
    "packaged",
    "story id",
    "author id",
    "extra tags",
    "warnings",
    "ships",
    "created",
}


def _entries_metadata(entries: dict[str, str]) -> Metadata:
    """Metadata from `Label: value` entries (FanFicFare's and other downloaders' names)."""
    subjects: list[str] = []
    for key in ("category", "genre", "characters", "relationships", "ships", "extra tags", "fandom", "tags"):
        subjects.extend(s.strip() for s in re.split(r",|/", entries.get(key, "")) if s.strip())
    series = entries.get("series") or None
    series_index = None
    if series:
        match = SERIES_INDEX.match(series)
        if match:
            series, series_index = match["name"].strip(), float(match["n"])
    language = entries.get("language", "")
    return Metadata(
        description=entries.get("summary") or entries.get("description") or None,
        subjects=tuple(dict.fromkeys(subjects)),
        series=series,
        series_index=series_index,
        language=language_code(language) if language else None,
        date=iso_date(entries.get("published")),
        modified=iso_date(entries.get("updated")),
    )


def fichub_header(lines: list[Line]) -> tuple[list[Line], Metadata] | None:
    """FicHub's HTML export saved as text: title, "by AUTHOR", summary, source, counts, its contents."""
    indexes = _first_texts(lines, 80)
    mark = next((k for k in indexes if FICHUB_MARK.match(lines[k].text.strip())), None)
    if mark is None or len(indexes) < 2:
        return None
    by = BY_LINE.match(lines[indexes[1]].text.strip())
    description: list[str] = []
    source = None
    for k in indexes[2:]:
        if k >= mark:
            break
        text = lines[k].text.strip()
        found = FICHUB_SOURCE.match(text)
        if found:
            source = found["url"]
        elif source is None and not re.match(r"^(Chapters|Words):", text):
            description.append(text)
    # After the mark comes its numbered contents ("1. Chapter One"), then the chapters.
    i = mark + 1
    while i < len(lines) and (not lines[i].text.strip() or re.match(r"^\d+\.\s+\S", lines[i].text.strip())):
        i += 1
    metadata = Metadata(
        title=lines[indexes[0]].text.strip(),
        authors=_authors(by["author"]) if by else (),
        description=" ".join(description) or None,
        source=source,
    )
    return lines[i:], metadata


def ffn_header(lines: list[Line]) -> tuple[list[Line], Metadata] | None:
    """A FanFiction.Net story page: title, "By: AUTHOR", summary, then the "Rated: Fiction …" line."""
    indexes = _first_texts(lines, 40)
    rated = next((k for k in indexes if FFN_RATED.match(lines[k].text.strip())), None)
    if rated is None:
        return None
    before = [k for k in indexes if k < rated]
    by_at = next((n for n, k in enumerate(before) if BY_LINE.match(lines[k].text.strip())), None)
    if by_at is None or by_at == 0:
        return None
    title = lines[before[by_at - 1]].text.strip()
    title = re.sub(r"^Follow/Fav\s*", "", title)
    author = BY_LINE.match(lines[before[by_at]].text.strip())["author"]
    summary = " ".join(lines[k].text.strip() for k in before[by_at + 1 :])
    parts = [p.strip() for p in FFN_RATED.match(lines[rated].text.strip())["rest"].split(" - ")]
    values: dict[str, str] = {}
    free: list[str] = []
    for part in parts:
        match = FFN_FIELD.match(part)
        if match:
            values[match["key"].strip().lower()] = match["value"].strip()
        else:
            free.append(part)
    language = language_code(free[0]) if free else None
    subjects: list[str] = []
    for part in free[1:]:
        subjects.extend(s.strip() for s in re.split(r"/|,|\[|\]", part) if s.strip())
    story_id = values.get("id")
    metadata = Metadata(
        title=title,
        authors=_authors(author),
        description=summary or None,
        subjects=tuple(dict.fromkeys(subjects)),
        language=language,
        date=iso_date(values.get("published")),
        modified=iso_date(values.get("updated")),
        source=f"https://www.fanfiction.net/s/{story_id}/1/" if story_id and story_id.isdigit() else None,
    )
    return lines[rated + 1 :], metadata


def wattpad_header(lines: list[Line]) -> tuple[list[Line], Metadata] | None:
    """A Wattpad story page: title, its read/vote/part counts, "by AUTHOR", description, #tags."""
    indexes = _first_texts(lines, 30)
    if len(indexes) < 3:
        return None
    counts = next((n for n, k in enumerate(indexes[:4]) if WATTPAD_COUNTS.match(lines[k].text.strip())), None)
    if counts is None:
        return None
    title = lines[indexes[0]].text.strip() if counts else None
    rest = indexes[counts + 1 :]
    author = None
    if rest and BY_LINE.match(lines[rest[0]].text.strip()):
        author = BY_LINE.match(lines[rest[0]].text.strip())["author"]
        rest = rest[1:]
    description: list[str] = []
    tags: list[str] = []
    end = rest[0] if rest else len(lines)
    for k in rest:
        text = lines[k].text.strip()
        if text.startswith("#"):
            tags.extend(m["tag"] for m in HASHTAG.finditer(text))
            end = k + 1
            break
        if _heading(text):
            end = k
            break
        description.append(text)
        end = k + 1
    metadata = Metadata(
        title=title,
        authors=_authors(author) if author else (),
        description=" ".join(description) or None,
        subjects=tuple(dict.fromkeys(tags)),
    )
    return lines[end:], metadata


def royalroad_header(lines: list[Line]) -> tuple[list[Line], Metadata] | None:
    """A Royal Road chapter page: title, "by AUTHOR", then the chapter with "A note from AUTHOR" boxes."""
    indexes = _first_texts(lines, 10)
    if len(indexes) < 3:
        return None
    by = BY_LINE.match(lines[indexes[1]].text.strip())
    if not by or not any(ROYAL_ROAD_NOTE.match(line.text.strip()) for line in lines):
        return None
    metadata = Metadata(title=lines[indexes[0]].text.strip(), authors=_authors(by["author"]))
    return lines[indexes[1] + 1 :], metadata


def key_value_header(lines: list[Line]) -> tuple[list[Line], Metadata] | None:
    """A block of `Key: value` lines at the top, as fan-fiction downloaders write them.

    Values may follow their key on indented lines (`Fandom:` / `    The Long Road`).
    """
    start = next((i for i, ln in enumerate(lines) if ln.text.strip()), 0)
    fields: dict[str, list[str]] = {}
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
            return None
        else:
            break
        i += 1
    if known < 2:
        return None
    subjects = tuple(dict.fromkeys(s.strip() for v in fields.get("subjects", []) for s in v.split(",") if s.strip()))
    authors = tuple(a for v in fields.get("authors", []) for a in _authors(v))
    series = fields.get("series", [None])[0]
    series_index = None
    if series:
        match = SERIES_INDEX.match(series)
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


def _field(match: re.Match[str] | None) -> str | None:
    """The metadata field a header line fills ("" for a known key not kept), or None for no header line."""
    return header_fields().get(match["key"].lower()) if match else None


def _continues_summary(text: str) -> bool:
    """A line after a summary's first that goes on with it: not a heading, not a site's advertising."""
    return heading_level(text)[0] is None and not WEB_ADDRESS.search(text)


def _header_goes_on(lines: list[Line], index: int) -> bool:
    """A blank line inside the header: another known key follows it."""
    following = lines[index + 1].text.strip() if index + 1 < len(lines) else ""
    return _field(HEADER_LINE.match(following)) is not None


# Tried in this order: the more particular layouts first.
LAYOUTS = (
    ("ao3", ao3_header),
    ("fichub", fichub_header),
    ("ffn", ffn_header),
    ("fanficfare", fanficfare_header),
    ("wattpad", wattpad_header),
    ("royalroad", royalroad_header),
    ("header", key_value_header),
)


def _authors(value: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in re.split(r",|&|\band\b", value) if a.strip())


def iso_date(value: str | None) -> str | None:
    """A date as an archive writes it ("2023-02-11", "Feb 11, 2023", "2/11/2023") as YYYY-MM-DD."""
    if not value:
        return None
    value = value.strip().rstrip(".")
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(value, form).date().isoformat()
        except ValueError:
            continue
    match = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", value)
    return match.group(1) if match else None


def _heading(text: str) -> bool:
    return heading_level(text)[0] is not None


# ---------------------------------------------------------------- inside the story


@cache
def _chrome_lines() -> frozenset[str]:
    return frozenset(_table()["chrome"]["lines"])


def _is_note_label(text: str) -> bool:
    return text.strip().lower() in _table()["notes"]["labels"] or bool(ROYAL_ROAD_NOTE.match(text.strip()))


def _take_chrome(lines: list[Line], layout: str | None) -> list[Removal]:
    """Blank out the archive's own labels inside the story ("Chapter Text", "End file.")."""
    chrome = _chrome_lines()
    found = [line for line in lines if line.text.strip().lower() in chrome]
    # Outside an archive's layout, a lone "Afterword" is a heading: only a label seen twice is chrome.
    if layout is None and len(found) < 2:
        return []
    removed = []
    for line in found:
        if layout is None and line.text.strip().lower() in ("afterword", "table of contents"):
            continue
        removed.append(Removal(line.number, line.text.strip(), "an archive's label, not the story's words"))
        line.text = ""
    return removed


@cache
def _note_prefixes() -> tuple[str, ...]:
    return tuple(_table()["notes"]["prefixes"])


def _blocks(lines: list[Line]) -> list[tuple[int, int]]:
    """(start, end) index ranges of the text's paragraphs: runs of lines between blank lines,
    or single lines in a text that does not separate paragraphs with blank lines."""
    blank = sum(1 for line in lines if not line.text.strip())
    by_line = blank * 10 < len(lines)
    blocks: list[tuple[int, int]] = []
    start = None
    for i, line in enumerate(lines):
        if line.text.strip() and by_line:
            blocks.append((i, i + 1))
        elif line.text.strip() and start is not None and _is_note_label(line.text):
            blocks.append((start, i))  # a note's label starts a paragraph of its own
            start = i
        elif line.text.strip():
            start = i if start is None else start
        elif start is not None:
            blocks.append((start, i))
            start = None
    if start is not None:
        blocks.append((start, len(lines)))
    return blocks


def find_notes(lines: list[Line], removed: list[Removal], *, stop_at: set[str] = frozenset()) -> list[Note]:
    """The author's notes: blocks under a note label ("Notes:", "A note from …") and paragraphs
    that start like one ("A/N:", "(A/N …", "Disclaimer:"). A label's own line is taken out;
    a note ends at the latest at a heading or a site's line (`stop_at`)."""
    end_labels = tuple(_table()["notes"]["end_labels"])
    blocks = _blocks(lines)
    notes: list[Note] = []
    # AO3 closes a chapter's opening notes with "Chapter Text" or "(See the end of the chapter …)";
    # those labels are blank by now, so they are found among the removals.
    closing_labels = {r.line for r in removed if r.text.lower() in CLOSING_LABELS}
    closers = [i for i, line in enumerate(lines) if line.number in closing_labels]
    prose: list[int] = []  # blocks neither notes nor labels (headings among them), in order
    k = 0
    while k < len(blocks):
        start, end = blocks[k]
        first = lines[start].text.strip()
        # A label that is also a heading ("Author's Note", "NOTES") heads a chapter. Headings are
        # asked about only here and when a note's place is decided: asking every block is costly.
        if _is_note_label(first) and not (_heading(first) and not first.lower().startswith(_note_prefixes())):
            prose_since_heading = _prose_since_heading(lines, blocks, prose, k)
            removed.append(Removal(lines[start].number, first, "an archive's label of an author's note"))
            lines[start].text = ""
            # The note runs at most to the next heading or site line (a scan of one chapter, not the text).
            stop = k + 1
            while stop < len(blocks) and not _ends_note(lines[blocks[stop][0]].text.strip(), stop_at):
                stop += 1
            limit = blocks[stop][0] if stop < len(blocks) else len(lines)
            after = bisect.bisect_right(closers, start)
            closing = closers[after] if after < len(closers) else None
            at_end = first.lower().rstrip(":") in end_labels or prose_since_heading
            # The label's own paragraph may go on under it ("Notes:" then the note, no blank line).
            own = [(start + 1, end)] if end - start > 1 else []
            within = blocks[k + 1 : stop]
            if closing is not None and closing < limit and not at_end:
                taken = [b for b in within if b[1] <= closing]
            elif at_end:
                taken = within
            else:
                taken = [] if own else within[:1]
            if own or taken:
                notes.append(_note(lines, own + taken))
            k += 1 + len(taken)
            continue
        if first.lower().startswith(_note_prefixes()):
            notes.append(_note(lines, [(start, end)]))
        else:
            prose.append(k)
        k += 1
    return notes


def _prose_since_heading(lines: list[Line], blocks: list[tuple[int, int]], prose: list[int], k: int) -> bool:
    """Whether prose stands between block `k` and the heading before it: the nearest block before it says."""
    return bool(prose) and not _heading(lines[blocks[prose[-1]][0]].text.strip())


CLOSING_LABELS = frozenset(
    {
        "chapter text",
        "work text",
        "work text:",
        "(see the end of the chapter for more notes.)",
        "see the end of the chapter for more notes",
        "(see the end of the work for more notes.)",
        "see the end of the work for more notes",
    }
)


def _ends_note(text: str, stop_at: set[str]) -> bool:
    return _heading(text) or text in stop_at


def _note(lines: list[Line], blocks: list[tuple[int, int]]) -> Note:
    numbers = tuple(lines[i].number for start, end in blocks for i in range(start, end) if lines[i].text.strip())
    text = " ".join(lines[blocks[0][0]].text.split())
    return Note(numbers[0] if numbers else lines[blocks[0][0]].number, numbers, text[:80], text)


def _drop_notes(lines: list[Line], notes: list[Note]) -> list[Removal]:
    dropped = {n for note in notes for n in note.lines}
    removed = []
    for line in lines:
        if line.number in dropped:
            removed.append(Removal(line.number, line.text.strip(), "an author's note, left out (--authors-notes drop)"))
            line.text = ""
    return removed


def _notes_to_chapter_end(lines: list[Line], notes: list[Note], site_texts: set[str]) -> list[Line]:
    """The lines with each chapter's notes moved after its last paragraph (before the next
    heading, and before a site's navigation lines at the chapter's end)."""
    in_note = {n for note in notes for n in note.lines}
    result: list[Line] = []
    waiting: list[Line] = []
    skip_blank = False
    for line in lines:
        if line.number in in_note:
            waiting.append(line)
            # The blank lines on both sides of a moved note would meet and read as a scene break.
            skip_blank = bool(result) and not result[-1].text.strip()
            continue
        if skip_blank and not line.text.strip():
            skip_blank = False
            continue
        skip_blank = False
        if waiting and line.text.strip() and _heading(line.text.strip()) and _has_prose(result, site_texts):
            _insert_after_story(result, _separated(waiting), site_texts)
            waiting = []
        result.append(line)
    _insert_after_story(result, _separated(waiting), site_texts)
    return result


def _has_prose(lines: list[Line], site_texts: set[str]) -> bool:
    """Some text stands since the last heading (notes before a chapter's first line wait for its end)."""
    for line in reversed(lines):
        text = line.text.strip()
        if text and _heading(text):
            return False
        if text and text not in site_texts:
            return True
    return False


def _insert_after_story(lines: list[Line], moved: list[Line], site_texts: set[str]) -> None:
    at = len(lines)
    while at and (not lines[at - 1].text.strip() or lines[at - 1].text.strip() in site_texts):
        at -= 1
    if moved and at < len(lines) and not lines[at].text.strip():
        moved = moved[:-1]  # a blank line follows already; two would read as a scene break
    lines[at:at] = moved


def _separated(notes: list[Line]) -> list[Line]:
    """Moved note lines, each paragraph set off by a blank line as where it came from."""
    if not notes:
        return []
    result = [Line(notes[0].number, "")]
    for index, line in enumerate(notes):
        if index and line.number != notes[index - 1].number + 1:
            result.append(Line(line.number, ""))
        result.append(line)
    result.append(Line(notes[-1].number, ""))
    return result


def mark_notes(chapters: list[Chapter], notes: list[Note]) -> list[Chapter]:
    """Give note paragraphs the "authors-note" role. Notes before a story's first heading stay
    an untitled front section, which the contents does not list."""
    if not notes:
        return chapters
    starts = {n for note in notes for n in note.lines}
    marked: list[Chapter] = []
    for chapter in chapters:
        blocks = tuple(_as_note(b) if getattr(b, "line", 0) in starts else b for b in chapter.blocks)
        marked.append(replace(chapter, blocks=blocks))
    return _unheaded(marked, notes)


def _unheaded(chapters: list[Chapter], notes: list[Note]) -> list[Chapter]:
    """A note read as a heading ("Notes: the bell is real." as a back-matter "Notes") goes back
    into the chapter before it as a note paragraph, with whatever followed it."""
    result: list[Chapter] = []
    for chapter in chapters:
        note = next((n for n in notes if result and _heads(chapter, n, result[-1])), None)
        if note is None:
            result.append(chapter)
            continue
        paragraph = Paragraph(note.first, line=note.line, role="authors-note")
        previous = result[-1]
        result[-1] = replace(previous, blocks=(*previous.blocks, paragraph, *chapter.blocks))
    return result


def _heads(chapter: Chapter, note: Note, previous: Chapter) -> bool:
    """Whether the chapter's heading is the note's first line: the same words, standing
    between the previous chapter's last paragraph and this chapter's first."""
    if not chapter.title or not note.first.startswith(chapter.title):
        return False
    if chapter.subtitle is not None and chapter.subtitle not in note.first:
        return False
    before = max((getattr(b, "line", 0) for b in previous.blocks), default=0)
    after = min((getattr(b, "line", 0) or note.line + 1 for b in chapter.blocks), default=note.line + 1)
    return before < note.line < after


def _as_note(block):
    if isinstance(block, Paragraph):
        return replace(block, role="authors-note")
    if isinstance(block, Verse):
        return Paragraph(" ".join(block.lines), line=block.line, role="authors-note")
    return block


# ---------------------------------------------------------------- site lines


@cache
def _site_patterns() -> tuple[frozenset[str], re.Pattern[str]]:
    site = _table()["site"]
    # One alternation searched once per line, not one search per pattern.
    return frozenset(site["navigation"]), re.compile("|".join(f"(?:{p})" for p in site["patterns"]), re.IGNORECASE)


def _site_lines(lines: list[Line]) -> list[tuple[str, int, int]]:
    """Lines a site repeats through a text: navigation ("Next chapter") seen twice or more,
    advertising ("Read more at …", a notice that the copy was taken) anywhere, and any short
    line with a web address seen twice or more."""
    navigation, advertising = _site_patterns()
    counts: dict[str, list[int]] = {}
    for line in lines:
        text = line.text.strip()
        if text and len(text) <= 200:
            counts.setdefault(text, []).append(line.number)
    # One "next chapter" may be a sentence; two navigation lines in a text are a site's.
    navigating = sum(len(n) for text, n in counts.items() if text.lower() in navigation) >= 2
    found = []
    for text, numbers in counts.items():
        repeated = len(numbers) >= 2
        if (
            (navigating and text.lower() in navigation)
            or advertising.search(text)
            or (repeated and len(text) <= 120 and WEB_ADDRESS.search(text))
        ):
            found.append((text, len(numbers), numbers[0]))
    return sorted(found, key=lambda f: f[2])


def _strip_site_lines(lines: list[Line], found: list[tuple[str, int, int]]) -> list[Removal]:
    texts = {text for text, _, _ in found}
    removed = []
    for line in lines:
        if line.text.strip() in texts:
            removed.append(Removal(line.number, line.text.strip(), "a site's navigation or advertising line"))
            line.text = ""
    return removed
