"""The word check: inside every build, and `booksmith verify BOOK.epub SOURCE.txt` on untrusted EPUBs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from booksmith import verify
from booksmith.errors import InputError, VerificationError
from booksmith.options import BuildOptions
from booksmith.pipeline import convert

STORY = """THE SALT ROAD

by Ines Varga

Chapter 1: The Ferry

The ferry left at dawn, and _nobody_ on board said a word about the fog.
Marta counted the gulls -- seven, then nine -- and gave up.

"We'll be late," said the pilot. "We're always late."

Chapter 2: The Island

On the island the snake_case signs pointed everywhere and nowhere.
"""


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "salt-road.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


@pytest.fixture
def book(story: Path, tmp_path: Path) -> Path:
    return convert(story, tmp_path / "out", BuildOptions(formats=("epub",)))[0]


def rewrite_epub(source: Path, target: Path, change) -> Path:
    """Copy an EPUB, passing each entry's bytes through change(name, data)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, change(info.filename, old.read(info.filename)))
    return target


# ---------------------------------------------------------------- the comparison


def test_words_ignore_case_compatibility_forms_and_underscores():
    assert list(verify.words("The ﬁrst _Word_ of snake_case")) == ["the", "first", "word", "of", "snake", "case"]


@pytest.mark.parametrize(
    ("book", "missing"),
    [
        ("one two three four", None),
        ("Title page. one two extra three four", None),
        ("one three four", 1),
        ("one three two four", 2),
        ("", 0),
    ],
)
def test_first_missing_finds_dropped_and_reordered_words(book, missing):
    assert verify.first_missing(verify.words("one two three four"), verify.words(book)) == missing


def test_check_words_names_the_passage_around_the_missing_word():
    with pytest.raises(VerificationError, match="near “alpha beta gamma delta”"):
        verify.check_words("alpha beta gamma delta", "alpha beta delta", name="story.txt")


def test_a_word_far_beyond_the_fast_paths_gap_is_still_found():
    # Issue 14: 405 caption markers or a 2,000-word title between two source words are no loss.
    book = "one " + "filler " * (verify.LOOKAHEAD * 5) + "two"
    assert verify.first_missing(["one", "two"], verify.words(book)) is None
    verify.check_words("one two", book, name="story.txt")
    assert verify.first_missing(["one", "two", "three"], verify.words(book)) == 2


def test_xhtml_text_refuses_a_malformed_document():
    with pytest.raises(VerificationError, match="document 2 of the book is not well-formed"):
        verify.xhtml_text([b"<html><body>fine</body></html>", b"<html><body>bad & worse</body></html>"])


def test_entities_are_never_expanded():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><html><body>&lol2;</body></html>'
    )
    with pytest.raises(VerificationError, match="declares XML entities"):
        verify.xhtml_text([laughs])


# ---------------------------------------------------------------- the check inside build


def test_build_runs_the_check_and_no_verify_skips_it(story, tmp_path, monkeypatch, run_cli):
    # Simulate a renderer that drops a paragraph: the build must fail and write nothing.
    from booksmith import render as render_module

    original = render_module.render

    def lossy(book, options=None):
        rendered = original(book, options)
        docs = tuple(
            d if d.kind == "titlepage" else type(d)(**{**d.__dict__, "xhtml": d.xhtml.replace(b"gulls", b"")})
            for d in rendered.documents
        )
        return type(rendered)(rendered.book, rendered.language, rendered.direction, docs, rendered.css)

    monkeypatch.setattr(render_module, "render", lossy)
    result = run_cli("build", story, "-f", "epub", "-o", tmp_path / "lossy")
    assert result.exit_code == 1
    assert "lost words of the source near" in result.stderr and "gulls" in result.stderr
    assert not (tmp_path / "lossy").exists() or not any((tmp_path / "lossy").iterdir())
    result = run_cli("build", story, "-f", "epub", "-o", tmp_path / "lossy", "--no-verify")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "lossy" / "salt-road.epub").is_file()


# ---------------------------------------------------------------- booksmith verify


def test_verify_accepts_the_book_built_from_the_text(book, story, run_cli):
    result = run_cli("verify", book, story)
    assert result.exit_code == 0, result.stderr
    assert "words of" in result.stdout and "in order" in result.stdout


def test_verify_accepts_a_kepub(story, tmp_path, run_cli):
    kepub = convert(story, tmp_path / "k", BuildOptions(formats=("kepub",)))[0]
    assert run_cli("verify", kepub, story).exit_code == 0


def test_verify_names_the_first_missing_passage(book, story, tmp_path, run_cli):
    def drop(name, data):
        return data.replace(b"counted the gulls", b"counted the") if name.endswith(".xhtml") else data

    damaged = rewrite_epub(book, tmp_path / "damaged.epub", drop)
    result = run_cli("verify", damaged, story)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "damaged.epub" in result.stderr and "gulls" in result.stderr and "Traceback" not in result.stderr


def test_verify_notices_reordered_chapters(book, story, tmp_path, run_cli):
    def swap(name, data):
        if not name.endswith(".opf"):
            return data
        text = data.decode()
        one, two = '<itemref idref="chapter-001"/>', '<itemref idref="chapter-002"/>'
        return text.replace(one, "@").replace(two, one).replace("@", two).encode()

    assert run_cli("verify", rewrite_epub(book, tmp_path / "swapped.epub", swap), story).exit_code == 1


def test_verify_ignores_the_contents_page(story, tmp_path, run_cli):
    # The contents page repeats every heading before the text; it must not be matched instead.
    text = "\n\n".join(f"Chapter {n}\n\nThe tide turned {n} times that night." for n in range(1, 300))
    source = tmp_path / "tides.txt"
    source.write_text(text, encoding="utf-8")
    book = convert(source, tmp_path / "o", BuildOptions(formats=("epub",)))[0]
    assert run_cli("verify", book, source).exit_code == 0


