"""Render model blocks to XHTML fragments: escaping, inline markup, sections."""

from __future__ import annotations

import re
from dataclasses import dataclass

from booksmith import chars
from booksmith.model import NOTE_REF_BASE, Chapter, Heading, Metadata, Note, Paragraph, SceneBreak, Verse, note_number

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


# The characters that stand for note references (model.note_ref).
NOTE_REF = re.compile(f"[{chr(NOTE_REF_BASE + 1)}-{chr(NOTE_REF_BASE + 0x7FF)}]")


@dataclass(frozen=True)
class NoteLinks:
    """How a chapter's note references and notes are written."""

    # The chapter's section id: note ids start with it, so they stay unique in a printed book.
    anchor: str
    notes: dict[int, Note]
    # "footnotes": each note after the paragraph that refers to it (EPUB pop-ups; PDF foot of
    # the page); "endnotes": the chapter's notes in a list at its end.
    placement: str = "footnotes"
    # For the PDF: footnotes stand inside the text where they are called (CSS `float: footnote`).
    for_print: bool = False
    # The heading of a chapter's endnotes, in the book's language.
    heading: str = "Notes"

    def note_id(self, number: int) -> str:
        return f"{self.anchor}-note{number}"

    def ref_id(self, number: int) -> str:
        return f"{self.anchor}-ref{number}"


def escape(text: str) -> str:
    """Escape text for XHTML content and attribute values (`]]>` is covered by escaping `>`)."""
    # Chained replace runs at C speed; str.translate with a dict looks every
    # character up in Python and took a tenth of a large book's build.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def plain(text: str) -> str:
    """Text without the model's inline markup characters, for labels and metadata."""
    return text.translate({ord(ch): None for ch in chars.MARKUP})


def inline(text: str, links: NoteLinks | None = None) -> str:
    """Escaped text with markup characters turned into elements; unbalanced markup is dropped."""
    escaped = escape(text)
    if links is not None and links.notes and NOTE_REF.search(escaped):
        escaped = NOTE_REF.sub(lambda m: _note_call(m.group(), links), escaped)
    if not any(ch in escaped for ch in chars.MARKUP):
        return escaped
    if not balanced(escaped):
        return plain(escaped)
    return "".join(MARKUP_TAGS.get(ch, ch) for ch in escaped)


def _note_call(ch: str, links: NoteLinks) -> str:
    """A note reference: a link to the note, or for a printed footnote the note itself."""
    number = note_number(ch)
    note = links.notes.get(number) if number is not None else None
    if note is None:
        return ch
    if links.for_print and links.placement == "footnotes":
        return f'<span class="footnote" data-number="{number}">{inline(note.text)}</span>'
    return (
        f'<a class="noteref" epub:type="noteref" role="doc-noteref" id="{links.ref_id(number)}"'
        f' href="#{links.note_id(number)}">{number}</a>'
    )


def note_numbers(text: str) -> list[int]:
    """The numbers of the notes a text refers to, in order."""
    return [n for n in (note_number(m.group()) for m in NOTE_REF.finditer(text)) if n is not None]


def _note_body(note: Note, links: NoteLinks) -> str:
    back = f'<a class="note-number" href="#{links.ref_id(note.number)}" role="doc-backlink">{note.number}.</a>'
    return f"<p>{back} {inline(note.text)}</p>"


def footnotes_xhtml(text: str, links: NoteLinks | None) -> str:
    """The asides of the footnotes a block's text refers to, to stand right after the block."""
    if links is None or links.placement != "footnotes" or links.for_print or not NOTE_REF.search(text):
        return ""
    asides = [
        f'\n<aside id="{links.note_id(n)}" class="footnote" epub:type="footnote" role="doc-footnote">'
        f"\n{_note_body(links.notes[n], links)}\n</aside>"
        for n in note_numbers(text)
        if n in links.notes
    ]
    return "".join(asides)


def endnotes_xhtml(links: NoteLinks | None, numbers: set[int] | None = None) -> str:
    """A chapter's notes (or those of `numbers`) as a list at its end, when notes are endnotes."""
    if links is None or links.placement != "endnotes" or not links.notes:
        return ""
    chosen = sorted(n for n in links.notes if numbers is None or n in numbers)
    if not chosen:
        return ""
    items = "\n".join(
        f'<li id="{links.note_id(n)}" class="endnote" epub:type="endnote">{_note_body(links.notes[n], links)}</li>'
        for n in chosen
    )
    return (
        f'<section class="endnotes" epub:type="endnotes" role="doc-endnotes">\n'
        f'<h3 class="endnotes-title">{escape(links.heading)}</h3>\n<ol>\n{items}\n</ol>\n</section>'
    )


def balanced(text: str) -> bool:
    """Whether the emphasis and strong marks of a model text open and close in order."""
    stack: list[str] = []
    closers = {chars.EMPHASIS_END: chars.EMPHASIS_START, chars.STRONG_END: chars.STRONG_START}
    for ch in text:
        if ch in (chars.EMPHASIS_START, chars.STRONG_START):
            stack.append(ch)
        elif ch in closers and (not stack or stack.pop() != closers[ch]):
            return False
    return not stack


def block_xhtml(block: Paragraph | Verse | SceneBreak | Heading, links: NoteLinks | None = None) -> str:
    """A block's XHTML; with `links`, its note references are links and its footnotes follow it."""
    if isinstance(block, Paragraph):
        classes = " ".join(c for c in (block.align, block.role) if c)
        align = f' class="{classes}"' if classes else ""
        return f"<p{align}>{inline(block.text, links)}</p>{footnotes_xhtml(block.text, links)}"
    if isinstance(block, SceneBreak):
        return '<hr class="scene-break"/>'
    if isinstance(block, Verse):
        lines = "\n".join(f'<p class="line">{inline(line)}</p>' for line in block.lines)
        verse_class = f"verse {block.align}" if block.align else "verse"
        return f'<div class="{verse_class}">\n{lines}\n</div>'
    return f'<h3 class="inline-heading">{inline(block.text, links)}</h3>{footnotes_xhtml(block.text, links)}'


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


def note_links(chapter: Chapter, anchor: str, *, placement: str, for_print: bool, heading: str) -> NoteLinks | None:
    """How the chapter's notes are written, or None if it has none."""
    if not chapter.notes:
        return None
    notes = {note.number: note for note in chapter.notes}
    return NoteLinks(anchor, notes, placement, for_print, heading)


def chapter_body(chapter: Chapter, anchor: str, *, fallback_title: str, links: NoteLinks | None = None) -> str:
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
    parts.extend(block_xhtml(block, links) for block in chapter.blocks)
    if endnotes := endnotes_xhtml(links):
        parts.append(endnotes)
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
