"""Measure `booksmith batch` on generated folders: files/s for --jobs 1 and 2, re-run time, memory.

Usage: python benchmarks/batch_throughput.py [--files 500] [--large 2000] [--formats epub] [--repeat 1] [--dask 0]
       [--pdf-engine weasyprint|typst]

Targets (issue 7): EPUB only, >= 30 files/s with --jobs 2 on 2 cores; --jobs 2 >= 1.7x --jobs 1;
a re-run with nothing changed < 2 s; memory summed over all processes flat from 500 to 2,000 files.
Issue 16: `--formats pdf --pdf-engine typst` >= 10 stories/s with --jobs 2 on 2 cores.
Memory is sampled from /proc (Linux): the peak, over the run, of the summed PSS (shared pages
split between the processes that share them) and RSS of the batch process and all its descendants.
CPU time (user + system, sampled, so slightly low) is summed over the same processes: unlike
files/s it hardly depends on what else the machine runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tas",
    "vel",
    "dor",
    "an",
    "is",
    "ur",
    "em",
    "ol",
    "ith",
    "mar",
    "sen",
    "bel",
    "cor",
    "fin",
    "gal",
    "hap",
    "jun",
    "ler",
    "nov",
    "pri",
    "qua",
    "ros",
]
# The PDF engine every run uses (--pdf-engine), set once by main().
PDF_ENGINE = ["weasyprint"]
NAMES = ["Mara", "Teodor", "Ilse", "Bram", "Oona", "Kasimir", "Lene", "Piet"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def sentence(rng: random.Random) -> str:
    words = [word(rng) for _ in range(rng.randint(5, 18))]
    if rng.random() < 0.2:
        return f'"{" ".join(words).capitalize()}," said {rng.choice(NAMES)}.'
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "!"])


def story(rng: random.Random, number: int) -> str:
    """A short story of 5-20 KB: a title, sometimes chapters, paragraphs separated by blank lines."""
    target = rng.randint(5_000, 20_000)
    parts = [f"The Tale of {rng.choice(NAMES)} {number}", ""]
    chapters = rng.random() < 0.5
    chapter, size = 0, 0
    while size < target:
        if chapters and (chapter == 0 or rng.random() < 0.08):
            chapter += 1
            parts += [f"Chapter {chapter}", ""]
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 7)))
        parts += [paragraph, ""]
        size += len(paragraph) + 2
    return "\n".join(parts)


def generate(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"story-{number:05}.txt").write_text(story(rng, number), encoding="utf-8")


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
                todo += [int(c) for c in children]
        except OSError:
            pass
    return found


def cpu_seconds(pids: list[int], seen: dict[int, float]) -> None:
    """Record the CPU time (user + system) each process has used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    for member in pids:
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[member] = max(seen.get(member, 0.0), (int(fields[11]) + int(fields[12])) / tick)