def test_verify_uses_the_builds_reading_options(tmp_path, run_cli):
    source = tmp_path / "latin.txt"
    source.write_bytes("Café au lait, s'il vous plaît.\n\nUne fenêtre ouverte.\n".encode("cp1252"))
    book = convert(source, tmp_path / "o", BuildOptions(formats=("epub",)))[0]
    assert run_cli("verify", book, source).exit_code == 0
    assert run_cli("verify", book, source, "--encoding", "cp1252").exit_code == 0
    assert run_cli("verify", book, source, "--encoding", "utf-16").exit_code == 1


def _zip(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTAINER = (
    b'<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    b'<rootfiles><rootfile full-path="OPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles>'
    b"</container>"
)
OPF = (
    b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest>'
    b'<item id="c1" href="text/one.xhtml" media-type="application/xhtml+xml"/></manifest>'
    b'<spine><itemref idref="c1"/></spine></package>'
)
XHTML = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>The salt road.</p></body></html>'


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"mimetype": b"application/epub+zip"}, "META-INF/container.xml"),
        ({"META-INF/container.xml": b"<container><rootfiles/></container>"}, "names no package"),
        ({"META-INF/container.xml": CONTAINER}, "OPS/book.opf"),
        ({"META-INF/container.xml": CONTAINER, "OPS/book.opf": b"<package><manifest>"}, "not well-formed"),
        ({"META-INF/container.xml": CONTAINER, "OPS/book.opf": OPF}, "OPS/text/one.xhtml"),
        (
            {"META-INF/container.xml": CONTAINER, "OPS/book.opf": OPF, "OPS/text/one.xhtml": b"<html><body>&x;"},
            "not well-formed",
        ),
        (
            {
                "META-INF/container.xml": CONTAINER,
                "OPS/book.opf": OPF.replace(b"<!--", b"").replace(
                    b'<?xml version="1.0"?>',
                    b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                ),
            },
            "declares XML entities",
        ),
    ],
)
def test_verify_refuses_malformed_epubs_in_one_line(entries, message, story, tmp_path, run_cli):
    book = tmp_path / "bad.epub"
    book.write_bytes(_zip(entries))
    result = run_cli("verify", book, story)
    assert result.exit_code == 1
    assert message in result.stderr and "bad.epub" in result.stderr
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr


def test_verify_reads_a_minimal_foreign_epub(tmp_path, run_cli):
    source = tmp_path / "road.txt"
    source.write_text("The salt road.\n", encoding="utf-8")
    book = tmp_path / "road.epub"
    book.write_bytes(_zip({"META-INF/container.xml": CONTAINER, "OPS/book.opf": OPF, "OPS/text/one.xhtml": XHTML}))
    assert run_cli("verify", book, source).exit_code == 0


def test_verify_refuses_a_zip_bomb_without_unpacking_it(story, tmp_path, monkeypatch):
    monkeypatch.setattr(verify, "MAX_ENTRY_BYTES", 1024 * 1024)
    bomb = b"<html><body>" + b" " * (8 * 1024 * 1024) + b"</body></html>"
    book = tmp_path / "bomb.epub"
    book.write_bytes(_zip({"META-INF/container.xml": CONTAINER, "OPS/book.opf": OPF, "OPS/text/one.xhtml": bomb}))
    assert book.stat().st_size < 64 * 1024
    with pytest.raises(InputError, match="unpacks to over 1 MB"):
        verify.verify_epub(book, story)


def test_verify_refuses_too_much_in_total(story, tmp_path, monkeypatch):
    monkeypatch.setattr(verify, "MAX_TOTAL_BYTES", len(CONTAINER) + 10)
    book = tmp_path / "big.epub"
    book.write_bytes(_zip({"META-INF/container.xml": CONTAINER, "OPS/book.opf": OPF, "OPS/text/one.xhtml": XHTML}))
    with pytest.raises(InputError, match="unpacks to over"):
        verify.verify_epub(book, story)


def test_verify_refuses_too_many_entries(story, tmp_path, monkeypatch):
    monkeypatch.setattr(verify, "MAX_ENTRIES", 5)
    book = tmp_path / "many.epub"
    book.write_bytes(_zip({f"junk/{n}.txt": b"x" for n in range(6)}))
    with pytest.raises(InputError, match="has 6 zip entries"):
        verify.verify_epub(book, story)


@pytest.mark.parametrize("kind", ["missing", "folder", "text", "truncated"])
def test_verify_refuses_what_is_not_an_epub(kind, book, story, tmp_path, run_cli):
    target = tmp_path / "thing.epub"
    if kind == "folder":
        target.mkdir()
    elif kind == "text":
        target.write_text("just words", encoding="utf-8")
    elif kind == "truncated":
        target.write_bytes(book.read_bytes()[: book.stat().st_size // 2])
    result = run_cli("verify", target, story)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"booksmith: error: {target}") and result.stderr.count("\n") == 1


def test_verify_reports_a_bad_source_like_build_does(book, tmp_path, run_cli):
    result = run_cli("verify", book, tmp_path / "nowhere.txt")
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_chinese_and_japanese_letters_are_compared_one_by_one():
    from booksmith.verify import missing_passage, word_stream, words

    source = "老人们坐在码头\n上，看着 the nets 年轻人。かなの文"
    assert list(words(source))[:3] == ["老", "人", "们"]
    assert word_stream(source) == " ".join(words(source)) + " "
    # Joining a wrapped line closes up the newline between two characters: no word is lost.
    assert missing_passage(source, source.replace("\n", "")) is None
    assert missing_passage(source, source.replace("码", "")) is not None
