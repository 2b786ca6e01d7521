"""The command line: exit codes, one-line errors, no partial output, naming of outputs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES

from booksmith.files import readable_title

STORY = FIXTURES / "harbour-bakery.txt"


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("booksmith: error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"  \n\n\t \r\n", "is empty"),
        ((FIXTURES / "picture.txt").read_bytes(), "looks like a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "looks like a PDF document"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP archive"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "looks like an executable"),
        (bytes(range(0, 32)) * 50, "binary data"),
    ],
)
def test_bad_input_is_one_line_exit_1_and_no_output(run_cli, tmp_path, content, fragment):
    source = tmp_path / "story.txt"
    source.write_bytes(content)
    out = tmp_path / "out"
    result = run_cli("build", source, "-o", out)
    assert_one_line_error(result, str(source), fragment)
    assert not out.exists() or list(out.iterdir()) == []


def test_missing_file_and_directory(run_cli, tmp_path):
    assert_one_line_error(run_cli("build", tmp_path / "nope.txt"), "nope.txt", "no such file")
    assert_one_line_error(run_cli("build", tmp_path), "is a folder")


def test_unknown_encoding_is_exit_1(run_cli, tmp_path):
    result = run_cli("build", STORY, "--encoding", "klingon-8", "-o", tmp_path)
    assert_one_line_error(result, "unknown encoding 'klingon-8'")
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_are_exit_2(run_cli):
    assert run_cli("build", STORY, "--no-such-flag").exit_code == 2
    assert run_cli("build").exit_code == 2


def test_bad_choice_is_a_clear_error(run_cli, tmp_path):
    result = run_cli("build", STORY, "-f", "mobi", "-o", tmp_path)
    assert_one_line_error(result, "--format must be one of epub, pdf, kepub")


def test_one_bad_file_does_not_stop_the_others(run_cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "out"
    result = run_cli("build", empty, STORY, "-o", out, "-f", "epub")
    assert result.exit_code == 1
    assert (out / "harbour-bakery.epub").is_file()
    assert "empty.txt" in result.stderr


def test_same_stem_inputs_get_distinct_names(run_cli, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    twin = other / STORY.name
    twin.write_text("A different story with the same name.\n\nIt has two paragraphs.", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", STORY, twin, "-o", out, "-f", "epub")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["harbour-bakery-2.epub", "harbour-bakery.epub"]


def test_existing_output_is_replaced_and_no_temporary_files_remain(run_cli, tmp_path):
    target = tmp_path / "harbour-bakery.epub"
    target.write_bytes(b"old")
    assert run_cli("build", STORY, "-o", tmp_path, "-f", "epub").exit_code == 0
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["harbour-bakery.epub"]


def test_a_failing_writer_leaves_no_file(tmp_path, monkeypatch):
    from booksmith.errors import OutputError
    from booksmith.files import atomic_output

    target = tmp_path / "book.epub"
    with pytest.raises(RuntimeError), atomic_output(target) as temporary:
        temporary.write_bytes(b"half a book")
        raise RuntimeError("writer crashed")
    assert list(tmp_path.iterdir()) == []

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", refuse)
    with pytest.raises(OutputError, match="No space left on device"), atomic_output(target) as temporary:
        temporary.write_bytes(b"a whole book")
    assert list(tmp_path.iterdir()) == []


def test_standard_input_builds_a_book(run_cli, tmp_path):
    result = run_cli("build", "-", "-o", tmp_path, "-f", "epub", "--title", "Piped", stdin=STORY.read_bytes())
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "book.epub") as archive:
        assert "<dc:title>Piped</dc:title>" in archive.read("EPUB/content.opf").decode()


def test_title_author_language_options_win(run_cli, tmp_path):
    args = ("--title", "Bread & Salt", "--author", "A. Baker", "--author", "B. Baker", "--language", "en-GB")
    result = run_cli("build", STORY, "-o", tmp_path, "-f", "epub", *args)
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "harbour-bakery.epub") as archive:
        opf = archive.read("EPUB/content.opf").decode()
    assert "<dc:title>Bread &amp; Salt</dc:title>" in opf
    assert opf.count("<dc:creator") == 2 and "<dc:language>en-GB</dc:language>" in opf


@pytest.mark.parametrize(
    ("stem", "title"),
    [("my_story-ch1", "My Story Ch1"), ("portal-story", "Portal Story"), ("THE_END", "THE END"), ("x", "X")],
)
def test_title_from_file_name(stem, title):
    assert readable_title(stem) == title


def test_version_and_help(run_cli):
    from booksmith import __version__

    result = run_cli("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"booksmith {__version__}"
    help_text = run_cli("--help").stdout
    assert "build" in help_text and "inspect" in help_text


def test_help_does_not_import_weasyprint_or_ebooklib():
    code = "import sys; from booksmith.cli import app; print(sorted({'weasyprint', 'ebooklib'} & set(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_python_dash_m_runs_the_cli(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "booksmith", "inspect", str(STORY), "--json"], capture_output=True, text=True
    )
    assert result.returncode == 0 and '"scene_breaks": 2' in result.stdout


def test_debug_shows_the_traceback(run_cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run_cli("build", empty, "--debug")
    assert result.exit_code == 1 and "Traceback" in result.stderr


def test_output_directory_that_cannot_be_created(run_cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("build", STORY, "-o", blocker / "sub", "-f", "epub")
    assert_one_line_error(result, "cannot write here")


def test_library_api_is_usable_from_python(tmp_path):
    import booksmith

    book = booksmith.load_book(STORY)
    assert book.metadata.title == "Harbour Bakery"
    options = booksmith.BuildOptions(formats=("epub",))
    assert booksmith.convert(STORY, tmp_path, options) == [tmp_path / "harbour-bakery.epub"]
    assert Path(tmp_path / "harbour-bakery.epub").is_file()


@pytest.mark.parametrize(
    ("command", "not_applicable"),
    [
        ("batch", {"files", "join"}),
        ("watch", {"files", "join", "quiet", "verbose"}),  # watch reports each rebuild as it happens
        # send: the device decides format, page size and where the book goes.
        (
            "send",
            {"files", "join", "output", "formats", "page_size", "verbose", "pdf_variant", "pdf_engine", "cover_page"},
        ),
    ],
)
def test_commands_that_build_take_every_build_option(command, not_applicable):
    import typer

    from booksmith.cli import app

    commands = typer.main.get_command(app).commands
    names = {p.name for p in commands[command].params}
    missing = {p.name for p in commands["build"].params} - not_applicable - names
    assert not missing, f"booksmith {command} lacks build options: {sorted(missing)}"
