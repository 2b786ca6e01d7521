"""Issue 14: hostile inputs found by an adversarial run, each generated here and ending in a book or one line."""

from __future__ import annotations

import json
import os
import zipfile

import pytest

from booksmith import verify
from booksmith.cover import generated_cover
from booksmith.model import Metadata
from booksmith.options import BuildOptions
from booksmith.pipeline import convert, load
from booksmith.render import css_string
from booksmith.writers.pdf.fetch import is_allowed
from tests.conftest import epubcheck_problems

STORY = "The keeper lit the lamp at dusk.\n\nThe boats came home one by one.\n"


def one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_a_huge_one_word_title_draws_a_cover_and_a_5_mb_title_does_not_overflow_pil():
    for title in ("x" * 32_000, "word " * 20_000, "y" * 5_000_000):
        assert generated_cover(Metadata(title=title, authors=("a" * 100_000,))).startswith(b"\xff\xd8")


def test_quote_warnings_on_one_long_line_are_all_reported():
    # 20,000 unpaired quotes on one line: each warning once counted newlines from the start.
    loaded = load(("The start of it all.\n\nShe said " + "“" * 20_000 + " and more.\n").encode())
    quote_warnings = [w for w in loaded.warnings if "“" in w]
    assert len(quote_warnings) == 20_000 and quote_warnings[-1].startswith("line 3:")


def test_option_values_cannot_inject_css(tmp_path):
    hostile = "x\n} html { background: url(http://127.0.0.1:9/leak) } .z {"
    escaped = css_string(hostile)
    assert "\n" not in escaped and "}" not in escaped and "{" not in escaped and '"' not in escaped
    (tmp_path / "booksmith.toml").write_text(f"[defaults]\nscene_break = {json.dumps(hostile)}\n", encoding="utf-8")
    source = tmp_path / "story.txt"
    source.write_text(STORY.replace("\n\nThe boats", "\n\n* * *\n\nThe boats"), encoding="utf-8")
    (book,) = convert(source, tmp_path / "out", BuildOptions(formats=("epub",)))
    with zipfile.ZipFile(book) as archive:
        css = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".css"))
    assert "html { background" not in css and "url(http" not in css
    assert epubcheck_problems(book) == []


def test_the_pdf_writer_loads_only_booksmiths_own_files():
    from booksmith.resources import data_path, styles_path

    assert is_allowed(data_path("fonts", "OFL.txt").as_uri()) and is_allowed(styles_path("base.css").as_uri())
    assert is_allowed("data:image/jpeg;base64,AAAA")
    for url in ("http://127.0.0.1:9/leak", "https://example.org/a.css", "file:///etc/passwd", "ftp://x/y"):
        assert not is_allowed(url)
    assert not is_allowed((data_path("fonts") / ".." / ".." / ".." / "etc").as_uri())


def test_a_file_name_that_is_not_utf8_builds_and_batch_json_stays_utf8(tmp_path, run_cli):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    (folder / name).write_text(STORY, encoding="utf-8")
    result = run_cli("build", folder / name, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("caf\\xe9.epub")
    assert (tmp_path / "out" / os.fsdecode(b"caf\xe9.epub")).is_file()
    result = run_cli("batch", folder, "-o", tmp_path / "batch", "--json", "-f", "epub")
    assert result.exit_code == 0, result.stderr
    facts = json.loads(result.stdout.encode("utf-8"))  # encodes: no lone surrogate left in the output
    assert facts["files"][0]["path"] == name and facts["files"][0]["status"] == "converted"


def test_a_title_from_a_non_utf8_name_is_readable():
    from booksmith.files import readable_title

    assert readable_title(os.fsdecode(b"caf\xe9_story")) == "Café Story"


def test_a_stem_near_the_file_name_limit_builds(tmp_path, run_cli):
    source = tmp_path / ("s" * 245 + ".txt")
    source.write_text(STORY, encoding="utf-8")
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / ("s" * 245 + ".epub")).is_file()
    longest = tmp_path / ("t" * 251 + ".txt")
    longest.write_text(STORY, encoding="utf-8")
    # "t" * 251 + ".kepub.epub" passes 255 bytes: the output's name is cut to fit.
    assert run_cli("build", longest, "-f", "epub,kepub", "-o", tmp_path / "out").exit_code == 0
    assert (tmp_path / "out" / ("t" * 244 + ".kepub.epub")).is_file()


