"""Render model blocks to XHTML fragments: escaping, inline markup, sections."""

from __future__ import annotations

from booksmith import chars
from booksmith.model import Chapter, Heading, Metadata, Paragraph, SceneBreak, Verse

EPUB_TYPES = {
    "front": ("frontmatter", "doc-preface"),
    "part": ("part", "doc-part"),
    "chapter": ("chapter", "doc-chapter"),
    "back": ("backmatter", "doc-epilogue"),
}
MARKUP_TAGS = {
    chars.EMPHASIS_START: "<em>",
    chars.EMPHASIS_END: "</em>",
    chars.STRONG_START: "<strong>",
    chars.STRONG_END: "</strong>",
}
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def escape(text: str) -> str:
    """Escape text for XHTML content and attribute values (`]]>` is covered by escaping `>`)."""
    return text.translate(ESCAPES)


def plain(text: str) -> str:
    """Text without the model's inline markup characters, for labels and metadata."""
    return text.translate({ord(ch): None for ch in chars.MARKUP})


def inline(text: str) -> str:
    """Escaped text with markup characters turned into elements; unbalanced markup is dropped."""
    escaped = escape(text)
    if not any(ch in escaped for ch in chars.MARKUP):
        return escaped
    if not _balanced(escaped):
        return plain(escaped)
    return "".join(MARKUP_TAGS.get(ch, ch) for ch in escaped)


def _balanced(text: str) -> bool:
    stack: list[str] = []
    closers = {chars.EMPHASIS_END: chars.EMPHASIS_START, chars.STRONG_END: chars.STRONG_START}
    for ch in text:
        if ch in (chars.EMPHASIS_START, chars.STRONG_START):
            stack.append(ch)
        elif ch in closers and (not stack or stack.pop() != closers[ch]):
            return False
    return not stack


def block_xhtml(block: Paragraph | Verse | SceneBreak | Heading) -> str:
    if isinstance(block, Paragraph):
        classes = " ".join(c for c in (block.align, block.role) if c)
        align = f' class="{classes}"' if classes else ""
        return f"<p{align}>{inline(block.text)}</p>"
    if isinstance(block, SceneBreak):
        return '<hr class="scene-break"/>'
    if isinstance(block, Verse):
        lines = "\n".join(f'<p class="line">{inline(line)}</p>' for line in block.lines)
        verse_class = f"verse {block.align}" if block.align else "verse"
        return f'<div class="{verse_class}">\n{lines}\n</div>'
    return f'<h3 class="inline-heading">{inline(block.text)}</h3>'


def chapter_body(chapter: Chapter, anchor: str, *, fallback_title: str) -> str:
    """The <section> for one chapter; an untitled chapter is labelled for assistive technology."""
    epub_type, role = EPUB_TYPES[chapter.kind]
    level = "h1" if chapter.kind == "part" else "h2"
    parts = []
    if chapter.title:
        heading = f'<span class="label">{inline(chapter.title)}</span>'
        if chapter.subtitle:
            heading += f' <span class="subtitle">{inline(chapter.subtitle)}</span>'
        parts.append(f'<{level} id="{anchor}-title" class="chapter-title">{heading}</{level}>')
        label = f'aria-labelledby="{anchor}-title"'
    else:
        label = f'aria-label="{escape(plain(fallback_title))}" data-bookmark="{escape(plain(fallback_title))}"'
    parts.extend(block_xhtml(block) for block in chapter.blocks)
    body = "\n".join(parts)
    attributes = f'id="{anchor}" class="{chapter.kind}" epub:type="{epub_type}" role="{role}" {label}'
    return f"<section {attributes}>\n{body}\n</section>"


def titlepage_body(metadata: Metadata) -> str:
    lines = [f'<h1 class="title">{escape(plain(metadata.title or "Untitled"))}</h1>']
    if metadata.subtitle:
        lines.append(f'<p class="subtitle">{escape(metadata.subtitle)}</p>')
    if metadata.authors:
        lines.append(f'<p class="author">{escape(" & ".join(metadata.authors))}</p>')
    if metadata.series:
        index = f" {metadata.series_index:g}" if metadata.series_index is not None else ""
        lines.append(f'<p class="series">{escape(metadata.series)}{index}</p>')
    lines.extend(f'<p class="credits">{escape(credit)}</p>' for credit in metadata.credits)
    body = "\n".join(lines)
    return f'<section id="titlepage" class="titlepage" epub:type="titlepage">\n{body}\n</section>'
