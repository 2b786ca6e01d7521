"""Tests for finding e-readers and sending books to them, on fake device trees in temporary folders."""

from __future__ import annotations

import os
import stat
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import epubcheck_problems

from booksmith.devices import Device, copy_book, device_at, find_devices, identify, search_roots
from booksmith.errors import DeviceError

STORY = """The Tidewater Clock

by Ilse Varga

Chapter One

The clock in the square had stopped at a quarter past four, and nobody in the village could say when.

Old Brannock said it stopped the night the tide forgot to turn. His niece said he was joking.

Chapter Two

In the morning a stranger climbed the tower with a bag of tools and a lantern.

By noon the clock was ticking again, and the tide came in an hour late.
"""


def kobo(root: Path) -> Path:
    (root / ".kobo").mkdir(parents=True)
    (root / ".kobo" / "version").write_text(
        "N418170000000,4.9.77,4.38.21908,4.9.77,4.9.77,00000000-0000-0000-0000-000000000388\n"
    )
    return root


def kindle(root: Path) -> Path:
    (root / "documents").mkdir(parents=True)
    (root / "system").mkdir()
    return root


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "tidewater-clock.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def test_a_kobo_is_found_with_its_model_and_firmware(tmp_path):
    device = identify(kobo(tmp_path / "KOBOeReader"))
    assert device is not None
    assert (device.kind, device.model, device.firmware) == ("kobo", "388", "4.38.21908")
    assert device.books_dir == tmp_path / "KOBOeReader"


def test_a_kobo_without_a_version_file_is_still_a_kobo(tmp_path):
    (tmp_path / "KOBO" / ".kobo").mkdir(parents=True)
    device = identify(tmp_path / "KOBO")
    assert device is not None and device.kind == "kobo" and device.model is None


def test_a_kindle_gets_its_documents_folder(tmp_path):
    device = identify(kindle(tmp_path / "Kindle"))
    assert device is not None and device.kind == "kindle"
    assert device.books_dir == tmp_path / "Kindle" / "documents"


@pytest.mark.parametrize(
    ("marker", "books", "kind"),
    [
        ("system/profiles", "books", "pocketbook"),
        (".tolino", "Books", "tolino"),
        ("koreader", None, "koreader"),
        (".adds/koreader", "Books", "koreader"),
    ],
)
def test_epub_readers_get_their_books_folder(tmp_path, marker, books, kind):
    root = tmp_path / "READER"
    (root / marker).mkdir(parents=True)
    if books:
        (root / books).mkdir()
    device = identify(root)
    assert device is not None and device.kind == kind
    assert device.books_dir == (root / books if books else root)


def test_find_devices_skips_folders_that_are_not_readers(tmp_path):
    (tmp_path / "usb-stick" / "photos").mkdir(parents=True)
    found = find_devices([tmp_path / "usb-stick", kobo(tmp_path / "k"), kindle(tmp_path / "kin"), tmp_path / "gone"])
    assert [d.kind for d in found] == ["kobo", "kindle"]


def test_search_roots_follow_the_platform(tmp_path):
    assert search_roots("win32")[0] == Path("D:\\") and len(search_roots("win32")) == 23
    for mount in ("media/ana/KOBOeReader", "run/media/ana/Kindle", "mnt/reader", "Volumes/KOBOeReader"):
        (tmp_path / mount).mkdir(parents=True)
    (tmp_path / "media" / "stray-file").write_text("not a folder")
    linux = search_roots("linux", tmp_path)
    assert linux == [tmp_path / "media/ana/KOBOeReader", tmp_path / "run/media/ana/Kindle", tmp_path / "mnt/reader"]
    assert search_roots("darwin", tmp_path) == [tmp_path / "Volumes/KOBOeReader"]


def test_send_leaves_a_valid_kepub_on_a_kobo(tmp_path, story, run_cli):
    device = kobo(tmp_path / "KOBO")
    result = run_cli("send", story, "--to", device)
    assert result.exit_code == 0, result.stderr
    sent = device / "tidewater-clock.kepub.epub"
    assert str(sent) in result.stdout and "KEPUB" in result.stdout and "MB free" in result.stdout
    assert epubcheck_problems(sent) == []
    with zipfile.ZipFile(sent) as archive:
        assert "koboSpan" in archive.read("EPUB/chapter-001.xhtml").decode()
    assert [p.name for p in device.iterdir() if p.is_file()] == ["tidewater-clock.kepub.epub"]