@pytest.mark.parametrize("tag", ['en" onload="x', "a" * 10_000, "en_US", "e"])
def test_a_language_tag_that_is_not_bcp47_is_refused(tag, tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_text(STORY, encoding="utf-8")
    result = run_cli("build", source, "-f", "epub", "--language", tag, "-o", tmp_path / "out")
    one_line_error(result, "is not a BCP 47 language tag")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_valid_language_tags_build_valid_books(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_text(STORY, encoding="utf-8")
    assert run_cli("build", source, "-f", "epub", "--language", "pt-BR", "-o", tmp_path).exit_code == 0
    assert epubcheck_problems(tmp_path / "story.epub") == []


def test_a_deeply_nested_toml_is_one_line(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_text(STORY, encoding="utf-8")
    (tmp_path / "story.toml").write_text("title = " + "[" * 5_000 + "]" * 5_000 + "\n", encoding="utf-8")
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    one_line_error(result, "story.toml", "nests arrays or tables too deeply")


def test_many_words_the_book_adds_are_no_false_alarm(tmp_path, run_cli):
    # 405 illustration markers and a 2,000-word title: far more than the fast path's gap.
    source = tmp_path / "pictures.txt"
    body = "\n\n".join(f"[Illustration: plate {n}]\n\nThe keeper looked at plate {n}." for n in range(405))
    source.write_text(body + "\n", encoding="utf-8")
    title = " ".join(f"word{n}" for n in range(2_000))
    result = run_cli("build", source, "-f", "epub", "--title", title, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert verify.first_missing(["one", "two"], ["one", *["x"] * 5_000, "two"]) is None


def test_send_never_writes_through_a_symlink_out_of_the_device(tmp_path, run_cli):
    device = tmp_path / "reader"
    device.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (device / "books").symlink_to(outside)
    source = tmp_path / "story.txt"
    source.write_text(STORY, encoding="utf-8")
    (book,) = convert(source, tmp_path, BuildOptions(formats=("epub",)))
    result = run_cli("send", book, "--to", device)
    one_line_error(result, "leads outside the device", "remove that link")
    assert not any(outside.iterdir())


def test_verify_reads_a_document_the_spine_lists_4000_times_once(tmp_path):
    container = (
        b'<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        b'<rootfiles><rootfile full-path="book.opf" media-type="application/oebps-package+xml"/></rootfiles>'
        b"</container>"
    )
    opf = (
        b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest>'
        b'<item id="c1" href="one.xhtml" media-type="application/xhtml+xml"/></manifest><spine>'
        + b'<itemref idref="c1"/>' * 4_000
        + b"</spine></package>"
    )
    page = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>' + b"lamp " * 20_000 + b"</p></body></html>"
    book = tmp_path / "repeated.epub"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("book.opf", opf)
        archive.writestr("one.xhtml", page)
    assert book.stat().st_size < 16 * 1024
    text, documents = verify.epub_text(book)
    assert documents == 1 and len(text) < 200_000
    assert verify.MAX_ENTRY_BYTES <= 128 * 1024 * 1024 and verify.MAX_TOTAL_BYTES <= 256 * 1024 * 1024


FRENCH_UTF8 = "Le café était fermé, et la fenêtre ouverte."
FRENCH_CP1252 = "Où est la clé? Déjà l'été, dit-il à sa sœur."
CHINESE = "城墙上的风吹了一夜，灯还亮着。\n她没有说话，只是看着远处的海。\n"


def test_a_file_alternating_utf8_and_cp1252_lines_is_decoded_per_line():
    from booksmith.decode import decode

    lines = [FRENCH_UTF8.encode() if n % 2 == 0 else FRENCH_CP1252.encode("cp1252") for n in range(10)]
    decoded = decode(b"\n".join(lines))
    assert decoded.text.splitlines() == [FRENCH_UTF8, FRENCH_CP1252] * 5
    assert decoded.encoding == "utf-8 and cp1252"


def test_ten_lines_of_mac_roman_french_are_not_read_as_arabic():
    from booksmith.decode import decode

    text = "\n".join(["Le café était fermé, et la fenêtre ouverte à l'été."] * 10)
    assert decode(text.encode("mac-roman")).text == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_cjk_text_in_utf16_or_utf32_without_a_bom_is_read(codec):
    from booksmith.decode import decode

    decoded = decode((CHINESE * 5).encode(codec))
    assert (decoded.text, decoded.encoding) == (CHINESE * 5, codec)
