"""Benchmark whole builds: EPUB of a large generated novel, PDF of a short story, `--help` start-up.

Usage: python benchmarks/build.py [TEXT] [--words N] [--pdf-story PATH]

Each measurement runs the real command in a fresh process and reports wall
time and that process's peak memory (max RSS). Targets (issue 2): EPUB of a
150k-word text < 2 s; PDF of the sample story < 5 s; `booksmith --help` < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SAMPLE = ROOT.parent / "shared" / "samples" / "portal-story.txt"


def generate_novel(words: int, chapters: int = 60) -> str:
    """A long text made by repeating the examples' paragraphs under numbered chapter headings."""
    paragraphs = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paragraphs += [re.sub(r"\s*\n\s*", " ", p).strip() for p in re.split(r"\n\s*\n", text) if len(p) > 80]
    per_chapter = words // chapters
    parts, index = [], 0
    for number in range(1, chapters + 1):
        parts.append(f"Chapter {number}")
        count = 0
        while count < per_chapter:
            paragraph = paragraphs[index % len(paragraphs)]
            parts.append(paragraph)
            count += len(paragraph.split())
            index += 1
            if index % 25 == 0:
                parts.append("* * *")
    return "\n\n".join(parts) + "\n"


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak MB of one command run in a child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text", nargs="?", type=Path, help="a text to build (default: a generated novel)")
    parser.add_argument("--words", type=int, default=150_000, help="size of the generated novel")
    parser.add_argument(
        "--pdf-story", type=Path, default=SAMPLE if SAMPLE.exists() else EXAMPLES / "the-lighthouse-keeper.txt"
    )
    args = parser.parse_args()
    booksmith = shutil.which("booksmith") or sys.exit("booksmith is not installed: pip install .")
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        text = args.text
        if text is None:
            text = work_dir / "novel.txt"
            text.write_text(generate_novel(args.words), encoding="utf-8")
        size = text.stat().st_size / 1e6
        count = len(text.read_text(encoding="utf-8").split())
        rows = [
            ("booksmith --help", *measure([booksmith, "--help"]), 0.5),
            (
                f"EPUB of {text.name} ({count:,} words, {size:.1f} MB)",
                *measure([booksmith, "build", str(text), "-f", "epub", "-o", str(work_dir / "out")]),
                2.0,
            ),
            (
                f"PDF of {args.pdf_story.name}",
                *measure([booksmith, "build", str(args.pdf_story), "-f", "pdf", "-o", str(work_dir / "out")]),
                5.0,
            ),
        ]
    print(f"{'what':<60} {'seconds':>8} {'peak MB':>8} {'target s':>9}")
    for name, seconds, peak, target in rows:
        flag = "" if seconds <= target else "  (over target)"
        print(f"{name:<60} {seconds:>8.2f} {peak:>8.0f} {target:>9.1f}{flag}")


if __name__ == "__main__":
    main()