def test_send_uses_every_build_option(tmp_path, story, run_cli):
    device = kindle(tmp_path / "Kindle")
    result = run_cli("send", story, "--to", device, "--title", "A Different Title", "--no-calibre")
    assert result.exit_code == 0, result.stderr
    from conftest import pdf_text

    assert "A Different Title" in pdf_text(device / "documents" / "tidewater-clock.pdf")


def test_a_kindle_gets_an_ereader_sized_pdf_and_the_reason(tmp_path, story, run_cli, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))  # no calibre
    device = kindle(tmp_path / "Kindle")
    result = run_cli("send", story, "--to", device)
    assert result.exit_code == 0, result.stderr
    from pypdf import PdfReader

    page = PdfReader(device / "documents" / "tidewater-clock.pdf").pages[0]
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in (page.mediabox.width, page.mediabox.height))
    assert round(width_mm) == 90 and round(height_mm) == 120
    assert "PDF" in result.stdout and "ebook-convert" in result.stdout and "kindle:" in result.stdout


@pytest.mark.skipif(sys.platform.startswith("win"), reason="a shell-script stand-in for ebook-convert")
def test_a_kindle_gets_azw3_when_calibre_is_installed(tmp_path, story, run_cli, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ebook-convert"
    # Stands in for calibre: "converts" by prefixing the EPUB's bytes, so the test can tell it ran.
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nopen(sys.argv[2], 'wb').write(b'AZW3' + open(sys.argv[1], 'rb').read())\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    device = kindle(tmp_path / "Kindle")
    result = run_cli("send", story, "--to", device)
    assert result.exit_code == 0, result.stderr
    sent = device / "documents" / "tidewater-clock.azw3"
    assert sent.read_bytes()[:6] == b"AZW3PK"
    assert "AZW3" in result.stdout and "calibre" in result.stdout


def test_an_epub_reader_gets_the_epub_in_its_books_folder(tmp_path, story, run_cli):
    root = tmp_path / "PB"
    (root / "system" / "profiles").mkdir(parents=True)
    (root / "books").mkdir()
    result = run_cli("send", story, "--to", root)
    assert result.exit_code == 0, result.stderr
    assert (root / "books" / "tidewater-clock.epub").is_file()


def test_a_built_book_is_copied_as_it_is(tmp_path, run_cli):
    book = tmp_path / "already.epub"
    book.write_bytes(b"PK not really an epub, but copied byte for byte")
    device = tmp_path / "plain-folder"
    device.mkdir()
    result = run_cli("send", book, "--to", device)
    assert result.exit_code == 0, result.stderr
    assert (device / "already.epub").read_bytes() == book.read_bytes()


def test_a_kobo_takes_a_built_epub_and_says_how_to_get_a_kepub(tmp_path, run_cli):
    book = tmp_path / "already.epub"
    book.write_bytes(b"PK an epub")
    result = run_cli("send", book, "--to", kobo(tmp_path / "KOBO"))
    assert result.exit_code == 0 and "send the .txt to get a KEPUB" in result.stdout
    assert (tmp_path / "KOBO" / "already.epub").read_bytes() == b"PK an epub"


def test_a_kindle_refuses_an_epub_clearly(tmp_path, run_cli):
    book = tmp_path / "already.epub"
    book.write_bytes(b"PK")
    result = run_cli("send", book, "--to", kindle(tmp_path / "Kindle"), "--no-calibre")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "kindle:NAME@kindle.com" in result.stderr
    assert list((tmp_path / "Kindle" / "documents").iterdir()) == []


def test_warnings_are_shown_and_strict_refuses_to_send(tmp_path, run_cli):
    text = tmp_path / "uneven.txt"
    text.write_text('Chapter 1\n\nShe said, "wait.\n\nChapter 3\n\nNothing came of it.\n', encoding="utf-8")
    device = kobo(tmp_path / "KOBO")
    result = run_cli("send", text, "--to", device)
    assert result.exit_code == 0 and "warning" in result.stderr
    result = run_cli("send", text, "--to", device, "--strict")
    assert result.exit_code == 1 and "--strict" in result.stderr


def test_the_same_book_twice_is_not_duplicated(tmp_path, story, run_cli):
    device = kobo(tmp_path / "KOBO")
    assert run_cli("send", story, "--to", device).exit_code == 0
    again = run_cli("send", story, "--to", device)
    assert again.exit_code == 0 and "already there" in again.stdout
    assert sorted(p.name for p in device.glob("*.epub")) == ["tidewater-clock.kepub.epub"]


def test_a_different_book_of_the_same_name_is_kept(tmp_path, story, run_cli):
    device = kobo(tmp_path / "KOBO")
    other = device / "tidewater-clock.kepub.epub"
    other.write_bytes(b"someone else's book")
    result = run_cli("send", story, "--to", device)
    assert result.exit_code == 0, result.stderr
    assert other.read_bytes() == b"someone else's book"
    assert (device / "tidewater-clock-2.kepub.epub").is_file()


def test_a_book_that_does_not_fit_is_refused_and_nothing_is_left(tmp_path, story, run_cli, monkeypatch):
    import shutil

    device = kobo(tmp_path / "KOBO")
    monkeypatch.setattr("booksmith.devices.shutil.disk_usage", lambda _: shutil._ntuple_diskusage(10**9, 10**9, 100))
    result = run_cli("send", story, "--to", device)
    assert result.exit_code == 1
    assert "not enough space" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in device.iterdir()) == [".kobo"]


