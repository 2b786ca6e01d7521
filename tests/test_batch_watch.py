"""Tests for `booksmith watch` (a bounded run on a thread) and the batch progress display."""

from __future__ import annotations

import threading
import time
import zipfile
from pathlib import Path

from booksmith.batch.watch import watch_folder
from booksmith.options import BatchOptions, BuildOptions

TEXT = "A Night Ferry\n\nThe ferry left at midnight with {word} lamps swinging on its rails.\n\nNobody slept.\n"


def wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def book_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml"))


def test_watch_builds_then_rebuilds_only_the_changed_text(tmp_path):
    (tmp_path / "ferry.txt").write_text(TEXT.format(word="amber"), encoding="utf-8")
    (tmp_path / "other.txt").write_text(TEXT.format(word="silver"), encoding="utf-8")
    results, stop = [], threading.Event()
    watcher = threading.Thread(
        target=watch_folder,
        args=(tmp_path, BuildOptions(formats=("epub",)), BatchOptions(jobs=1)),
        kwargs={"on_result": results.append, "stop": stop},
    )
    watcher.start()
    try:
        assert wait_for(lambda: len(results) == 2)
        assert {r.status for r in results} == {"converted"}
        time.sleep(0.3)  # let the watcher settle before the edit
        (tmp_path / "ferry.txt").write_text(TEXT.format(word="copper"), encoding="utf-8")
        assert wait_for(lambda: len(results) >= 3)
        assert wait_for(lambda: "copper" in book_text(tmp_path / "ferry.epub"))
        assert [(r.key, r.status) for r in results[2:]] == [("ferry.txt", "converted")]
        (tmp_path / "ferry.epub").touch()  # its own output must not trigger a rebuild
        time.sleep(0.8)
        assert len(results) == 3
    finally:
        stop.set()
        watcher.join(timeout=15)
    assert not watcher.is_alive()


def test_progress_is_a_rich_bar_on_a_terminal(tmp_path, run_cli, monkeypatch):
    (tmp_path / "ferry.txt").write_text(TEXT.format(word="amber"), encoding="utf-8")
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    result = run_cli("batch", tmp_path, "-f", "epub")
    assert result.exit_code == 0
    assert "━" in result.stderr and "1/1" in result.stderr and "[1/1]" not in result.stderr
