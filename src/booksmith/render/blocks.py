"""Render model blocks to XHTML fragments: escaping, inline markup, sections."""

from __future__ import annotations

import re

from booksmith import chars
from booksmith.model import Chapter, Heading, Metadata, Paragraph, SceneBreak, Verse

# A section's epub:type and ARIA role by the model's kind; front and back matter
# whose title names what it is (in any language booksmith knows) say so instead.
EPUB_TYPES = {
    "front": ("frontmatter", None),
    "part": ("part", "doc-part"),
    "chapter": ("chapter", "doc-chapter"),
    "back": ("backmatter", None),
}
NAMED_SECTIONS = (
    ("prologue", re.compile(r"prolog|prólogo|пролог", re.IGNORECASE)),
    ("epilogue", re.compile(r"epilog|epílogo|эпилог", re.IGNORECASE)),
    ("preface", re.compile(r"preface|préface|prefacio|prefazione|vorwort|voorwoord|предисловие", re.IGNORECASE)),
    ("foreword", re.compile(r"foreword|avant-propos", re.IGNORECASE)),
    ("introduction", re.compile(r"introduc|einleitung|введение", re.IGNORECASE)),
    ("afterword", re.compile(r"afterword|nachwort|postface|postscript", re.IGNORECASE)),
    ("appendix", re.compile(r"appendi|anhang", re.IGNORECASE)),
    ("acknowledgments", re.compile(r"acknowledg", re.IGNORECASE)),
)
# Where a section sits in the book, for the <body>'s epub:type.
MATTER = {"titlepage": "frontmatter", "front": "frontmatter", "part": "bodymatter", "chapter": "bodymatter"}
MATTER_OF_NAMED = {"prologue": "bodymatter", "epilogue": "bodymatter"}
MARKUP_TAGS = {
    chars.EMPHASIS_START: "<em>",
    chars.EMPHASIS_END: "</em>",
    chars.STRONG_START: "<strong>",
    chars.STRONG_END: "</strong>",
}


def escape(text: str) -> str:
    """Escape text for XHTML content and attribute values (`]]>` is covered by escaping `>`)."""
    # Chained replace runs at C speed; str.translate with a dict looks every
    # character up in Python and took a tenth of a large book's build.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


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


def section_semantics(chapter: Chapter) -> tuple[str, str | None, str]:
    """The section's epub:type, its ARIA role (None if DPUB-ARIA has none) and its body's epub:type."""
    epub_type, role = EPUB_TYPES[chapter.kind]
    if chapter.kind in ("front", "back", "chapter") and chapter.title:
        for name, pattern in NAMED_SECTIONS:
            if pattern.match(plain(chapter.title).strip()):
                epub_type, role = name, f"doc-{name}"
                break
    matter = MATTER_OF_NAMED.get(epub_type) or MATTER.get(chapter.kind, "backmatter")
    return epub_type, role, matter


def section_attributes(chapter: Chapter, anchor: str, label: str, *, continued: bool = False) -> str:
    epub_type, role, _ = section_semantics(chapter)
    classes = f"{chapter.kind} continued" if continued else chapter.kind
    role_attribute = f' role="{role}"' if role else ""
    return f'id="{anchor}" class="{classes}" epub:type="{epub_type}"{role_attribute} {label}'


def chapter_body(chapter: Chapter, anchor: str, *, fallback_title: str) -> str:
    """The <section> for one chapter; an untitled chapter is labelled for assistive technology."""
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
    return f"<section {section_attributes(chapter, anchor, label)}>\n{body}\n</section>"


def continuation_body(chapter: Chapter, anchor: str, blocks: list[str], *, label: str) -> str:
    """The <section> holding a later piece of a chapter too long for one file."""
    aria = f'aria-label="{escape(label)}"'
    body = "\n".join(blocks)
    return f"<section {section_attributes(chapter, anchor, aria, continued=True)}>\n{body}\n</section>"


def titlepage_body(metadata: Metadata) -> str:
    lines = [f'<h1 class="title">{escape(plain(metadata.title or "Untitled"))}</h1>']
    if metadata.subtitle:
        lines.append(f'<p class="subtitle">{escape(metadata.subtitle)}</p>')
    if metadata.authors:
        lines.append(f'<p class="author">{escape(" & ".join(metadata.authors))}</p>')
    if metadata.series:
        index = f" {metadata.series_index:g}" if metadata.series_index is not None else ""
        lines.append(f'<p class="series">{escape(metadata.series)}{index}</p>')
    if metadata.description:
        # The book's summary (an archive's "Summary:"): readers choose a story by it.
        lines.append(f'<p class="summary">{escape(plain(metadata.description))}</p>')
    lines.extend(f'<p class="credits">{escape(credit)}</p>' for credit in metadata.credits)
    body = "\n".join(lines)
    return f'<section id="titlepage" class="titlepage" epub:type="titlepage">\n{body}\n</section>'
