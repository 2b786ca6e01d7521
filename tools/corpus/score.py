"""Lay out the real-text corpus from repository snapshots and score a booksmith build against its labels.

The corpus is a list of public texts (tools/corpus/*.toml: repository, path, commit,
git blob id) with labels a person decided by reading each text: title, authors,
language, chapter and part counts, scene breaks. The texts never enter this
repository; `layout` writes them out again from snapshots fetched into a mirror
folder, and `score` builds each with booksmith's library and compares.

    python tools/corpus/score.py layout [--root /work/corpus] [--mirror /work/.mirror]
    python tools/corpus/score.py score [--root /work/corpus] [--only ID...] [--kind K] [--json OUT] [-j 2]
    python tools/corpus/score.py diff BEFORE.json AFTER.json
    python tools/corpus/score.py rejudge RESULT.json [--json OUT]   # after a label fix, no rebuild

See tools/corpus/README.md for the label rules.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import subprocess
import sys
import time
import tomllib
import traceback
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_ROOT = Path("/work/corpus")
DEFAULT_MIRROR = Path("/work/.mirror")

KINDS = (
    "cjk-webnovel-lines",
    "cjk-webnovel-indent",
    "cjk-volumes",
    "cjk-header",
    "titled-chapters",
    "unknown-heading-word",
    "wrapped-titles",
    "gutenberg-novel",
    "gutenberg-collection",
    "play",
    "poetry",
    "fanfic",
    "web-serial",
    "manuscript",
    "non-english",
)
REQUIRED = (
    "id",
    "repo",
    "path",
    "commit",
    "blob",
    "kind",
    "title",
    "authors",
    "language",
    "chapters",
    "parts",
    "scene_breaks",
)
# The fields a build is compared on, in the order rows print them.
FIELDS = ("title", "authors", "language", "chapters", "parts", "scene_breaks", "first_chapter", "last_chapter", "words")
ID_SHAPE = re.compile(r"[a-z0-9][a-z0-9-]*")
HEX40 = re.compile(r"[0-9a-f]{40}")


class CorpusError(Exception):
    """The list itself is wrong (a missing field, a clashing id): fix the .toml file."""


@dataclass
class Entry:
    """One text of the list with its labels."""

    id: str
    repo: str
    path: str
    commit: str
    blob: str
    kind: str
    labels: dict = field(default_factory=dict)
    source: str = ""


def load_list(files: list[Path] | None = None) -> list[Entry]:
    """Every [[text]] of the corpus lists, checked for the fields and shapes the scorer relies on."""
    files = files if files is not None else sorted(HERE.glob("*.toml"))
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for file in files:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise CorpusError(f"{file}: not valid TOML ({error})") from None
        for number, text in enumerate(data.get("text", []), start=1):
            where = f"{file.name} text {number} ({text.get('id', 'no id')})"
            missing = [name for name in REQUIRED if name not in text]
            if missing:
                raise CorpusError(f"{where}: missing {', '.join(missing)}")
            if not ID_SHAPE.fullmatch(text["id"]):
                raise CorpusError(f"{where}: id must be lower-case letters, digits and hyphens")
            if text["id"] in seen:
                raise CorpusError(f"{where}: id already used in {seen[text['id']]}")
            if text["kind"] not in KINDS:
                raise CorpusError(f"{where}: unknown kind {text['kind']!r}; one of {', '.join(KINDS)}")
            for name in ("commit", "blob"):
                if not HEX40.fullmatch(text[name]):
                    raise CorpusError(f"{where}: {name} must be 40 lower-case hex digits")
            title = text["title"]
            listed = isinstance(title, list) and title and all(isinstance(t, str) for t in title)
            if not (isinstance(title, str) or listed):
                raise CorpusError(f"{where}: title must be a string or a list of accepted titles")
            if not _authors_shape(text["authors"]):
                raise CorpusError(f"{where}: authors must be a list of names (a name may be a list of spellings)")
            for name in ("chapters", "parts", "scene_breaks"):
                if _bounds(text[name]) is None:
                    raise CorpusError(f"{where}: {name} must be a count or an inclusive range [low, high]")
            seen[text["id"]] = file.name
            labels = {k: v for k, v in text.items() if k not in ("id", "repo", "path", "commit", "blob", "kind")}
            entries.append(
                Entry(
                    text["id"],
                    text["repo"],
                    text["path"],
                    text["commit"],
                    text["blob"],
                    text["kind"],
                    labels,
                    file.name,
                )
            )
    return entries


def _authors_shape(value: object) -> bool:
    """A list whose items are names or non-empty lists of spellings of one name."""

    def spelling_list(item: object) -> bool:
        return isinstance(item, list) and bool(item) and all(isinstance(s, str) for s in item)

    return isinstance(value, list) and all(isinstance(a, str) or spelling_list(a) for a in value)


def _bounds(value: object) -> tuple[int, int] | None:
    """A label count as (low, high): an int is both ends, a two-item list an inclusive range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, value
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return (value[0], value[1]) if value[0] <= value[1] else None
    return None


