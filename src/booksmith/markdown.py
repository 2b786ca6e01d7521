"""Read a Markdown manuscript into the book model: the reader for `.md` files and `--from markdown`.

A reader turns a source into the same model structure() makes of plain text, so typography,
rendering and every writer stay as they are. It lives beside structure/ rather than in it:
Markdown states its structure (headings, breaks, notes) instead of leaving it to be guessed,
so none of structure's detection applies.

CommonMark is parsed by markdown-it-py, notes by its footnote plugin and YAML front matter by
its front-matter plugin (TOML front matter between `+++` lines is read with tomllib). Raw HTML
is never passed through: with markdown-it's `html` option off it stays text, escaped on output.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from booksmith import chars
from booksmith.config import metadata_from
from booksmith.errors import InputError
from booksmith.model import Block, Book, Chapter, Heading, Metadata, Note, Paragraph, SceneBreak, Verse, note_ref
from booksmith.options import ReadOptions
from booksmith.structure import Structured, guess_language

MARKDOWN_SUFFIXES = (".md", ".markdown")
TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)
INLINE_MARKUP = {
    "em_open": chars.EMPHASIS_START,
    "em_close": chars.EMPHASIS_END,
    "strong_open": chars.STRONG_START,
    "strong_close": chars.STRONG_END,
}


@dataclass(frozen=True)
class ReadMarkdown:
    """A Markdown manuscript as the model, and the texts the word check compares."""

    structured: Structured
    # The notes' texts in the order the book shows them (the body text leaves them out).
    notes_text: str


def is_markdown(name: str, options: ReadOptions) -> bool:
    """Whether a source is read as Markdown: `--from` decides, else its name."""
    if options.source_format is not None:
        return options.source_format == "markdown"
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).use(footnote_plugin).use(front_matter_plugin)


def read_markdown(text: str, options: ReadOptions | None = None, *, name: str = "<markdown>") -> ReadMarkdown:
    """Build the book model from Markdown text."""
    options = options or ReadOptions()
    front: dict[str, Any] = {}
    toml = TOML_FRONT_MATTER.match(text)
    if toml:
        front = _toml_front_matter(toml.group(1))
        text = "\n" * toml.group(0).count("\n") + text[toml.end() :]  # keep line numbers
    tokens = parser().parse(text)
    if tokens and tokens[0].type == "front_matter":
        front = _yaml_front_matter(tokens[0].content)
    reader = _Reader(tokens)
    chapters, title = reader.chapters()
    if not any(chapter.blocks or chapter.title for chapter in chapters):
        raise InputError("has no text to convert once its front matter is read")
    found = metadata_from(front, Path(name)) if front else Metadata()
    if title and not found.title:
        found = Metadata(title=title).over(found)
    sample = " ".join(b.text for c in chapters[:50] for b in c.blocks[:200] if isinstance(b, Paragraph))
    guessed = Metadata(language=guess_language(sample), title=options.fallback_title or "Untitled")
    metadata = options.metadata.over(found.over(guessed))
    book = Book(metadata, tuple(chapters))
    structured = Structured(book, "markdown", (), "\n".join(reader.body_words))
    return ReadMarkdown(structured, "\n".join(note.text for chapter in chapters for note in chapter.notes))


def _toml_front_matter(source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"its TOML front matter (between +++ lines) is not valid: {error}; fix that line") from None


def _yaml_front_matter(source: str) -> dict[str, Any]:
    import yaml

    try:
        table = yaml.safe_load(source)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" on line {where.line + 2}" if where is not None else ""
        raise InputError(f"its YAML front matter (between --- lines) is not valid{line}; fix it") from None
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise InputError("its front matter must be key: value lines (title: …, author: …)")
    return {str(k): v for k, v in table.items()}


@dataclass
class _Section:
    level: int
    title: str | None
    blocks: list[Block] = field(default_factory=list)
    # Footnote ids the section refers to, in order (their numbers in the chapter are their places here).
    notes: list[int] = field(default_factory=list)


class _Reader:
    """Walks markdown-it's token stream once, collecting sections, notes and the words for the check."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self._start(deepest=6)

    def _start(self, *, deepest: int) -> None:
        # Headings deeper than this level are headings inside a chapter, not chapters.
        self.deepest = deepest
        self.body_words: list[str] = []
        self.footnotes: dict[int, str] = {}
        self.sections: list[_Section] = [_Section(0, None)]
        # "• " or "3. " before the first paragraph of a list item, until that paragraph is read.
        self.item_marker: str | None = None

    def chapters(self) -> tuple[list[Chapter], str | None]:
        """The chapters, and the book's title when a lone top heading opens the text."""
        self._walk()
        sections = [s for s in self.sections if s.title is not None or s.blocks]
        levels = sorted({s.level for s in sections if s.title is not None})
        title_level = None
        top = [s for s in sections if s.level == levels[0]] if levels else []
        if len(levels) > 1 and len(top) == 1 and sections[0] is top[0] and not top[0].blocks:
            title_level, levels = levels[0], levels[1:]  # "# Book title" then "## Chapter" headings
        part_level = levels[0] if len(levels) > 1 and self._top_level_holds_chapters(sections, levels) else None
        chapter_level = levels[1] if part_level is not None else (levels[0] if levels else 1)
        if levels and levels[-1] > chapter_level:
            # Deeper headings are headings inside a chapter: read again with that known.
            self._start(deepest=chapter_level)
            self._walk()
            sections = [s for s in self.sections if s.title is not None or s.blocks]
        title = None
        if title_level is not None:
            title, sections = sections[0].title, sections[1:]
        chapters = []
        for section in sections:
            if section.title is None:
                kind, depth = ("chapter" if len(sections) == 1 else "front"), 0
            elif section.level == part_level:
                kind, depth = "part", 0
            else:
                kind, depth = "chapter", 1 if part_level is not None else 0
            chapters.append(self._chapter(section, kind, depth))
        return chapters, title

    def _top_level_holds_chapters(self, sections: list[_Section], levels: list[int]) -> bool:
        """Top headings are parts when each is followed by headings of the next level."""
        for index, section in enumerate(sections):
            if section.level == levels[0] and section.title is not None:
                following = sections[index + 1] if index + 1 < len(sections) else None
                if following is None or following.level != levels[1]:
                    return False
        return True

    def _chapter(self, section: _Section, kind: str, depth: int) -> Chapter:
        # The blocks refer to notes by their place in the section's list (see `_reference`).
        notes = tuple(Note(n, self.footnotes.get(footnote, "")) for n, footnote in enumerate(section.notes, start=1))
        return Chapter(section.title, tuple(section.blocks), kind=kind, depth=depth, notes=notes)  # type: ignore[arg-type]

    def _walk(self) -> None:
        tokens = self.tokens
        index = 0
        quote_depth = 0
        lists: list[list[int]] = []  # the next number of each open list (0 for bullets)
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            line = token.map[0] + 1 if token.map else 0
            if kind == "heading_open":
                # A note called from a heading would be called from a chapter title: read as text.
                text = self._inline(tokens[index + 1], notes=False)
                level = int(token.tag[1])
                if level > self.deepest:
                    self.sections[-1].blocks.append(Heading(text, line))
                else:
                    self.sections.append(_Section(level, text))
                index += 3
                continue
            if kind == "footnote_block_open":
                index = self._footnotes(index)
                continue
            if kind == "blockquote_open":
                quote_depth += 1
            elif kind == "blockquote_close":
                quote_depth -= 1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                lists.append([int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open" and lists:
                self.item_marker = f"{lists[-1][0]}. " if lists[-1][0] else "• "
                if lists[-1][0]:
                    lists[-1][0] += 1
            elif kind == "hr":
                self.sections[-1].blocks.append(SceneBreak(line))
            elif kind in ("fence", "code_block"):
                lines = tuple(token.content.rstrip("\n").split("\n"))
                self.body_words.append(token.content)
                self.sections[-1].blocks.append(Verse(lines, line))
            elif kind == "inline":
                text = self._inline(token)
                role = "blockquote" if quote_depth else None
                if lists and self.item_marker is not None:
                    text, role = self.item_marker + text, "list-item"
                    self.item_marker = None
                elif lists:
                    role = "list-item"
                if text.strip():
                    self.sections[-1].blocks.append(Paragraph(text, line=line, role=role))
            index += 1

    def _inline(self, token: Token, *, words: list[str] | None = None, notes: bool = True) -> str:
        """The model's text of an inline token: markup characters for emphasis, note references.

        Its visible text goes to `words` (the body's, for the word check) as one run.
        """
        parts, visible = [], []
        for child in token.children or ():
            if child.type in ("text", "code_inline", "image"):
                parts.append(child.content)
                visible.append(child.content)
            elif child.type in INLINE_MARKUP:
                parts.append(INLINE_MARKUP[child.type])
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
                visible.append(" ")
            elif child.type == "footnote_ref" and notes:
                parts.append(self._reference(child.meta["id"], child.meta.get("subId", 0)))
                visible.append(" ")
            elif child.type == "footnote_ref":
                label = f"[{child.meta['id'] + 1}]"  # markdown-it numbers notes from 0
                parts.append(label)
                visible.append(label)
        (self.body_words if words is None else words).append("".join(visible))
        return "".join(parts)

    def _reference(self, footnote: int, repeat: int) -> str:
        """A note reference; a note referred to again is one note, linked from its first reference only."""
        notes = self.sections[-1].notes
        if repeat or footnote in notes:
            return ""
        notes.append(footnote)
        return note_ref(len(notes))

    def _footnotes(self, index: int) -> int:
        """Read the footnote block (markdown-it gathers the notes at the end); returns the index after it."""
        tokens = self.tokens
        current = None
        texts: list[str] = []
        ignored: list[str] = []  # the notes are checked on their own, not as body words
        while tokens[index].type != "footnote_block_close":
            token = tokens[index]
            if token.type == "footnote_open":
                current, texts = token.meta["id"], []
            elif token.type == "inline":
                # A note inside a note is not linked (a pop-up inside a pop-up): its number shows as text.
                texts.append(self._inline(token, words=ignored, notes=False))
            elif token.type == "footnote_close" and current is not None:
                self.footnotes[current] = " ".join(t for t in texts if t.strip())
            index += 1
        return index + 1