def memory_kb(pid: int) -> tuple[int, int]:
    """Summed (PSS, RSS) in kB of a process and its descendants."""
    pss = rss = 0
    for member in descendants(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss


def run_batch(source: Path, output: Path, jobs: int, formats: str, *extra: str) -> dict:
    """Run the command once, sampling memory; returns seconds, peak memory and the JSON summary."""
    command = [sys.executable, "-m", "booksmith", "batch", str(source), "-o", str(output), "-f", formats]
    command += ["--jobs", str(jobs), "--json", "-q", "--pdf-engine", PDF_ENGINE[0], *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = [0, 0]
    cpu: dict[int, float] = {}

    def sample() -> None:
        while process.poll() is None:
            pss, rss = memory_kb(process.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            cpu_seconds(descendants(process.pid), cpu)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    facts = json.loads(stdout)
    return {
        "seconds": seconds,
        "cpu": sum(cpu.values()),
        "pss_mb": peak[0] / 1024,
        "rss_mb": peak[1] / 1024,
        "facts": facts,
    }


def run_on_dask(root: Path, args: argparse.Namespace) -> dict:
    """The same folder on a local Dask cluster of worker processes (their memory is not sampled)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=args.dask, threads_per_worker=1, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        result = run_batch(
            root / "small", root / "out-dask", 1, args.formats, "--executor", "dask", "--scheduler", address
        )
    assert result["facts"]["converted"] == args.files, result["facts"]
    return result


def spin(count: int) -> int:
    total = 0
    for number in range(count):
        total += number * number
    return total


def parallel_ceiling() -> float:
    """How much faster two processes do pure-Python work than one, on this machine right now.

    On an idle 2-core machine this is about 2; when other work shares the cores it drops,
    and the --jobs 2 speed-up cannot exceed it."""
    from multiprocessing import get_context

    count = 5_000_000
    started = time.perf_counter()
    spin(count)
    spin(count)
    serial = time.perf_counter() - started
    with get_context("spawn").Pool(2) as pool:
        pool.map(spin, [1, 1])  # start the workers before timing
        started = time.perf_counter()
        pool.map(spin, [count, count])
        parallel = time.perf_counter() - started
    return serial / parallel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--large", type=int, default=2000, help="folder size for the memory comparison (0: skip)")
    parser.add_argument("--formats", default="epub")
    parser.add_argument("--repeat", type=int, default=1, help="run --jobs 1 and 2 this many times; keep the fastest")
    parser.add_argument("--pdf-engine", default="weasyprint", help="weasyprint or typst, for --formats pdf")
    parser.add_argument("--dask", type=int, default=0, help="also run on a local Dask cluster of N one-thread workers")
    args = parser.parse_args()
    PDF_ENGINE[0] = args.pdf_engine
    ceiling = parallel_ceiling()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        generate(root / "small", args.files)
        best: dict[int, dict] = {}
        # Interleaved and best-of-N: on a shared machine, other work slows some runs down.
        for attempt in range(args.repeat):
            for jobs in (1, 2):
                result = run_batch(root / "small", root / f"out-{jobs}-{attempt}", jobs, args.formats)
                assert result["facts"]["converted"] == args.files, result["facts"]
                if jobs not in best or result["seconds"] < best[jobs]["seconds"]:
                    best[jobs] = result
        rows = [(f"{args.files} files, --jobs {jobs}", best[jobs]) for jobs in (1, 2)]
        rerun = run_batch(root / "small", root / "out-2-0", 2, args.formats)
        assert rerun["facts"]["skipped"] == args.files
        rows.append((f"{args.files} files, re-run, nothing changed", rerun))
        if args.dask:
            rows.append((f"{args.files} files, Dask, {args.dask} workers", run_on_dask(root, args)))
        if args.large:
            generate(root / "large", args.large, seed=11)
            large = run_batch(root / "large", root / "out-large", 2, args.formats)
            assert large["facts"]["converted"] == args.large
            rows.append((f"{args.large} files, --jobs 2", large))
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    engine = f" --pdf-engine {args.pdf_engine}" if "pdf" in args.formats else ""
    python = sys.version.split()[0]
    print(f"booksmith batch -f {args.formats}{engine} on {os.cpu_count()} cores, Python {python}, load {load}")
    print(f"{'run':<40} {'seconds':>8} {'files/s':>8} {'CPU ms/file':>12} {'peak PSS MB':>12} {'peak RSS MB':>12}")
    for name, result in rows:
        count = result["facts"]["total"]
        print(
            f"{name:<40} {result['seconds']:8.2f} {count / result['seconds']:8.1f} "
            f"{1000 * result['cpu'] / count:12.1f} {result['pss_mb']:12.0f} {result['rss_mb']:12.0f}"
        )
    one, two = rows[0][1]["seconds"], rows[1][1]["seconds"]
    print(f"speed-up of --jobs 2 over --jobs 1: {one / two:.2f}x (two processes of pure Python: {ceiling:.2f}x)")


if __name__ == "__main__":
    main()