# --- layout -----------------------------------------------------------------------------------


def git_dirs(mirror: Path, repo: str) -> list[Path]:
    """The git directories of a repository's snapshot in the mirror (fetch puts one under owner+name/)."""
    base = mirror / repo.replace("/", "+")
    if not base.is_dir():
        return []
    candidates = [base, base / "repo", base / "repo" / ".git", base / ".git"]
    found = [p for p in candidates if (p / "objects").is_dir()]
    if not found:
        found = [p.parent for p in base.glob("*/objects") if p.is_dir()]
        found += [p.parent for p in base.glob("*/.git/objects") if p.is_dir()]
    return found


def read_blob(mirror: Path, entry: Entry) -> bytes | None:
    """The text's bytes exactly as stored, by blob id, from any snapshot of its repository."""
    for directory in git_dirs(mirror, entry.repo):
        run = subprocess.run(
            ["git", f"--git-dir={directory}", "cat-file", "blob", entry.blob], capture_output=True, check=False
        )
        if run.returncode == 0:
            return run.stdout
    return None


def layout(entries: list[Entry], root: Path, mirror: Path) -> int:
    """Write texts/<id>.txt for every entry whose snapshot is in the mirror; name the repositories to fetch."""
    texts = root / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    written = present = 0
    to_fetch: dict[str, list[str]] = {}
    for entry in entries:
        target = texts / f"{entry.id}.txt"
        data = read_blob(mirror, entry)
        if data is None:
            if target.exists():
                present += 1
            else:
                to_fetch.setdefault(entry.repo, []).append(entry.id)
            continue
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
            written += 1
        else:
            present += 1
    print(f"{written} written, {present} already in place, {sum(map(len, to_fetch.values()))} missing ({texts})")
    if to_fetch:
        print("fetch these repositories first (the fetch tool, github:OWNER/NAME), then run layout again:")
        for repo, ids in sorted(to_fetch.items()):
            print(f"  {repo}: {', '.join(ids)}")
        return 1
    return 0


# --- score ------------------------------------------------------------------------------------


def normal(text: str) -> str:
    """Case, punctuation, symbols and spacing removed: how titles and names are compared."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in text)
    return " ".join(kept.split())


def measure(path: str) -> dict:
    """Build one text with booksmith's library (no files written) and report what the book holds."""
    from booksmith.errors import BooksmithError
    from booksmith.model import SceneBreak
    from booksmith.options import BuildOptions
    from booksmith.pipeline import load
    from booksmith.render import render
    from booksmith.verify import check_words, xhtml_text

    options = BuildOptions(formats=("epub",))
    try:
        loaded = load(Path(path), options)
    except BooksmithError as error:
        return {"error": f"{type(error).__name__}: {error}"}
    book = loaded.book
    entries = [c for c in book.chapters if c.kind != "part" and c.title]
    got = {
        "title": book.metadata.title or "",
        "authors": list(book.metadata.authors),
        "language": (book.metadata.language or "").split("-")[0].lower(),
        "chapters": len(entries),
        "parts": sum(1 for c in book.chapters if c.kind == "part"),
        "scene_breaks": sum(1 for c in book.chapters for b in c.blocks if isinstance(b, SceneBreak)),
        "first_chapter": " ".join(t for t in (entries[0].title, entries[0].subtitle) if t) if entries else "",
        "last_chapter": " ".join(t for t in (entries[-1].title, entries[-1].subtitle) if t) if entries else "",
        "warnings": len(loaded.warnings),
    }
    try:
        rendered = render(book, options.render)
        check_words(loaded.body_text, xhtml_text(d.xhtml for d in rendered.documents), name=Path(path).name)
        got["words"] = "kept"
    except BooksmithError as error:
        got["words"] = f"lost: {error}"
    return got