def test_a_failed_copy_leaves_no_partial_file(tmp_path, monkeypatch):
    book = tmp_path / "book.epub"
    book.write_bytes(b"x" * 1000)
    device = Device("koreader", tmp_path / "dev", tmp_path / "dev")

    def broken_copy(source, target):
        Path(target).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("booksmith.devices.shutil.copyfile", broken_copy)
    with pytest.raises(DeviceError, match="could not be copied"):
        copy_book(book, device)
    assert list((tmp_path / "dev").iterdir()) == []


def test_devices_lists_what_it_found_with_the_format(tmp_path, run_cli, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    roots = [kobo(tmp_path / "KOBO"), kindle(tmp_path / "Kindle"), tmp_path / "nothing"]
    monkeypatch.setenv("BOOKSMITH_DEVICE_ROOTS", os.pathsep.join(map(str, roots)))
    result = run_cli("devices")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "Kobo (model 388, firmware 4.38.21908)" in lines[0] and "kepub" in lines[0]
    assert "Kindle" in lines[1] and "pdf" in lines[1]
    assert all(line.endswith("MB free") for line in lines)


def test_send_without_to_uses_the_one_reader_found(tmp_path, story, run_cli, monkeypatch):
    device = kobo(tmp_path / "KOBO")
    monkeypatch.setenv("BOOKSMITH_DEVICE_ROOTS", str(device))
    assert run_cli("send", story).exit_code == 0
    assert (device / "tidewater-clock.kepub.epub").is_file()


def test_send_without_a_reader_says_what_to_do(tmp_path, story, run_cli, monkeypatch):
    monkeypatch.setenv("BOOKSMITH_DEVICE_ROOTS", str(tmp_path / "nothing"))
    result = run_cli("send", story)
    assert result.exit_code == 1 and "no e-reader found" in result.stderr and "--to PATH" in result.stderr


def test_send_with_two_readers_asks_which(tmp_path, story, run_cli, monkeypatch):
    roots = [kobo(tmp_path / "KOBO"), kindle(tmp_path / "Kindle")]
    monkeypatch.setenv("BOOKSMITH_DEVICE_ROOTS", os.pathsep.join(map(str, roots)))
    result = run_cli("send", story)
    assert result.exit_code == 1 and "several e-readers" in result.stderr


def test_send_a_missing_file_or_to_a_missing_folder_fails_in_one_line(tmp_path, story, run_cli):
    result = run_cli("send", tmp_path / "missing.txt", "--to", kobo(tmp_path / "KOBO"))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "missing.txt" in result.stderr
    result = run_cli("send", story, "--to", tmp_path / "not-mounted")
    assert result.exit_code == 1 and "not a folder" in result.stderr


def test_device_at_treats_an_unknown_folder_as_an_epub_reader(tmp_path):
    (tmp_path / "Books").mkdir()
    device = device_at(tmp_path)
    assert device.kind == "koreader" and device.books_dir == tmp_path / "Books"
