"""Tests for `booksmith batch`: bad files, incremental runs, names, folder settings, crashes, Dask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from booksmith.batch import FAILED, convert_job, plan_batch, run_plan
from booksmith.batch.manifest import MANIFEST_NAME
from booksmith.files import atomic_output
from booksmith.options import BatchOptions, BuildOptions

EPUB_ONLY = BuildOptions(formats=("epub",))


def story(title: str, words: str = "lantern") -> str:
    """A short story of our own, with a word that marks which input a book came from."""
    return (
        f"{title}\n\n"
        f"The {words} hung above the door of the mill, and nobody in the valley remembered who lit it.\n\n"
        f'"It was there before the river," said the miller\'s daughter, and she was not wrong.\n\n'
        "In spring the water rose, and the light stayed on through every storm of that year.\n"
    )


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def epub_words(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml"))


def statuses(stdout: str) -> dict[str, tuple[str, str | None]]:
    facts = json.loads(stdout)  # fails unless stdout holds exactly one JSON object
    return {f["path"]: (f["status"], f["reason"]) for f in facts["files"]}


def unreadable(path: Path, monkeypatch) -> None:
    """Make a file unreadable; root reads anything, so there the read itself is made to fail."""
    path.chmod(0)
    if os.geteuid() == 0:
        real = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self.name == path.name:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)


def test_bad_files_are_reported_and_the_rest_convert_then_skip_then_rebuild_one(tmp_path, run_cli, monkeypatch):
    source, out = tmp_path / "in", tmp_path / "out"
    write(source, "first.txt", story("The First Story", "lantern"))
    write(source, "second.txt", story("The Second Story", "windmill"))
    write(source, "empty.txt", "")
    write(source, "binary.txt", bytes(range(32)) * 40)  # valid UTF-8, but control bytes
    write(source, "latin.txt", story("Café Story").encode("cp1252"))
    unreadable(write(source, "locked.txt", story("Locked")), monkeypatch)
    args = ("batch", source, "-o", out, "-f", "epub", "--encoding", "utf-8", "--json")

    first = run_cli(*args)
    assert first.exit_code == 1
    found = statuses(first.stdout)
    assert found["first.txt"] == ("converted", None)
    assert found["second.txt"] == ("converted", None)
    assert "empty" in found["empty.txt"][1]
    assert "binary data" in found["binary.txt"][1]
    assert "not valid utf-8" in found["latin.txt"][1]
    assert "permission denied" in found["locked.txt"][1]
    assert {s for s, _ in found.values()} == {"converted", "failed"}
    assert "lantern" in epub_words(out / "first.epub") and "windmill" in epub_words(out / "second.epub")
    assert "[6/6]" in first.stderr  # plain progress lines when stderr is not a terminal
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "first.epub", "second.epub"]

    second = run_cli(*args)
    assert second.exit_code == 1
    found = statuses(second.stdout)
    assert found["first.txt"][0] == found["second.txt"][0] == "skipped"
    assert found["empty.txt"][0] == "failed"

    write(source, "second.txt", story("The Second Story", "haystack"))
    third = run_cli(*args)
    found = statuses(third.stdout)
    assert found["first.txt"][0] == "skipped"
    assert found["second.txt"][0] == "converted"
    assert "haystack" in epub_words(out / "second.epub")


def test_all_good_exits_zero_and_force_rebuilds(tmp_path, run_cli):
    write(tmp_path, "one.txt", story("One"))
    write(tmp_path, "sub/two.txt", story("Two"))
    assert run_cli("batch", tmp_path, "-f", "epub", "-r", "-q").exit_code == 0
    assert (tmp_path / "one.epub").is_file() and (tmp_path / "sub" / "two.epub").is_file()
    again = run_cli("batch", tmp_path, "-f", "epub", "-r", "--force", "--json")
    assert again.exit_code == 0
    assert {s for s, _ in statuses(again.stdout).values()} == {"converted"}
    table = run_cli("batch", tmp_path, "-f", "epub", "-r")
    assert table.exit_code == 0 and "Skipped" in table.stdout


def test_inputs_with_the_same_book_name_get_unique_names_that_last(tmp_path, run_cli):
    source, out = tmp_path / "in", tmp_path / "out"
    for name, word in [("Story.txt", "acorn"), ("story.txt", "beacon"), ("a:b.txt", "cinder"), ("a?b.txt", "drift")]:
        write(source, name, story(name, word))
    result = run_cli("batch", source, "-o", out, "-f", "epub", "--json")
    assert result.exit_code == 0
    names = {f["path"]: f["outputs"][0] for f in json.loads(result.stdout)["files"]}
    assert names == {
        "Story.txt": "Story.epub",
        "story.txt": "story-2.epub",
        "a:b.txt": "a_b.epub",
        "a?b.txt": "a_b-2.epub",
    }
    for name, word in [
        ("Story.epub", "acorn"),
        ("story-2.epub", "beacon"),
        ("a_b.epub", "cinder"),
        ("a_b-2.epub", "drift"),
    ]:
        assert word in epub_words(out / name)

    write(source, "STORY.txt", story("Newcomer", "ember"))  # sorts first, but takes no existing name
    names = {
        f["path"]: f["outputs"][0]
        for f in json.loads(run_cli("batch", source, "-o", out, "-f", "epub", "--json").stdout)["files"]
    }
    assert names["Story.txt"] == "Story.epub" and names["story.txt"] == "story-2.epub"
    assert names["STORY.txt"] == "STORY-3.epub"


def test_folder_settings_nearest_wins_and_the_command_line_wins_over_both(tmp_path, run_cli):
    write(tmp_path, "booksmith.toml", 'author = "Root Author"\nformats = ["epub", "kepub"]\ntheme = "modern"\n')
    write(tmp_path, "sub/booksmith.toml", 'author = "Near Author"\n')
    write(tmp_path, "top.txt", story("Top"))
    write(tmp_path, "sub/deep.txt", story("Deep"))
    assert run_cli("batch", tmp_path, "-r", "-q").exit_code == 0
    assert (tmp_path / "top.kepub.epub").is_file() and not (tmp_path / "top.pdf").exists()
    assert "Root Author" in _opf(tmp_path / "top.epub")
    assert "Near Author" in _opf(tmp_path / "sub" / "deep.epub")
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert manifest["options"][manifest["entries"]["sub/deep.txt"]["options"]]["build"]["render"]["theme"] == "modern"

    result = run_cli("batch", tmp_path, "-r", "--json", "-f", "epub", "--theme", "classic", "--author", "Typed")
    assert {s for s, _ in statuses(result.stdout).values()} == {"converted"}
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert manifest["entries"]["top.txt"]["outputs"] == ["top.epub"]
    assert manifest["options"][manifest["entries"]["top.txt"]["options"]]["build"]["render"]["theme"] == "classic"
    assert "Typed" in _opf(tmp_path / "sub" / "deep.epub")


def test_a_malformed_folder_file_fails_its_books_naming_file_and_line(tmp_path, run_cli):
    write(tmp_path, "good.txt", story("Good"))
    write(tmp_path, "bad/booksmith.toml", 'series = "Tales"\nauthor = \n')
    write(tmp_path, "bad/inside.txt", story("Inside"))
    result = run_cli("batch", tmp_path, "-r", "-f", "epub", "--json")
    assert result.exit_code == 1
    found = statuses(result.stdout)
    assert found["good.txt"][0] == "converted"
    status, reason = found["bad/inside.txt"]
    assert status == "failed" and "bad/booksmith.toml" in reason and "line 2" in reason


def test_a_damaged_manifest_is_ignored_and_rewritten(tmp_path, run_cli):
    write(tmp_path, "one.txt", story("One"))
    write(tmp_path, MANIFEST_NAME, '{"layout": 1, "entries": {"one.txt": ')
    result = run_cli("batch", tmp_path, "-f", "epub", "--json")
    assert result.exit_code == 0 and "is damaged" in result.stderr
    assert json.loads((tmp_path / MANIFEST_NAME).read_text())["entries"]["one.txt"]["outputs"] == ["one.epub"]


def test_a_missing_folder_is_one_line_error(tmp_path, run_cli):
    result = run_cli("batch", tmp_path / "nowhere")
    assert result.exit_code == 1 and "is not a folder" in result.stderr and "Traceback" not in result.stderr


def crash_while_writing(job):
    """A worker that dies (SIGKILL) halfway through writing the book of `crash.txt`."""
    if job.key == "crash.txt":
        with atomic_output(job.output_dir / f"{job.stem}.epub") as temporary:
            temporary.write_bytes(b"PK\x03\x04 half a book")
            os.kill(os.getpid(), signal.SIGKILL)
    return convert_job(job)


def terminated_while_writing(job):
    """A worker told to stop (SIGTERM, as `kill` or a pool shutdown sends) halfway through a book."""
    with atomic_output(job.output_dir / f"{job.stem}.epub") as temporary:
        temporary.write_bytes(b"PK\x03\x04 half a book")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
    return convert_job(job)


def test_a_terminated_worker_removes_its_temporary_file(tmp_path):
    write(tmp_path, "one.txt", story("One"))
    batch = BatchOptions(jobs=1)
    [result] = run_plan(plan_batch(tmp_path, EPUB_ONLY, batch), batch, work=terminated_while_writing)
    assert result.status == FAILED and "exit code 143" in result.reason
    assert [p.name for p in tmp_path.iterdir()] == ["one.txt"]


def test_a_killed_worker_fails_only_its_book_and_leaves_no_partial_file(tmp_path):
    for name in ("alpha.txt", "crash.txt", "omega.txt"):
        write(tmp_path, name, story(name))
    batch = BatchOptions(jobs=2)
    results = list(run_plan(plan_batch(tmp_path, EPUB_ONLY, batch), batch, work=crash_while_writing))
    by_key = {r.key: r for r in results}
    assert by_key["crash.txt"].status == FAILED and "killed by SIGKILL" in by_key["crash.txt"].reason
    assert by_key["alpha.txt"].status == by_key["omega.txt"].status == "converted"
    assert not (tmp_path / "crash.epub").exists()
    assert list(tmp_path.glob(".crash.epub.*.part"))  # the dead worker's temporary file

    rerun = {r.key: r.status for r in run_plan(plan_batch(tmp_path, EPUB_ONLY, batch), batch)}
    assert rerun == {"crash.txt": "converted"}  # the others were recorded before the crash
    assert zipfile.ZipFile(tmp_path / "crash.epub").testzip() is None
    assert not list(tmp_path.glob(".*.part"))


def test_ctrl_c_stops_the_run_cleanly_and_the_next_run_completes_it(tmp_path):
    for number in range(40):
        write(tmp_path, f"story{number:02}.txt", story(f"Story {number}", f"word{number}"))
    command = [sys.executable, "-m", "booksmith", "batch", str(tmp_path), "-f", "epub", "--jobs", "2", "-q"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    while process.poll() is None and not list(tmp_path.glob("*.epub")):
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    done = list(tmp_path.glob("*.epub"))
    assert process.returncode in (0, 1)
    assert process.returncode == 0 or "interrupted" in stderr
    assert not list(tmp_path.glob(".*.part"))
    for book in done:
        assert zipfile.ZipFile(book).testzip() is None
    rerun = subprocess.run([*command[:-1], "--json"], capture_output=True, text=True, timeout=120)
    found = statuses(rerun.stdout)
    assert rerun.returncode == 0 and len(found) == 40
    assert sum(s == "skipped" for s, _ in found.values()) >= len(done) - 2  # at most the jobs in flight redo


def test_workers_do_not_import_weasyprint_for_epub(tmp_path):
    probe = write(
        tmp_path,
        "probe/probe_work.py",
        textwrap.dedent(
            """
            import sys
            from booksmith.batch import JobResult

            def work(job):
                return JobResult(job.key, "converted", reason=str("weasyprint" in sys.modules))
            """
        ),
    )
    write(tmp_path, "in/one.txt", story("One"))
    script = textwrap.dedent(
        f"""
        import sys
        from booksmith.batch import plan_batch, run_plan
        from booksmith.options import BatchOptions, BuildOptions
        import probe_work
        batch = BatchOptions(jobs=1)
        plan = plan_batch({str(tmp_path / "in")!r}, BuildOptions(formats=("epub",)), batch)
        print([r.reason for r in run_plan(plan, batch, work=probe_work.work)], "weasyprint" in sys.modules)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(probe.parent)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.strip() == "['False'] False", done.stderr


