"""Per-book settings: a cover beside each text, output names from a template, replace rules."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from booksmith.model import Metadata
from booksmith.naming import book_name, safe_stem
from tests.conftest import epub_text

RED, GREEN, BLUE, GREY = (220, 20, 20), (20, 200, 40), (30, 40, 220), (128, 128, 128)


def _story(title: str, author: str = "Wren Halloway", body: str = "The lamp was lit at dusk.") -> str:
    return f"Title: {title}\nAuthor: {author}\n\nChapter 1\n\n{body}\n"


def _image(path: Path, colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (400, 600), colour).save(path)


def _cover_colour(book: Path) -> tuple[int, int, int]:
    with zipfile.ZipFile(book) as archive:
        name = next(n for n in archive.namelist() if "cover" in n and n.endswith((".jpg", ".jpeg", ".png")))
        image = Image.open(io.BytesIO(archive.read(name))).convert("RGB")
    return image.getpixel((image.width // 2, image.height // 2))


def _near(found: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 30 for a, b in zip(found, wanted, strict=True))


def test_each_book_in_a_batch_gets_its_own_cover(tmp_path, run_cli):
    (tmp_path / "booksmith.toml").write_text('cover = "default.jpg"\n')
    _image(tmp_path / "default.jpg", BLUE)
    for stem in ("beside", "named", "folder"):
        (tmp_path / f"{stem}.txt").write_text(_story(stem.title()))
    _image(tmp_path / "beside.png", RED)  # STEM.png beside the text
    _image(tmp_path / "art" / "green.jpg", GREEN)
    (tmp_path / "named.toml").write_text('cover = "art/green.jpg"\n')  # cover = in STEM.toml
    result = run_cli("batch", tmp_path, "-f", "epub", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert _near(_cover_colour(tmp_path / "beside.epub"), RED)
    assert _near(_cover_colour(tmp_path / "named.epub"), GREEN)
    assert _near(_cover_colour(tmp_path / "folder.epub"), BLUE)
    # A new cover image rebuilds its book, and only that one.
    _image(tmp_path / "beside.png", GREY)
    again = json.loads(run_cli("batch", tmp_path, "-f", "epub", "--json").stdout)
    assert {f["path"]: f["status"] for f in again["files"]} == {
        "beside.txt": "converted",
        "folder.txt": "skipped",
        "named.txt": "skipped",
    }
    assert _near(_cover_colour(tmp_path / "beside.epub"), GREY)


def test_build_uses_the_cover_beside_the_text_and_the_command_line_wins(tmp_path, run_cli):
    (tmp_path / "story.txt").write_text(_story("Lamp"))
    _image(tmp_path / "story.jpg", RED)
    _image(tmp_path / "other.png", GREEN)
    assert run_cli("build", tmp_path / "story.txt", "-f", "epub", "-q").exit_code == 0
    assert _near(_cover_colour(tmp_path / "story.epub"), RED)
    other = tmp_path / "other.png"
    assert run_cli("build", tmp_path / "story.txt", "-f", "epub", "-q", "--cover", other).exit_code == 0
    assert _near(_cover_colour(tmp_path / "story.epub"), GREEN)


def test_a_missing_cover_file_is_one_line_naming_the_file(tmp_path, run_cli):
    (tmp_path / "story.txt").write_text(_story("Lamp"))
    (tmp_path / "story.toml").write_text('cover = "gone.jpg"\n')
    result = run_cli("build", tmp_path / "story.txt", "-f", "epub")
    assert result.exit_code == 1
    sidecar = tmp_path / "story.toml"
    assert result.stderr.strip() == (
        f"booksmith: error: {sidecar}: cover 'gone.jpg' is not a file; put the image there or fix the name"
    )
    assert not (tmp_path / "story.epub").exists()


def test_name_template_in_build(tmp_path, run_cli):
    (tmp_path / "s1.txt").write_text(_story("The Keeper's Daughter: Part One?"))
    result = run_cli("build", tmp_path / "s1.txt", "-f", "epub", "--name", "{author} - {title}")
    assert result.exit_code == 0, result.stderr
    # ':' and '?' are refused by FAT32 and exFAT; the book's curled apostrophe is fine.
    assert (tmp_path / "Wren Halloway - The Keeper’s Daughter_ Part One_.epub").is_file()


def test_name_template_in_batch_numbers_collisions_and_reads_booksmith_toml(tmp_path, run_cli):
    (tmp_path / "a.txt").write_text(_story("Lamp"))
    (tmp_path / "b.txt").write_text(_story("Lamp", body="Another lamp, another dusk."))
    (tmp_path / "c.txt").write_text(_story("Ship", author="Ada Reyes"))
    result = run_cli("batch", tmp_path, "-f", "epub", "--name", "{author} - {title}", "--json")
    assert result.exit_code == 0, result.stdout
    names = sorted(p.name for p in tmp_path.glob("*.epub"))
    assert names == ["Ada Reyes - Ship.epub", "Wren Halloway - Lamp-2.epub", "Wren Halloway - Lamp.epub"]
    # A second run keeps the names without rebuilding.
    again = json.loads(run_cli("batch", tmp_path, "-f", "epub", "--name", "{author} - {title}", "--json").stdout)
    assert again["skipped"] == 3
    # The folder's `name =` is used when --name is not given.
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "booksmith.toml").write_text('name = "{title} ({stem})"\n')
    (folder / "x.txt").write_text(_story("Harbour"))
    assert run_cli("batch", folder, "-f", "epub", "-q").exit_code == 0
    assert (folder / "Harbour (x).epub").is_file()


def test_a_bad_name_template_is_one_line(tmp_path, run_cli):
    (tmp_path / "s.txt").write_text(_story("Lamp"))
    result = run_cli("build", tmp_path / "s.txt", "--name", "{writer}")
    assert result.exit_code == 1
    assert result.stderr.startswith("booksmith: error: --name has an unknown field {writer}; use {title}")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("CON", "CON_"),  # a device name Windows reserves
        ("Ends with dots...", "Ends with dots"),
        ('a<b>c"d|e*f', "a_b_c_d_e_f"),
        ("x" * 400, "x" * (255 - len(".kepub.epub") - 4)),
    ],
)
def test_names_are_safe_on_fat32_and_exfat(title, expected):
    assert book_name("{title}", Metadata(title=title), "stem") == expected


def test_a_template_with_an_empty_field_is_tidied():
    metadata = Metadata(title="Lamp", authors=("Wren Halloway",))
    assert book_name("{series} {series_index} - {title}", metadata, "s") == "Lamp"
    series = Metadata(title="Lamp", series="Keepers", series_index=2, language="en")
    assert book_name("{series} {series_index} - {title} [{language}]", series, "s") == "Keepers 2 - Lamp [en]"
    assert safe_stem("  ") == "book"


def test_replace_rules_apply_before_structure_and_inspect_counts_them(tmp_path, run_cli):
    (tmp_path / "booksmith.toml").write_text(
        '[[replace]]\nfind = "Tarn"\nreplace = "Tam"\n\n'
        '[[replace]]\nfind = "(?m)^~~~$"\nreplace = "Chapter 2"\ncount = 1\n'
    )
    (tmp_path / "story.toml").write_text('[[replace]]\nfind = "colour"\nreplace = "color"\n')
    text = "Chapter 1\n\nOld Tarn lit the lamp. Tarn was tired.\n\n~~~\n\nThe colour of the sea changed.\n\n~~~\n"
    (tmp_path / "story.txt").write_text(text)
    report = json.loads(run_cli("inspect", tmp_path / "story.txt", "--json").stdout)
    assert [(r["find"], r["matches"]) for r in report["replace_rules"]] == [
        ("Tarn", 2),
        ("(?m)^~~~$", 1),
        ("colour", 1),
    ]
    assert [c["title"] for c in report["chapters"]] == ["Chapter 1", "Chapter 2"]
    result = run_cli("build", tmp_path / "story.txt", "-f", "epub")
    assert result.exit_code == 0, result.stderr  # the word check compares with the text after the rules
    book = epub_text(tmp_path / "story.epub")
    assert "Old Tam lit the lamp. Tam was tired." in book and "color of the sea" in book
    assert "Tarn" not in book and "colour" not in book


def test_replace_rules_in_batch(tmp_path, run_cli):
    (tmp_path / "booksmith.toml").write_text('[[replace]]\nfind = "Tarn"\nreplace = "Tam"\n')
    (tmp_path / "one.txt").write_text(_story("One", body="Tarn waved."))
    assert run_cli("batch", tmp_path, "-f", "epub", "-q").exit_code == 0
    assert "Tam waved." in epub_text(tmp_path / "one.epub")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('find = "(unclosed"', "[[replace]] rule 1 ('(unclosed') is not a valid regular expression and replacement"),
        ('find = "a"\nreplace = "\\\\2"', "[[replace]] rule 1 ('a') is not a valid regular expression and replacement"),
        ('find = "a"\ncount = -1', "[[replace]] rule 1: 'count' must be a whole number, 0 for every match"),
        ('replace = "b"', '[[replace]] rule 1 needs find = "a regular expression"'),
    ],
)
def test_a_bad_replace_rule_is_one_line_naming_the_file_and_rule(tmp_path, run_cli, rule, message):
    (tmp_path / "booksmith.toml").write_text(f"[[replace]]\n{rule}\n")
    (tmp_path / "story.txt").write_text(_story("Lamp"))
    result = run_cli("build", tmp_path / "story.txt", "-f", "epub")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"booksmith: error: {tmp_path / 'booksmith.toml'}: {message}")
    assert not list(tmp_path.glob("*.epub"))


def test_send_and_serve_use_the_cover_beside_the_text(tmp_path, run_cli):
    from test_devices import kobo

    from booksmith.options import BuildOptions
    from booksmith.serve.cache import BuildCache

    books = tmp_path / "books"
    books.mkdir()
    (books / "story.txt").write_text(_story("Lamp"))
    _image(books / "story.png", RED)
    device = kobo(tmp_path / "KOBO")
    result = run_cli("send", books / "story.txt", "--to", device, "--name", "{author} - {title}")
    assert result.exit_code == 0, result.stderr
    sent = device / "Wren Halloway - Lamp.kepub.epub"
    assert _near(_cover_colour(sent), RED)
    cache = BuildCache(tmp_path / "cache", BuildOptions(formats=("epub",)))
    built = cache.build(books / "story.txt", "epub", "story")
    assert _near(_cover_colour(built), RED)
    # A new cover is a new build, not the cached one.
    _image(books / "story.png", GREEN)
    rebuilt = cache.build(books / "story.txt", "epub", "story")
    assert rebuilt != built and _near(_cover_colour(rebuilt), GREEN)


def test_join_applies_each_files_rules_and_names_the_book(tmp_path, run_cli):
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "booksmith.toml").write_text('[[replace]]\nfind = "Tarn"\nreplace = "Tam"\n')
    (folder / "p1.txt").write_text(_story("Joined", body="Tarn rowed out."))
    (folder / "p2.txt").write_text("Chapter 2\n\nTarn rowed back.\n")
    result = run_cli("build", "--join", folder, "-f", "epub", "--name", "{title} by {author}")
    assert result.exit_code == 0, result.stderr
    text = epub_text(folder / "Joined by Wren Halloway.epub")
    assert "Tam rowed out." in text and "Tam rowed back." in text and "Tarn" not in text
