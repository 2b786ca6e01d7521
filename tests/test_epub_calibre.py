"""calibre, the library most readers use, reads the EPUB's title, author, series and cover (when installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES

pytestmark = pytest.mark.skipif(shutil.which("ebook-meta") is None, reason="calibre's ebook-meta is not installed")


def test_calibre_reads_title_author_series_and_cover(tmp_path: Path, run_cli):
    args = ("--series", "Tales of Gull Rock", "--series-index", "2", "-f", "epub", "-o", tmp_path)
    assert run_cli("build", EXAMPLES / "the-lighthouse-keeper.txt", *args).exit_code == 0
    book = tmp_path / "the-lighthouse-keeper.epub"
    cover = tmp_path / "cover.jpg"
    result = subprocess.run(
        ["ebook-meta", str(book), "--get-cover", str(cover)], capture_output=True, text=True, timeout=120
    )
    fields = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    assert fields["Title"] == "The Lighthouse Keeper"
    assert fields["Author(s)"].startswith("Mara Quill")
    assert fields["Series"] == "Tales of Gull Rock #2"
    assert cover.read_bytes()[:3] == b"\xff\xd8\xff"  # the JPEG cover