def test_dask_executor_on_a_local_cluster(tmp_path, run_cli):
    distributed = pytest.importorskip("distributed")
    write(tmp_path, "one.txt", story("One", "quill"))
    write(tmp_path, "two.txt", story("Two"))
    write(tmp_path, "empty.txt", "")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        result = run_cli("batch", tmp_path, "-f", "epub", "--executor", "dask", "--scheduler", address, "--json")
    found = statuses(result.stdout)
    assert result.exit_code == 1
    assert found["one.txt"] == found["two.txt"] == ("converted", None)
    assert found["empty.txt"][0] == "failed"
    assert "quill" in epub_words(tmp_path / "one.epub")


def test_dask_executor_needs_a_scheduler(tmp_path, run_cli):
    write(tmp_path, "one.txt", story("One"))
    result = run_cli("batch", tmp_path, "-f", "epub", "--executor", "dask")
    assert result.exit_code == 1 and "--scheduler" in result.stderr


def _opf(book: Path) -> str:
    with zipfile.ZipFile(book) as archive:
        return archive.read(next(n for n in archive.namelist() if n.endswith(".opf"))).decode("utf-8")


def test_strict_fails_books_with_warnings_and_verbose_shows_them(tmp_path, run_cli):
    gap = "Gaps\n\nChapter 1\n\nThe road was long and dusty.\n\nChapter 3\n\nThe hill was steep and the cart slow.\n"
    write(tmp_path, "gap.txt", gap)
    write(tmp_path, "fine.txt", story("Fine"))
    loose = run_cli("batch", tmp_path, "-f", "epub", "-v")
    assert loose.exit_code == 0 and "gap.txt: chapter numbering jumps" in loose.stderr
    strict = run_cli("batch", tmp_path, "-f", "epub", "--strict", "--json")
    assert strict.exit_code == 1
    found = statuses(strict.stdout)
    assert found["fine.txt"][0] == "converted" and found["gap.txt"][0] == "failed"  # --strict is an option
    assert "--strict" in found["gap.txt"][1]


