"""Define every option of the pipeline, one frozen dataclass per stage, with its default."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from booksmith.model import Metadata

PARAGRAPH_CONVENTIONS = ("blank", "indent", "line", "wrapped")
DASH_STYLES = ("auto", "closed", "spaced", "en-spaced", "keep")
QUOTE_STYLES = ("auto", "american", "british")
FORMATS = ("epub", "pdf", "kepub")
PAGE_SIZES = ("a5", "a4", "letter", "trade", "pocket", "ereader")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")
PDF_ENGINES = ("weasyprint", "typst")
AUTHORS_NOTES = ("keep", "end", "drop")


@dataclass(frozen=True)
class ReplaceRule:
    """One find-and-replace rule: a regular expression, its replacement, and how many matches to change (0 = all)."""

    find: str
    replace: str = ""
    count: int = 0
    # Where the rule was written and its number there, for messages ("booksmith.toml, rule 2").
    origin: str = ""
NOTE_PLACEMENTS = ("footnotes", "endnotes")
SOURCE_FORMATS = ("text", "markdown")


@dataclass(frozen=True, kw_only=True)
class ReadOptions:
    """How raw bytes become a book model (decode, clean, structure)."""

    # A Python codec name that overrides detection (e.g. "cp1252"); None detects.
    encoding: str | None = None
    # One of PARAGRAPH_CONVENTIONS; None detects the text's own convention.
    paragraphs: str | None = None
    # A regular expression matching whole heading lines; None uses built-in detection.
    chapter_pattern: str | None = None
    # How many blank lines in a row mark a scene break (0: blank lines never do); None decides
    # from the text's own spacing.
    scene_break_lines: int | None = None
    # Keep Project Gutenberg headers and licences in the book instead of removing them.
    keep_boilerplate: bool = False
    # Metadata that wins over what the text says (from the command line or a sidecar).
    metadata: Metadata = field(default_factory=Metadata)
    # Readable title used when nothing else names the book (usually from the file name).
    fallback_title: str | None = None
    # Author's notes: "keep" them where they stand, gather them at the chapter's "end", or "drop" them.
    authors_notes: str = "keep"
    # Take out the navigation and advertising lines a site repeats through a text.
    strip_site_lines: bool = False
    # Find-and-replace rules applied to the text before structure (from booksmith.toml or STEM.toml).
    replace_rules: tuple[ReplaceRule, ...] = ()
    # One of SOURCE_FORMATS; None reads .md and .markdown files as Markdown, others as text.
    source_format: str | None = None


@dataclass(frozen=True, kw_only=True)
class TypographyOptions:
    """How plain ASCII punctuation becomes typeset punctuation."""

    # Curl straight quotes and apostrophes.
    smart_quotes: bool = True
    # "auto" follows the book's language; "british" puts single quotes outermost.
    quotes: str = "auto"
    # One of DASH_STYLES; "auto" picks the book language's convention.
    dash_style: str = "auto"


@dataclass(frozen=True, kw_only=True)
class RenderOptions:
    """How the model becomes XHTML, CSS and pages."""

    # Name of a theme in styles/ ("classic" or "modern").
    theme: str = "classic"
    # Ornament drawn for a scene break where the reader supports generated content.
    scene_break: str = "⁂"
    # PDF page size, one of PAGE_SIZES.
    page_size: str = "a5"
    # PDF body font size in points; None keeps the page size's default.
    font_size: float | None = None
    # Seconds since the epoch stamped into outputs; None uses the source file's mtime or now.
    timestamp: int | None = None
    # A JPEG or PNG for the EPUB cover; None generates a typographic cover (unless no_cover).
    cover: Path | None = None
    # Leave the EPUB without a cover image.
    no_cover: bool = False
    # Put the shipped OFL fonts (and their licence) inside the EPUB.
    embed_fonts: bool = False
    # PDF standard to conform to, one of PDF_VARIANTS (tagged or archival); None for a plain PDF.
    pdf_variant: str | None = None
    # Put the cover (the --cover image, else the generated one) on the PDF's first page.
    cover_page: bool = False
    # Worker processes laying out the PDF's chapters; None uses every CPU, 1 lays out in-process.
    pdf_workers: int | None = None
    # What lays out the PDF, one of PDF_ENGINES: WeasyPrint (HTML and CSS) or Typst (many times faster).
    pdf_engine: str = "weasyprint"
    # Where notes go, one of NOTE_PLACEMENTS: after their paragraph as pop-ups (the PDF's foot
    # of the page), or in a list at the end of their chapter.
    notes_as: str = "footnotes"


@dataclass(frozen=True, kw_only=True)
class BuildOptions:
    """Everything one build needs: the stage options plus what to write and how to check it."""

    read: ReadOptions = field(default_factory=ReadOptions)
    typography: TypographyOptions = field(default_factory=TypographyOptions)
    render: RenderOptions = field(default_factory=RenderOptions)
    # Output formats, a subset of FORMATS, in the order they are written.
    formats: tuple[str, ...] = ("epub", "pdf")
    # Compare the words of the source with the words of the book before writing it.
    verify: bool = True
    # How the books' files are named, e.g. "{author} - {title}"; None keeps the text's file name.
    name: str | None = None


@dataclass(frozen=True, kw_only=True)
class BatchOptions:
    """How a folder is converted: which files, where the books go, and how many at once."""

    # File-name pattern of the inputs (case-insensitive), e.g. "*.txt".
    pattern: str = "*.txt"
    # Also convert the files in subfolders (the output mirrors the tree).
    recursive: bool = False
    # Root folder of the books; None writes each book beside its input.
    output: str | None = None
    # Worker processes; None uses every core.
    jobs: int | None = None
    # Rebuild every book, even those the manifest says are up to date.
    force: bool = False
    # A book whose text raised warnings counts as failed.
    strict: bool = False
    # "local" (a process pool on this machine) or "dask" (a dask.distributed cluster).
    executor: str = "local"
    # The Dask scheduler's address (tcp://HOST:8786) when executor is "dask".
    scheduler: str | None = None
    # Build settings the user gave on the command line; these win over booksmith.toml files.
    command_line: frozenset[str] = frozenset()