def compare(labels: dict, got: dict) -> dict[str, dict]:
    """Each field's verdict: {"ok": bool, "got": ..., "want": ...}; fields without a label are left out."""
    verdicts: dict[str, dict] = {}
    # A list names every acceptable title: for a text that never states its own, the real title and
    # the file-name fallback a build cannot avoid.
    titles = labels["title"] if isinstance(labels["title"], list) else [labels["title"]]
    verdicts["title"] = _verdict(normal(got["title"]) in {normal(t) for t in titles}, got["title"], labels["title"])
    verdicts["authors"] = _verdict(_same_authors(labels["authors"], got["authors"]), got["authors"], labels["authors"])
    want_language = labels["language"].split("-")[0].lower()
    verdicts["language"] = _verdict(got["language"] == want_language, got["language"], want_language)
    for name in ("chapters", "parts", "scene_breaks"):
        low, high = _bounds(labels[name]) or (0, 0)
        verdicts[name] = _verdict(low <= got[name] <= high, got[name], labels[name])
    for name in ("first_chapter", "last_chapter"):
        if labels.get(name):
            verdicts[name] = _verdict(normal(labels[name]) in normal(got[name]), got[name], labels[name])
    verdicts["words"] = _verdict(got["words"] == "kept", got["words"], "kept")
    return verdicts


def _same_authors(wanted: list, got: list[str]) -> bool:
    """Each labelled author matched by exactly one name booksmith found, in any order.

    A labelled author is a name or a list of accepted spellings of one name: a text that
    names its author two ways (`Author: Herman Hesse` in the header, `by Hermann Hesse` on
    the title page) is right with either.
    """
    left = [normal(name) for name in got]
    if len(left) != len(wanted):
        return False
    for author in wanted:
        spellings = {normal(s) for s in (author if isinstance(author, list) else [author])}
        match = next((name for name in left if name in spellings), None)
        if match is None:
            return False
        left.remove(match)
    return True


def _verdict(ok: bool, got: object, want: object) -> dict:
    return {"ok": ok, "got": got, "want": want}


def _child(path: str, connection) -> None:
    """Run in a worker process: measure and send the result (or the crash) back."""
    try:
        result = measure(path)
    except Exception:  # a crash of one text is that text's failure, reported in full
        result = {
            "error": "crash: " + traceback.format_exc(limit=-3).strip().splitlines()[-1],
            "trace": traceback.format_exc(),
        }
    connection.send(result)
    connection.close()


def run_all(paths: list[str], jobs: int, timeout: float) -> list[dict]:
    """Measure each path in its own process, `jobs` at a time; a hang or a crash fails only its text."""
    context = multiprocessing.get_context("fork")
    results: list[dict | None] = [None] * len(paths)
    waiting = list(range(len(paths)))
    running: list[tuple[int, multiprocessing.Process, object, float]] = []
    while waiting or running:
        while waiting and len(running) < jobs:
            index = waiting.pop(0)
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(paths[index], send), daemon=True)
            process.start()
            send.close()
            running.append((index, process, receive, time.monotonic()))
        still = []
        for index, process, receive, started in running:
            elapsed = time.monotonic() - started
            if receive.poll(0.05):
                try:
                    result = receive.recv()
                except EOFError:
                    result = {"error": f"crash: the worker died (exit code {process.exitcode})"}
                process.join()
                result["seconds"] = round(elapsed, 2)
                results[index] = result
            elif not process.is_alive():
                process.join()
                results[index] = {
                    "error": f"crash: the worker died (exit code {process.exitcode})",
                    "seconds": round(elapsed, 2),
                }
            elif elapsed > timeout:
                process.kill()
                process.join()
                results[index] = {"error": f"timeout after {timeout:.0f} s", "seconds": round(elapsed, 2)}
            else:
                still.append((index, process, receive, started))
        running = still
        if running:
            time.sleep(0.02)
    return [r or {"error": "not run"} for r in results]


