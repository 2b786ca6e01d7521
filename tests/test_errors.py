"""Bad input: one clear line on stderr naming the file, exit 1, no traceback and no output file."""

from __future__ import annotations

import errno
import gzip
import io
import zipfile
from pathlib import Path

import pytest

GOOD = "The lamp was lit at six.\n\nBy nine the fog had come in from the sea.\n"


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result
    assert result.stderr.startswith("booksmith: error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def assert_nothing_written(folder: Path) -> None:
    assert not folder.exists() or not any(folder.iterdir()), list(folder.iterdir())


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", GOOD)
    return buffer.getvalue()


def _png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


BINARIES = {
    "png": (_png_bytes, "PNG image"),
    "jpeg": (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4, "JPEG image"),
    "gif": (lambda: b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "GIF image"),
    "pdf": (lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF document"),
    "zip": (_zip_bytes, "ZIP archive"),
    "gzip": (lambda: gzip.compress(GOOD.encode()), "gzip archive"),
    "elf": (lambda: b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56, "executable"),
    "exe": (lambda: b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 54, "Windows executable"),
    "noise": (lambda: bytes((n * 7919 + 13) % 256 for n in range(4096)), "binary data"),
}


@pytest.mark.parametrize("kind", sorted(BINARIES))
def test_binary_files_are_refused_by_content_not_name(kind, tmp_path, run_cli):
    make, described = BINARIES[kind]
    source = tmp_path / "chapter-one.txt"
    source.write_bytes(make())
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert_one_line_error(result, str(source), described)
    assert_nothing_written(tmp_path / "out")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"   \n\t\n\r\n   \n", "is empty"),
        ("\ufeff \u200b\n\n".encode(), "is empty"),
        (b"* * *\n\n~~~\n\noOo\n", "only scene-break marks"),
        ("\ufffd\ufffd\ufffd words \ufffd\ufffd\ufffd\ufffd\ufffd\n".encode() * 20, "binary data"),
    ],
    ids=["empty", "whitespace", "invisible", "only-breaks", "replacement-characters"],
)
def test_texts_with_nothing_to_convert_are_refused(content, fragment, tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_bytes(content)
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert_one_line_error(result, str(source), fragment)
    assert_nothing_written(tmp_path / "out")


def test_a_missing_file(tmp_path, run_cli):
    result = run_cli("build", tmp_path / "nowhere.txt", "-f", "epub", "-o", tmp_path / "out")
    assert_one_line_error(result, "nowhere.txt", "no such file")
    assert_nothing_written(tmp_path / "out")


def test_a_directory(tmp_path, run_cli):
    folder = tmp_path / "stories.txt"
    folder.mkdir()
    result = run_cli("build", folder, "-f", "epub", "-o", tmp_path / "out")
    assert_one_line_error(result, "stories.txt", "is a folder")
    assert_nothing_written(tmp_path / "out")


def test_an_unreadable_file(tmp_path, run_cli, monkeypatch):
    # The tests run as root, for whom chmod 000 changes nothing: make the read itself fail.
    source = tmp_path / "locked.txt"
    source.write_text(GOOD, encoding="utf-8")
    original = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert_one_line_error(result, "locked.txt", "permission denied")
    assert_nothing_written(tmp_path / "out")


def test_a_file_that_fails_to_read(tmp_path, run_cli, monkeypatch):
    source = tmp_path / "flaky.txt"
    source.write_text(GOOD, encoding="utf-8")

    def broken(self: Path) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(Path, "read_bytes", broken)
    assert_one_line_error(run_cli("build", source, "-f", "epub"), "flaky.txt", "Input/output error")


def test_an_unknown_encoding(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")
    result = run_cli("build", source, "--encoding", "klingon-8", "-f", "epub", "-o", tmp_path / "out")
    assert_one_line_error(result, "story.txt", "unknown encoding 'klingon-8'")
    assert_nothing_written(tmp_path / "out")


def test_a_wrong_encoding(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_bytes("Ça va très bien.\n".encode("cp1252"))
    assert_one_line_error(run_cli("build", source, "--encoding", "utf-8", "-f", "epub"), "is not valid utf-8")


def test_an_output_folder_inside_a_file(tmp_path, run_cli):
    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")
    result = run_cli("build", source, "-f", "epub", "-o", source / "books")
    assert_one_line_error(result, "cannot write here", "-o")


def test_an_output_folder_without_write_permission(tmp_path, run_cli, monkeypatch):
    import tempfile

    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert_one_line_error(result, "out", "Permission denied")
    assert_nothing_written(tmp_path / "out")


@pytest.mark.parametrize("fmt", ["epub", "kepub"])
def test_a_full_disk_leaves_no_partial_file(fmt, tmp_path, run_cli, monkeypatch):
    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")
    original = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        original(self, data[: len(data) // 2])  # the disk fills half-way through
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    result = run_cli("build", source, "-f", fmt, "-o", tmp_path / "out")
    assert_one_line_error(result, "No space left on device", "free space")
    assert_nothing_written(tmp_path / "out")


def test_a_full_disk_at_the_final_rename(tmp_path, run_cli, monkeypatch):
    import os

    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")

    def fails(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", fails)
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert_one_line_error(result, "story.epub", "No space left on device")
    assert_nothing_written(tmp_path / "out")


def test_an_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    from booksmith.files import atomic_output

    target = tmp_path / "out" / "book.epub"
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as temporary:
        temporary.write_bytes(b"half a bo")
        raise KeyboardInterrupt
    assert_nothing_written(tmp_path / "out")


def test_an_existing_book_survives_a_failed_rebuild(tmp_path, run_cli, monkeypatch):
    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")
    assert run_cli("build", source, "-f", "epub", "-o", tmp_path / "out").exit_code == 0
    before = (tmp_path / "out" / "story.epub").read_bytes()

    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    source.write_text(GOOD + "\nA new line.\n", encoding="utf-8")
    assert run_cli("build", source, "-f", "epub", "-o", tmp_path / "out").exit_code == 1
    assert (tmp_path / "out" / "story.epub").read_bytes() == before
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["story.epub"]


@pytest.mark.parametrize(
    ("config", "line"),
    [
        ('title = "The Salt Road"\nauthor = "Ines\n', "line 2"),
        ('title = "A"\n\n[defaults\n', "line 3"),
        ('title = "A"\ntitle = "B"\n', "line 2"),
    ],
)
def test_a_malformed_booksmith_toml_names_its_line(config, line, tmp_path, run_cli):
    (tmp_path / "booksmith.toml").write_text(config, encoding="utf-8")
    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert_one_line_error(result, "booksmith.toml", line)
    assert_nothing_written(tmp_path / "out")


def test_a_malformed_sidecar_toml_names_its_line(tmp_path, run_cli):
    (tmp_path / "story.toml").write_text('title = "A"\nseries_index = [\n', encoding="utf-8")
    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")
    assert_one_line_error(run_cli("build", source, "-f", "epub", "-o", tmp_path / "out"), "story.toml", "line")


def test_a_booksmith_toml_that_is_not_utf8(tmp_path, run_cli):
    (tmp_path / "booksmith.toml").write_bytes(b'title = "\xff\xfe"\n')
    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")
    assert_one_line_error(run_cli("build", source, "-f", "epub", "-o", tmp_path / "out"), "booksmith.toml")


def test_one_bad_file_does_not_stop_the_others(tmp_path, run_cli):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = run_cli("build", tmp_path / "missing.txt", good, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "missing.txt" in result.stderr and (tmp_path / "out" / "good.epub").is_file()


def test_a_bug_is_still_one_line_and_debug_shows_the_traceback(tmp_path, run_cli, monkeypatch):
    import booksmith.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(booksmith.pipeline, "structure", broken)
    source = tmp_path / "story.txt"
    source.write_text(GOOD, encoding="utf-8")
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "internal error (RuntimeError: something unexpected)" in result.stderr
    debug = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out", "--debug")
    assert debug.exit_code == 1 and "Traceback" in debug.stderr
    assert_nothing_written(tmp_path / "out")


def test_debug_shows_the_traceback_of_an_input_error(tmp_path, run_cli):
    result = run_cli("build", tmp_path / "nowhere.txt", "-f", "epub", "--debug")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "InputError" in result.stderr


WARNED = "Chapter 1\n\nThe first night was calm.\n\nChapter 3\n\nThe third night was not.\n"


def test_warnings_go_to_stderr_and_keep_exit_code_zero(tmp_path, run_cli):
    source = tmp_path / "gaps.txt"
    source.write_text(WARNED, encoding="utf-8")
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert "booksmith: warning:" in result.stderr and "jumps from 1 to 3" in result.stderr
    assert "booksmith: warning" not in result.stdout
    assert (tmp_path / "out" / "gaps.epub").is_file()


def test_strict_turns_warnings_into_a_failure_without_output(tmp_path, run_cli):
    source = tmp_path / "gaps.txt"
    source.write_text(WARNED, encoding="utf-8")
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 1
    assert "--strict" in result.stderr and "booksmith: error:" in result.stderr
    assert_nothing_written(tmp_path / "out")


def test_standard_input_that_is_binary(tmp_path, run_cli):
    result = run_cli("build", "-", "-f", "epub", "-o", tmp_path / "out", stdin=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    assert_one_line_error(result, "<stdin>", "PDF")
    assert_nothing_written(tmp_path / "out")


def test_thousands_of_warnings_are_summarised(tmp_path, run_cli):
    source = tmp_path / "quotes.txt"
    source.write_text("The keeper said” nothing.\n\n" * 500, encoding="utf-8")
    result = run_cli("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert result.stderr.count("\n") == 21 and "480 more warnings not shown" in result.stderr
    assert run_cli("build", source, "-f", "epub", "-o", tmp_path / "strict", "--strict").exit_code == 1
