"""Gather items into chapters under their headings, nested under parts, and warn about odd numbering."""

from __future__ import annotations

from dataclasses import replace

from booksmith.model import Block, Chapter, ChapterKind, Heading, Paragraph, SceneBreak, Verse, block_texts
from booksmith.structure.labels import heading_label, split_label
from booksmith.structure.lines import Item
from booksmith.structure.numbers import number_value
from booksmith.structure.paragraphs import inline_markup, join_lines

# A text this long with no headings probably has headings booksmith missed.
LONG_WITHOUT_CHAPTERS = 30_000


def build_chapters(items: list[Item]) -> list[Chapter]:
    """Chapters in reading order; text before the first heading is front matter."""
    chapters: list[Chapter] = []
    blocks: list[Block] = []
    heading: Item | None = None
    depth_now = 0

    def flush() -> None:
        nonlocal depth_now
        tidy = _tidy_breaks(blocks)
        if heading is None:
            if tidy:
                chapters.append(Chapter(None, tuple(tidy), kind="front"))
            return
        kind: ChapterKind = heading.level if heading.level in ("part", "front", "back") else "chapter"  # type: ignore[assignment]
        title, subtitle = split_label(heading)
        if kind == "part":
            # Volumes, books and parts all stand at the top of the contents: the
            # model nests one level (parts over chapters), as EPUB readers show best.
            depth, depth_now = 0, 1
        elif kind == "chapter":
            depth = depth_now
        else:
            depth, depth_now = 0, 0  # a preface or an afterword stands outside the parts
        subtitle = inline_markup(subtitle) if subtitle else None
        chapters.append(Chapter(inline_markup(title), tuple(tidy), kind=kind, subtitle=subtitle, depth=depth))

    for item in items:
        if item.kind == "heading" and item.level == "section":
            blocks.append(Heading(inline_markup(heading_label(item.text)), item.lines[0].number))
        elif item.kind == "heading":
            flush()
            heading, blocks = item, []
        elif item.kind == "break":
            blocks.append(SceneBreak(item.lines[0].number))
        elif item.kind == "verse":
            texts = item.texts or _indented_lines(item)
            lines = tuple(inline_markup(t) for t in texts)
            blocks.append(Verse(lines, item.lines[0].number, align=item.align))
        elif item.kind == "para":
            text = item.shown
            if text is None:
                text = join_lines(item.texts or [ln.text for ln in item.lines])
            blocks.append(Paragraph(inline_markup(text), item.align, item.lines[0].number, role=item.role))
    flush()
    if len(chapters) == 1 and chapters[0].kind == "front":
        chapters[0] = replace(chapters[0], kind="chapter")
    elif chapters and chapters[0].kind == "front" and chapters[0].title is None:
        # Before the first heading the gaps are title-page layout, not scene breaks.
        blocks = tuple(block for block in chapters[0].blocks if not isinstance(block, SceneBreak))
        chapters[0] = Chapter(None, blocks, kind="front")
    return chapters


# An em space per two columns a verse line is indented beyond its stanza: HTML keeps
# it (it is not collapsible white space), so alternate-line indents survive.
EM_SPACE = "\u2003"
MAX_VERSE_INDENT = 8


def _indented_lines(item: Item) -> list[str]:
    base = min(line.indent for line in item.lines)
    return [
        EM_SPACE * min(MAX_VERSE_INDENT, max(1, (line.indent - base) // 2)) * (line.indent > base) + line.text.strip()
        for line in item.lines
    ]


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


def numbering_warnings(chapters: list[Chapter]) -> list[str]:
    """Gaps in chapter numbers (numbering starts again in each part), and long texts without chapters."""
    warnings = []
    numbers: list[int] = []
    for chapter in chapters:
        if chapter.kind == "part":
            numbers = []
        elif chapter.kind == "chapter" and chapter.title:
            number = number_value(chapter.title)
            if number is not None:
                numbers.append(number)
                if len(numbers) >= 2 and numbers[-1] > numbers[-2] + 1:
                    previous, current = numbers[-2], numbers[-1]
                    missing = ", ".join(str(n) for n in range(previous + 1, min(current, previous + 4)))
                    warnings.append(f"chapter numbering jumps from {previous} to {current} (missing {missing})")
    if len(chapters) == 1:
        words = sum(len(t.split()) for b in chapters[0].blocks for t in block_texts(b))
        if words > LONG_WITHOUT_CHAPTERS:
            warnings.append(f"no chapter headings found in {words} words; try --chapter-pattern")
    return warnings