def score(entries: list[Entry], root: Path, jobs: int, timeout: float, quiet: bool = False) -> dict:
    """Build and compare every entry; returns the machine-readable results."""
    texts = root / "texts"
    present = [e for e in entries if (texts / f"{e.id}.txt").is_file()]
    absent = [e.id for e in entries if e not in present]
    if absent:
        print(f"not laid out (run layout first), left out: {', '.join(absent)}", file=sys.stderr)
    measured = run_all([str(texts / f"{e.id}.txt") for e in present], jobs, timeout)
    rows = [judge(entry, got) for entry, got in zip(present, measured, strict=True)]
    for row in rows:
        if not quiet or not row["ok"]:
            print(row_line(row))
    return {"booksmith": booksmith_version(), "results": rows, "summary": summary(rows)}


def judge(entry: Entry, got: dict) -> dict:
    """One text's row: what the build held (`got`, kept so labels can be re-judged) and each field's verdict."""
    row: dict = {"id": entry.id, "kind": entry.kind, "seconds": got.get("seconds"), "got": got}
    if "error" in got:
        row.update(ok=False, error=got["error"], fields={})
    else:
        verdicts = compare(entry.labels, got)
        row.update(ok=all(v["ok"] for v in verdicts.values()), error=None, fields=verdicts, warnings=got["warnings"])
    return row


def rejudge(entries: list[Entry], result: dict) -> dict:
    """A saved --json result judged again against the current labels, without building anything.

    For label fixes: the build did not change, only what it is compared with. Rows of texts
    no longer listed are dropped; texts not in the saved result are left out.
    """
    by_id = {e.id: e for e in entries}
    rows = []
    for old in result["results"]:
        entry = by_id.get(old["id"])
        if entry is None:
            continue
        got = old.get("got") or _got_from_fields(old)
        rows.append(judge(entry, got))
    return {"booksmith": result.get("booksmith", "?"), "results": rows, "summary": summary(rows)}


def _got_from_fields(row: dict) -> dict:
    """What a build held, rebuilt from an older result's verdicts (results saved before rows kept `got`)."""
    if row["error"]:
        return {"error": row["error"], "seconds": row.get("seconds")}
    got = {name: verdict["got"] for name, verdict in row["fields"].items()}
    got.setdefault("first_chapter", "")
    got.setdefault("last_chapter", "")
    got["warnings"] = row.get("warnings", 0)
    got["seconds"] = row.get("seconds")
    return got


def row_line(row: dict) -> str:
    """One text's verdicts on one line: `ok` per field, or `got X want Y`."""
    head = f"{'OK  ' if row['ok'] else 'FAIL'} {row['id']} [{row['kind']}]"
    if row["error"]:
        return f"{head} error: {row['error']}"
    cells = []
    for name in FIELDS:
        verdict = row["fields"].get(name)
        if verdict is None:
            continue
        if verdict["ok"]:
            cells.append(f"{name} ok")
        else:
            got = verdict["got"] if name != "words" else str(verdict["got"])[:120]
            cells.append(f"{name} got {got!r} want {verdict['want']!r}")
    return f"{head} " + "; ".join(cells)


def summary(rows: list[dict]) -> dict:
    """Fully right overall, per field and per kind."""
    total = len(rows)
    right = sum(1 for r in rows if r["ok"])
    per_field = {}
    for name in FIELDS:
        judged = [r for r in rows if r["error"] or name in r["fields"]]
        per_field[name] = [sum(1 for r in judged if not r["error"] and r["fields"][name]["ok"]), len(judged)]
    kinds = Counter(r["kind"] for r in rows)
    per_kind = {k: [sum(1 for r in rows if r["kind"] == k and r["ok"]), n] for k, n in sorted(kinds.items())}
    return {
        "right": right,
        "total": total,
        "percent": round(100 * right / total, 1) if total else 0.0,
        "errors": sum(1 for r in rows if r["error"]),
        "fields": per_field,
        "kinds": per_kind,
    }


def summary_text(result: dict) -> str:
    s = result["summary"]
    lines = [f"{s['right']} of {s['total']} fully right ({s['percent']}%); {s['errors']} failed to build"]
    lines.append("per field: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in s["fields"].items()))
    lines.append("per kind:  " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in s["kinds"].items()))
    return "\n".join(lines)


