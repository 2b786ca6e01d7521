"""The typography passes (dashes, ellipses, ranges, primes, French spacing) and the CLI flags that drive them."""

from __future__ import annotations

import json

import pytest
from conftest import epub_text

from booksmith.model import Book, Chapter, Metadata, Paragraph
from booksmith.options import TypographyOptions
from booksmith.typography import typeset
from booksmith.typography.passes import (
    ellipses,
    french_spacing,
    make_dash_pass,
    n_elision,
    outside_urls,
    primes,
    year_ranges,
)

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("typed", "set_"),
    [
        ("Wait...", "Wait…"),
        ("Wait. . . what?", "Wait… what?"),
        ("Wait....", "Wait…."),
        ("Already… set", "Already… set"),
        ("1.5 and a.b.c", "1.5 and a.b.c"),
    ],
)
def test_ellipses(typed: str, set_: str) -> None:
    assert ellipses(typed) == set_


@pytest.mark.parametrize(
    ("style", "typed", "set_"),
    [
        ("closed", "word -- word", "word—word"),
        ("closed", "word--word", "word—word"),
        ("closed", "word --- word", "word—word"),
        ("closed", "a - b", "a—b"),
        ("closed", "all- a few", "all—a few"),
        ("closed", '"Wait--" she said', '"Wait—" she said'),
        ("closed", "-- Go on.", "—Go on."),
        ("spaced", "word--word", "word — word"),
        ("spaced", "word -- word", "word — word"),
        ("spaced", '"Wait--" she said', '"Wait —" she said'),
        ("spaced", "- Bonjour.", "— Bonjour."),
        ("en-spaced", "word -- word", "word – word"),
        ("en-spaced", "word --- word", "word — word"),
        ("en-spaced", "a - b", "a – b"),
        ("keep", "word -- word", "word — word"),
        ("keep", "word--word", "word—word"),
        ("keep", "a - b", "a – b"),
        # not dashes: hyphenated words, suspended hyphens, negative numbers, ranges left to year_ranges
        ("closed", "well-known", "well-known"),
        ("closed", "pre- and post-war", "pre- and post-war"),
        ("closed", "two- or three-day", "two- or three-day"),
        ("closed", "-5 degrees", "-5 degrees"),
        ("closed", "call 555-1234", "call 555-1234"),
    ],
)
def test_dashes_by_style(style: str, typed: str, set_: str) -> None:
    assert make_dash_pass(style)(typed) == set_


@pytest.mark.parametrize(
    ("typed", "set_"),
    [
        ("1914-1918", "1914–1918"),
        ("1914-18", "1914–18"),
        ("1939 - 1945", "1939–1945"),
        ("1918-1914", "1918-1914"),  # not a range
        ("2001-02-03", "2001-02-03"),  # a date
        ("555-1234", "555-1234"),
    ],
)
def test_year_ranges_only_when_clearly_a_range(typed: str, set_: str) -> None:
    assert year_ranges(typed) == set_


@pytest.mark.parametrize(
    ("typed", "set_"),
    [
        ("5'10\"", "5′10″"),
        ("6'2\" tall", "6′2″ tall"),
        ("6'2'' tall", "6′2″ tall"),
        ("a 6'4 man", "a 6′4 man"),
        ("It's '90s", "It's '90s"),
    ],
)
def test_primes(typed: str, set_: str) -> None:
    assert primes(typed) == set_


def test_n_elision() -> None:
    assert n_elision("rock 'n' roll and Rock 'N' Roll") == "rock ’n’ roll and Rock ’N’ Roll"


@pytest.mark.parametrize(
    ("typed", "set_"),
    [
        ("Quoi ? Non !", f"Quoi{NNBSP}? Non{NNBSP}!"),
        ("Quoi?!", f"Quoi{NNBSP}?!"),
        ("Il dit : oui ; non", f"Il dit{NNBSP}: oui{NNBSP}; non"),
        ("à 10:30", "à 10:30"),
        ("« Oui »", f"«{NNBSP}Oui{NNBSP}»"),
        ("«Oui»", f"«{NNBSP}Oui{NNBSP}»"),
    ],
)
def test_french_spacing(typed: str, set_: str) -> None:
    assert french_spacing(typed) == set_
    assert french_spacing(set_) == set_


def test_outside_urls_skips_web_addresses() -> None:
    dashes = outside_urls(make_dash_pass("closed"))
    assert dashes("see https://x.org/a--b -- or www.y.com/c--d.") == "see https://x.org/a--b—or www.y.com/c--d."


def test_dash_style_auto_follows_the_language() -> None:
    def set_in(language: str) -> str:
        book = Book(Metadata(language=language), (Chapter(None, (Paragraph("one -- two"),)),))
        return typeset(book, TypographyOptions()).book.chapters[0].blocks[0].text

    assert set_in("en") == "one—two"
    assert set_in("de") == "one – two"
    assert set_in("fr") == "one — two"


def test_titles_are_typeset_too() -> None:
    book = Book(Metadata(title="Don't Go", language="en"), (Chapter("The '90s -- Again", (Paragraph("x"),)),))
    result = typeset(book).book
    assert result.metadata.title == "Don’t Go"
    assert result.chapters[0].title == "The ’90s—Again"


# ------------------------------------------------------------------ the command line


SOURCE = """The Ferry

"You'll not get across today," said the ferryman. "Not with the river like that.

"'Tis no fit day for it--not in the winter of '84."

She looked at the water... "Is there no other way?"

"There's the bridge, she said.

He nodded.
"""


def test_inspect_warns_about_unpaired_quotes_with_line_numbers(run_cli, tmp_path) -> None:
    source = tmp_path / "ferry.txt"
    source.write_text(SOURCE, encoding="utf-8")
    result = run_cli("inspect", source, "--json")
    assert result.exit_code == 0, result.stderr
    warnings = [w for w in json.loads(result.stdout)["warnings"] if "quot" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith('line 9: " opens a quotation that is never closed: "There\'s the bridge')
    assert "There's the bridge" in warnings[0]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ((), "“’Tis no fit day for it—not in the winter of ’84.”"),
        (("--quotes", "british"), "‘’Tis no fit day for it—not in the winter of ’84.’"),
        (("--dash-style", "spaced"), "“’Tis no fit day for it — not in the winter of ’84.”"),
        (("--no-smart-quotes",), "\"'Tis no fit day for it—not in the winter of '84.\""),
    ],
)
def test_build_flags_reach_the_book(run_cli, tmp_path, flags, expected) -> None:
    source = tmp_path / "ferry.txt"
    source.write_text(SOURCE.replace("\"There's the bridge, she said.", '"There\'s the bridge," she said.'), "utf-8")
    result = run_cli("build", source, "--format", "epub", "--no-verify", "-o", tmp_path, *flags)
    assert result.exit_code == 0, result.stderr
    assert expected in epub_text(tmp_path / "ferry.epub")


def test_a_bad_quote_style_is_a_usage_error(run_cli, tmp_path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Hello.\n", encoding="utf-8")
    result = run_cli("build", source, "--quotes", "klingon", "-o", tmp_path)
    assert result.exit_code != 0
    assert "--quotes must be one of" in result.stderr
    assert not list(tmp_path.glob("*.epub"))


def test_spanish_keeps_the_spacing_of_its_incisos() -> None:
    book = Book(Metadata(language="es"), (Chapter(None, (Paragraph('--Hola --dijo el--, "vienes?"'),)),))
    assert typeset(book).book.chapters[0].blocks[0].text == "—Hola —dijo el—, «vienes?»"
