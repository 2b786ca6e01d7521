"""The real-text corpus scorer (tools/corpus/score.py) on a tiny corpus written here.

Two self-written texts are committed to a throw-away git repository that stands in for a
fetched snapshot; the test lays them out from it by blob id and scores booksmith's build
of each against labels that are right for one field set and wrong for another.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCORE_PY = Path(__file__).resolve().parents[1] / "tools" / "corpus" / "score.py"

LANTERN = """The Lantern Keeper

by Ada Quill


Chapter 1

Mira climbed the tower stairs every evening, counting the steps aloud so the dark would know she was coming.

The lamp at the top was older than the town, and it hissed when she lit it.

* * *

Down in the harbour the fishing boats turned their bows toward the light, one after another.


Chapter 2

In the morning a stranger knocked at the tower door and asked whether the keeper ever slept.

Mira told him the lamp slept for her, all day long, and she kept watch over its dreams.
"""

# Windows-1251 on purpose: layout must write the stored bytes, never re-encode them.
SNOW = """Глава первая

Снег шёл третий день, и дорогу до станции замело так, что почтальон вернулся ни с чем.

Старик сидел у окна и считал вороны на заборе.


Глава вторая

К вечеру приехали сани, и в доме стало шумно от голосов и запаха мороза.

Никто не спросил, сколько ворон он насчитал.
""".encode("cp1251")


@pytest.fixture(scope="module")
def score():
    spec = importlib.util.spec_from_file_location("corpus_score", SCORE_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_score"] = module
    spec.loader.exec_module(module)
    return module


def git(*args: str, cwd: Path) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env)
    return run.stdout.strip()


@pytest.fixture(scope="module")
def mirror(tmp_path_factory) -> tuple[Path, str, dict[str, str]]:
    """A fake fetched snapshot of `someone/stories` in a mirror folder; returns (mirror, commit, blobs)."""
    mirror = tmp_path_factory.mktemp("mirror")
    repo = mirror / "someone+stories" / "repo"
    (repo / "ru").mkdir(parents=True)
    (repo / "lantern.txt").write_text(LANTERN, encoding="utf-8")
    (repo / "ru" / "snow.txt").write_bytes(SNOW)
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "texts", cwd=repo)
    commit = git("rev-parse", "HEAD", cwd=repo)
    blobs = {name: git("rev-parse", f"HEAD:{name}", cwd=repo) for name in ("lantern.txt", "ru/snow.txt")}
    return mirror, commit, blobs


def entry_toml(**fields: object) -> str:
    lines = ["[[text]]"]
    for key, value in fields.items():
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def write_list(path: Path, commit: str, blobs: dict[str, str], **overrides: dict) -> Path:
    lantern = {
        "id": "lantern",
        "repo": "someone/stories",
        "path": "lantern.txt",
        "commit": commit,
        "blob": blobs["lantern.txt"],
        "kind": "manuscript",
        "title": "The Lantern Keeper",
        "authors": ["Ada Quill"],
        "language": "en",
        "chapters": 2,
        "parts": 0,
        "scene_breaks": 1,
        "first_chapter": "Chapter 1",
    } | overrides.get("lantern", {})
    snow = {
        "id": "snow",
        "repo": "someone/stories",
        "path": "ru/snow.txt",
        "commit": commit,
        "blob": blobs["ru/snow.txt"],
        "kind": "non-english",
        "title": ["Snow", "snow"],
        "authors": [],
        "language": "ru",
        "chapters": [2, 3],
        "parts": 0,
        "scene_breaks": 0,
    } | overrides.get("snow", {})
    path.write_text(entry_toml(**lantern) + "\n" + entry_toml(**snow), encoding="utf-8")
    return path


def test_layout_writes_the_stored_bytes_and_names_what_to_fetch(score, mirror, tmp_path, capsys):
    mirror_dir, commit, blobs = mirror
    listed = write_list(tmp_path / "list.toml", commit, blobs)
    entries = score.load_list([listed])

    assert score.layout(entries, tmp_path / "root", mirror_dir) == 0
    assert (tmp_path / "root" / "texts" / "lantern.txt").read_text(encoding="utf-8") == LANTERN
    assert (tmp_path / "root" / "texts" / "snow.txt").read_bytes() == SNOW
    assert "2 written" in capsys.readouterr().out

    # A repository not in the mirror is named, with its ids, and layout says it is not done.
    gone = score.load_list([listed])
    gone[1].repo = "other/missing"
    assert score.layout(gone, tmp_path / "elsewhere", mirror_dir) == 1
    out = capsys.readouterr().out
    assert "other/missing: snow" in out
    assert not (tmp_path / "elsewhere" / "texts" / "snow.txt").exists()


def test_layout_refuses_a_blob_the_snapshot_does_not_hold(score, mirror, tmp_path, capsys):
    mirror_dir, commit, blobs = mirror
    wrong = dict(blobs, **{"lantern.txt": "0" * 40})
    entries = score.load_list([write_list(tmp_path / "list.toml", commit, wrong)])
    assert score.layout(entries, tmp_path / "root", mirror_dir) == 1
    assert not (tmp_path / "root" / "texts" / "lantern.txt").exists()
    assert "someone/stories: lantern" in capsys.readouterr().out


def test_score_judges_each_field_against_the_labels(score, mirror, tmp_path):
    mirror_dir, commit, blobs = mirror
    listed = write_list(
        tmp_path / "list.toml",
        commit,
        blobs,
        snow={"chapters": 5, "title": "Metel", "language": "de"},
    )
    entries = score.load_list([listed])
    score.layout(entries, tmp_path, mirror_dir)

    result = score.score(entries, tmp_path, jobs=2, timeout=120, quiet=True)
    rows = {row["id"]: row for row in result["results"]}

    lantern = rows["lantern"]
    assert lantern["error"] is None
    assert lantern["ok"], score.row_line(lantern)
    assert lantern["fields"]["chapters"]["got"] == 2
    assert lantern["fields"]["scene_breaks"]["got"] == 1
    assert lantern["fields"]["words"]["ok"]

    snow = rows["snow"]
    assert not snow["ok"]
    wrong = {name for name, verdict in snow["fields"].items() if not verdict["ok"]}
    assert wrong == {"chapters", "title", "language"}
    assert snow["fields"]["chapters"]["got"] == 2
    assert snow["fields"]["language"]["got"] == "ru"

    summary = result["summary"]
    assert (summary["right"], summary["total"], summary["errors"]) == (1, 2, 0)
    assert summary["kinds"] == {"manuscript": [1, 1], "non-english": [0, 1]}
    assert summary["fields"]["chapters"] == [1, 2]
    assert "1 of 2 fully right (50.0%)" in score.summary_text(result)


def test_rejudge_applies_fixed_labels_to_a_saved_result_without_building(score, mirror, tmp_path):
    mirror_dir, commit, blobs = mirror
    wrong = write_list(tmp_path / "wrong.toml", commit, blobs, snow={"chapters": 5})
    entries = score.load_list([wrong])
    score.layout(entries, tmp_path, mirror_dir)
    saved = json.loads(json.dumps(score.score(entries, tmp_path, jobs=2, timeout=120, quiet=True)))
    assert saved["summary"]["right"] == 1

    fixed = score.load_list([write_list(tmp_path / "fixed.toml", commit, blobs)])
    (tmp_path / "texts" / "snow.txt").unlink()  # nothing is built again
    again = score.rejudge(fixed, saved)
    assert again["summary"]["right"] == 2
    assert {row["id"]: row["ok"] for row in again["results"]} == {"lantern": True, "snow": True}

    # A result saved before rows kept what the build held is re-judged from its verdicts.
    for row in saved["results"]:
        del row["got"]
    assert score.rejudge(fixed, saved)["summary"]["right"] == 2


def test_a_text_that_cannot_be_read_fails_alone(score, tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "empty.txt").write_bytes(b"")
    (texts / "fine.txt").write_text(LANTERN, encoding="utf-8")
    results = score.run_all([str(texts / "empty.txt"), str(texts / "fine.txt")], jobs=2, timeout=120)
    assert "error" in results[0]
    assert "error" not in results[1]
    assert results[1]["chapters"] == 2


def test_compare_accepts_any_listed_title_ranges_and_normalised_names(score):
    labels = {
        "title": ["Война и мир", "voina-i-mir"],
        "authors": ["Лев Толстой", "A. N. Other"],
        "language": "ru",
        "chapters": [360, 365],
        "parts": 4,
        "scene_breaks": 0,
        "last_chapter": "Эпилог",
    }
    got = {
        "title": "ВОЙНА И МИР.",
        "authors": ["a n other", "Лев  Толстой"],
        "language": "ru",
        "chapters": 361,
        "parts": 4,
        "scene_breaks": 0,
        "first_chapter": "Глава I",
        "last_chapter": "ЭПИЛОГ. Часть вторая",
        "words": "kept",
    }
    verdicts = score.compare(labels, got)
    assert all(v["ok"] for v in verdicts.values()), verdicts
    assert "first_chapter" not in verdicts
    assert not score.compare(labels, got | {"chapters": 366})["chapters"]["ok"]
    assert not score.compare(labels, got | {"authors": ["Лев Толстой"]})["authors"]["ok"]
    assert not score.compare(labels, got | {"words": "lost: 'мир'"})["words"]["ok"]


def test_an_author_may_be_labelled_with_each_spelling_the_text_gives(score):
    labels = {"title": "Siddhartha", "authors": [["Hermann Hesse", "Herman Hesse"]], "language": "en"}
    labels |= {"chapters": 12, "parts": 0, "scene_breaks": 0}
    got = {"title": "Siddhartha", "language": "en", "chapters": 12, "parts": 0, "scene_breaks": 0, "words": "kept"}
    assert score.compare(labels, got | {"authors": ["Herman Hesse"]})["authors"]["ok"]
    assert score.compare(labels, got | {"authors": ["HERMANN HESSE"]})["authors"]["ok"]
    assert not score.compare(labels, got | {"authors": ["Hermann Hesse", "Herman Hesse"]})["authors"]["ok"]
    assert not score.compare(labels, got | {"authors": []})["authors"]["ok"]


def test_diff_names_texts_fixed_and_broken(score):
    def run(ok_a: bool, ok_b: bool) -> dict:
        rows = [
            {"id": "a", "kind": "play", "ok": ok_a, "error": None, "fields": {}},
            {"id": "b", "kind": "play", "ok": ok_b, "error": None, "fields": {}},
        ]
        return {"booksmith": "x", "results": rows, "summary": score.summary(rows)}

    report = score.diff(run(False, True), run(True, False))
    assert "fixed (1): a" in report
    assert "broken (1): b" in report


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "novel"}, "unknown kind"),
        ({"chapters": [5, 2]}, "chapters must be a count"),
        ({"blob": "abc"}, "blob must be 40"),
        ({"id": "Has Spaces"}, "id must be"),
        ({"authors": "Ada Quill"}, "authors must be a list"),
        ({"authors": [["Ada Quill", 3]]}, "authors must be a list"),
    ],
)
def test_a_wrong_list_is_refused_with_the_entry_named(score, mirror, tmp_path, change, message):
    _, commit, blobs = mirror
    listed = write_list(tmp_path / "list.toml", commit, blobs, lantern=change)
    with pytest.raises(score.CorpusError, match=message):
        score.load_list([listed])


def test_a_clashing_id_is_refused(score, mirror, tmp_path):
    _, commit, blobs = mirror
    listed = write_list(tmp_path / "list.toml", commit, blobs, snow={"id": "lantern"})
    with pytest.raises(score.CorpusError, match="already used"):
        score.load_list([listed])


def test_the_committed_lists_are_valid(score):
    entries = score.load_list()
    assert len(entries) >= 100
    assert {e.kind for e in entries} >= {"gutenberg-novel", "play", "poetry", "fanfic", "non-english"}
