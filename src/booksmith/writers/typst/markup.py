"""Turn the book model into Typst source: every text a string literal, every structure a call of book.typ.

Why string literals: in Typst markup nearly every ASCII punctuation mark means
something (`#` code, `$` maths, `*` and `_` emphasis, `@` references, `<` labels,
`[` content, `\\` escapes, `//` comments, `--` dashes, `'` and `"` smart quotes,
`=`, `-`, `+` and `1.` at a line's start). Inside a string literal only `\\` and
`"` do, so a text is set exactly as the model holds it, whatever it contains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from booksmith import chars
from booksmith.model import Block, Chapter, Heading, Note, Paragraph, SceneBreak, Verse, note_number
from booksmith.render.blocks import NOTE_REF, balanced, plain

# Control characters a Typst string cannot hold unescaped (clean() removes most of them).
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MARKUP_CALLS = {
    chars.EMPHASIS_START: "#emph[",
    chars.EMPHASIS_END: "]",
    chars.STRONG_START: "#strong[",
    chars.STRONG_END: "]",
}
# Paragraph roles of the model that book.typ sets with a function of the same name.
ROLES = ("speaker", "stage-direction", "caption")
SPLIT_MARKUP = re.compile(f"([{chars.MARKUP}])")
SPLIT_NOTES = re.compile(f"({NOTE_REF.pattern})")
# A chapter's notes by number, for the references in its text.
Notes = dict[int, Note]


def string(text: str) -> str:
    """A Typst string literal holding `text` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if CONTROL.search(escaped):
        escaped = CONTROL.sub(lambda m: f"\\u{{{ord(m.group()):x}}}", escaped)
    return f'"{escaped}"'


def content(text: str, notes: Notes | None = None) -> str:
    """A Typst content block `[…]` of a model text, its emphasis and strong runs as calls."""
    return f"[{inline(text, notes)}]"


def inline(text: str, notes: Notes | None = None) -> str:
    """Markup for a model text: `#"…"` runs, with `#emph[…]` and `#strong[…]` around marked ones.

    A note's reference becomes Typst's own `#footnote[…]`, set at the foot of the page.
    Unbalanced markup (which the model should not hold) is dropped, as the XHTML renderer does.
    """
    if notes and NOTE_REF.search(text):
        return "".join(
            _footnote(piece, notes) if NOTE_REF.fullmatch(piece) else inline(piece)
            for piece in SPLIT_NOTES.split(text)
            if piece
        )
    if not any(ch in text for ch in chars.MARKUP):
        return "#" + string(text) if text else ""
    if not balanced(text):
        return "#" + string(plain(text))
    return "".join(MARKUP_CALLS.get(piece) or "#" + string(piece) for piece in SPLIT_MARKUP.split(text) if piece)


def _footnote(reference: str, notes: Notes) -> str:
    note = notes.get(note_number(reference) or 0)
    return f"#footnote[{inline(note.text)}]" if note else ""


def value(item: object) -> str:
    """A Python value (str, number, bool, None, tuple, list, dict) as a Typst literal."""
    if item is None:
        return "none"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return repr(item)
    if isinstance(item, Length):
        return str(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, dict):
        return "(" + ", ".join(f"{key}: {value(v)}" for key, v in item.items()) + ",)" if item else "(:)"
    if isinstance(item, list | tuple):
        return "(" + "".join(value(v) + ", " for v in item) + ")"
    raise TypeError(f"no Typst literal for {type(item).__name__}")


class Length(str):
    """A Typst length or ratio written as it is (`148mm`, `10.5pt`), not as a string."""


def block(block: Block, notes: Notes | None = None) -> str:
    """The markup of one block of a chapter."""
    if isinstance(block, Paragraph):
        body = inline(block.text, notes)
        if block.role in ROLES:
            return f"#{block.role}[{body}]"
        if block.align == "center":
            return f"#aligned(center)[{body}]"
        if block.align == "right":
            return f"#aligned(end)[{body}]"
        if block.align == "noindent":
            return f"#unindented[{body}]"
        return body
    if isinstance(block, SceneBreak):
        return "#scene-break()"
    if isinstance(block, Verse):
        lines = ", ".join(content(line, notes) for line in block.lines)
        align = {"center": "center", "right": "end"}.get(block.align or "", "start")
        return f"#verse(align-to: {align}, ({lines},))"
    if isinstance(block, Heading):
        return f"#inline-heading{content(block.text)}"
    raise TypeError(f"unknown block {type(block).__name__}")


def chapter(chapter: Chapter, anchor: str, head: str, *, level: int) -> Iterator[str]:
    """A chapter: its break to a fresh page, its start mark, its title, its blocks and its end mark."""
    title = content(chapter.title) if chapter.title else "none"
    subtitle = content(chapter.subtitle) if chapter.subtitle else "none"
    yield "#recto-break()"
    yield f"#metadata({string(anchor)}) <{anchor}>"
    yield f"#chapter-start({value(chapter.kind)}, {string(head)})"
    kind = value(chapter.kind)
    yield f"#chapter-title(level: {level}, kind: {kind}, head: {string(head)}, title: {title}, subtitle: {subtitle})"
    yield ""
    notes = {note.number: note for note in chapter.notes}
    for item in chapter.blocks:
        yield block(item, notes)
        yield ""
    yield f"#chapter-end({value(chapter.kind)}, {string(head)})"
