"""Issue 14: a PDF never prints boxes; a character no font has fails the build in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
CHINESE = "城墙上的风吹了一夜，灯还亮着。她没有说话，只是看着远处的海。"


def test_a_script_no_installed_font_has_fails_in_one_line_with_the_fix(tmp_path, run_cli):
    source = tmp_path / "cherokee.txt"
    source.write_text(
        "The Word\n\nThe keeper said the word ᏣᎳᎩ and went home at dusk.\n\nAnother ordinary paragraph.\n",
        encoding="utf-8",
    )
    result = run_cli("build", source, "-f", "pdf", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "no installed font has Cherokee characters such as “ᏣᎳᎩ” (U+13E3" in result.stderr
    assert "fonts-noto-core" in result.stderr
    assert not list((tmp_path / "out").glob("*.pdf")) and not list((tmp_path / "out").glob(".*part"))


@pytest.mark.skipif(not DEJAVU.is_dir(), reason="needs Debian's DejaVu fonts to stand for a machine without CJK fonts")
def test_a_cjk_book_on_a_machine_without_cjk_fonts_fails_rather_than_printing_boxes(tmp_path):
    # A fontconfig that sees only DejaVu: the machine of the bug report, in a child process.
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>'
    )
    source = tmp_path / "城.txt"
    source.write_text("第一章\n\n" + CHINESE * 5 + "\n\n" + CHINESE * 4 + "\n", encoding="utf-8")
    environment = {**os.environ, "FONTCONFIG_FILE": str(config)}
    result = subprocess.run(
        [sys.executable, "-m", "booksmith", "build", "-f", "pdf", str(source), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "no installed font has CJK characters such as “城" in result.stderr
    assert "fonts-noto-cjk" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))
