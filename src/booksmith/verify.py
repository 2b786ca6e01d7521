"""Check that every word of a source text is in a book, in order: rendered XHTML or an EPUB file."""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from lxml import etree

from booksmith.chars import WIDE_LETTERS
from booksmith.errors import InputError, VerificationError, located

if TYPE_CHECKING:
    from booksmith.options import BuildOptions

# Letters and digits: "_" is not part of a word, since `_word_` is typed emphasis
# that the book shows as an italic "word".
# Chinese and Japanese (and hangul, to be safe) put no spaces between words, and joining
# a wrapped line closes up the newline between two of their characters: each such
# character is compared as a word of its own.
WIDE_LETTER = re.compile(f"[{WIDE_LETTERS}]")
WORD = re.compile(rf"[{WIDE_LETTERS}]|[^\W_{WIDE_LETTERS}]+")
# How many words of its own the fast path lets the book add between two runs of
# source words (title page, labels); a longer gap sends the check to the exact path.
LOOKAHEAD = 400
# huge_tree lifts libxml2's 10 MB text-node limit: a 5 MB line is one paragraph.
# Entities are never expanded and nothing is fetched, whoever wrote the file.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
OPF_NS = "{http://www.idpf.org/2007/opf}"
CONTAINER_NS = "{urn:oasis:names:tc:opendocument:xmlns:container}"

# Bounds for reading an EPUB that anyone may have made: a zip bomb or an
# archive of millions of entries is refused before it costs memory or time.
# A 50 MB text makes a book of about 60 MB of XHTML and 10,000 chapters about
# 10,000 entries, so these leave a wide margin for real books.
# Parsing costs about 20 times a document's size in memory (a 200 MB entry took 4 GB),
# so the bytes actually inflated are capped per entry and per book; a spine that
# lists one document 4,000 times reads it once.
MAX_ENTRIES = 50_000
MAX_ENTRY_BYTES = 128 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Verified:
    """What `verify_epub` compared."""

    words: int
    documents: int
    # The source lines the book leaves out, one line per kind (`removals.summary`).
    removed: tuple[str, ...] = ()


def words(text: str) -> Iterator[str]:
    """The words of a text, compared without case or compatibility differences, one at a time.

    A generator: a 50 MB book has millions of words, and lists of them doubled the
    build's peak memory.
    """
    for match in WORD.finditer(unicodedata.normalize("NFKC", text).casefold()):
        yield match.group()


def parse_xhtml(data: bytes) -> etree._Element:
    """Parse one XHTML document without expanding entities; raises etree.XMLSyntaxError."""
    if b"<!ENTITY" in data:
        # Declared entities are how "billion laughs" and external-entity attacks start;
        # no book needs them, so the document is refused rather than parsed.
        raise etree.XMLSyntaxError("the document declares XML entities", None, 0, 0)
    return etree.fromstring(data, PARSER)


def xhtml_text(documents: Iterable[bytes]) -> str:
    """The text content of XHTML documents; raises VerificationError if one is not well-formed."""
    parts = []
    for number, data in enumerate(documents, start=1):
        try:
            root = parse_xhtml(data)
        except etree.XMLSyntaxError as error:
            raise VerificationError(f"document {number} of the book is not well-formed XML ({error})") from None
        parts.append(body_text(root))
    return "\n".join(parts)


# The elements that hold a book's notes (footnotes, endnotes and their list), by their epub:type.
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NOTE_TYPES = {"footnote", "endnote", "endnotes"}


def xhtml_text_and_notes(documents: Iterable[bytes]) -> tuple[str, str]:
    """The text of XHTML documents without their notes, and the text of the notes, in order."""
    texts, notes = [], []
    for number, data in enumerate(documents, start=1):
        try:
            root = parse_xhtml(data)
        except etree.XMLSyntaxError as error:
            raise VerificationError(f"document {number} of the book is not well-formed XML ({error})") from None
        text, note = text_and_notes(root)
        texts.append(text)
        notes.append(note)
    return "\n".join(texts), "\n".join(notes)


