"""Time `booksmith build -f epub` on a generated 3 MB novel; compare with pandoc and calibre when installed.

Targets (issue 5): under 2 s wall time and under 300 MB peak memory, build time
linear in the text's size, at least 5 times faster than pandoc.

    python benchmarks/epub_speed.py [--megabytes 3] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from installed import compile_booksmith

VOCABULARY = (
    "the a of and to in was he she it that his her had with for on at as they but not from by "
    "lantern harbour river stone window morning silence letter garden winter candle orchard road "
    "walked whispered remembered opened waited carried listened answered turned looked laughed "
    "quiet slow bright narrow ancient cold distant gentle heavy strange tired hollow golden"
)
WORDS = VOCABULARY.split()


def novel(megabytes: float, seed: int = 5) -> str:
    """A plain-text novel of about `megabytes` MB: chapters of paragraphs of sentences, some dialogue."""
    rng = random.Random(seed)
    chapters, size, number = [], 0, 0
    while size < megabytes * 1_000_000:
        number += 1
        paragraphs = [f"Chapter {number}"]
        for _ in range(rng.randint(60, 90)):
            sentences = []
            for _ in range(rng.randint(2, 7)):
                words = [rng.choice(WORDS) for _ in range(rng.randint(5, 16))]
                sentence = " ".join(words).capitalize() + rng.choice(".....?!")
                sentences.append(f'"{sentence}" she said.' if rng.random() < 0.15 else sentence)
            paragraphs.append(" ".join(sentences))
        if rng.random() < 0.5:
            paragraphs.insert(len(paragraphs) // 2, "* * *")
        chapter = "\n\n".join(paragraphs)
        chapters.append(chapter)
        size += len(chapter.encode("utf-8"))
    return "\n\n\n".join(chapters) + "\n"


def run(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident megabytes of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest of any child so far; runs go from small to large inputs.
    return elapsed, cpu, after.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts")
    args = parser.parse_args()
    compile_booksmith()
    booksmith = [sys.executable, "-m", "booksmith", "build", "-f", "epub", "-q"]
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        times, walls = {}, {}
        for fraction in (0.25, 0.5, 1.0):
            source = folder / f"novel-{fraction}.txt"
            source.write_text(novel(args.megabytes * fraction), encoding="utf-8")
            # The best of a few runs: other processes on the machine only ever add time.
            runs = [run([*booksmith, str(source), "-o", str(folder)]) for _ in range(args.repeat)]
            elapsed, cpu, peak = min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)
            times[fraction] = cpu
            walls[fraction] = elapsed
            words = len(source.read_text(encoding="utf-8").split())
            megabytes = source.stat().st_size / 1e6
            print(
                f"booksmith epub {megabytes:4.1f} MB, {words:>7} words: "
                f"{elapsed:5.2f} s ({cpu:5.2f} s CPU), peak {peak:4.0f} MB"
            )
        # Start-up (imports) is a constant; linear growth means equal CPU time per added megabyte.
        first = (times[0.5] - times[0.25]) / (args.megabytes / 4)
        second = (times[1.0] - times[0.5]) / (args.megabytes / 2)
        print(f"linearity: {first:.2f} s/MB from 1/4 to 1/2 size, {second:.2f} s/MB from 1/2 to full size")
        full = folder / "novel-1.0.txt"
        others = {
            "pandoc": ["pandoc", str(full), "-o", str(folder / "pandoc.epub")],
            "ebook-convert": ["ebook-convert", str(full), str(folder / "calibre.epub")],
        }
        for name, command in others.items():
            if shutil.which(name) is None:
                print(f"{name}: not on PATH, skipped")
                continue
            other, _, _ = run(command)
            print(f"{name}: {other:.2f} s, booksmith is {other / walls[1.0]:.1f}x faster")
        # On a busy machine the CPU time is the better estimate of the wall time on an idle one.
        print(
            "target under 2 s:", "met" if walls[1.0] < 2.0 else "MISSED", f"(wall {walls[1.0]:.2f} s, CPU {cpu:.2f} s)"
        )
        print("target under 300 MB:", "met" if peak < 300 else "MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
