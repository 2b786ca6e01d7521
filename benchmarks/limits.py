"""Measure time and peak memory of building an EPUB from 1, 10 and 50 MB texts of several shapes.

Usage: python benchmarks/limits.py [--sizes 1,10,50] [--shapes prose,chapters,lines,one-line,quotes]

Each build runs in a fresh process that reads a text written beforehand, so that its peak
resident memory (VmHWM) is the build's own.
Linear behaviour shows as time and memory per MB staying flat as the size grows.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "the",
    "lamp",
    "keeper",
    "climbed",
    "stairs",
    "every",
    "evening",
    "while",
    "fog",
    "rolled",
    "over",
    "harbour",
    "and",
    "gulls",
    "cried",
    "above",
    "boats",
    "that",
    "would",
    "not",
    "come",
    "home",
    "before",
    "morning",
    "light",
    "returned",
    "across",
    "water",
]


def sentence(n: int) -> str:
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(8 + n % 9)]
    return " ".join(words).capitalize() + ("." if n % 5 else ",” she said.")


def make_text(megabytes: float, shape: str) -> str:
    """A synthetic story of about `megabytes` MB in one of the shapes the limits concern."""
    target = int(megabytes * 1024 * 1024)
    parts: list[str] = []
    size = 0
    n = 0
    while size < target:
        if shape == "chapters" and n % 6 == 0:
            piece = f"Chapter {n // 6 + 1}\n\n"  # 10,000 chapters at about 5 MB
        elif shape == "prose" and n % 400 == 0:
            piece = f"Chapter {n // 400 + 1}\n\n"
        elif shape == "lines":
            piece = WORDS[n % len(WORDS)] + "\n"
        elif shape == "one-line":
            piece = sentence(n) + " "
        elif shape == "quotes":
            # Paragraphs of 100 KB dense with single quotes that pair with nothing.
            piece = "'Tis the dogs' 'em ' " * 25 + ("\n\n" if n % 200 == 199 else "")
        else:
            piece = " ".join(sentence(n + k) for k in range(4)) + "\n\n"
        parts.append(piece)
        size += len(piece)
        n += 1
    return "".join(parts)


def write_text(path: Path, megabytes: float, shape: str) -> None:
    path.write_text(make_text(megabytes, shape), encoding="utf-8")


def peak_memory_mb() -> float:
    """The process's peak resident memory; VmHWM, unlike ru_maxrss, does not inherit the parent's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(path: Path, out: Path) -> dict[str, float]:
    from booksmith.options import BuildOptions
    from booksmith.pipeline import convert

    start = time.perf_counter()
    convert(path, out, BuildOptions(formats=("epub",)))
    seconds = time.perf_counter() - start
    peak_mb = peak_memory_mb()
    return {"seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50", help="Input sizes in MB, comma-separated.")
    parser.add_argument(
        "--shapes", default="prose,chapters,lines,one-line,quotes", help="Text shapes, comma-separated."
    )
    parser.add_argument("--one", nargs=2, metavar=("TEXT", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=3, metavar=("TEXT", "MB", "SHAPE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        write_text(Path(args.make[0]), float(args.make[1]), args.make[2])
        return
    if args.one:
        print(json.dumps(run_one(Path(args.one[0]), Path(args.one[1]))))
        return
    print(f"{'shape':<10} {'MB':>4} {'seconds':>8} {'s/MB':>6} {'peak MB':>8} {'peak/input':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for shape in args.shapes.split(","):
            for size in (float(s) for s in args.sizes.split(",")):
                text = Path(folder) / f"{shape}-{size:g}.txt"
                # Made in a process of its own, so this one stays small.
                subprocess.run([sys.executable, __file__, "--make", str(text), str(size), shape], check=True)
                done = subprocess.run(
                    [sys.executable, __file__, "--one", str(text), str(Path(folder) / "out")],
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    print(f"{shape:<10} {size:>4g} failed: {done.stderr.strip().splitlines()[-1]}")
                    continue
                result = json.loads(done.stdout)
                print(
                    f"{shape:<10} {size:>4g} {result['seconds']:>8.2f} {result['seconds'] / size:>6.2f} "
                    f"{result['peak_mb']:>8.1f} {result['peak_mb'] / size:>10.1f}"
                )
                text.unlink()


if __name__ == "__main__":
    main()