def text_and_notes(root: etree._Element) -> tuple[str, str]:
    """An XHTML document's body text outside its note elements, and the text inside them."""
    body = root.find(f"{XHTML_NS}body")
    body = body if body is not None else root
    notes = [e for e in body.iter() if NOTE_TYPES & set((e.get(EPUB_TYPE) or "").split())]
    outermost = [e for e in notes if not any(a in notes for a in e.iterancestors())]
    note_text = " ".join(" ".join(e.itertext()) for e in outermost)
    parts = []
    skip = set(outermost)
    _text_outside(body, skip, parts)
    return " ".join(parts), note_text


def _text_outside(element: etree._Element, skip: set, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if child not in skip and isinstance(child.tag, str):
            _text_outside(child, skip, parts)
        if child.tail:
            parts.append(child.tail)


def body_text(root: etree._Element) -> str:
    """The text of an XHTML document's body (of the whole document if it has none)."""
    body = root.find(f"{XHTML_NS}body")
    return " ".join((body if body is not None else root).itertext())


def first_missing(source: Iterable[str], book: Iterable[str]) -> int | None:
    """Index of the first source word not found in order in the book, or None if all are.

    Each source word is looked for anywhere after the previous match: the book may
    add any number of words of its own (405 illustration captions, a 2,000-word
    title), and a bounded look-ahead took those for lost words. A lost word still
    shows: the words after it can no longer all be found in order.
    """
    upcoming = iter(book)
    for index, word in enumerate(source):
        if not any(candidate == word for candidate in upcoming):
            return index
    return None


# Words between WORD matches, so that a text's words can be one space-separated string.
BETWEEN_WORDS = re.compile(r"(?:[\W_])+")
# Characters of source words compared at once on the fast path (cut at a word's end).
CHUNK_CHARS = 2000


def word_stream(text: str, *, split_wide: bool = True) -> str:
    """The text's words (as `words` gives them), each followed by one space: one string, no list.

    `split_wide=False` leaves runs of CJK letters whole: right for comparing with a
    source that has none, and it saves a pass over the text.
    """
    stream = _separated(unicodedata.normalize("NFKC", text).casefold())
    if split_wide and not stream.isascii() and WIDE_LETTER.search(stream):
        stream = " ".join(WIDE_LETTER.sub(r" \g<0> ", stream).split())
    return stream.lstrip(" ").rstrip(" ") + " "


# Punctuation that fills most of the gaps between words: every ASCII character but letters
# and digits (one bytes.translate), and the marks typography sets (one bytes.replace each).
ASCII_SEPARATORS = bytes.maketrans(
    bytes(c for c in range(128) if not chr(c).isalnum()), b" " * sum(not chr(c).isalnum() for c in range(128))
)
TYPOGRAPHIC_SEPARATORS = tuple(mark.encode() for mark in "\u2019\u2018\u201c\u201d\u2014\u2013\u2026\u00ab\u00bb")
OTHER_SEPARATOR = re.compile(r"[^\w ]|_")


def _separated(text: str) -> str:
    """`text`'s words joined by single spaces: BETWEEN_WORDS.sub(" ", text), without its leading or trailing space.

    Why not that one regex: it matches once per gap between words, half a million times
    for a 3 MB book, which made the word check a quarter of an EPUB build. Most gaps are
    ASCII punctuation and typographic marks, which bytes.translate and bytes.replace turn
    into spaces at C speed (str.translate is fast only from ASCII to ASCII); the rare other
    ones (any other non-word character) are found by a regex that seldom matches.
    """
    data = text.encode("utf-8", "surrogatepass").translate(ASCII_SEPARATORS)
    for mark in TYPOGRAPHIC_SEPARATORS:
        if mark in data:
            data = data.replace(mark, b" ")
    spaced = data.decode("utf-8", "surrogatepass")
    # An ASCII string has no other separators left (checking is free: CPython knows it is ASCII).
    if not spaced.isascii() and OTHER_SEPARATOR.search(spaced):
        spaced = OTHER_SEPARATOR.sub(" ", spaced)
    return " ".join(spaced.split())


def all_present(source_text: str, book_text: str) -> bool:
    """Fast path: every run of about CHUNK_CHARS of source words is in the book, in order, with short gaps.

    Why by hand: matching word by word in Python took most of a large build's time,
    while the book is nearly always the source plus a few words (title page,
    labels) between chapters; str.find compares whole runs at C speed. False
    does not mean a word is missing, only that the exact check must decide.
    """
    split_wide = not source_text.isascii() and WIDE_LETTER.search(source_text) is not None
    source = word_stream(source_text, split_wide=split_wide)
    book = " " + word_stream(book_text, split_wide=split_wide)
    position = 0
    start = 0
    while start < len(source):
        end = source.find(" ", start + CHUNK_CHARS) + 1 or len(source)
        found = book.find(" " + source[start:end], position)
        if found < 0 or book.count(" ", position, found) > LOOKAHEAD:
            return False
        position = found + (end - start)
        start = end
    return True


def missing_passage(source_text: str, book_text: str) -> str | None:
    """The source words around the first one missing from the book, or None if none is."""
    if all_present(source_text, book_text):
        return None
    missing = first_missing(words(source_text), words(book_text))
    if missing is None:
        return None
    return " ".join(islice(words(source_text), max(0, missing - 5), missing + 6))


# Characters that are never part of a word, so cleaning may delete them: controls, BOM,
# soft hyphen, zero-width space, word joiner, invisible operators, bidi embeddings and
# isolates, annotation marks, private use (booksmith's own markup) and lone surrogates.
# Written out here rather than taken from chars.INVISIBLE, so that a character added to
# clean's removals that belongs to a word (a joiner, a direction mark) is caught.
NEVER_IN_WORDS = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u00ad\u200b\u2060-\u2064\u202a-\u202e\u2066-\u2069"
    "\ufeff\ufff9-\ufffb\ue000-\uf8ff\ud800-\udfff]+"
)
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def check_cleaning(raw_text: str, cleaned_text: str, *, name: str = "book") -> None:
    """Raise VerificationError if cleaning changed a word of the decoded text (a joiner removed, a letter lost).

    The book is compared with the cleaned text; this compares the cleaned text with the
    text before cleaning, so the guarantee holds for the text as the author wrote it.
    """
    if raw_text.isascii() and "\x1b" not in raw_text:
        # ASCII text loses only controls, which are never in words, and whitespace.
        return
    before = NEVER_IN_WORDS.sub("", ANSI_ESCAPE.sub("", raw_text))
    after = NEVER_IN_WORDS.sub("", cleaned_text)
    if word_stream(before) == word_stream(after):
        return
    missing = first_missing(words(before), words(after))
    index = missing if missing is not None else sum(1 for _ in words(after))
    passage = " ".join(islice(words(before), max(0, index - 5), index + 6))
    raise VerificationError(
        f"{name}: cleaning the text changed its words near “{passage}”; please report this "
        "(or pass --no-verify to write it anyway)"
    )


