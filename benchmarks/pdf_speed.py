"""Time booksmith's PDF writer on a generated 150k-word, 60-chapter novel (and 2x, 4x), against pandoc and calibre.

Usage: python benchmarks/pdf_speed.py [--sizes 1,2,4] [--engines weasyprint,typst] [--no-references]

For each size it reports wall time and peak memory summed over every process of the
run (the main process and its layout workers), sampled from /proc (Linux). At 1x it
also times a bare single-pass WeasyPrint render of the same book, and
`pandoc --pdf-engine=weasyprint` and calibre's `ebook-convert` when they are on PATH.

Targets (issue 6): at least 1.5x faster than pandoc, faster than calibre, each font
embedded once, under 1 GB summed peak memory, memory growing at most linearly.
Issue 16: WeasyPrint 2x and the Typst engine (`--pdf-engine typst`) 5x faster than pandoc.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from installed import compile_booksmith
from pdf_novel import novel

SINGLE_PASS = """
import sys
from pathlib import Path
from booksmith.options import BuildOptions
from booksmith.pipeline import load
from booksmith.render import render
from booksmith.writers.pdf import single
book = load(Path(sys.argv[1]), BuildOptions()).book
single.write_pdf(render(book), BuildOptions().render, Path(sys.argv[2]))
"""


def tree_rss(root: int) -> int:
    """Resident memory in bytes of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak summed memory (bytes) of a command; raises if it fails.

    CPU time (user + system, over every process of the run) shows the work done even
    when other programs share the machine and make wall times noisy.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr.decode(errors='replace')}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, peak


def fonts_embedded(pdf: Path) -> str:
    if not shutil.which("pdffonts"):
        return "?"
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in listing.splitlines()[2:]]
    return f"{len(names)} fonts, {'each once' if len(names) == len(set(names)) else 'DUPLICATED'}"


def report(rows: list, name: str, result: tuple[float, float, int], pdf: Path) -> None:
    """Print one run's line as soon as it is measured, and keep it for the summary."""
    seconds, cpu, peak = result
    if not rows:
        print(f"{'run':<36} {'wall s':>8} {'cpu s':>7} {'peak MB':>9}  fonts", flush=True)
    rows.append((name, seconds, peak, cpu))
    print(f"{name:<36} {seconds:8.1f} {cpu:7.1f} {peak / 2**20:9.0f}  {fonts_embedded(pdf)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4", help="multiples of the 150k-word novel to time")
    parser.add_argument("--engines", default="weasyprint,typst", help="booksmith's PDF engines to time")
    parser.add_argument("--no-references", action="store_true", help="skip single-pass, pandoc and calibre")
    args = parser.parse_args()
    compile_booksmith()
    booksmith = [sys.executable, "-m", "booksmith", "build", "-f", "pdf", "-q"]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for size in (int(s) for s in args.sizes.split(",")):
            source = work / f"novel-{size}x.txt"
            source.write_text(novel(150_000 * size, 60 * size), encoding="utf-8")
            for engine in args.engines.split(","):
                command = [*booksmith, "--pdf-engine", engine, str(source), "-o", str(work / engine)]
                result = measure(command, work)
                report(rows, f"booksmith {engine} {size}x", result, work / engine / f"novel-{size}x.pdf")
            if size != 1 or args.no_references:
                continue
            result = measure([sys.executable, "-c", SINGLE_PASS, str(source), str(work / "single.pdf")], work)
            report(rows, "single-pass WeasyPrint 1x", result, work / "single.pdf")
            (work / "a5.css").write_text("@page { size: A5 }\n")
            if shutil.which("pandoc"):
                command = ["pandoc", str(source), "-o", "pandoc.pdf", "--pdf-engine=weasyprint", "--css", "a5.css"]
                report(rows, "pandoc --pdf-engine=weasyprint 1x", measure(command, work), work / "pandoc.pdf")
            else:
                print("pandoc not on PATH: skipped")
            if shutil.which("ebook-convert"):
                if os.geteuid() == 0:
                    # calibre renders PDFs with Qt WebEngine, whose sandbox refuses to run as root.
                    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
                command = ["ebook-convert", str(source), "calibre.pdf", "--paper-size", "a5"]
                report(rows, "calibre ebook-convert 1x", measure(command, work), work / "calibre.pdf")
            else:
                print("ebook-convert not on PATH: skipped")
    times = {name: seconds for name, seconds, _, _ in rows}
    targets = {"weasyprint": (("pandoc --pdf-engine=weasyprint 1x", 2.0), ("calibre ebook-convert 1x", 1.0))}
    targets["typst"] = (("pandoc --pdf-engine=weasyprint 1x", 5.0), ("calibre ebook-convert 1x", 1.0))
    for engine in args.engines.split(","):
        ours = times.get(f"booksmith {engine} 1x")
        for reference, factor in targets.get(engine, ()):
            if ours and reference in times:
                speedup = times[reference] / ours
                print(f"{engine}: {speedup:.2f}x faster than {reference.rsplit(' ', 1)[0]} (target {factor}x)")
    first = args.engines.split(",")[0]
    peaks = [(name, peak) for name, _, peak, _ in rows if name.startswith(f"booksmith {first}")]
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (wall times are only comparable on an idle machine)")
    if len(peaks) > 1:
        base = peaks[0][1]
        print("memory growth: " + ", ".join(f"{name.split()[-1]} {peak / base:.2f}x" for name, peak in peaks))


if __name__ == "__main__":
    main()