def test_an_empty_folder_warns_and_succeeds(tmp_path, run_cli):
    write(tmp_path, "sub/deep.txt", story("Deep"))
    result = run_cli("batch", tmp_path)
    assert result.exit_code == 0 and "add --recursive" in result.stderr
    assert not (tmp_path / MANIFEST_NAME).exists()


def test_planning_some_inputs_still_gives_names_unique_among_all(tmp_path):
    write(tmp_path, "Tale.txt", story("Tale"))
    batch = BatchOptions(jobs=1)
    list(run_plan(plan_batch(tmp_path, EPUB_ONLY, batch), batch))
    newcomer = write(tmp_path, "tale.txt", story("Other tale"))
    plan = plan_batch(tmp_path, EPUB_ONLY, batch, only={newcomer})
    assert [(job.key, job.stem) for job in plan.jobs] == [("tale.txt", "tale-2")]


def test_an_output_folder_inside_the_input_is_not_read_as_input(tmp_path, run_cli):
    write(tmp_path, "one.txt", story("One"))
    write(tmp_path, "notes/two.text", story("Two"))
    args = ("batch", tmp_path, "-r", "--glob", "*", "-o", tmp_path / "books", "-f", "epub", "--json")
    first = statuses(run_cli(*args).stdout)
    assert first == {"one.txt": ("converted", None), "notes/two.text": ("converted", None)}
    assert (tmp_path / "books" / "notes" / "two.epub").is_file()
    assert statuses(run_cli(*args).stdout) == {"one.txt": ("skipped", None), "notes/two.text": ("skipped", None)}