def booksmith_version() -> str:
    """The booksmith commit (and a + when the work tree has changes) the results were made with."""
    try:
        import booksmith

        where = Path(booksmith.__file__).resolve().parent
        head = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--", "."], capture_output=True, text=True, check=True
        )
        return head.stdout.strip() + ("+" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError, ImportError):
        return "unknown"


# --- diff -------------------------------------------------------------------------------------


def diff(before: dict, after: dict) -> str:
    """What changed between two --json runs: texts fixed, texts broken, fields that moved."""
    old = {r["id"]: r for r in before["results"]}
    new = {r["id"]: r for r in after["results"]}
    lines = [f"before {before.get('booksmith', '?')}: " + summary_text(before).splitlines()[0]]
    lines.append(f"after  {after.get('booksmith', '?')}: " + summary_text(after).splitlines()[0])
    for label, test in (
        ("fixed", lambda a, b: not a["ok"] and b["ok"]),
        ("broken", lambda a, b: a["ok"] and not b["ok"]),
    ):
        ids = [i for i in new if i in old and test(old[i], new[i])]
        lines.append(f"{label} ({len(ids)}): {', '.join(ids) if ids else '-'}")
    changed = []
    for i in new:
        if i not in old or old[i]["ok"] or new[i]["ok"]:
            continue
        a, b = old[i], new[i]
        if a["error"] != b["error"] or any(
            a["fields"].get(f, {}).get("got") != b["fields"].get(f, {}).get("got") for f in FIELDS
        ):
            changed.append(f"  {i}: {row_line(b)}")
    if changed:
        lines.append("still failing, but different:")
        lines.extend(changed)
    only = sorted(set(old) ^ set(new))
    if only:
        lines.append(f"in one run only: {', '.join(only)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    lay = commands.add_parser("layout", help="write texts/<id>.txt from the snapshots in the mirror")
    lay.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    lay.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR)
    run = commands.add_parser("score", help="build every text and compare with its labels")
    run.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    run.add_argument("--only", nargs="+", metavar="ID", help="score only these ids")
    run.add_argument("--kind", action="append", choices=KINDS, help="score only texts of this kind (repeatable)")
    run.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON")
    run.add_argument("-j", "--jobs", type=int, default=2, help="texts built at once (default 2)")
    run.add_argument("--timeout", type=float, default=600, help="seconds one text may take (default 600)")
    run.add_argument("-q", "--quiet", action="store_true", help="print only the failing rows and the summary")
    compared = commands.add_parser("diff", help="compare two --json results")
    compared.add_argument("before", type=Path)
    compared.add_argument("after", type=Path)
    again = commands.add_parser("rejudge", help="judge a saved --json result again against the current labels")
    again.add_argument("results", type=Path)
    again.add_argument("--json", type=Path, metavar="OUT", help="write the re-judged results as JSON")
    again.add_argument("-q", "--quiet", action="store_true", help="print only the failing rows and the summary")
    commands.add_parser("check", help="only check the lists (fields, ids, kinds)")
    args = parser.parse_args(argv)

    try:
        if args.command == "diff":
            print(diff(json.loads(args.before.read_text()), json.loads(args.after.read_text())))
            return 0
        entries = load_list()
    except (CorpusError, OSError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.command == "check":
        kinds = Counter(e.kind for e in entries)
        print(f"{len(entries)} texts: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
        return 0
    if args.command == "layout":
        return layout(entries, args.root, args.mirror)
    if args.command == "rejudge":
        try:
            result = rejudge(entries, json.loads(args.results.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError, KeyError) as error:
            print(f"error: {args.results}: not a score --json result ({error})", file=sys.stderr)
            return 1
        for row in result["results"]:
            if not args.quiet or not row["ok"]:
                print(row_line(row))
        print(summary_text(result))
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    if args.only:
        unknown = set(args.only) - {e.id for e in entries}
        if unknown:
            print(f"error: no text with id {', '.join(sorted(unknown))}", file=sys.stderr)
            return 1
        entries = [e for e in entries if e.id in args.only]
    if args.kind:
        entries = [e for e in entries if e.kind in args.kind]
    result = score(entries, args.root, max(1, args.jobs), args.timeout, quiet=args.quiet)
    print(summary_text(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