def check_words(source_text: str, book_text: str, *, name: str = "book") -> None:
    """Raise VerificationError naming the first passage of the source missing from the book."""
    passage = missing_passage(source_text, book_text)
    if passage is not None:
        raise VerificationError(
            f"{name}: the book lost words of the source near “{passage}”; please report this "
            "(or pass --no-verify to write it anyway)"
        )


def verify_epub(book: Path, source: Path, options: BuildOptions | None = None) -> Verified:
    """Check an EPUB file against the text it was built from, read the way a build reads it."""
    from booksmith.pipeline import load
    from booksmith.removals import check_removals, summary

    loaded = load(source, options)
    source_text = loaded.body_text
    if loaded.notes_text:
        book_text, notes, documents = epub_text_and_notes(book)
        passage = missing_passage(source_text, book_text) or missing_passage(loaded.notes_text, notes)
    else:
        book_text, documents = epub_text(book)
        passage = missing_passage(source_text, book_text)
    if passage is not None:
        raise VerificationError(
            located(book, f"words of {source} are missing near “{passage}”; rebuild the book from that text")
        )
    check_removals(loaded.removed, source_text, name=str(source))
    return Verified(sum(1 for _ in words(source_text)), documents, tuple(summary(loaded.removed)))


def epub_text_and_notes(path: Path) -> tuple[str, str, int]:
    """An EPUB's text without its notes, the text of its notes, and the number of its documents."""
    roots: list[etree._Element] = []
    epub_text(path, keep=roots)
    texts, notes = [], []
    for root in roots:
        text, note = text_and_notes(root)
        texts.append(text)
        notes.append(note)
    return "\n".join(texts), "\n".join(notes), len(texts)


