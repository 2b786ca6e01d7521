"""`build --join`: several files, one book, natural order; metadata precedence for a source file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from booksmith.join import join_sources, joined_title, natural_key
from booksmith.options import BuildOptions
from booksmith.pipeline import load

PROSE = "She walked down to the harbour and watched the boats come in, one by one, until the light went."


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_natural_order():
    names = ["ch10.txt", "ch2.txt", "ch1.txt", "Ch3.txt"]
    assert [p.name for p in sorted(map(Path, names), key=natural_key)] == ["ch1.txt", "ch2.txt", "Ch3.txt", "ch10.txt"]


def test_joined_title():
    assert joined_title([Path("a/story-ch1.txt"), Path("a/story-ch2.txt")]) == "Story"
    assert joined_title([Path("my_serial/1.txt"), Path("my_serial/2.txt")]) == "My Serial"


def test_join_a_folder_into_one_book(tmp_path, run_cli):
    folder = tmp_path / "serial"
    folder.mkdir()
    write(folder, "ch10.txt", f"The last one.\n\n{PROSE}")
    write(folder, "ch2.txt", f"Chapter 2: The Reply\n\n{PROSE}")
    write(folder, "ch1.txt", f"The first one.\n\n{PROSE}")
    write(folder, "notes.png", "not a text")
    result = run_cli("build", folder, "--join", "-o", tmp_path / "out" / "book.epub", "--title", "Serial")
    assert result.exit_code == 0, result.stderr
    book = tmp_path / "out" / "book.epub"
    assert result.stdout.strip() == str(book)
    assert not (tmp_path / "out" / "book.pdf").exists()
    with zipfile.ZipFile(book) as archive:
        chapters = sorted(n for n in archive.namelist() if "chapter-" in n)
        bodies = [archive.read(n).decode("utf-8") for n in chapters]
    assert len(bodies) == 3
    assert "Ch1" in bodies[0] and "The first one." in bodies[0]
    assert "Chapter 2" in bodies[1] and "The Reply" in bodies[1]
    assert "Ch10" in bodies[2]


def test_join_files_writes_beside_the_first(tmp_path, run_cli):
    first = write(tmp_path, "part1.txt", PROSE)
    second = write(tmp_path, "part2.txt", PROSE)
    result = run_cli("build", second, first, "--join", "-f", "epub")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "part1.epub").is_file()
    assert not (tmp_path / "part2.epub").exists()


def test_join_an_empty_folder_is_a_clear_error(tmp_path, run_cli):
    result = run_cli("build", tmp_path, "--join")
    assert result.exit_code == 1
    assert "holds no .txt files" in result.stderr
    assert "Traceback" not in result.stderr


def test_metadata_precedence_cli_sidecar_folder_text(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    source = write(folder, "story.txt", f"THE TEXT TITLE\n\nby Text Author\n\n{PROSE}")
    assert load(source).book.metadata.title == "The Text Title"
    write(folder, "booksmith.toml", 'author = "Folder Author"\nlanguage = "de"\n')
    metadata = load(source).book.metadata
    assert (metadata.title, metadata.authors, metadata.language) == ("The Text Title", ("Folder Author",), "de")
    write(folder, "story.toml", 'title = "Sidecar Title"\nseries = "Tides"\nseries_index = 2\n')
    metadata = load(source).book.metadata
    assert (metadata.title, metadata.series, metadata.series_index) == ("Sidecar Title", "Tides", 2.0)
    from dataclasses import replace

    from booksmith.model import Metadata
    from booksmith.options import ReadOptions

    options = BuildOptions(read=replace(ReadOptions(), metadata=Metadata(title="Command Line")))
    assert load(source, options).book.metadata.title == "Command Line"


def test_join_sources_keeps_given_files_in_natural_order(tmp_path):
    paths = [write(tmp_path, n, PROSE) for n in ("b10.txt", "b9.txt")]
    assert join_sources([str(p) for p in paths]) == [paths[1], paths[0]]