def epub_text(path: Path, keep: list[etree._Element] | None = None) -> tuple[str, int]:
    """The text of an EPUB's documents in spine order (without the navigation document), and their number.

    The file is untrusted: sizes are bounded, XML entities are never expanded and
    anything malformed is an InputError naming the book. `keep` receives the parsed documents.
    """
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(located(path, "no such file; check the path")) from None
    except IsADirectoryError:
        raise InputError(located(path, "is a folder, not an EPUB file")) from None
    except PermissionError:
        raise InputError(located(path, "permission denied; make the file readable")) from None
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(located(path, f"is not an EPUB (not a readable zip file: {error})")) from None
    with archive:
        reader = _BoundedReader(archive, path)
        opf_name = _rootfile(reader)
        spine = _spine(reader, opf_name)
        if not spine:
            raise InputError(located(path, "the EPUB's spine lists no documents; it is not a readable book"))
        spine = list(dict.fromkeys(spine))  # each document once, however often the spine lists it
        roots = [reader.xml(name) for name in spine] if keep is not None else None
        if roots is not None:
            keep.extend(roots)
            return "\n".join(body_text(root) for root in roots), len(spine)
        return "\n".join(body_text(reader.xml(name)) for name in spine), len(spine)


class _BoundedReader:
    """Read zip entries with a cap per entry and in total, whatever the zip's headers claim."""

    def __init__(self, archive: zipfile.ZipFile, path: Path) -> None:
        self.archive, self.path, self.total = archive, path, 0
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise InputError(located(path, f"has {len(entries)} zip entries (at most {MAX_ENTRIES}); not a book"))
        self.names = {entry.filename for entry in entries}

    def read(self, name: str) -> bytes:
        if name not in self.names:
            raise InputError(located(self.path, f"the EPUB lists '{name}' but does not contain it"))
        try:
            with self.archive.open(name) as entry:
                # Read one byte past the cap: headers may understate a bomb's size.
                data = entry.read(MAX_ENTRY_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as error:
            raise InputError(located(self.path, f"entry '{name}' cannot be read ({error})")) from None
        if len(data) > MAX_ENTRY_BYTES:
            raise InputError(located(self.path, f"entry '{name}' unpacks to over {MAX_ENTRY_BYTES >> 20} MB"))
        self.total += len(data)
        if self.total > MAX_TOTAL_BYTES:
            raise InputError(located(self.path, f"unpacks to over {MAX_TOTAL_BYTES >> 20} MB; not a book"))
        return data

    def xml(self, name: str) -> etree._Element:
        try:
            return parse_xhtml(self.read(name))
        except etree.XMLSyntaxError as error:
            raise InputError(located(self.path, f"'{name}' is not well-formed XML ({error})")) from None


def _rootfile(reader: _BoundedReader) -> str:
    container = reader.xml("META-INF/container.xml")
    rootfile = container.find(f".//{CONTAINER_NS}rootfile")
    name = rootfile.get("full-path") if rootfile is not None else None
    if not name:
        raise InputError(located(reader.path, "META-INF/container.xml names no package (OPF) file"))
    return unquote(name)


def _spine(reader: _BoundedReader, opf_name: str) -> list[str]:
    """Entry names of the spine's content documents, skipping the navigation document."""
    package = reader.xml(opf_name)
    base = posixpath.dirname(opf_name)
    manifest = {}
    for item in package.iterfind(f"{OPF_NS}manifest/{OPF_NS}item"):
        href, properties = item.get("href"), (item.get("properties") or "").split()
        if item.get("id") and href and "nav" not in properties:
            manifest[item.get("id")] = posixpath.normpath(posixpath.join(base, unquote(href.split("#")[0])))
    return [
        manifest[ref.get("idref")]
        for ref in package.iterfind(f"{OPF_NS}spine/{OPF_NS}itemref")
        if ref.get("idref") in manifest
    ]
